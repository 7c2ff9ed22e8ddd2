// The live transcript of a followed session: segments (corrected in place), a search
// that hides non-matching lines, and auto-scroll that pauses while the reader scrolls up.
import type { Segment } from "../api/types";
import { h } from "../lib/dom";
import { t } from "../lib/i18n";

export interface TranscriptPane {
  el: HTMLElement;
  /** Add a segment, or replace the one with its id (a correction). */
  upsert(s: Segment): void;
  /** Scroll to the newest line, unless the reader scrolled away. */
  scrollToEnd(): void;
}

/** Milliseconds as hh:mm:ss. */
function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${String(Math.floor(s / 3600)).padStart(2, "0")}:${String(Math.floor(s / 60) % 60).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
}

function segmentEl(s: Segment): HTMLElement {
  return h(
    "li",
    { class: "rt-segment", "data-id": s.id, "data-revision": s.revision },
    h("span", { class: "rt-time" }, clock(s.start_ms)),
    " ",
    s.speaker ? h("strong", { class: "rt-speaker" }, s.speaker + (s.delegation ? ` (${s.delegation})` : "") + ": ") : null,
    h("span", { class: "rt-text" }, s.text),
  );
}

export function transcriptPane(): TranscriptPane {
  const notice = h("p", { class: "rt-notice", role: "note" }, t("transcriptNotice"));
  const search = h("input", { type: "search", id: "transcript-search", class: "rt-search" });
  const matchCount = h("span", { class: "rt-matches", "aria-live": "polite" });
  const resume = h("button", { type: "button", class: "rt-resume", hidden: true }, t("resumeScroll"));
  const lines = h("ol", { class: "rt-transcript-lines" });
  const pane = h("div", { class: "rt-transcript-scroll", tabindex: 0, "aria-label": t("transcript") }, lines);
  const segs = new Map<number, HTMLElement>();
  let follow = true;
  let programmatic = false;

  const query = (): string => search.value.trim().toLowerCase();
  const applySearch = (): void => {
    const q = query();
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
    const body = segmentEl(s);
    const old = segs.get(s.id);
    if (old) old.replaceWith(body);
    else lines.appendChild(body);
    segs.set(s.id, body);
    const q = query();
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

  const el = h(
    "section",
    { class: "rt-transcript", "aria-labelledby": "transcript-h" },
    h("h2", { id: "transcript-h" }, t("transcript")),
    notice,
    h("div", { class: "rt-search-row" }, h("label", { for: "transcript-search" }, t("searchTranscript")), search, matchCount),
    pane,
    resume,
  );
  return { el, upsert, scrollToEnd };
}
