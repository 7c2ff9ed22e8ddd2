// The rolling-text v2 commands (the contract in the issue: /api/documents/{document}/...),
// typed by the server's OpenAPI document (../api/schema, `make web-types`); the names
// here are the page's, each an alias of the server's model.
import { getJson, sendJson } from "../api/http";
import type { components } from "../api/schema";
import type { Body } from "../api/types";
import type { Status } from "../doc/schema";

type Schemas = components["schemas"];

/** A paragraph as the API returns it (`Paragraph`). */
export type ParagraphData = Schemas["Paragraph"];
/** A paragraph as live events carry it: its governed record, no text (`ParagraphState`). */
export type ParagraphState = Omit<ParagraphData, "text">;
export type ProposalData = Schemas["StatusProposal"];
export type DecisionData = Schemas["ParagraphDecision"];
export type OpinionData = Schemas["Opinion"];
export type Authors = Schemas["DocumentAuthors"];

/** Live events (server -> client) on the document namespace. */
export interface ParagraphChanged {
  document: string;
  paragraph: ParagraphState;
  decision: DecisionData | null;
}
export interface ProposalChanged {
  document: string;
  proposal: ProposalData;
}
export interface OpinionChanged {
  document: string;
  opinion: OpinionData;
  removed: boolean;
}

/** The commands of one document. */
export class ParagraphApi {
  private readonly base: string;
  constructor(readonly document: string) {
    this.base = `/api/documents/${encodeURIComponent(document)}`;
  }
  private p(pid: string, tail = ""): string {
    return `${this.base}/paragraphs/${encodeURIComponent(pid)}${tail}`;
  }

  add(body: Body<Schemas["ParagraphCreate"], "label" | "section">): Promise<ParagraphData> {
    return sendJson("POST", `${this.base}/paragraphs`, body);
  }
  update(pid: string, body: Partial<Pick<ParagraphData, "label" | "section" | "kind" | "sequence" | "proposers" | "supporters">>): Promise<ParagraphData> {
    return sendJson("PATCH", this.p(pid), body);
  }
  move(pid: string, after: string | null): Promise<ParagraphData> {
    return sendJson("POST", this.p(pid, "/move"), { after });
  }
  remove(pid: string): Promise<ParagraphData> {
    return sendJson("POST", this.p(pid, "/delete"), {});
  }
  restore(pid: string): Promise<ParagraphData> {
    return sendJson("POST", this.p(pid, "/restore"), {});
  }
  setStatus(pid: string, status: Status, session: number | null, note?: string): Promise<ParagraphData> {
    return sendJson("POST", this.p(pid, "/status"), note ? { status, session, note } : { status, session });
  }
  propose(pid: string, status: Status, reason?: string): Promise<ProposalData> {
    return sendJson("POST", this.p(pid, "/proposals"), reason ? { status, reason } : { status });
  }
  proposals(state: "pending" | "all" = "pending"): Promise<Schemas["StatusProposalList"]> {
    return getJson(`${this.base}/proposals?state=${state}`);
  }
  accept(id: number, session: number | null): Promise<ProposalData> {
    return sendJson("POST", `${this.base}/proposals/${id}/accept`, { session });
  }
  decline(id: number, note?: string): Promise<ProposalData> {
    return sendJson("POST", `${this.base}/proposals/${id}/decline`, note ? { note } : {});
  }
  decisions(pid?: string): Promise<Schemas["ParagraphDecisionList"]> {
    return getJson(`${this.base}/decisions${pid ? "?paragraph=" + encodeURIComponent(pid) : ""}`);
  }
  addOpinion(body: Body<Schemas["OpinionCreate"], "text" | "delegations">): Promise<OpinionData> {
    return sendJson("POST", `${this.base}/opinions`, body);
  }
  removeOpinion(oid: string): Promise<null> {
    return sendJson("DELETE", `${this.base}/opinions/${encodeURIComponent(oid)}`);
  }
  addOption(pid: string, body: Schemas["OptionCreate"]): Promise<ParagraphData> {
    return sendJson("POST", this.p(pid, "/options"), body);
  }
  removeOption(pid: string, oid: string): Promise<ParagraphData> {
    return sendJson("DELETE", this.p(pid, `/options/${encodeURIComponent(oid)}`));
  }
  bracket(pid: string, start: number, end: number): Promise<ParagraphData> {
    return sendJson("POST", this.p(pid, "/brackets"), { start, end });
  }
  authors(): Promise<Authors> {
    return getJson(`${this.base}/authors`);
  }
}
