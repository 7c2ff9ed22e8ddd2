// One CodeMirror 6 editor bound to one paragraph's Y.Text, with remote cursors.
import { EditorState, type Extension } from "@codemirror/state";
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

export function paragraphEditor(
  parent: HTMLElement,
  ytext: Y.Text,
  awareness: Awareness,
  readOnly: boolean,
  label: string,
): EditorView {
  const extensions: Extension[] = [
    EditorView.lineWrapping,
    brackets,
    yCollab(ytext, awareness, { undoManager: readOnly ? false : new Y.UndoManager(ytext) }),
    EditorView.contentAttributes.of({ "aria-label": label, "aria-multiline": "true", role: "textbox" }),
  ];
  if (readOnly) {
    extensions.push(EditorState.readOnly.of(true), EditorView.editable.of(false));
  } else {
    // Tab is not bound: it moves focus on to the next control (keyboard users).
    extensions.push(keymap.of([...yUndoManagerKeymap, ...defaultKeymap]));
  }
  return new EditorView({
    state: EditorState.create({ doc: ytext.toString(), extensions }),
    parent,
  });
}
