// Drafting a questionnaire from a breakout group's draft: pick a document of the group,
// tick the paragraphs that are questions, import them (they land before the comments
// question, in the order ticked, and are co-edited like the rest of the draft).
import { getJson, sendJson } from "../api/http";
import type { Answer } from "../api/types";
import { h } from "../lib/dom";
import { t } from "../lib/i18n";
import { errorText } from "./common";
import type { Questionnaire } from "./types";

type Documents = Answer<"/api/groups/{gid}/documents">;
type Content = Answer<"/api/documents/{document}">;

export function importForm(q: Questionnaire, done: (got: Questionnaire, n: number) => void): HTMLElement {
  const doc = h("select", { id: "import-document" });
  const list = h("fieldset", { class: "rt-fieldset rt-import-list" }, h("legend", {}, t("importParagraphs")));
  const error = h("p", { class: "rt-error", role: "alert" });
  const ticked: string[] = [];
  const form = h(
    "form",
    { class: "rt-q-import", "aria-labelledby": "import-title" },
    h("h2", { id: "import-title" }, t("importTitle")),
    h("div", { class: "rt-field" }, h("label", { for: "import-document" }, t("importDocument")), doc),
    list,
    error,
    h("button", { type: "submit" }, t("importButton")),
  );
  const load = async (): Promise<void> => {
    ticked.length = 0;
    list.replaceChildren(h("legend", {}, t("importParagraphs")));
    if (!doc.value) return;
    const content = await getJson<Content>(`/api/documents/${encodeURIComponent(doc.value)}`);
    for (const p of content.paragraphs.filter((x) => x.status !== "deleted" && x.text.trim())) {
      const id = "import-" + p.id;
      const box = h("input", { type: "checkbox", id, value: p.id });
      box.addEventListener("change", () => {
        const at = ticked.indexOf(p.id);
        if (box.checked && at < 0) ticked.push(p.id);
        if (!box.checked && at >= 0) ticked.splice(at, 1);
      });
      list.appendChild(h("div", { class: "rt-check" }, box, h("label", { for: id }, `${p.label}: ${p.text}`)));
    }
  };
  void getJson<Documents>(`/api/groups/${q.group_id}/documents`)
    .then((docs) => {
      doc.replaceChildren(...docs.documents.filter((d) => d.name !== q.draft_document).map((d) => h("option", { value: d.name }, `${d.title} (${d.kind})`)));
      const breakout = docs.documents.find((d) => d.kind === "breakout");
      if (breakout) doc.value = breakout.name;
      return load();
    })
    .catch((err: unknown) => (error.textContent = errorText(err)));
  doc.addEventListener("change", () => void load().catch((err: unknown) => (error.textContent = errorText(err))));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    error.textContent = "";
    if (ticked.length === 0) {
      error.textContent = t("importNone");
      return;
    }
    const n = ticked.length;
    sendJson<Questionnaire>("POST", `/api/questionnaires/${q.id}/import`, { document: doc.value, paragraph_ids: [...ticked] })
      .then((got) => {
        void load();
        done(got, n);
      })
      .catch((err: unknown) => (error.textContent = errorText(err)));
  });
  return form;
}
