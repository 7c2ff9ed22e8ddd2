// One CodeMirror 6 editor bound to one paragraph's root Y.Text, with remote cursors,
// a lock (agreed text) and colouring by the delegation that typed each run of text.
import { Compartment, EditorState, type Extension, type Range, StateEffect, StateField } from "@codemirror/state";
import {
  Decoration,
  type DecorationSet,
  EditorView,
  MatchDecorator,
  ViewPlugin,
  type ViewUpdate,
  keymap,
} from "@codemirror/view";
import { defaultKeymap } from "@codemirror/commands";
import { yCollab, yUndoManagerKeymap } from "y-codemirror.next";
import type { Awareness } from "y-protocols/awareness";
import * as Y from "yjs";

// Square brackets mark language not yet agreed (UN practice).
const bracketMatcher = new MatchDecorator({
  regexp: /\[[^[\]]*\]/g,
  decoration: Decoration.mark({ class: "rt-bracketed", attributes: { title: "not agreed" } }),
});

const brackets = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    constructor(view: EditorView) {
      this.decorations = bracketMatcher.createDeco(view);
    }
    update(update: ViewUpdate): void {
      this.decorations = bracketMatcher.updateDeco(update, this.decorations);
    }
  },
  { decorations: (v) => v.decorations },
);

/** Who typed a character: the colour of its Yjs client's delegation, or null (unknown). */
export type AuthorColour = (client: number) => { colour: string; delegation: string } | null;

const setAuthorColours = StateEffect.define<AuthorColour | null>();
const authorColours = StateField.define<AuthorColour | null>({
  create: () => null,
  update: (value, tr) => tr.effects.reduce((v, e) => (e.is(setAuthorColours) ? e.value : v), value),
});
const HEX = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

/**
 * Runs of text coloured by the delegation whose client typed them: walks the Y.Text's
 * items (each carries its client id), merging neighbours of one delegation. Linear in
 * the paragraph's items; recomputed only when the text or the colour map changes.
 */
function authorship(ytext: Y.Text): Extension {
  const build = (view: EditorView): DecorationSet => {
    const colourOf = view.state.field(authorColours);
    if (!colourOf || ytext.length !== view.state.doc.length) return Decoration.none;
    const ranges: Range<Decoration>[] = [];
    let pos = 0;
    let run: { from: number; to: number; colour: string; delegation: string } | null = null;
    const flush = (): void => {
      if (run && run.to > run.from) {
        const style = `background-color: ${run.colour}33; box-shadow: inset 0 -2px 0 ${run.colour}`;
        ranges.push(Decoration.mark({ class: "rt-author", attributes: { style, "data-delegation": run.delegation } }).range(run.from, run.to));
      }
      run = null;
    };
    for (let item = ytext._start; item !== null; item = item.right) {
      if (item.deleted || !item.countable) continue;
      const len = item.length;
      const who = colourOf(item.id.client);
      const colour = who && HEX.test(who.colour) ? who.colour : null;
      if (!colour || !who) {
        flush();
      } else if (run && run.colour === colour && run.delegation === who.delegation && run.to === pos) {
        run.to = pos + len;
      } else {
        flush();
        run = { from: pos, to: pos + len, colour, delegation: who.delegation };
      }
      pos += len;
    }
    flush();
    return Decoration.set(ranges, true);
  };
  const plugin = ViewPlugin.fromClass(
    class {
      decorations: DecorationSet;
      constructor(view: EditorView) {
        this.decorations = build(view);
      }
      update(update: ViewUpdate): void {
        const toggled = update.startState.field(authorColours) !== update.state.field(authorColours);
        if (update.docChanged || toggled) this.decorations = build(update.view);
      }
    },
    { decorations: (v) => v.decorations },
  );
  return [authorColours, plugin];
}

export interface ParagraphEditor {
  view: EditorView;
  /** Locked (agreed) text: not editable here, announced as read-only. */
  setLocked(locked: boolean): void;
  /** Colour the text by delegation (null: plain). */
  setAuthorColours(colours: AuthorColour | null): void;
}

function lockExtensions(locked: boolean): Extension {
  return locked ? [EditorState.readOnly.of(true), EditorView.editable.of(false), EditorView.contentAttributes.of({ "aria-readonly": "true" })] : [];
}

export function paragraphEditor(
  parent: HTMLElement,
  ytext: Y.Text,
  awareness: Awareness,
  readOnly: boolean,
  label: string,
  locked = false,
): ParagraphEditor {
  const lock = new Compartment();
  const extensions: Extension[] = [
    EditorView.lineWrapping,
    brackets,
    authorship(ytext),
    yCollab(ytext, awareness, { undoManager: readOnly ? false : new Y.UndoManager(ytext) }),
    EditorView.contentAttributes.of({ "aria-label": label, "aria-multiline": "true", role: "textbox" }),
  ];
  if (readOnly) {
    extensions.push(EditorState.readOnly.of(true), EditorView.editable.of(false));
  } else {
    extensions.push(lock.of(lockExtensions(locked)));
    // Tab is not bound: it moves focus on to the next control (keyboard users).
    extensions.push(keymap.of([...yUndoManagerKeymap, ...defaultKeymap]));
  }
  const view = new EditorView({
    state: EditorState.create({ doc: ytext.toString(), extensions }),
    parent,
  });
  let isLocked = locked;
  return {
    view,
    setLocked(now: boolean): void {
      if (readOnly || now === isLocked) return;
      isLocked = now;
      view.dispatch({ effects: lock.reconfigure(lockExtensions(now)) });
    },
    setAuthorColours(colours: AuthorColour | null): void {
      view.dispatch({ effects: setAuthorColours.of(colours) });
    },
  };
}
