// A paragraph's amendments: the "Propose amendment" button (hidden while the paragraph
// is agreed and locked; Alt+Shift+A in the paragraph opens it too, with the editor's
// selection), the side list, and the suggestion marks in its editor. Only paragraphs
// whose amendments changed are re-rendered; within one, only changed items are rebuilt
// (focus stays), and its marks are set in one editor transaction.
import { EditorView } from "@codemirror/view";
import { record } from "../doc/schema";
import { h, KeyedList } from "../lib/dom";
import { t } from "../lib/i18n";
import type { Amendment } from "./api";
import { proposeAmendment, type Picked } from "./composer";
import type { AmendContext } from "./context";
import { amendmentEl, summary } from "./item";
import { type MarkSpec, showSuggestions, utf16At } from "./marks";

export interface AmendPanel {
  /** The paragraph's amendments changed: list and marks follow. */
  render(): void;
  /** The paragraph's record changed (locked or not). */
  recordChanged(): void;
  /** Open the proposal dialog (the shortcut). */
  propose(): void;
}

/** Whether `a` shows as a suggestion mark and in the list (open, not refused in moderation). */
function shown(a: Amendment): boolean {
  return a.state === "open" && a.moderation !== "rejected";
}

export function markSpecs(ctx: AmendContext, text: string, list: Amendment[]): MarkSpec[] {
  const out: MarkSpec[] = [];
  for (const a of list) {
    const { attached, start, end } = a.anchor;
    if (!shown(a) || !attached || start == null || end == null) continue;
    const from = utf16At(text, start);
    const to = utf16At(text, end);
    out.push({
      id: a.id,
      kind: a.kind,
      from,
      to,
      text: a.text,
      colour: ctx.colour(a.proposer.delegation ?? a.proposer.name),
      title: summary(a),
      pending: a.moderation === "pending",
      outdated: a.outdated,
    });
  }
  return out;
}

/**
 * The page's selection inside `view`'s text, mapped to editor offsets: read-only editors
 * (observers') keep no selection of their own, but their words can still be selected.
 */
function domSelection(view: EditorView): Picked | null {
  const sel = document.getSelection();
  if (!sel || sel.isCollapsed || !sel.anchorNode || !sel.focusNode) return null;
  if (!view.contentDOM.contains(sel.anchorNode) || !view.contentDOM.contains(sel.focusNode)) return null;
  try {
    const a = view.posAtDOM(sel.anchorNode, sel.anchorOffset);
    const b = view.posAtDOM(sel.focusNode, sel.focusOffset);
    return a === b ? null : { from: Math.min(a, b), to: Math.max(a, b) };
  } catch {
    return null;
  }
}

export function amendPanel(ctx: AmendContext, pid: string, li: HTMLElement, label: () => string): AmendPanel {
  const heading = h("h3", { class: "rt-amend-heading", id: "amend-h-" + pid.replace(/[^\w-]/g, "_") });
  const list = h("div", { class: "rt-amend-list" });
  const items = new KeyedList<Amendment>(list, (a) => a.id, (a) => JSON.stringify(a), (a) => amendmentEl(ctx, a, "panel"));
  const box = h("section", { class: "rt-amendments", "data-paragraph": pid, "aria-labelledby": heading.id, hidden: true }, heading, list);
  const editorView = (): EditorView | null => {
    const content = li.querySelector<HTMLElement>(".cm-content");
    return content ? EditorView.findFromDOM(content) : null;
  };
  const locked = (): boolean => record(ctx.doc, pid)?.locked ?? false;
  const open = (from?: HTMLElement | null): void => {
    if (!ctx.rights.propose || locked()) return;
    const view = editorView();
    const sel = view?.state.selection.main;
    const picked: Picked | null = sel && !sel.empty ? { from: sel.from, to: sel.to } : view ? domSelection(view) : null;
    proposeAmendment(
      { doc: ctx.doc, api: ctx.api, observer: ctx.rights.observer, proposed: (a) => ctx.store.put(a, "created"), announce: ctx.announce },
      pid,
      label(),
      picked,
      from,
    );
  };
  let proposeBtn: HTMLButtonElement | null = null;
  if (ctx.rights.propose && !ctx.rights.readOnly) {
    proposeBtn = h("button", { type: "button", class: "rt-amend-open", "aria-keyshortcuts": "Alt+Shift+A", "aria-label": t("amendOpenLabel", { label: label() }) }, t("amendOpen"));
    // Keep the editor's selection when the button is pressed with the mouse.
    proposeBtn.addEventListener("mousedown", (ev) => ev.preventDefault());
    proposeBtn.addEventListener("click", () => open(proposeBtn));
    li.addEventListener("keydown", (ev) => {
      if (ev.altKey && ev.shiftKey && !ev.ctrlKey && !ev.metaKey && ev.code === "KeyA") {
        ev.preventDefault();
        open();
      }
    });
  }
  // A click on a suggestion mark brings its amendment (proposer, co-sponsors, why) into
  // view; in an editable text only the inserted words' widget does (clicking struck
  // words places the caret to edit them).
  li.addEventListener("click", (ev) => {
    const mark = (ev.target as Element | null)?.closest?.("[data-amendment]");
    if (mark && mark.tagName !== "INS" && editorView()?.contentDOM.contentEditable === "true") return;
    const item = mark ? list.querySelector<HTMLElement>(`.rt-amend[data-id="${mark.getAttribute("data-amendment")}"]`) : null;
    if (!item) return;
    item.scrollIntoView({ block: "nearest" });
    item.focus({ preventScroll: true });
  });
  const bar = h("div", { class: "rt-amend-bar" }, proposeBtn);
  const anchor = li.querySelector(".rt-comment-bar") ?? li.querySelector(".rt-editor");
  anchor?.after(bar, box);

  const render = (): void => {
    const all = ctx.store.of(pid);
    const view = editorView();
    if (view) showSuggestions(view, markSpecs(ctx, view.state.doc.toString(), all));
    const visible = all.filter(shown);
    items.render(visible);
    box.hidden = visible.length === 0;
    heading.textContent = t("amendmentsN", { n: visible.length, label: label() });
    li.dataset["amendments"] = String(visible.length);
  };
  const recordChanged = (): void => {
    if (!proposeBtn) return;
    proposeBtn.hidden = locked();
    proposeBtn.setAttribute("aria-label", t("amendOpenLabel", { label: label() }));
  };
  recordChanged();
  render();
  return { render, recordChanged, propose: () => open() };
}
