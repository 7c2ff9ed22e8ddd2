// One paragraph of the document view: label, tags, its live editor and, for editors,
// move up / down and delete buttons.
import type { EditorView } from "@codemirror/view";
import type { Awareness } from "y-protocols/awareness";
import type * as Y from "yjs";
import { clear, h } from "../lib/dom";
import { t } from "../lib/i18n";
import { paragraphEditor } from "./editor";
import { deleteParagraph, field, moveParagraph, textOf } from "./schema";

/** Adds controls to a mounted paragraph (the comments' buttons); `label` reads the current label. */
export type Decorate = (pid: string, li: HTMLElement, label: () => string) => void;

/** What every paragraph of one document view shares. */
export interface ParagraphEnv {
  doc: Y.Doc;
  awareness: Awareness;
  readOnly: boolean;
  decorate?: Decorate | undefined;
  /** Say where a moved paragraph went (screen readers). */
  announce(message: string): void;
}

export interface Mounted {
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

function moveButton(env: ParagraphEnv, m: Mounted, id: string, label: string, step: -1 | 1): HTMLButtonElement {
  const btn = h(
    "button",
    { type: "button", class: step < 0 ? "rt-move-up" : "rt-move-down", "aria-label": t(step < 0 ? "moveUpLabel" : "moveDownLabel", { label }), title: t(step < 0 ? "moveUp" : "moveDown") },
    h("span", { "aria-hidden": "true" }, step < 0 ? "↑" : "↓"),
  );
  btn.addEventListener("click", () => {
    if (!moveParagraph(env.doc, id, step)) return;
    // The move may have re-inserted this element: keep the keyboard where it was,
    // or on the other button once this one is disabled (top or bottom of the section).
    const other = step < 0 ? m.moveDown : m.moveUp;
    (btn.disabled ? other : btn)?.focus();
    env.announce(t(step < 0 ? "movedUp" : "movedDown", { label: field(m.para, "label") }));
  });
  return btn;
}

/** Move up / down and delete: only for those who may edit. */
function editControls(env: ParagraphEnv, m: Mounted, id: string, label: string): void {
  const moves = h("span", { class: "rt-move", role: "group", "aria-label": t("moveGroup", { label }) });
  m.moveUp = moveButton(env, m, id, label, -1);
  m.moveDown = moveButton(env, m, id, label, 1);
  moves.append(m.moveUp, m.moveDown);
  m.el.appendChild(moves);
  const del = h("button", { type: "button", class: "rt-delete", "aria-label": t("deleteParagraph", { label }) }, "×");
  del.addEventListener("click", () => deleteParagraph(env.doc, id));
  m.el.appendChild(del);
}

export function mountParagraph(env: ParagraphEnv, para: Y.Map<unknown>): Mounted {
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
  if (!env.readOnly) editControls(env, m, id, label);
  env.decorate?.(id, li, () => field(m.para, "label"));
  bindParagraph(env, m, para);
  return m;
}

/** Bind a mounted paragraph to `para`: its editor to `para`'s Y.Text, its label to `para`. */
export function bindParagraph(env: ParagraphEnv, m: Mounted, para: Y.Map<unknown>): void {
  m.unobserve();
  m.editor?.destroy();
  clear(m.editorHost);
  m.para = para;
  const label = field(para, "label");
  m.labelEl.textContent = label;
  const text = textOf(para);
  m.editor = text ? paragraphEditor(m.editorHost, text, env.awareness, env.readOnly, t("paragraphText", { label })) : null;
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

/** Rebind a paragraph that moved (same id, new Y.Map); returns how to restore its caret. */
export function rebindMoved(env: ParagraphEnv, m: Mounted, para: Y.Map<unknown>): (() => void) | null {
  const had = m.editor?.hasFocus ? m.editor.state.selection.main : null;
  bindParagraph(env, m, para);
  const view = m.editor;
  if (!had || !view) return null;
  return () => {
    const len = view.state.doc.length;
    view.focus();
    view.dispatch({ selection: { anchor: Math.min(had.anchor, len), head: Math.min(had.head, len) } });
  };
}

export function unmountParagraph(m: Mounted): void {
  m.editor?.destroy();
  m.unobserve();
}
