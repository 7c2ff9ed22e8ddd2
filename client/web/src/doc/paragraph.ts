// One paragraph of the document view: label, status and bracket badges, a lock when its
// text is agreed, its live editor (bound to the paragraph's root Y.Text `p:<id>`, which
// no move or deletion ever replaces), its options and opinions, and, by right, the
// structure and governance controls (paragraphs/controls.ts).
import type { Awareness } from "y-protocols/awareness";
import type * as Y from "yjs";
import { h } from "../lib/dom";
import { t, tDyn } from "../lib/i18n";
import type { GovContext } from "../paragraphs/context";
import { type ParagraphControls, paragraphControls } from "../paragraphs/controls";
import { paragraphHistory } from "../paragraphs/history";
import { type AuthorColour, type ParagraphEditor, paragraphEditor } from "./editor";
import { type Opinion, type Paragraph, bracketCount, statusLabel, textOf } from "./schema";

/** Adds controls to a mounted paragraph (the comments' buttons); `label` reads the current label. */
export type Decorate = (pid: string, li: HTMLElement, label: () => string) => void;

/** What every paragraph of one document view shares. */
export interface ParagraphEnv {
  doc: Y.Doc;
  awareness: Awareness;
  readOnly: boolean;
  decorate?: Decorate | undefined;
  /** The commands and the caller's rights (absent on the read-only follow page). */
  gov?: GovContext | undefined;
  /** The current colouring by delegation (null: off). */
  colours(): AuthorColour | null;
  /** A paragraph's bracket count changed (the section and document totals follow). */
  bracketsChanged(): void;
  /** Say something to screen readers. */
  announce(message: string): void;
}

export interface Mounted {
  id: string;
  el: HTMLLIElement;
  rec: Paragraph;
  editor: ParagraphEditor | null;
  controls: ParagraphControls | null;
  brackets: { count: number; unbalanced: boolean };
  /** The record changed (status, label, options...): update in place, editor kept. */
  refresh(rec: Paragraph): void;
  showOpinions(list: Opinion[]): void;
  destroy(): void;
}

function optionsList(env: ParagraphEnv, m: Mounted, host: HTMLElement): void {
  host.replaceChildren();
  const { options, label } = m.rec;
  host.hidden = options.length === 0;
  for (const o of options) {
    const who = o.proposers.length ? ` (${o.proposers.join(", ")})` : "";
    const li = h("li", { class: "rt-option", "data-option": o.id }, h("strong", {}, o.label), who + ": ", h("span", { class: "rt-option-text" }, o.text));
    if (env.gov?.rights.govern) {
      const rm = h("button", { type: "button", class: "rt-option-remove", "aria-label": t("removeOptionLabel", { option: o.label, label }) }, t("remove"));
      rm.addEventListener("click", () => void env.gov!.run(() => env.gov!.api.removeOption(m.id, o.id)));
      li.append(" ", rm);
    }
    host.appendChild(li);
  }
}

/** The opinions on one paragraph or section, each with the delegations holding it. */
export function opinionItems(gov: GovContext | undefined, host: HTMLElement, list: Opinion[], where: string): void {
  host.replaceChildren();
  host.hidden = list.length === 0;
  for (const o of list) {
    const li = h("li", { class: "rt-opinion", "data-opinion": o.id }, h("span", { class: "rt-opinion-who" }, t("opinionHeldBy", { delegations: o.delegations.join(", ") })), " ", h("span", { class: "rt-opinion-text" }, o.text));
    if (gov?.rights.govern) {
      const rm = h("button", { type: "button", class: "rt-opinion-remove", "aria-label": t("removeOpinionLabel", { where, delegations: o.delegations.join(", ") }) }, t("remove"));
      rm.addEventListener("click", () => void gov.run(() => gov.api.removeOpinion(o.id)));
      li.append(" ", rm);
    }
    host.appendChild(li);
  }
}

export function mountParagraph(env: ParagraphEnv, rec: Paragraph): Mounted {
  const id = rec.id;
  const ytext = textOf(env.doc, id);
  const labelEl = h("span", { class: "rt-label" }, rec.label);
  const status = h("span", { class: "rt-badge rt-para-status" });
  const lock = h("span", { class: "rt-lock", role: "img" }, "🔒");
  const bracketed = h("span", { class: "rt-badge rt-bracket-count" });
  const tags = h("span", { class: "rt-tags" });
  const badges = h("div", { class: "rt-badges" }, status, lock, bracketed, tags);
  const editorHost = h("div", { class: "rt-editor" });
  const options = h("ul", { class: "rt-options", "aria-label": t("optionsOf", { label: rec.label }) });
  const opinionsHost = h("ul", { class: "rt-opinions", "aria-label": t("opinionsOn", { label: rec.label }) });
  const li = h("li", { class: "rt-paragraph", "data-id": id }, labelEl, badges, editorHost, options, opinionsHost);
  const canEditLocked = env.gov?.rights.editLocked ?? false;

  const renderBrackets = (): void => {
    const b = bracketCount(ytext.toString());
    const changed = b.count !== m.brackets.count || b.unbalanced !== m.brackets.unbalanced;
    m.brackets = b;
    bracketed.hidden = b.count === 0 && !b.unbalanced;
    bracketed.textContent = b.unbalanced ? t("bracketedUnbalanced", { n: b.count }) : t("bracketedN", { n: b.count });
    bracketed.dataset["count"] = String(b.count);
    if (changed) env.bracketsChanged();
  };

  const m: Mounted = {
    id,
    el: li,
    rec,
    editor: null,
    controls: null,
    brackets: { count: -1, unbalanced: false },
    refresh(now: Paragraph) {
      m.rec = now;
      li.className = "rt-paragraph rt-kind-" + (now.kind || "text");
      li.dataset["status"] = now.status;
      li.dataset["locked"] = String(now.locked);
      labelEl.textContent = now.label;
      status.textContent = statusLabel(now.status);
      status.className = "rt-badge rt-para-status rt-st-" + now.status;
      status.setAttribute("aria-label", t("statusOf", { label: now.label, status: statusLabel(now.status) }));
      lock.hidden = !now.locked;
      lock.setAttribute("aria-label", t(canEditLocked ? "lockedOfficer" : "locked", { label: now.label }));
      tags.textContent = [now.sequence && tDyn("seq", now.sequence), now.proposers.join(", "), now.supporters.length ? t("supportedBy", { list: now.supporters.join(", ") }) : ""]
        .filter(Boolean)
        .join(" · ");
      options.setAttribute("aria-label", t("optionsOf", { label: now.label }));
      opinionsHost.setAttribute("aria-label", t("opinionsOn", { label: now.label }));
      m.editor?.setLocked(now.locked && !canEditLocked);
      optionsList(env, m, options);
      m.controls?.refresh(now);
      history?.changed(now.label);
    },
    showOpinions(list) {
      opinionItems(env.gov, opinionsHost, list, m.rec.label);
    },
    destroy() {
      history?.destroy();
      ytext.unobserve(onText);
      m.editor?.view.destroy();
    },
  };
  const onText = (): void => renderBrackets();
  ytext.observe(onText);
  m.editor = paragraphEditor(editorHost, ytext, env.awareness, env.readOnly, t("paragraphText", { label: rec.label }), rec.locked && !canEditLocked);
  const colours = env.colours();
  if (colours) m.editor.setAuthorColours(colours);
  if (env.gov && !env.readOnly) {
    m.controls = paragraphControls(env.gov, m);
    li.append(...m.controls.els);
  }
  const history = env.gov ? paragraphHistory(env.gov, id, rec.label) : null;
  if (history) li.appendChild(h("div", { class: "rt-history-box" }, ...history.els));
  m.refresh(rec);
  renderBrackets();
  env.decorate?.(id, li, () => m.rec.label);
  return m;
}
