// The amendments' HTTP calls (issue 18, /work/briefs/contract18.md), typed by the
// server's OpenAPI document (../api/schema, `make web-types`); the names here are the
// page's, each an alias of the server's model.
import { getJson, sendJson } from "../api/http";
import type { components } from "../api/schema";
import type { Body } from "../api/types";

type Schemas = components["schemas"];

/** `Amendment` in the contract. */
export type Amendment = Schemas["Amendment"];
export type AmendmentList = Schemas["AmendmentList"];
export type AmendmentKind = Amendment["kind"];
export type AmendmentState = Amendment["state"];
export type AmendmentDecide = Schemas["AmendmentDecide"];
export type AmendmentDecisionKind = AmendmentDecide["decision"];

/** Live events (server -> client) on `/yjs|D` and the session follow namespace. */
export interface AmendmentEvent {
  document?: string;
  amendment: Amendment;
}
export interface AmendmentRemoved {
  document?: string;
  id: number;
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
  propose(body: Body<Schemas["AmendmentCreate"], "paragraph" | "start" | "end" | "kind">): Promise<Amendment> {
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
  decide(id: number, body: Body<AmendmentDecide, "decision">): Promise<Amendment> {
    return sendJson("POST", `${this.base}/${id}/decide`, body);
  }
  withdraw(id: number): Promise<Amendment> {
    return sendJson("POST", `${this.base}/${id}/withdraw`, {});
  }
}
