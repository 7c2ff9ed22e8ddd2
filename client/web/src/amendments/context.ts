// What every part of the amendments UI shares: the commands, the store, the caller's
// rights (rows of the server's matrix, from /api/me's `can`), the delegations' colours
// (GET .../authors), the live session decisions are recorded in, and messages.
import type * as Y from "yjs";
import { type Me, may } from "../api/types";
import { t } from "../lib/i18n";
import { errorText } from "../paragraphs/context";
import type { Amendment, AmendmentApi } from "./api";
import type { AmendmentStore } from "./store";

export interface AmendRights {
  propose: boolean;
  /** Co-sponsor / oppose for one's delegation. */
  support: boolean;
  /** Admit, accept, reject, bracket. */
  decide: boolean;
  observer: boolean;
  /** Read-only (the follow view): no controls at all. */
  readOnly: boolean;
}

export interface AmendContext {
  me: Me | null;
  doc: Y.Doc;
  api: AmendmentApi;
  store: AmendmentStore;
  rights: AmendRights;
  /** The colour of a delegation or organisation (#rrggbb). */
  colour(delegation: string | null): string;
  /** The live session's id a decision is recorded in (null: none). */
  session(): Promise<number | null>;
  announce(message: string): void;
  error(message: string): void;
}

export function amendRights(me: Me | null): AmendRights {
  if (!me) return { propose: false, support: false, decide: false, observer: false, readOnly: true };
  return {
    propose: may(me, "propose_amendment"),
    support: may(me, "support_amendment"),
    decide: may(me, "decide_amendments"),
    observer: (me.role ?? "") === "observer",
    readOnly: false,
  };
}

/** The caller proposed `a`. */
export function mine(ctx: AmendContext, a: Amendment): boolean {
  return ctx.me?.person_id != null && a.proposer.person_id === ctx.me.person_id;
}

const FALLBACK = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22"];

/** A stable colour for a name the authors map does not know (e.g. an organisation). */
export function fallbackColour(name: string): string {
  let hash = 0;
  for (let i = 0; i < name.length; i++) hash = (hash * 31 + name.charCodeAt(i)) | 0;
  return FALLBACK[Math.abs(hash) % FALLBACK.length]!;
}

/** Run a command; its answer goes into the store; a refusal is shown, never thrown. */
export async function runCommand(ctx: AmendContext, command: () => Promise<Amendment>, done?: string): Promise<Amendment | null> {
  try {
    const a = await command();
    ctx.store.put(a);
    if (done) ctx.announce(done);
    return a;
  } catch (err) {
    ctx.error(t("amendFailed", { message: errorText(err) }));
    return null;
  }
}
