// Versions, diffs, restore and exports of one document (issue 13, /work/briefs/contract13.md),
// typed by the server's OpenAPI document (../api/schema, `make web-types`); the names
// here are the page's, each an alias of the server's model.
import { getJson, sendJson } from "../api/http";
import type { components } from "../api/schema";

type Schemas = components["schemas"];

export type VersionSummary = Schemas["VersionSummary"];
export type VersionList = Schemas["VersionList"];
export type VersionDetail = Schemas["VersionDetail"];
export type VersionParagraph = Schemas["VersionParagraph"];
export type DocumentDiff = Schemas["DocumentDiff"];
export type ParagraphDiff = Schemas["ParagraphDiff"];
export type DiffSegment = Schemas["DiffSegment"];
export type DiffAuthor = Schemas["DiffAuthor"];
export type RestoreResult = Schemas["RestoreResult"];

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
  /** The export route's address for a format, part and version (null: now); `inline`:
   * shown in the browser (the printable page in a tab) instead of downloaded. */
  exportUrl(format: Format, part: Part, version: number | null, inline = false): string {
    const q = new URLSearchParams({ format, part });
    if (version !== null) q.set("version", String(version));
    if (inline) q.set("disposition", "inline");
    return `${this.base}/export?${q.toString()}`;
  }
}
