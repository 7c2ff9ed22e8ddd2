// The rolling-text v2 commands (the contract in the issue: /api/documents/{document}/...),
// typed by hand until the server's OpenAPI document has them: then switch these types to
// `components["schemas"][...]` from ../api/schema. Server names (branch v2-gov/v2-authors):
// ParagraphData = Paragraph, ProposalData = StatusProposal, DecisionData =
// ParagraphDecision, OpinionData = Opinion, Authors = DocumentAuthors, AuthorData = Author.
import { getJson, sendJson } from "../api/http";
import type { Status } from "../doc/schema";

export interface OptionData {
  id: string;
  label: string;
  text: string;
  proposers: string[];
}

export interface BracketInfo {
  count: number;
  unbalanced: boolean;
}

/** A paragraph as the API returns it (`Paragraph`). */
export interface ParagraphData {
  id: string;
  order: string;
  label: string;
  section: string;
  kind: string;
  sequence: string;
  proposers: string[];
  supporters: string[];
  status: Status;
  previous_status: string;
  locked: boolean;
  options: OptionData[];
  brackets: BracketInfo;
  text?: string;
}

export interface PersonRef {
  person_id: number | null;
  name: string;
  delegation: string | null;
}

export type ProposalState = "pending" | "accepted" | "declined";

export interface ProposalData {
  id: number;
  paragraph: string;
  status: string;
  reason: string;
  proposer: PersonRef;
  state: ProposalState;
  created_at: string;
  decided_by: PersonRef | null;
  decided_at: string | null;
  session: number | null;
  note: string | null;
}

export interface DecisionData {
  id: number;
  paragraph: string;
  action: string;
  before: unknown;
  after: unknown;
  by: PersonRef;
  session: number | null;
  proposal: number | null;
  at: string;
}

export interface OpinionData {
  id: string;
  text: string;
  delegations: string[];
  paragraph: string;
  section: string;
}

export interface AuthorData {
  client_id: number;
  person_id: number | null;
  name: string;
  delegation: string | null;
  colour: string;
}

export interface Authors {
  authors: AuthorData[];
  delegations: { delegation: string; colour: string }[];
}

/** Live events (server -> client) on the document namespace. */
export interface ParagraphChanged {
  document: string;
  paragraph: ParagraphData;
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

  add(body: { label: string; section: string; kind?: string; text?: string; after?: string | null }): Promise<ParagraphData> {
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
  proposals(state: "pending" | "all" = "pending"): Promise<{ proposals: ProposalData[] }> {
    return getJson(`${this.base}/proposals?state=${state}`);
  }
  accept(id: number, session: number | null): Promise<ProposalData> {
    return sendJson("POST", `${this.base}/proposals/${id}/accept`, { session });
  }
  decline(id: number, note?: string): Promise<ProposalData> {
    return sendJson("POST", `${this.base}/proposals/${id}/decline`, note ? { note } : {});
  }
  decisions(pid?: string): Promise<{ decisions: DecisionData[] }> {
    return getJson(`${this.base}/decisions${pid ? "?paragraph=" + encodeURIComponent(pid) : ""}`);
  }
  addOpinion(body: { text: string; delegations: string[]; paragraph?: string; section?: string }): Promise<OpinionData> {
    return sendJson("POST", `${this.base}/opinions`, body);
  }
  removeOpinion(oid: string): Promise<null> {
    return sendJson("DELETE", `${this.base}/opinions/${encodeURIComponent(oid)}`);
  }
  addOption(pid: string, body: { label: string; text: string; proposers: string[] }): Promise<ParagraphData> {
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
