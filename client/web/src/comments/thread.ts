// One thread: what it is anchored to, its first comment and replies, its actions
// (reply, resolve / reopen, delete) and the reply form.
import { h } from "../lib/dom";
import { t } from "../lib/i18n";
import { badge, commentEl, deleteButton } from "./comment";
import type { CommentsContext } from "./context";
import { errorText } from "./format";
import type { CommentAnchor, CommentData } from "./store";

/** The quoted text of a range anchor and the "detached" note, if any. */
function anchorNotes(a: CommentAnchor | null | undefined): HTMLElement[] {
  const out: HTMLElement[] = [];
  if (a?.kind === "range") {
    const quote = a.attached && a.text ? a.text : (a.quote?.exact ?? "");
    out.push(h("blockquote", { class: "rt-quote" }, quote));
  }
  if (a?.detached) {
    const why = a.reason === "paragraph deleted" ? t("detachedParagraph") : a.reason ? t("detachedText") : "";
    out.push(h("p", { class: "rt-detached" }, badge("rt-detached-badge", t("detached")), " ", why));
  }
  return out;
}

function resolveButton(ctx: CommentsContext, root: CommentData): HTMLButtonElement {
  const resolved = root.state === "resolved";
  const btn = h(
    "button",
    { type: "button", class: resolved ? "rt-reopen" : "rt-resolve", "aria-label": t(resolved ? "reopenLabel" : "resolveLabel", { name: root.author.name }) },
    t(resolved ? "reopen" : "resolve"),
  );
  btn.addEventListener("click", () => {
    btn.disabled = true;
    ctx.store
      .setResolved(root.id, !resolved)
      .then(() => ctx.announce(t(resolved ? "threadReopened" : "threadResolved")))
      .catch((err: unknown) => {
        btn.disabled = false;
        ctx.announce(errorText(err));
      });
  });
  return btn;
}

function threadActions(ctx: CommentsContext, root: CommentData, openReply: () => void): HTMLElement {
  const actions = h("div", { class: "rt-thread-actions" });
  const visible = root.moderation === "visible";
  if (ctx.rights.canPost && visible) {
    const btn = h("button", { type: "button", class: "rt-reply-open", "aria-label": t("replyLabel", { name: root.author.name }) }, t("reply"));
    btn.addEventListener("click", openReply);
    actions.append(btn);
  }
  if (ctx.rights.canResolve && visible) actions.append(resolveButton(ctx, root));
  if (ctx.rights.canDelete(root)) actions.append(deleteButton(ctx, root));
  return actions;
}

/** A thread's content (everything but its reply form); `openReply` shows that form. */
export function threadContent(ctx: CommentsContext, root: CommentData, replies: CommentData[], openReply: () => void): HTMLElement {
  const box = h("div", { class: "rt-thread-content" }, ...anchorNotes(root.anchor));
  box.append(commentEl(ctx, root, false));
  if (root.state === "resolved") box.append(h("p", { class: "rt-resolved-note" }, badge("rt-resolved", t("resolved"))));
  if (replies.length) {
    const list = h("ol", { class: "rt-replies", "aria-label": t("repliesLabel", { n: replies.length }) });
    for (const r of replies) list.append(h("li", {}, commentEl(ctx, r, true)));
    box.append(list);
  }
  const actions = threadActions(ctx, root, openReply);
  if (actions.childElementCount) box.append(actions);
  return box;
}

/** The (hidden) form replying to `root`; `closed` runs when it closes (focus back). */
export function replyForm(ctx: CommentsContext, root: CommentData, closed: () => void): HTMLFormElement {
  const id = "reply-" + root.id;
  const text = h("textarea", { id, rows: 2, maxlength: 5000 });
  const error = h("p", { class: "rt-error", role: "alert" });
  const send = h("button", { type: "submit" }, t("send"));
  const cancel = h("button", { type: "button" }, t("cancel"));
  const form = h(
    "form",
    { class: "rt-reply-form", hidden: true },
    h("label", { for: id, class: "rt-visually-hidden" }, t("replyLabel", { name: root.author.name })),
    text,
    error,
    h("div", { class: "rt-buttons" }, send, cancel),
  );
  const close = (): void => {
    form.hidden = true;
    text.value = "";
    closed();
  };
  cancel.addEventListener("click", close);
  form.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape") close();
  });
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (!text.value.trim()) {
      error.textContent = t("commentEmpty");
      return;
    }
    send.disabled = true;
    ctx.store
      .reply(root.id, text.value)
      .then(() => {
        error.textContent = "";
        close();
      })
      .catch((err: unknown) => (error.textContent = errorText(err)))
      .finally(() => (send.disabled = false));
  });
  return form;
}
