// The rolling text's shape, model v2 (DESIGN.md section 3): its names and allowed values
// come from crdt/schema.py through the generated schema.gen.ts (`make web-types`), and
// every key read here is typed by them.
//
// A paragraph is its id and its root Y.Text `p:<id>` (never recreated, so a move or a
// deletion never touches its words); the `index` map holds each paragraph's governed
// record (order key, label, section, status, ...). Only the server writes `index`,
// `meta` and `opinions`: this module reads them, and the page changes them through the
// commands (paragraphs/api.ts).
import * as Y from "yjs";
import {
  BRACKET_POINT_PATTERN,
  INDEX,
  LOCKED,
  META,
  type META_KEYS,
  OPINIONS,
  type OPINION_KEYS,
  type OPTION_KEYS,
  type PARAGRAPH_KEYS,
  type PARAGRAPH_KINDS,
  SECTIONS,
  STATUSES,
  STATUS_LABELS,
  TEXT_PREFIX,
} from "./schema.gen";

export { LOCKED, SECTIONS, STATUSES, STATUS_LABELS } from "./schema.gen";
export type Section = (typeof SECTIONS)[number];
export type Status = (typeof STATUSES)[number];
export type MetaKey = (typeof META_KEYS)[number];
export type ParagraphKey = (typeof PARAGRAPH_KEYS)[number];
export type ParagraphKind = (typeof PARAGRAPH_KINDS)[number];

export interface Option {
  id: string;
  label: string;
  text: string;
  proposers: string[];
}

/** A paragraph's governed record (everything but its text), as the index holds it. */
export interface Paragraph {
  id: string;
  order: string;
  label: string;
  section: Section;
  kind: string;
  sequence: string;
  proposers: string[];
  supporters: string[];
  status: Status;
  previous_status: string;
  options: Option[];
  locked: boolean;
  deleted: boolean;
}

export interface Opinion {
  id: string;
  text: string;
  delegations: string[];
  paragraph: string;
  section: string;
}

type Rec = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === "string" ? v : "");
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
const isRecord = (v: unknown): v is Rec => typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Y.AbstractType);

/** A record field by its schema key (tsc refuses a key the Python schema does not write). */
function get<K extends string>(rec: Rec, key: K): unknown {
  return rec[key];
}

export function meta(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(META);
}

export function index(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(INDEX);
}

export function opinionsRoot(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(OPINIONS);
}

/** A string field of the document's metadata ("" when unset). */
export function metaField(doc: Y.Doc, name: MetaKey): string {
  const v = meta(doc).get(name);
  return typeof v === "string" ? v : "";
}

/** The session the document belongs to (a session id), or null. */
export function documentSession(doc: Y.Doc): number | null {
  const v = meta(doc).get("session" satisfies MetaKey);
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

/** The paragraph's Y.Text: a root type, the same object for ever. */
export function textOf(doc: Y.Doc, id: string): Y.Text {
  return doc.getText(TEXT_PREFIX + id);
}

export function isStatus(v: string): v is Status {
  return (STATUSES as readonly string[]).includes(v);
}

export function isLocked(status: string): boolean {
  return (LOCKED as readonly string[]).includes(status);
}

export function statusLabel(status: string): string {
  return isStatus(status) ? STATUS_LABELS[status] : status;
}

function section(v: unknown): Section {
  const s = str(v);
  return (SECTIONS as readonly string[]).includes(s) ? (s as Section) : "conclusion";
}

function option(v: unknown): Option | null {
  if (!isRecord(v)) return null;
  const k = (key: (typeof OPTION_KEYS)[number]): unknown => get(v, key);
  return { id: str(k("id")), label: str(k("label")), text: str(k("text")), proposers: strs(k("proposers")) };
}

/** A paragraph from its index record (plain data; anything malformed reads as empty). */
export function fromRecord(id: string, rec: Rec): Paragraph {
  const k = (key: ParagraphKey): unknown => get(rec, key);
  const status = str(k("status"));
  const s: Status = isStatus(status) ? status : "draft";
  const options = Array.isArray(k("options")) ? (k("options") as unknown[]).map(option).filter((o): o is Option => o !== null) : [];
  return {
    id,
    order: str(k("order")),
    label: str(k("label")),
    section: section(k("section")),
    kind: str(k("kind")) || "text",
    sequence: str(k("sequence")),
    proposers: strs(k("proposers")),
    supporters: strs(k("supporters")),
    status: s,
    previous_status: str(k("previous_status")),
    options,
    locked: isLocked(s),
    deleted: s === "deleted",
  };
}

/** Paragraphs in document order: order key, ties broken by id (as crdt/schema.py sorts). */
export function records(doc: Y.Doc): Paragraph[] {
  const out: Paragraph[] = [];
  index(doc).forEach((value, id) => {
    if (isRecord(value)) out.push(fromRecord(id, value));
  });
  // Plain code-unit comparison: keys and ids are ASCII, so the same order as Python's.
  out.sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return out;
}

export function record(doc: Y.Doc, id: string): Paragraph | null {
  const value = index(doc).get(id);
  return isRecord(value) ? fromRecord(id, value) : null;
}

export function opinions(doc: Y.Doc): Opinion[] {
  const out: Opinion[] = [];
  opinionsRoot(doc).forEach((value, id) => {
    if (!isRecord(value)) return;
    const k = (key: (typeof OPINION_KEYS)[number]): unknown => get(value, key);
    out.push({ id, text: str(k("text")), delegations: strs(k("delegations")), paragraph: str(k("paragraph")), section: str(k("section")) });
  });
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Points in brackets (alternatives side by side count once) and whether the brackets
 * are unbalanced (crdt/schema.py bracket_count). */
export function bracketCount(text: string): { count: number; unbalanced: boolean } {
  let depth = 0;
  let unbalanced = false;
  for (const ch of text) {
    if (ch === "[") depth++;
    else if (ch === "]") {
      if (depth === 0) unbalanced = true;
      else depth--;
    }
  }
  const count = (text.match(new RegExp(BRACKET_POINT_PATTERN, "g")) ?? []).length;
  return { count, unbalanced: unbalanced || depth !== 0 };
}

/** A label for the next paragraph of a section: OP<n> after the section's last number. */
export function nextLabel(all: Paragraph[], sec: Section): string {
  let n = 0;
  for (const p of all) {
    if (p.section !== sec) continue;
    const m = /(\d+)\D*$/.exec(p.label);
    if (m) n = Math.max(n, Number(m[1]));
  }
  const prefix = sec === "intro" || sec === "method" ? "PP" : sec === "conclusion" ? "C" : sec + ".";
  return prefix + (n + 1);
}

/** Where a new paragraph of `sec` goes: after the section's last paragraph (undefined: at the end). */
export function addAfter(all: Paragraph[], sec: Section): string | undefined {
  const mine = all.filter((p) => p.section === sec);
  return mine.length ? mine[mine.length - 1]!.id : undefined;
}

/**
 * The `after` of a move one place up or down within the paragraph's section (among the
 * paragraphs shown, i.e. not deleted): up goes right after the paragraph before the one
 * above (null: first of all); down goes right after the one below. undefined: no move.
 */
export function moveTarget(all: Paragraph[], id: string, step: -1 | 1): string | null | undefined {
  const at = all.findIndex((p) => p.id === id);
  if (at < 0) return undefined;
  const sec = all[at]!.section;
  let j = at + step;
  while (j >= 0 && j < all.length && (all[j]!.section !== sec || all[j]!.deleted)) j += step;
  if (j < 0 || j >= all.length) return undefined;
  if (step > 0) return all[j]!.id;
  return j > 0 ? all[j - 1]!.id : null;
}
