// The rolling text's shape (DESIGN.md section 3): its names and allowed values come
// from crdt/schema.py through the generated schema.gen.ts (`make web-types`), and
// every key used here is typed by them.
import * as Y from "yjs";
import { LABEL_MAX, META, type META_KEYS, PARAGRAPHS, type PARAGRAPH_KEYS, type PARAGRAPH_KINDS, SECTIONS } from "./schema.gen";

export { SECTIONS } from "./schema.gen";
export type Section = (typeof SECTIONS)[number];
export type MetaKey = (typeof META_KEYS)[number];
export type ParagraphKey = (typeof PARAGRAPH_KEYS)[number];
export type ParagraphKind = (typeof PARAGRAPH_KINDS)[number];

export function meta(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(META);
}

/** A string field of the document's metadata ("" when unset). */
export function metaField(doc: Y.Doc, name: MetaKey): string {
  const v = meta(doc).get(name);
  return typeof v === "string" ? v : "";
}

export function paragraphs(doc: Y.Doc): Y.Array<Y.Map<unknown>> {
  return doc.getArray<Y.Map<unknown>>(PARAGRAPHS);
}

export function field(para: Y.Map<unknown>, name: ParagraphKey): string {
  const v = para.get(name);
  return typeof v === "string" ? v : "";
}

export function textOf(para: Y.Map<unknown>): Y.Text | null {
  const v = para.get("text" satisfies ParagraphKey);
  return v instanceof Y.Text ? v : null;
}

function newId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Insert a paragraph after the last one of its section (in section order). */
export function addParagraph(doc: Y.Doc, section: Section, label: string, text = ""): string {
  const arr = paragraphs(doc);
  const order = SECTIONS.indexOf(section);
  let index = arr.length;
  for (let i = 0; i < arr.length; i++) {
    const s = SECTIONS.indexOf(field(arr.get(i), "section") as Section);
    if (s > order) {
      index = i;
      break;
    }
  }
  const id = newId();
  doc.transact(() => {
    // Every key the Python schema writes (tsc refuses a missing or unknown one).
    const fields: Record<ParagraphKey, unknown> = {
      id,
      label: label.slice(0, LABEL_MAX) || "new",
      section,
      kind: "text" satisfies ParagraphKind,
      sequence: "",
      proposer: "",
      text: new Y.Text(text),
    };
    const para = new Y.Map<unknown>();
    for (const [key, value] of Object.entries(fields)) para.set(key, value);
    arr.insert(index, [para]);
  });
  return id;
}

export function deleteParagraph(doc: Y.Doc, id: string): void {
  const arr = paragraphs(doc);
  for (let i = 0; i < arr.length; i++) {
    if (field(arr.get(i), "id") === id) {
      arr.delete(i, 1);
      return;
    }
  }
}

/** A label for the next paragraph of a section: OP<n> after the section's last number. */
export function nextLabel(doc: Y.Doc, section: Section): string {
  let n = 0;
  for (const p of paragraphs(doc)) {
    if (field(p, "section") !== section) continue;
    const m = /(\d+)\D*$/.exec(field(p, "label"));
    if (m) n = Math.max(n, Number(m[1]));
  }
  const prefix = section === "intro" || section === "method" ? "PP" : section === "conclusion" ? "C" : section + ".";
  return prefix + (n + 1);
}

/** The index of paragraph `id`'s neighbour in its own section (`step` -1: above, +1: below), or -1. */
export function sectionNeighbour(doc: Y.Doc, id: string, step: -1 | 1): number {
  const arr = paragraphs(doc);
  let at = -1;
  for (let i = 0; i < arr.length; i++) {
    if (field(arr.get(i), "id") === id) {
      at = i;
      break;
    }
  }
  if (at < 0) return -1;
  const section = field(arr.get(at), "section");
  for (let i = at + step; i >= 0 && i < arr.length; i += step) {
    if (field(arr.get(i), "section") === section) return i;
  }
  return -1;
}

/**
 * Move a paragraph one place up or down *within its section* (Yjs has no move).
 *
 * One transaction deletes the paragraph's Y.Map and inserts a copy at the new index:
 * the same id and fields, and a new Y.Text with the same text and formatting. Comments
 * on the paragraph follow its id; range anchors (ids of the old characters) detach.
 */
export function moveParagraph(doc: Y.Doc, id: string, step: -1 | 1): boolean {
  const arr = paragraphs(doc);
  let from = -1;
  for (let i = 0; i < arr.length; i++) {
    if (field(arr.get(i), "id") === id) {
      from = i;
      break;
    }
  }
  const neighbour = sectionNeighbour(doc, id, step);
  if (from < 0 || neighbour < 0) return false;
  // Up: take the neighbour's place. Down: go right after it (its index drops by one once
  // the paragraph is deleted, so inserting at its old index lands just after it).
  const to = neighbour;
  doc.transact(() => {
    const old = arr.get(from);
    const copy = new Y.Map<unknown>();
    let delta: unknown[] | null = null;
    const text = new Y.Text();
    for (const [key, value] of old.entries()) {
      if (value instanceof Y.Text) {
        delta = value.toDelta() as unknown[];
        copy.set(key, text);
      } else if (!(value instanceof Y.AbstractType)) {
        copy.set(key, value);
      }
    }
    arr.delete(from, 1);
    arr.insert(to, [copy]);
    if (delta) text.applyDelta(delta);
  });
  return true;
}
