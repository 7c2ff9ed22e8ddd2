// The changes between two versions (or a version and now), paragraph by paragraph
// (GET .../diff): inserted and deleted words marked inline in the colour of the
// delegation that typed or deleted them (the colours of "Colour by delegation"), a
// legend naming those colours, and badges for paragraphs added, deleted, restored,
// moved, relabelled, and for status changes with the decisions that made them.
import { h } from "../lib/dom";
import { lang, t, tDyn } from "../lib/i18n";
import { SECTIONS, statusLabel } from "../doc/schema";
import type { DiffSegment, DocumentDiff, ParagraphDiff } from "./api";
import { authorKey, authorText, type RevContext, when } from "./context";

type Side = DocumentDiff["to"];

function sideName(s: Side): string {
  return s.number === null ? t("nowChoice") : t("versionName", { label: s.label, number: s.number });
}

function segmentEl(ctx: RevContext, s: DiffSegment): Node {
  if (s.op === "equal") return document.createTextNode(s.text);
  const insert = s.op === "insert";
  const who = authorKey(s.author);
  const whoText = authorText(s.author);
  const el = h(
    insert ? "ins" : "del",
    { class: insert ? "rt-diff-ins" : "rt-diff-del", title: t(insert ? "insertedBy" : "deletedBy", { who: whoText }).replace(/\s*:$/, "") },
    h("span", { class: "rt-visually-hidden" }, ` [${t(insert ? "insertedBy" : "deletedBy", { who: whoText })} `),
    s.text,
    h("span", { class: "rt-visually-hidden" }, ` ${t(insert ? "endInserted" : "endDeleted")}] `),
  );
  if (who !== null) {
    el.dataset["delegation"] = who;
    el.style.setProperty("--rt-author", ctx.colour(who));
  }
  return el;
}

function badge(text: string, cls: string): HTMLElement {
  return h("span", { class: "rt-badge " + cls }, text);
}

function changeBadges(p: ParagraphDiff): HTMLElement {
  const out = h("p", { class: "rt-badges rt-diff-badges" });
  for (const c of p.changes) {
    if (c === "text") continue;
    let text = tDyn("change", c);
    if (c === "status" && p.status_before !== null && p.status_after !== null) text += `: ${statusLabel(p.status_before)} → ${statusLabel(p.status_after)}`;
    if (c === "moved" && p.position_before !== null && p.position_after !== null) text += `: ${t("movedFromTo", { before: p.position_before, after: p.position_after })}`;
    if (c === "label" && p.label_before) text += `: ${t("labelWas", { label: p.label_before })}`;
    const el = badge(text, `rt-change rt-change-${c}`);
    el.dataset["change"] = c;
    out.appendChild(el);
  }
  if (!p.changes.includes("status") && p.status_after) out.appendChild(badge(statusLabel(p.status_after), `rt-para-status rt-st-${p.status_after}`));
  return out;
}

function decisionsEl(p: ParagraphDiff): HTMLElement | null {
  if (p.decisions.length === 0) return null;
  return h(
    "ul",
    { class: "rt-diff-decisions", "aria-label": t("diffDecisions", { label: p.label }) },
    ...p.decisions.map((d) => {
      const who = d.delegation ? t("personWithDelegation", { name: d.by, delegation: d.delegation }) : d.by;
      const change = [d.before, d.after].map((x) => (typeof x === "string" ? statusLabel(x) : x === null || x === undefined ? "" : JSON.stringify(x))).filter(Boolean).join(" → ");
      return h("li", { class: "rt-decision", "data-action": d.action }, h("strong", {}, tDyn("action", d.action)), change ? ` ${change}` : "", h("span", { class: "rt-decision-meta" }, " — ", t("decidedBy", { name: who, when: new Date(d.at).toLocaleString(lang) })));
    }),
  );
}

function paragraphEl(ctx: RevContext, p: ParagraphDiff): HTMLElement {
  return h(
    "li",
    { class: "rt-diff-para", "data-id": p.id, "data-changes": p.changes.join(" "), "aria-label": t("paragraphText", { label: p.label }) },
    h("span", { class: "rt-label" }, p.label),
    h("div", { class: "rt-diff-body" }, changeBadges(p), h("p", { class: "rt-diff-text" }, ...p.segments.map((s) => segmentEl(ctx, s))), decisionsEl(p)),
  );
}

function legend(ctx: RevContext, d: DocumentDiff): HTMLElement {
  const seen = new Set<string>();
  for (const p of d.paragraphs) for (const s of p.segments) if (s.op !== "equal" && authorKey(s.author)) seen.add(authorKey(s.author)!);
  const list = h("ul", { class: "rt-colour-legend rt-diff-legend", "aria-label": t("diffLegend") });
  for (const who of [...seen].sort()) {
    const dot = h("span", { class: "rt-dot", "aria-hidden": "true" });
    dot.style.backgroundColor = ctx.colour(who);
    list.appendChild(h("li", { "data-delegation": who }, dot, " ", who));
  }
  list.hidden = seen.size === 0;
  return list;
}

/** "Paragraphs changed: 3 (added: 1, moved: 2)": the counts that are not zero. */
function summaryCounts(s: DocumentDiff["summary"]): string {
  const parts = (["added", "removed", "restored", "moved", "status_changed"] as const).filter((k) => s[k] > 0).map((k) => t(`sum${k}`, { n: s[k] }));
  return t("diffParagraphs", { n: s.changed }) + (parts.length ? ` (${parts.join(", ")})` : "") + ".";
}

/** The changed paragraphs under their sections (as they are on the newer side). */
function bySection(ctx: RevContext, paras: ParagraphDiff[]): HTMLElement[] {
  const known = new Set<string>(SECTIONS);
  const order = [...SECTIONS, ...new Set(paras.map((p) => p.section).filter((s) => !known.has(s)))];
  return order
    .map((section) => ({ section, list: paras.filter((p) => p.section === section) }))
    .filter((g) => g.list.length > 0)
    .map((g) => h("section", { class: "rt-section", "data-section": g.section }, h("h3", {}, tDyn("section", g.section)), h("ol", { class: "rt-diff-paras" }, ...g.list.map((p) => paragraphEl(ctx, p)))));
}

/** The comparison `d`, with `close` to leave it. */
export function diffView(ctx: RevContext, d: DocumentDiff, close: () => void): HTMLElement {
  const s = d.summary;
  const title = h("h2", { class: "rt-diff-title", tabindex: "-1" }, t("diffTitle", { from: sideName(d.from), to: sideName(d.to) }));
  const closer = h("button", { type: "button", class: "rt-diff-close" }, t("closeDiff"));
  closer.addEventListener("click", close);
  return h(
    "section",
    { class: "rt-diff", "aria-label": title.textContent ?? "" },
    h("div", { class: "rt-viewer-bar" }, title, closer),
    h("p", { class: "rt-hint" }, `${when(d.from.created_at)} → ${d.to.number === null ? t("nowChoice") : when(d.to.created_at)}`),
    h("p", { class: "rt-diff-summary" }, t("diffChars", { inserted: s.inserted, deleted: s.deleted }), " ", summaryCounts(s)),
    legend(ctx, d),
    ...(d.paragraphs.length ? bySection(ctx, d.paragraphs) : [h("p", { class: "rt-empty" }, t("noChanges"))]),
  );
}
