// A passage of an answer, anchored as comments are: a TextQuoteSelector (the exact
// words with up to 32 characters before and after) plus offsets in the answer.
export interface Passage {
  /** The answer's element (`.rt-answer-text`). */
  el: HTMLElement;
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

function passage(el: HTMLElement, start: number, end: number): Passage | null {
  const text = el.textContent ?? "";
  const exact = text.slice(start, end);
  if (!exact.trim()) return null;
  return {
    el,
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

/** The selection, when it lies inside one answer's text element. */
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
  const start = before.toString().length;
  return passage(el, start, start + range.toString().length);
}

/** A whole answer (a keyboard user's start: the passage is then trimmed in the form). */
export function wholeAnswer(el: HTMLElement): Passage | null {
  return passage(el, 0, (el.textContent ?? "").length);
}

/** `words` where they read in the answer (the occurrence nearest `near`), or null. */
export function passageIn(el: HTMLElement, words: string, near = 0): Passage | null {
  const text = el.textContent ?? "";
  if (!words.trim()) return null;
  let best = -1;
  for (let at = text.indexOf(words); at >= 0; at = text.indexOf(words, at + 1)) {
    if (best < 0 || Math.abs(at - near) < Math.abs(best - near)) best = at;
  }
  return best < 0 ? null : passage(el, best, best + words.length);
}

/** The source of an issue item, as the API takes it. */
export function source(p: Passage): { response_id: number; question: number; exact: string; prefix: string; suffix: string } {
  return { response_id: p.response_id, question: p.question, exact: p.exact, prefix: p.prefix, suffix: p.suffix };
}
