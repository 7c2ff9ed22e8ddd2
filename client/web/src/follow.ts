// The follow view of a session: read-only draft, live transcript, stream links, status.
// One Socket.IO connection to /session|<id> carries all of it (the draft through
// the y-socket.io sync events, answered here by hand).
import { io } from "socket.io-client";
import { Awareness } from "y-protocols/awareness";
import * as Y from "yjs";
import type { Segment, SessionInfo, StreamLink } from "./api";
import { h, clear } from "./dom";
import { t, tDyn } from "./i18n";
import { documentView } from "./docview";
import { meta } from "./schema";

export function followPage(sessionId: string): HTMLElement {
  const doc = new Y.Doc();
  const awareness = new Awareness(doc);
  const socket = io(`${location.origin}/session|${sessionId}`, { transports: ["websocket"] });
  const title = h("h1", {}, "…");
  const status = h("p", { class: "rt-session-status", role: "status", "aria-live": "polite" });
  const streams = h("ul", { class: "rt-streams" });
  const notice = h("p", { class: "rt-notice", role: "note" }, t("transcriptNotice"));
  const search = h("input", { type: "search", id: "transcript-search", class: "rt-search" });
  const matchCount = h("span", { class: "rt-matches", "aria-live": "polite" });
  const resume = h("button", { type: "button", class: "rt-resume", hidden: true }, t("resumeScroll"));
  const lines = h("ol", { class: "rt-transcript-lines" });
  const pane = h("div", { class: "rt-transcript-scroll", tabindex: 0, "aria-label": t("transcript") }, lines);
  const docTitle = h("h2", { class: "rt-draft-title" }, t("draft"));
  const view = documentView(doc, awareness, true);
  const segs = new Map<number, HTMLElement>();
  let follow = true;
  let programmatic = false;

  const setStatus = (s: string): void => {
    status.dataset["status"] = s;
    status.textContent = t("sessionStatus", { status: tDyn("", s) });
  };
  const setStreams = (links: StreamLink[]): void => {
    clear(streams);
    if (links.length === 0) streams.appendChild(h("li", {}, t("noStreams")));
    for (const l of links) {
      streams.appendChild(
        h("li", {}, h("a", { href: l.url, target: "_blank", rel: "noopener" }, `${tDyn("lang", l.language)} — ${l.kind} (${l.mode})`)),
      );
    }
  };
  const fmt = (ms: number): string => {
    const s = Math.floor(ms / 1000);
    return `${String(Math.floor(s / 3600)).padStart(2, "0")}:${String(Math.floor(s / 60) % 60).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
  };
  const applySearch = (): void => {
    const q = search.value.trim().toLowerCase();
    let n = 0;
    for (const el of segs.values()) {
      const hit = !q || (el.textContent ?? "").toLowerCase().includes(q);
      el.hidden = !hit;
      if (q && hit) n++;
    }
    matchCount.textContent = q ? t("matches", { n }) : "";
  };
  const scrollToEnd = (): void => {
    if (!follow) return;
    programmatic = true;
    pane.scrollTop = pane.scrollHeight;
    requestAnimationFrame(() => (programmatic = false));
  };
  const upsert = (s: Segment): void => {
    const body = h(
      "li",
      { class: "rt-segment", "data-id": s.id, "data-revision": s.revision },
      h("span", { class: "rt-time" }, fmt(s.start_ms)),
      " ",
      s.speaker ? h("strong", { class: "rt-speaker" }, s.speaker + (s.delegation ? ` (${s.delegation})` : "") + ": ") : null,
      h("span", { class: "rt-text" }, s.text),
    );
    const old = segs.get(s.id);
    if (old) old.replaceWith(body);
    else lines.appendChild(body);
    segs.set(s.id, body);
    const q = search.value.trim().toLowerCase();
    if (q) body.hidden = !(body.textContent ?? "").toLowerCase().includes(q);
  };
  pane.addEventListener("scroll", () => {
    if (programmatic) return;
    const atEnd = pane.scrollHeight - pane.scrollTop - pane.clientHeight < 24;
    follow = atEnd;
    resume.hidden = atEnd;
  });
  resume.addEventListener("click", () => {
    follow = true;
    resume.hidden = true;
    scrollToEnd();
  });
  search.addEventListener("input", applySearch);

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
  socket.on("session-state", (data: { session: SessionInfo; streams: StreamLink[]; transcript_notice?: string }) => {
    title.textContent = data.session.title;
    document.title = data.session.title + " — rollingtext";
    setStatus(data.session.status);
    setStreams(data.streams);
  });
  socket.on("transcript-history", (data: { segments: Segment[] }) => {
    for (const s of data.segments) upsert(s);
    scrollToEnd();
  });
  socket.on("transcript-segment", (data: Segment | { segments: Segment[] }) => {
    const list = "segments" in data ? data.segments : [data];
    for (const s of list) upsert(s);
    scrollToEnd();
  });
  socket.on("transcript-correction", (data: Segment | { segment: Segment }) => {
    upsert("segment" in data ? data.segment : data);
  });
  socket.on("stream-links", (data: StreamLink[] | { streams: StreamLink[] }) => setStreams(Array.isArray(data) ? data : data.streams));
  socket.on("session-status", (data: { status: string } | { session: SessionInfo }) =>
    setStatus("session" in data ? data.session.status : data.status),
  );
  const updateDocTitle = (): void => {
    const v = meta(doc).get("title");
    docTitle.textContent = t("draft") + (typeof v === "string" && v ? ": " + v : "");
  };
  meta(doc).observe(updateDocTitle);
  window.rt = { doc, socket };

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
      h(
        "section",
        { class: "rt-transcript", "aria-labelledby": "transcript-h" },
        h("h2", { id: "transcript-h" }, t("transcript")),
        notice,
        h("div", { class: "rt-search-row" }, h("label", { for: "transcript-search" }, t("searchTranscript")), search, matchCount),
        pane,
        resume,
      ),
    ),
  );
}
