// The follow view of a session: read-only draft, live transcript, stream links, status.
// One Socket.IO connection to /session|<id> carries all of it (the draft through
// the y-socket.io sync events, answered here by hand).
import { type Socket, io } from "socket.io-client";
import { Awareness } from "y-protocols/awareness";
import * as Y from "yjs";
import type { Segment, SessionInfo, StreamLink } from "../api/types";
import { amendmentsUi } from "../amendments/ui";
import { documentView } from "../doc/view";
import { meta, metaField } from "../doc/schema";
import { clear, h } from "../lib/dom";
import { t, tDyn } from "../lib/i18n";
import { type TranscriptPane, transcriptPane } from "./transcript";

/** Keep `doc` in step with the server's draft (read-only: nothing goes up). */
function syncDraft(socket: Socket, doc: Y.Doc): void {
  socket.on("connect", () => {
    socket.emit("sync-step-1", Y.encodeStateVector(doc), (update: ArrayBuffer) => {
      Y.applyUpdate(doc, new Uint8Array(update), socket);
    });
  });
  socket.on("sync-step-1", (sv: ArrayBuffer, ack: (u: Uint8Array) => void) => {
    // Read-only: we have nothing the server lacks; answer with an empty diff.
    ack(Y.encodeStateAsUpdate(doc, new Uint8Array(sv)));
  });
  socket.on("sync-update", (u: ArrayBuffer) => Y.applyUpdate(doc, new Uint8Array(u), socket));
}

function followTranscript(socket: Socket, transcript: TranscriptPane): void {
  socket.on("transcript-history", (data: { segments: Segment[] }) => {
    for (const s of data.segments) transcript.upsert(s);
    transcript.scrollToEnd();
  });
  socket.on("transcript-segment", (data: Segment | { segments: Segment[] }) => {
    const list = "segments" in data ? data.segments : [data];
    for (const s of list) transcript.upsert(s);
    transcript.scrollToEnd();
  });
  socket.on("transcript-correction", (data: Segment | { segment: Segment }) => {
    transcript.upsert("segment" in data ? data.segment : data);
  });
}

function renderStreams(streams: HTMLElement, links: StreamLink[]): void {
  clear(streams);
  if (links.length === 0) streams.appendChild(h("li", {}, t("noStreams")));
  for (const l of links) {
    streams.appendChild(
      h("li", {}, h("a", { href: l.url, target: "_blank", rel: "noopener" }, `${tDyn("lang", l.language)} — ${l.kind} (${l.mode})`)),
    );
  }
}

export function followPage(sessionId: string): HTMLElement {
  const doc = new Y.Doc();
  const awareness = new Awareness(doc);
  const socket = io(`${location.origin}/session|${sessionId}`, { transports: ["websocket"] });
  const title = h("h1", {}, "…");
  const status = h("p", { class: "rt-session-status", role: "status", "aria-live": "polite" });
  const streams = h("ul", { class: "rt-streams" });
  const transcript = transcriptPane();
  const docTitle = h("h2", { class: "rt-draft-title" }, t("draft"));
  // Admitted amendments, read-only (the namespace sends followers nothing else).
  let documentName: string | null = null;
  const quiet = (): void => undefined;
  const amendments = amendmentsUi({ me: null, doc, socket, document: () => documentName, announce: quiet, error: quiet });
  const view = documentView(doc, awareness, true, amendments.decorate);

  const setStatus = (s: string): void => {
    status.dataset["status"] = s;
    status.textContent = t("sessionStatus", { status: tDyn("", s) });
  };
  syncDraft(socket, doc);
  socket.on("session-state", (data: { session: SessionInfo; streams: StreamLink[]; transcript_notice?: string }) => {
    title.textContent = data.session.title;
    if (data.session.document && data.session.document !== documentName) {
      documentName = data.session.document;
      void amendments.store.refresh().catch(() => undefined);
    }
    document.title = data.session.title + " — rollingtext";
    setStatus(data.session.status);
    renderStreams(streams, data.streams);
  });
  followTranscript(socket, transcript);
  socket.on("stream-links", (data: StreamLink[] | { streams: StreamLink[] }) => renderStreams(streams, Array.isArray(data) ? data : data.streams));
  socket.on("session-status", (data: { status: string } | { session: SessionInfo }) =>
    setStatus("session" in data ? data.session.status : data.status),
  );
  const updateDocTitle = (): void => {
    const v = metaField(doc, "title");
    docTitle.textContent = t("draft") + (v ? ": " + v : "");
  };
  meta(doc).observe(updateDocTitle);
  window.rt = { doc, socket, amendments: amendments.store };

  return h(
    "div",
    { class: "rt-follow" },
    title,
    status,
    h("section", { class: "rt-streams-box", "aria-labelledby": "streams-h" }, h("h2", { id: "streams-h" }, t("streams")), streams),
    h(
      "div",
      { class: "rt-follow-grid" },
      h("section", { class: "rt-draft", "aria-labelledby": "draft-h" }, Object.assign(docTitle, { id: "draft-h" }), view.el),
      transcript.el,
    ),
  );
}
