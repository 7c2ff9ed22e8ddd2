// The document page: live connection, presence, connection state, the editable text with
// its governance (status, locks, proposals, options, opinions, colour by delegation).
import { type Me, may } from "../api/types";
import { amendmentsUi, bothDecorate } from "../amendments/ui";
import { CommentStore } from "../comments/store";
import { commentsUi } from "../comments/ui";
import { connect } from "../doc/connection";
import { h } from "../lib/dom";
import { documentView } from "../doc/view";
import { t } from "../lib/i18n";
import { moderationPanel } from "../comments/moderation";
import { link } from "../lib/nav";
import { connectionLine, localUser, presenceList } from "../doc/presence";
import { meta, metaField, record, statusLabel } from "../doc/schema";
import type { ParagraphChanged } from "../paragraphs/api";
import { colourToggle } from "../paragraphs/authors";
import { type GovContext, govContext } from "../paragraphs/context";
import { PARAGRAPH_CHANGED } from "../paragraphs/history";
import { documentDetails } from "../paragraphs/document";
import { proposalQueue } from "../paragraphs/proposals";
import { liveSession } from "../paragraphs/sessions";
import { toasts } from "../paragraphs/toast";
import { versionsUi } from "../revisions/panel";

declare global {
  interface Window {
    rt?: Record<string, unknown>;
  }
}

/** Officers: the live session their decisions are recorded in (or that there is none). */
function sessionNote(gov: GovContext): HTMLElement {
  const note = h("p", { class: "rt-hint rt-session-note" });
  const update = (): void => {
    void gov.session.current().then((s) => {
      note.textContent = s ? t("decisionsInSession", { title: s.title }) : t("decisionsNoSession");
      note.dataset["session"] = s ? String(s.id) : "";
    });
  };
  update();
  // Sessions go live and end while the page stays open (the answer is cached for 20 s).
  setInterval(update, 30000);
  return note;
}

export function documentPage(me: Me, name: string): HTMLElement {
  const readOnly = !may(me, "edit_text");
  const conn = connect(name, readOnly);
  const awareness = conn.provider.awareness;
  const user = localUser(me.name ?? "Anonymous", me.delegation);
  awareness.setLocalStateField("user", user);
  const title = h("h1", { class: "rt-title" }, name);
  const updateTitle = (): void => {
    title.textContent = metaField(conn.doc, "title") || name;
    document.title = title.textContent + " — rollingtext";
  };
  meta(conn.doc).observe(updateTitle);
  updateTitle();
  const status = h("p", { class: "rt-visually-hidden", role: "status", "aria-live": "polite" });
  const messages = toasts();
  const gov = govContext(me, conn.doc, name, liveSession(me, name), messages, (m) => (status.textContent = m));
  const store = new CommentStore(conn.provider.socket);
  const comments = commentsUi(me, conn.doc, store);
  const amendments = amendmentsUi({
    me,
    doc: conn.doc,
    socket: conn.provider.socket,
    document: () => name,
    session: () => gov.session.current().then((s) => s?.id ?? null),
    colours: () => gov.api.authors().then((a) => a.delegations),
    announce: (m) => (status.textContent = m),
    error: (m) => messages.error(m),
  });
  const view = documentView(conn.doc, awareness, readOnly, bothDecorate(comments.decorate, amendments.decorate), gov);
  const versions = versionsUi(gov, name, view.el, conn.provider.socket);
  const officer = may(me, "moderate_comments");
  const back = me.group_id ? link({ group: String(me.group_id) }, t("back")) : null;
  // Our own cursor and presence dot in our delegation's colour, as the server shows us to others.
  if (me.delegation) {
    void gov.api
      .authors()
      .then((a) => {
        const colour = a.delegations.find((d) => d.delegation === me.delegation)?.colour;
        if (colour && /^#[0-9a-f]{6}$/i.test(colour)) awareness.setLocalStateField("user", { ...user, color: colour, colorLight: colour + "33" });
      })
      .catch(() => undefined);
  }
  // Decisions taken by others, as they happen (the badges change through the index).
  conn.provider.socket.on("paragraph-changed", (data: ParagraphChanged) => {
    if (data?.paragraph?.id) window.dispatchEvent(new CustomEvent(PARAGRAPH_CHANGED, { detail: data.paragraph.id }));
    const d = data?.decision;
    if (!d || d.by.person_id === me.person_id || d.action !== "status") return;
    messages.show(t("decisionToast", { label: data.paragraph.label, status: statusLabel(data.paragraph.status), name: d.by.name }));
  });
  // The server put back our edit of an agreed paragraph (the text converges back by itself).
  conn.provider.socket.on("error", (err: { code?: string; details?: { paragraph?: string } }) => {
    if (err?.code !== "paragraph_locked") return;
    const label = record(conn.doc, err.details?.paragraph ?? "")?.label ?? "";
    messages.error(t("editNotKept", { label }));
  });
  // Test and debugging hook: the live Y.Doc and the connection.
  window.rt = { doc: conn.doc, conn, comments: store, amendments: amendments.store, view };
  return h(
    "div",
    { class: "rt-docpage", "data-readonly": String(readOnly) },
    h("div", { class: "rt-docbar" }, back, connectionLine(conn), colourToggle(gov.api, conn.doc, view)),
    title,
    gov.rights.govern && !readOnly ? documentDetails(gov, name) : null,
    gov.rights.govern && !readOnly ? sessionNote(gov) : null,
    status,
    readOnly ? h("p", { class: "rt-note" }, t("readOnly")) : h("p", { class: "rt-hint" }, t("bracketsHint")),
    !readOnly && !gov.rights.editLocked ? h("p", { class: "rt-hint" }, t("lockedHint")) : null,
    readOnly && may(me, "post_comment") ? h("p", { class: "rt-hint" }, t("observerCommentHint")) : null,
    h(
      "div",
      { class: "rt-docgrid" },
      h("div", { class: "rt-main-col" }, versions.viewer, view.el),
      h(
        "div",
        { class: "rt-side" },
        gov.rights.viewProposals ? proposalQueue(gov, conn.provider.socket) : null,
        officer ? moderationPanel(store, me.group_id) : null,
        amendments.queue,
        versions.panel,
        presenceList(awareness),
        comments.sidebar,
      ),
    ),
    messages.el,
  );
}
