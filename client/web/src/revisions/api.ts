// Versions, diffs, restore and exports of one document (issue 13, /work/briefs/contract13.md),
// typed by the server's OpenAPI document (../api/schema, `make web-types`); the names
// here are the page's, each an alias of the server's model.
import { getJson, sendJson } from "../api/http";
// TEMPORARY until r13-revisions lands in this branch: the contract's models written out;
// replaced by aliases of ../api/schema (`make web-types`) at the merge.
type Iso = string;
export interface VersionSummary {
  number: number;
  label: string;
  kind: "issued" | "session_end";
  session_id: number | null;
  created_by: string;
  created_at: Iso;
  bytes: number;
  paragraphs: number;
}
export interface VersionList {
  versions: VersionSummary[];
}
export interface VersionParagraph {
  id: string;
  label: string;
  section: string;
  kind: string;
  sequence: string;
  status: string;
  proposers: string[];
  supporters: string[];
  text: string;
  position: number;
}
export interface VersionDetail extends Omit<VersionSummary, "kind" | "paragraphs"> {
  version_kind: "issued" | "session_end";
  title: string;
  kind: string;
  paragraphs: VersionParagraph[];
  opinions: { id: string; text: string; delegations: string[]; paragraph: string; section: string }[];
}
export interface DiffAuthor {
  person_id: number | null;
  name: string;
  delegation: string | null;
}
export interface DiffSegment {
  op: "equal" | "insert" | "delete";
  text: string;
  author: DiffAuthor | null;
}
export interface ParagraphDiff {
  id: string;
  label: string;
  label_before: string | null;
  section: string;
  position_before: number | null;
  position_after: number | null;
  changes: ("added" | "deleted" | "restored" | "moved" | "text" | "status" | "label" | "section" | "kind" | "sequence" | "proposers" | "supporters")[];
  status_before: string | null;
  status_after: string | null;
  segments: DiffSegment[];
  decisions: { action: string; before: unknown; after: unknown; by: string; delegation: string | null; at: Iso; session?: number | null }[];
}
interface DiffSide {
  number: number | null;
  label: string;
  created_at: Iso;
}
export interface DocumentDiff {
  document: string;
  from: DiffSide;
  to: DiffSide;
  summary: { inserted: number; deleted: number; added: number; removed: number; restored: number; moved: number; status_changed: number; changed: number };
  paragraphs: ParagraphDiff[];
}
export interface RestoreResult {
  paragraph_id: string;
  version: number;
  status: string;
}

/** The export route's choices (GET /api/documents/D/export). */
export const FORMATS = ["html", "md", "docx"] as const;
export const PARTS = ["report", "statements", "agreed", "revisit", "no-agreement", "status-table"] as const;
export type Format = (typeof FORMATS)[number];
export type Part = (typeof PARTS)[number];

/** The revision commands of one document. `null` as a version number means "now". */
export class RevisionApi {
  private readonly base: string;
  constructor(readonly document: string) {
    this.base = `/api/documents/${encodeURIComponent(document)}`;
  }

  list(): Promise<VersionList> {
    return getJson(`${this.base}/versions`);
  }
  get(number: number): Promise<VersionDetail> {
    return getJson(`${this.base}/versions/${number}`);
  }
  issue(label: string): Promise<VersionSummary> {
    return sendJson("POST", `${this.base}/versions`, { label });
  }
  /** Changes from version `from` (null: the one before `to`) to `to` (null: now),
   * unchanged paragraphs left out. */
  diff(from: number | null, to: number | null): Promise<DocumentDiff> {
    const q = new URLSearchParams({ changed_only: "true" });
    if (from !== null) q.set("from", String(from));
    if (to !== null) q.set("to", String(to));
    return getJson(`${this.base}/diff?${q.toString()}`);
  }
  restore(number: number, paragraph: string): Promise<RestoreResult> {
    return sendJson("POST", `${this.base}/versions/${number}/restore`, { paragraph_id: paragraph });
  }
  /** The export route's address for a format, part and version (null: now). */
  exportUrl(format: Format, part: Part, version: number | null): string {
    const q = new URLSearchParams({ format, part });
    if (version !== null) q.set("version", String(version));
    return `${this.base}/export?${q.toString()}`;
  }
}
