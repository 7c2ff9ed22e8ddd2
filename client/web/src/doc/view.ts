// The document view: sections with numbered paragraphs, each a live CodeMirror editor.
import type { Awareness } from "y-protocols/awareness";
import * as Y from "yjs";
import { clear, h, place } from "../lib/dom";
import { t, tDyn } from "../lib/i18n";
import { type Decorate, type Mounted, type ParagraphEnv, mountParagraph, rebindMoved, unmountParagraph } from "./paragraph";
import { SECTIONS, type Section, addParagraph, field, nextLabel, paragraphs } from "./schema";

export type { Decorate } from "./paragraph";

export interface DocView {
  el: HTMLElement;
  destroy(): void;
}

/** The form adding a paragraph at the end of `section`; `added` gets the new id. */
function addControl(doc: Y.Doc, section: Section, added: (pid: string) => void): HTMLElement {
  const id = "new-label-" + section;
  const input = h("input", { id, type: "text", maxlength: 32, size: 8, class: "rt-new-label" });
  const form = h(
    "form",
    { class: "rt-add", "data-section": section },
    h("label", { for: id, class: "rt-visually-hidden" }, t("newLabel", { section: tDyn("section", section) })),
    input,
    h("button", { type: "submit" }, t("addParagraph")),
  );
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const label = input.value.trim() || nextLabel(doc, section);
    const pid = addParagraph(doc, section, label);
    input.value = "";
    added(pid);
  });
  return form;
}

function sectionOf(para: Y.Map<unknown>): Section {
  const s = field(para, "section");
  return (SECTIONS as readonly string[]).includes(s) ? (s as Section) : "conclusion";
}

/** Show `wanted` (a section's paragraphs, in order) in `body`, or the "empty" line. */
function placeSection(body: HTMLElement, wanted: HTMLElement[], mounted: Map<string, Mounted>): void {
  if (wanted.length === 0) {
    if (!body.querySelector(".rt-empty")) {
      clear(body);
      body.appendChild(h("li", { class: "rt-empty" }, t("emptySection")));
    }
    return;
  }
  body.querySelector(".rt-empty")?.remove();
  wanted.forEach((el, i) => {
    const m = mounted.get(el.dataset["id"] ?? "");
    if (m?.moveUp) m.moveUp.disabled = i === 0;
    if (m?.moveDown) m.moveDown.disabled = i === wanted.length - 1;
  });
  // Move only what moved, so a focused editor keeps its focus.
  place(body, wanted);
}

export function documentView(doc: Y.Doc, awareness: Awareness, readOnly: boolean, decorate?: Decorate): DocView {
  const root = h("div", { class: "rt-doc" });
  // Says where a moved paragraph went (screen readers); the focus stays on its button.
  const status = h("p", { class: "rt-visually-hidden", role: "status", "aria-live": "polite" });
  root.appendChild(status);
  const env: ParagraphEnv = { doc, awareness, readOnly, decorate, announce: (message) => (status.textContent = message) };
  const mounted = new Map<string, Mounted>();
  const focusNew = (pid: string): void => mounted.get(pid)?.el.querySelector<HTMLElement>(".cm-content")?.focus();
  const sectionBodies = new Map<Section, HTMLElement>();
  for (const section of SECTIONS) {
    const body = h("ol", { class: "rt-paragraphs", "data-section": section });
    const heading = h("h2", { id: "section-" + section }, tDyn("section", section));
    const sec = h("section", { class: "rt-section", "aria-labelledby": "section-" + section }, heading, body);
    if (!readOnly) sec.appendChild(addControl(doc, section, focusNew));
    root.appendChild(sec);
    sectionBodies.set(section, body);
  }

  // Reconcile the DOM with the paragraphs array: keep mounted editors, add new, drop deleted.
  function render(): void {
    const seen = new Set<string>();
    let refocus: (() => void) | null = null;
    const order = new Map<Section, HTMLElement[]>();
    for (const para of paragraphs(doc)) {
      if (!(para instanceof Y.Map)) continue;
      const id = field(para, "id");
      if (!id || seen.has(id)) continue;
      seen.add(id);
      let m = mounted.get(id);
      if (!m) {
        m = mountParagraph(env, para);
        mounted.set(id, m);
      } else if (m.para !== para) {
        // Moved (deleted and re-inserted with the same id): keep the caret if it had the focus.
        refocus = rebindMoved(env, m, para) ?? refocus;
      }
      const section = sectionOf(para);
      order.set(section, [...(order.get(section) ?? []), m.el]);
    }
    for (const [id, m] of mounted) {
      if (!seen.has(id)) {
        unmountParagraph(m);
        m.el.remove();
        mounted.delete(id);
      }
    }
    for (const section of SECTIONS) placeSection(sectionBodies.get(section)!, order.get(section) ?? [], mounted);
    // After the DOM moves: the editor of a paragraph moved by someone else keeps the caret.
    refocus?.();
  }

  const arr = paragraphs(doc);
  const onArray = (): void => render();
  arr.observe(onArray);
  render();
  return {
    el: root,
    destroy() {
      arr.unobserve(onArray);
      for (const m of mounted.values()) unmountParagraph(m);
      mounted.clear();
    },
  };
}
