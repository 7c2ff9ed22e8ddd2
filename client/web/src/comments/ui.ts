// The comments sidebar: threads grouped by paragraph, the composer of new comments,
// the buttons on each paragraph ("comment on selection / on paragraph"), replies,
// resolve / reopen, delete; live as the server's comment events arrive.
import type * as Y from "yjs";
import type { Me } from "../api/types";
import type { Decorate } from "../doc/view";
import { index } from "../doc/schema";
import { h } from "../lib/dom";
import { t } from "../lib/i18n";
import { composer } from "./composer";
import { type CommentsContext, commentRights } from "./context";
import { paragraphBars } from "./paragraphbar";
import type { CommentStore } from "./store";
import { ThreadList } from "./threadlist";

export interface CommentsUi {
  sidebar: HTMLElement;
  decorate: Decorate;
}

export function commentsUi(me: Me, doc: Y.Doc, store: CommentStore): CommentsUi {
  const status = h("p", { class: "rt-visually-hidden", role: "status", "aria-live": "polite" });
  const ctx: CommentsContext = { store, rights: commentRights(me), announce: (message) => (status.textContent = message) };
  const heading = h("h2", { id: "comments-h" }, t("comments"));
  const empty = h("p", { class: "rt-comments-empty" }, t("noComments"));
  const sidebar = h("aside", { class: "rt-comments", "aria-labelledby": "comments-h" }, heading, status);
  const newThread = composer(ctx);
  if (ctx.rights.canPost) {
    const whole = h("button", { type: "button", class: "rt-comment-doc" }, t("commentDocument"));
    whole.addEventListener("click", () => newThread.open({ anchor: null, label: "", quote: "" }, whole));
    sidebar.append(whole, newThread.el);
  }
  const threads = new ThreadList(ctx, doc);
  sidebar.append(threads.el, empty);
  const bars = paragraphBars(ctx, newThread);

  const render = (): void => {
    const n = threads.render();
    heading.textContent = n ? t("commentsCount", { n }) : t("comments");
    empty.hidden = n > 0 || !store.loaded;
    bars.renderCounts();
  };
  store.onChange((kind, c) => {
    render();
    if (kind === "created" && c && !ctx.rights.mine(c)) ctx.announce(t("newCommentBy", { name: c.author.name }));
  });
  index(doc).observe(() => render());
  render();
  return { sidebar, decorate: bars.decorate };
}
