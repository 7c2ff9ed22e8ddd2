// One comment as shown in a thread: author, role, time, moderation badges, body.
import { h } from "../lib/dom";
import { t } from "../lib/i18n";
import type { CommentsContext } from "./context";
import { errorText, when } from "./format";
import type { CommentData } from "./store";

export function badge(cls: string, text: string): HTMLElement {
  return h("span", { class: "rt-badge " + cls }, text);
}

function commentMeta(c: CommentData): HTMLElement {
  const meta = h(
    "p",
    { class: "rt-comment-meta" },
    h("strong", { class: "rt-author" }, c.author.name),
    " ",
    h("span", { class: "rt-role" }, c.author.role),
    " ",
    h("time", { datetime: c.created_at }, when(c.created_at ?? "")),
  );
  if (c.moderation === "pending") meta.append(" ", badge("rt-pending", t("pendingApproval")));
  if (c.moderation === "flagged") meta.append(" ", badge("rt-flagged", t("flagged", { reason: c.flag_reason ?? "" })));
  if (c.moderation === "rejected") meta.append(" ", badge("rt-rejected", t("rejected")));
  if (c.edited_at) meta.append(" ", h("span", { class: "rt-edited" }, t("edited")));
  return meta;
}

export function commentEl(ctx: CommentsContext, c: CommentData, reply: boolean): HTMLElement {
  const el = h(
    "article",
    { class: "rt-comment" + (reply ? " rt-reply" : ""), "data-id": String(c.id), "data-moderation": c.moderation },
    commentMeta(c),
    h("p", { class: "rt-comment-text" }, c.body),
  );
  if (c.moderation === "rejected" && c.decision?.reason) {
    el.append(h("p", { class: "rt-reject-reason" }, t("rejectedReason", { reason: c.decision.reason })));
  }
  if (reply && ctx.rights.canDelete(c)) el.append(deleteButton(ctx, c));
  return el;
}

export function deleteButton(ctx: CommentsContext, c: CommentData): HTMLElement {
  const btn = h("button", { type: "button", class: "rt-comment-delete", "aria-label": t("deleteCommentLabel", { name: c.author.name }) }, t("delete"));
  btn.addEventListener("click", () => {
    if (!confirm(t("deleteConfirm"))) return;
    ctx.store.remove(c.id).catch((err: unknown) => ctx.announce(errorText(err)));
  });
  return btn;
}
