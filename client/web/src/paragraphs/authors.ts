// "Colour by delegation": a toggle that colours each run of text by the delegation whose
// Yjs client typed it (GET /api/documents/D/authors maps client ids to people, their
// delegation and its colour; the map survives the server's compaction). A legend names
// the colours. Client ids first seen after the map was read fetch it again (at most
// every few seconds), so new typists get their colour too.
import type * as Y from "yjs";
import { h } from "../lib/dom";
import { t } from "../lib/i18n";
import type { AuthorColour } from "../doc/editor";
import type { DocView } from "../doc/view";
import type { Authors, ParagraphApi } from "./api";

const REFETCH_MS = 3000;

export function colourToggle(api: ParagraphApi, doc: Y.Doc, view: DocView): HTMLElement {
  const box = h("input", { type: "checkbox", id: "rt-colour-toggle", class: "rt-colour-toggle" });
  const legend = h("ul", { class: "rt-colour-legend", hidden: true, "aria-label": t("colourLegend") });
  let byClient = new Map<number, { colour: string; delegation: string }>();
  let lastFetch = 0;
  let fetching = false;

  const apply = (authors: Authors): void => {
    byClient = new Map(authors.authors.map((a) => [a.client_id, { colour: a.colour, delegation: a.delegation ?? a.name }]));
    legend.replaceChildren();
    for (const d of authors.delegations) {
      const dot = h("span", { class: "rt-dot", "aria-hidden": "true" });
      if (/^#[0-9a-f]{3,8}$/i.test(d.colour)) dot.style.backgroundColor = d.colour;
      legend.appendChild(h("li", { "data-delegation": d.delegation }, dot, " ", d.delegation));
    }
    const colourOf: AuthorColour = (client) => byClient.get(client) ?? null;
    view.setColours(box.checked ? colourOf : null);
  };
  const load = async (): Promise<void> => {
    if (fetching) return;
    fetching = true;
    lastFetch = Date.now();
    try {
      apply(await api.authors());
    } catch {
      // Shown plain until the map can be read.
    } finally {
      fetching = false;
    }
  };
  box.addEventListener("change", () => {
    legend.hidden = !box.checked;
    if (box.checked) void load();
    else view.setColours(null);
  });
  // A client id the map does not know yet: read it again (throttled).
  doc.on("update", (_u: Uint8Array, _origin: unknown, _d: Y.Doc, tr: Y.Transaction) => {
    if (!box.checked || Date.now() - lastFetch < REFETCH_MS) return;
    for (const client of tr.afterState.keys()) {
      if (!byClient.has(client)) {
        void load();
        return;
      }
    }
  });
  return h("div", { class: "rt-colour" }, box, " ", h("label", { for: box.id }, t("colourByDelegation")), legend);
}
