// A passage selected in an answer, anchored as comments are: a TextQuoteSelector (the
// exact words with up to 32 characters before and after) plus offsets in the answer.
export interface Passage {
  response_id: number;
  question: number;
  grouping: string | null;
  exact: string;
  prefix: string;
  suffix: string;
  start: number;
  end: number;
}

const CONTEXT = 32;

/** The selection, when it lies inside one answer's text element (`.rt-answer-text`). */
export function selectedPassage(): Passage | null {
  const sel = document.getSelection();
  if (!sel || sel.isCollapsed || sel.rangeCount === 0) return null;
  const range = sel.getRangeAt(0);
  const host = (n: Node): HTMLElement | null => (n instanceof HTMLElement ? n : n.parentElement)?.closest<HTMLElement>(".rt-answer-text") ?? null;
  const el = host(range.startContainer);
  if (!el || el !== host(range.endContainer)) return null;
  const before = document.createRange();
  before.setStart(el, 0);
  before.setEnd(range.startContainer, range.startOffset);
  const text = el.textContent ?? "";
  const start = before.toString().length;
  const end = start + range.toString().length;
  const exact = text.slice(start, end);
  if (!exact.trim()) return null;
  return {
    response_id: Number(el.dataset["response"]),
    question: Number(el.dataset["question"]),
    grouping: el.dataset["grouping"] || null,
    exact,
    prefix: text.slice(Math.max(0, start - CONTEXT), start),
    suffix: text.slice(end, end + CONTEXT),
    start,
    end,
  };
}

/** The source of an issue item, as the API takes it. */
export function source(p: Passage): { response_id: number; question: number; exact: string; prefix: string; suffix: string } {
  return { response_id: p.response_id, question: p.question, exact: p.exact, prefix: p.prefix, suffix: p.suffix };
}
