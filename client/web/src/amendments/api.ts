// The amendments' HTTP calls and resources (issue 18, /work/briefs/contract18.md), typed
// BY HAND after the contract's models while the server is built in parallel: once the
// server is merged, `make web-types` generates them and each alias below becomes
// `components["schemas"]["<Name>"]` (the names are the contract's).
import { getJson, sendJson } from "../api/http";
import type { Me } from "../api/types";

export type AmendmentKind = "replace" | "insert" | "delete";
export type AmendmentModeration = "visible" | "pending" | "rejected";
export type AmendmentState = "open" | "accepted" | "rejected" | "bracketed" | "withdrawn";
export type AmendmentDecisionKind = "accept" | "reject" | "bracket";

/** Who proposed: a member for their delegation, an observer for their organisation. */
export interface AmendmentProposer {
  person_id: number | null;
  name: string;
  role: string;
  delegation: string | null;
}

export interface AmendmentQuote {
  exact: string;
  prefix: string;
  suffix: string;
}

/** Where the anchored words are now: code points in the paragraph's text (null: detached). */
export interface AmendmentAnchor {
  attached: boolean;
  start: number | null;
  end: number | null;
}

export interface AmendmentDecision {
  by: string;
  at: string;
  session: number | null;
  note: string | null;
}

/** `Amendment` in the contract. */
export interface Amendment {
  id: number;
  document: string;
  paragraph: string;
  kind: AmendmentKind;
  text: string;
  justification: string;
  proposer: AmendmentProposer;
  moderation: AmendmentModeration;
  state: AmendmentState;
  outdated: boolean;
  quote: AmendmentQuote;
  current: string | null;
  anchor: AmendmentAnchor;
  support: string[];
  oppose: string[];
  created_at: string;
  decision: AmendmentDecision | null;
}

/** `AmendmentList`. */
export interface AmendmentList {
  amendments: Amendment[];
}

/** `AmendmentCreate`: code points; insert may have start == end. */
export interface AmendmentCreate {
  paragraph: string;
  start: number;
  end: number;
  kind: AmendmentKind;
  text?: string;
  justification?: string;
}

/** `AmendmentDecide`. */
export interface AmendmentDecide {
  decision: AmendmentDecisionKind;
  session?: number | null;
  note?: string;
  confirm_outdated?: boolean;
}

/** Live events (server -> client) on `/yjs|D` and the session follow namespace. */
export interface AmendmentEvent {
  document?: string;
  amendment: Amendment;
}
export interface AmendmentRemoved {
  document?: string;
  id: number;
}

/** The amendment rows of the server's permission matrix (`/api/me`'s `can`). */
export type AmendmentAction = "propose_amendment" | "support_amendment" | "decide_amendments";

export function mayAmend(me: Me, action: AmendmentAction): boolean {
  // Typed by hand until the generated `Action` union has these rows.
  return me.signed_in === true && (me.can as readonly string[]).includes(action);
}

/** The amendment commands of one document. */
export class AmendmentApi {
  private readonly base: string;
  constructor(readonly document: string) {
    this.base = `/api/documents/${encodeURIComponent(document)}/amendments`;
  }

  list(query: { paragraph?: string; state?: AmendmentState } = {}): Promise<AmendmentList> {
    const q = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined) as [string, string][]).toString();
    return getJson(this.base + (q ? "?" + q : ""));
  }
  get(id: number): Promise<Amendment> {
    return getJson(`${this.base}/${id}`);
  }
  propose(body: AmendmentCreate): Promise<Amendment> {
    return sendJson("POST", this.base, body);
  }
  support(id: number): Promise<Amendment> {
    return sendJson("POST", `${this.base}/${id}/support`, {});
  }
  oppose(id: number): Promise<Amendment> {
    return sendJson("POST", `${this.base}/${id}/oppose`, {});
  }
  clearStance(id: number): Promise<Amendment> {
    return sendJson("DELETE", `${this.base}/${id}/stance`, {});
  }
  admit(id: number, session: number | null): Promise<Amendment> {
    return sendJson("POST", `${this.base}/${id}/admit`, { session });
  }
  decide(id: number, body: AmendmentDecide): Promise<Amendment> {
    return sendJson("POST", `${this.base}/${id}/decide`, body);
  }
  withdraw(id: number): Promise<Amendment> {
    return sendJson("POST", `${this.base}/${id}/withdraw`, {});
  }
}
