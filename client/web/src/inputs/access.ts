// The caller's rights on the inputs (rows of the server's permission matrix, from /api/me).
import type { Me } from "../api/types";

export type InputsAction = "manage_questionnaires" | "read_responses" | "edit_issue_table" | "manage_correspondence";

/** Whether the signed-in caller may take ``action``. */
export function can(me: Me, action: InputsAction): boolean {
  return me.signed_in === true && (me.can as readonly string[]).includes(action);
}
