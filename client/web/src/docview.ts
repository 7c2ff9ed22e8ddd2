// The document view: sections with numbered paragraphs, each a live CodeMirror editor.
import type { EditorView } from "@codemirror/view";
import type { Awareness } from "y-protocols/awareness";
import * as Y from "yjs";
import { h, clear } from "./dom";
import { t, tDyn } from "./i18n";
import {
  SECTIONS,
  type Section,
  addParagraph,
  deleteParagraph,
  field,
  moveParagraph,
  nextLabel,
  paragraphs,
  textOf,
} from "./schema";
import { paragraphEditor } from "./editor";

interface Mounted {
  el: HTMLElement;
  /** The paragraph's current Y.Map: a move replaces it (same id, new Y.Text). */
  para: Y.Map<unknown>;
  editor: EditorView | null;
  editorHost: HTMLElement;
  labelEl: HTMLElement;
  moveUp: HTMLButtonElement | null;
  moveDown: HTMLButtonElement | null;
  unobserve: () => void;
}

export interface DocView {
  el: HTMLElement;
  destroy(): void;
}

/** Adds controls to a mounted paragraph (the comments' buttons); `label` reads the current label. */
export type Decorate = (pid: string, li: HTMLElement, label: () => string) => void;

export function documentView(doc: Y.Doc, awareness: Awareness, readOnly: boolean, decorate?: Decorate): DocView {
  const root = h("div", { class: "rt-doc" });
  // Says where a moved paragraph went (screen readers); the focus stays on its button.
  const status = h("p", { class: "rt-visually-hidden", role: "status", "aria-live": "polite" });
  root.appendChild(status);
  const announce = (message: string): void => {
    status.textContent = message;
  };
  const sectionBodies = new Map<Section, HTMLElement>();
  for (const section of SECTIONS) {
    const body = h("ol", { class: "rt-paragraphs", "data-section": section });
    const heading = h("h2", { id: "section-" + section }, tDyn("section", section));
    const sec = h("section", { class: "rt-section", "aria-labelledby": "section-" + section }, heading, body);
    if (!readOnly) sec.appendChild(addControl(section));
    root.appendChild(sec);
    sectionBodies.set(section, body);
  }

  function addControl(section: Section): HTMLElement {
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
      mounted.get(pid)?.el.querySelector<HTMLElement>(".cm-content")?.focus();
    });
    return form;
  }

  const mounted = new Map<string, Mounted>();

  function mount(para: Y.Map<unknown>): Mounted {
    const id = field(para, "id");
    const label = field(para, "label");
    const kind = field(para, "kind");
    const labelEl = h("span", { class: "rt-label" }, label);
    const editorHost = h("div", { class: "rt-editor" });
    const li = h("li", { class: "rt-paragraph rt-kind-" + (kind || "text"), "data-id": id }, labelEl, editorHost);
    const m: Mounted = { el: li, para, editor: null, editorHost, labelEl, moveUp: null, moveDown: null, unobserve: () => {} };
    const proposer = field(para, "proposer");
    const sequence = field(para, "sequence");
    if (proposer || sequence) {
      li.insertBefore(h("span", { class: "rt-tags" }, [sequence, proposer].filter(Boolean).join(" · ")), editorHost);
    }
    if (!readOnly) {
      const moves = h("span", { class: "rt-move", role: "group", "aria-label": t("moveGroup", { label }) });
      const moveButton = (step: -1 | 1): HTMLButtonElement => {
        const btn = h(
          "button",
          { type: "button", class: step < 0 ? "rt-move-up" : "rt-move-down", "aria-label": t(step < 0 ? "moveUpLabel" : "moveDownLabel", { label }), title: t(step < 0 ? "moveUp" : "moveDown") },
          h("span", { "aria-hidden": "true" }, step < 0 ? "↑" : "↓"),
        );
        btn.addEventListener("click", () => {
          if (!moveParagraph(doc, id, step)) return;
          // The move may have re-inserted this element: keep the keyboard where it was,
          // or on the other button once this one is disabled (top or bottom of the section).
          const other = step < 0 ? m.moveDown : m.moveUp;
          (btn.disabled ? other : btn)?.focus();
          announce(t(step < 0 ? "movedUp" : "movedDown", { label: field(m.para, "label") }));
        });
        moves.appendChild(btn);
        return btn;
      };
      m.moveUp = moveButton(-1);
      m.moveDown = moveButton(1);
      li.appendChild(moves);
      const del = h("button", { type: "button", class: "rt-delete", "aria-label": t("deleteParagraph", { label }) }, "×");
      del.addEventListener("click", () => deleteParagraph(doc, id));
      li.appendChild(del);
    }
    decorate?.(id, li, () => field(m.para, "label"));
    bind(m, para);
    return m;
  }

  /** Bind a mounted paragraph to `para`: its editor to `para`'s Y.Text, its label to `para`. */
  function bind(m: Mounted, para: Y.Map<unknown>): void {
    m.unobserve();
    m.editor?.destroy();
    clear(m.editorHost);
    m.para = para;
    const label = field(para, "label");
    m.labelEl.textContent = label;
    const text = textOf(para);
    m.editor = text ? paragraphEditor(m.editorHost, text, awareness, readOnly, t("paragraphText", { label })) : null;
    const onMeta = (ev: Y.YMapEvent<unknown>): void => {
      if (!ev.keysChanged.has("label")) return;
      const now = field(para, "label");
      m.labelEl.textContent = now;
      m.moveUp?.setAttribute("aria-label", t("moveUpLabel", { label: now }));
      m.moveDown?.setAttribute("aria-label", t("moveDownLabel", { label: now }));
    };
    para.observe(onMeta);
    m.unobserve = () => para.unobserve(onMeta);
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
        m = mount(para);
        mounted.set(id, m);
      } else if (m.para !== para) {
        // Moved (deleted and re-inserted with the same id): rebind to the new Y.Text,
        // keeping the caret if this editor had the focus.
        const had = m.editor?.hasFocus ? m.editor.state.selection.main : null;
        bind(m, para);
        const view = m.editor;
        if (had && view) {
          refocus = () => {
            const len = view.state.doc.length;
            view.focus();
            view.dispatch({ selection: { anchor: Math.min(had.anchor, len), head: Math.min(had.head, len) } });
          };
        }
      }
      const section = (SECTIONS as readonly string[]).includes(field(para, "section"))
        ? (field(para, "section") as Section)
        : "conclusion";
      const list = order.get(section) ?? [];
      list.push(m.el);
      order.set(section, list);
    }
    for (const [id, m] of mounted) {
      if (!seen.has(id)) {
        m.editor?.destroy();
        m.unobserve();
        m.el.remove();
        mounted.delete(id);
      }
    }
    for (const section of SECTIONS) {
      const body = sectionBodies.get(section)!;
      const wanted = order.get(section) ?? [];
      if (wanted.length === 0) {
        if (!body.querySelector(".rt-empty")) {
          clear(body);
          body.appendChild(h("li", { class: "rt-empty" }, t("emptySection")));
        }
        continue;
      }
      body.querySelector(".rt-empty")?.remove();
      wanted.forEach((el, i) => {
        const m = mounted.get(el.dataset["id"] ?? "");
        if (m?.moveUp) m.moveUp.disabled = i === 0;
        if (m?.moveDown) m.moveDown.disabled = i === wanted.length - 1;
      });
      // Move only what moved, so a focused editor keeps its focus.
      wanted.forEach((el, i) => {
        if (body.children[i] !== el) body.insertBefore(el, body.children[i] ?? null);
      });
      while (body.children.length > wanted.length) body.lastElementChild!.remove();
    }
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
      for (const m of mounted.values()) {
        m.editor?.destroy();
        m.unobserve();
      }
      mounted.clear();
    },
  };
}
