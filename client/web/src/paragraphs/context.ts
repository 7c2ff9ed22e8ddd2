// What every governance control of one document page shares: the commands, the caller's
// rights (from /api/me's `can`: one permission matrix, no role lists here), the live
// session, messages with Undo, and the screen-reader status line.
import type * as Y from "yjs";
import { ApiError } from "../api/http";
import { type Me, may } from "../api/types";
import { t } from "../lib/i18n";
import { ParagraphApi } from "./api";
import type { LiveSession } from "./sessions";
import type { Toasts } from "./toast";

export interface GovRights {
  /** Add, move, delete paragraphs; bracket language. */
  structure: boolean;
  /** Status, metadata, restore, options, opinions, proposals' decisions. */
  govern: boolean;
  propose: boolean;
  viewProposals: boolean;
  /** May edit the text of an agreed (locked) paragraph. */
  editLocked: boolean;
}

export interface GovContext {
  me: Me;
  doc: Y.Doc;
  api: ParagraphApi;
  rights: GovRights;
  session: LiveSession;
  toasts: Toasts;
  announce(message: string): void;
  /** Run a command; a refusal is shown (and announced), never thrown. */
  run<T>(command: () => Promise<T>): Promise<T | null>;
}

export function govRights(me: Me): GovRights {
  return {
    structure: may(me, "edit_structure"),
    govern: may(me, "govern_paragraphs"),
    propose: may(me, "propose_status"),
    viewProposals: may(me, "view_proposals"),
    editLocked: may(me, "edit_locked_text"),
  };
}

export function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.code === "paragraph_locked") return t("errLocked");
    if (err.code === "invalid_transition") return t("errTransition", { message: err.message });
    if (err.code === "forbidden") return t("errForbidden");
    if (err.code === "offline") return t("errOffline");
    return `${err.message} (${err.code})`;
  }
  return String(err);
}

export function govContext(me: Me, doc: Y.Doc, name: string, session: LiveSession, toasts: Toasts, announce: (m: string) => void): GovContext {
  return {
    me,
    doc,
    api: new ParagraphApi(name),
    rights: govRights(me),
    session,
    toasts,
    announce,
    async run(command) {
      try {
        return await command();
      } catch (err) {
        toasts.error(t("commandFailed", { message: errorText(err) }));
        return null;
      }
    },
  };
}
