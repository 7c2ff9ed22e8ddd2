// Suggestion marks in a paragraph's editor: the words an open amendment would delete
// are struck through, the words it would insert are shown as a widget after them, both
// in the proposer's delegation (or organisation) colour, with proposer, supporters and
// justification as the tooltip. One CodeMirror state field per editor holds them as a
// DecorationSet: a change of the paragraph's amendments is ONE transaction building the
// set (sorted, O(n log n)), local edits only map it; widgets compare equal when
// unchanged, so CodeMirror keeps their DOM (no per-mark re-render).
import { type Range, StateEffect, StateField } from "@codemirror/state";
import { Decoration, type DecorationSet, EditorView, WidgetType } from "@codemirror/view";
import { t } from "../lib/i18n";
import type { Amendment } from "./api";

/** One mark: CodeMirror (UTF-16) offsets in the editor's text. */
export interface MarkSpec {
  id: number;
  kind: Amendment["kind"];
  from: number;
  to: number;
  text: string;
  colour: string;
  title: string;
  pending: boolean;
  outdated: boolean;
}

/** Code points (the server's offsets) to UTF-16 units (CodeMirror's) in `text`. */
export function utf16At(text: string, codePoints: number): number {
  let i = 0;
  for (let n = 0; n < codePoints && i < text.length; n++) {
    const c = text.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? 2 : 1;
  }
  return i;
}

class InsertionWidget extends WidgetType {
  constructor(readonly spec: MarkSpec) {
    super();
  }
  override eq(other: InsertionWidget): boolean {
    const a = this.spec;
    const b = other.spec;
    return a.id === b.id && a.text === b.text && a.colour === b.colour && a.title === b.title && a.pending === b.pending && a.outdated === b.outdated;
  }
  toDOM(): HTMLElement {
    const el = document.createElement("ins");
    el.className = "rt-sugg rt-sugg-ins" + (this.spec.pending ? " rt-sugg-pending" : "") + (this.spec.outdated ? " rt-sugg-outdated" : "");
    el.textContent = this.spec.text;
    el.title = this.spec.title;
    el.dataset["amendment"] = String(this.spec.id);
    el.style.setProperty("--rt-sugg", this.spec.colour);
    el.setAttribute("aria-label", t("suggestionInsert", { text: this.spec.text, title: this.spec.title }));
    return el;
  }
  override ignoreEvent(): boolean {
    return false;
  }
}

function decorations(specs: readonly MarkSpec[], length: number): DecorationSet {
  const ranges: Range<Decoration>[] = [];
  for (const s of specs) {
    const from = Math.max(0, Math.min(s.from, length));
    const to = Math.max(from, Math.min(s.to, length));
    const cls = (s.pending ? " rt-sugg-pending" : "") + (s.outdated ? " rt-sugg-outdated" : "");
    const attributes = { title: s.title, "data-amendment": String(s.id), style: `--rt-sugg: ${s.colour}` };
    if (s.kind !== "insert" && to > from) {
      ranges.push(Decoration.mark({ class: "rt-sugg rt-sugg-del" + cls, attributes }).range(from, to));
    }
    if (s.kind !== "delete") {
      ranges.push(Decoration.widget({ widget: new InsertionWidget(s), side: 1 }).range(to));
    }
  }
  return Decoration.set(ranges, true);
}

export const setSuggestions = StateEffect.define<readonly MarkSpec[]>();

export const suggestions = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(value, tr) {
    let next = tr.docChanged ? value.map(tr.changes) : value;
    for (const e of tr.effects) if (e.is(setSuggestions)) next = decorations(e.value, tr.state.doc.length);
    return next;
  },
  provide: (f) => EditorView.decorations.from(f),
});

/** Show `specs` in `view` (installing the field on first use). */
export function showSuggestions(view: EditorView, specs: readonly MarkSpec[]): void {
  if (view.state.field(suggestions, false) === undefined) {
    view.dispatch({ effects: StateEffect.appendConfig.of(suggestions) });
  }
  view.dispatch({ effects: setSuggestions.of(specs) });
}
