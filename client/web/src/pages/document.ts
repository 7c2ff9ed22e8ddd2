// The document page: live connection, presence, connection state, the editable text.
import { type Me, may } from "../api/types";
import { CommentStore } from "../comments/store";
import { commentsUi } from "../comments/ui";
import { connect } from "../doc/connection";
import { h } from "../lib/dom";
import { documentView } from "../doc/view";
import { t } from "../lib/i18n";
import { moderationPanel } from "../comments/moderation";
import { link } from "../lib/nav";
import { connectionLine, localUser, presenceList } from "../doc/presence";
import { meta, metaField } from "../doc/schema";

declare global {
  interface Window {
    rt?: Record<string, unknown>;
  }
}

export function documentPage(me: Me, name: string): HTMLElement {
  const readOnly = !may(me, "edit_text");
  const conn = connect(name, readOnly);
  const awareness = conn.provider.awareness;
  awareness.setLocalStateField("user", localUser(me.name ?? "Anonymous", me.delegation));
  const title = h("h1", { class: "rt-title" }, name);
  const updateTitle = (): void => {
    title.textContent = metaField(conn.doc, "title") || name;
    document.title = title.textContent + " — rollingtext";
  };
  meta(conn.doc).observe(updateTitle);
  updateTitle();
  const store = new CommentStore(conn.provider.socket);
  const comments = commentsUi(me, conn.doc, store);
  const view = documentView(conn.doc, awareness, readOnly, comments.decorate);
  const officer = may(me, "moderate_comments");
  const back = me.group_id ? link({ group: String(me.group_id) }, t("back")) : null;
  // Test and debugging hook: the live Y.Doc and the connection.
  window.rt = { doc: conn.doc, conn, comments: store };
  return h(
    "div",
    { class: "rt-docpage", "data-readonly": String(readOnly) },
    h("div", { class: "rt-docbar" }, back, connectionLine(conn)),
    title,
    readOnly ? h("p", { class: "rt-note" }, t("readOnly")) : h("p", { class: "rt-hint" }, t("bracketsHint")),
    readOnly && may(me, "post_comment") ? h("p", { class: "rt-hint" }, t("observerCommentHint")) : null,
    h(
      "div",
      { class: "rt-docgrid" },
      view.el,
      h("div", { class: "rt-side" }, officer ? moderationPanel(store, me.group_id) : null, presenceList(awareness), comments.sidebar),
    ),
  );
}
