// The comment bar under each paragraph: its open-thread count and, for those who may
// post, "comment on selection" (shown while text of that paragraph is selected) and
// "comment on paragraph".
import { EditorView } from "@codemirror/view";
import type { Decorate } from "../doc/view";
import { h } from "../lib/dom";
import { t } from "../lib/i18n";
import type { Composer } from "./composer";
import type { CommentsContext } from "./context";
import { type CommentStore, codePoints } from "./store";

/** A non-empty selection in one paragraph's editor (CodeMirror offsets, its whole text). */
interface EditorSelection {
  pid: string;
  from: number;
  to: number;
  text: string;
}

export interface ParagraphBars {
  decorate: Decorate;
  /** Update every paragraph's count of open, visible threads. */
  renderCounts(): void;
}

/**
 * The document's selection if it lies in a paragraph's editor: the selection, or null
 * when it is empty; undefined when it lies elsewhere (e.g. on our own button).
 */
function editorSelection(): EditorSelection | null | undefined {
  const sel = document.getSelection();
  if (!sel || sel.rangeCount === 0 || !sel.anchorNode || !sel.focusNode) return undefined;
  const anchorEl = sel.anchorNode instanceof Element ? sel.anchorNode : sel.anchorNode.parentElement;
  const content = anchorEl?.closest(".cm-content");
  if (!content || !(content instanceof HTMLElement)) return undefined;
  const li = content.closest<HTMLElement>(".rt-paragraph");
  const view = EditorView.findFromDOM(content);
  const pid = li?.dataset["id"];
  if (!view || !pid) return undefined;
  let from: number, to: number;
  try {
    from = view.posAtDOM(sel.anchorNode, sel.anchorOffset);
    to = view.posAtDOM(sel.focusNode, sel.focusOffset);
  } catch {
    return undefined;
  }
  if (from > to) [from, to] = [to, from];
  const text = view.state.doc.toString();
  return from < to && text.slice(from, to).trim() ? { pid, from, to, text } : null;
}

function openThreadCounts(store: CommentStore): Map<string, number> {
  const n = new Map<string, number>();
  for (const { root } of store.threads()) {
    const pid = root.anchor?.paragraph_id;
    if (pid && root.moderation === "visible" && root.state === "open") n.set(pid, (n.get(pid) ?? 0) + 1);
  }
  return n;
}

export function paragraphBars(ctx: CommentsContext, composer: Composer): ParagraphBars {
  // The latest non-empty selection in a paragraph's editor.
  let selection: EditorSelection | null = null;
  const selButtons = new Map<string, HTMLButtonElement>();
  const counts = new Map<string, HTMLElement>();

  function readSelection(): void {
    const now = editorSelection();
    // A selection outside the editors keeps the last one.
    if (now === undefined) return;
    selection = now;
    for (const [id, btn] of selButtons) btn.hidden = selection?.pid !== id;
  }
  if (ctx.rights.canPost) document.addEventListener("selectionchange", readSelection);

  function selectionButton(pid: string, label: () => string): HTMLButtonElement {
    const btn = h("button", { type: "button", class: "rt-comment-sel", hidden: true }, t("commentSelection"));
    // Keep the text selection (and the editor's focus) when the button is pressed.
    btn.addEventListener("mousedown", (ev) => ev.preventDefault());
    btn.addEventListener("click", () => {
      if (!selection || selection.pid !== pid) return;
      const { from, to, text } = selection;
      const start = codePoints(text, from);
      const end = codePoints(text, to);
      btn.hidden = true;
      composer.open({ anchor: { paragraph_id: pid, start, end }, label: label(), quote: text.slice(from, to) }, btn);
    });
    selButtons.set(pid, btn);
    return btn;
  }

  function paragraphButton(pid: string, label: () => string): HTMLButtonElement {
    const btn = h("button", { type: "button", class: "rt-comment-para", "aria-label": t("commentParagraphLabel", { label: label() }) }, t("commentParagraph"));
    btn.addEventListener("click", () => composer.open({ anchor: { paragraph_id: pid }, label: label(), quote: "" }, btn));
    return btn;
  }

  function renderCounts(): void {
    const n = openThreadCounts(ctx.store);
    for (const [pid, el] of counts) {
      const k = n.get(pid) ?? 0;
      el.hidden = k === 0;
      el.textContent = t("openThreads", { n: k });
    }
  }

  function decorate(pid: string, li: HTMLElement, label: () => string): void {
    const count = h("span", { class: "rt-comment-count", hidden: true });
    counts.set(pid, count);
    const bar = h("div", { class: "rt-comment-bar" }, count);
    if (ctx.rights.canPost) bar.append(selectionButton(pid, label), paragraphButton(pid, label));
    li.querySelector(".rt-editor")?.after(bar);
    renderCounts();
  }

  return { decorate, renderCounts };
}
