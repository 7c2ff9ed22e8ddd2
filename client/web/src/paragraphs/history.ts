// A paragraph's decision history (GET .../decisions?paragraph=P, for every reader): what
// was decided, by whom (and for which delegation), when, and in which session; read
// when opened, and again on each live `paragraph-changed` of this paragraph while open
// (the page re-dispatches those as the window event PARAGRAPH_CHANGED).
import { h } from "../lib/dom";
import { lang, t, tDyn } from "../lib/i18n";
import { isStatus, statusLabel } from "../doc/schema";
import type { DecisionData } from "./api";
import type { GovContext } from "./context";

function summary(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return isStatus(value) ? statusLabel(value) : value;
  if (Array.isArray(value)) return value.map(summary).join(", ");
  if (typeof value === "object") {
    const rec = value as Record<string, unknown>;
    if (typeof rec["label"] === "string" && typeof rec["text"] === "string") return `${rec["label"]}: ${rec["text"]}`;
    if (typeof rec["text"] === "string") return rec["text"];
    return Object.entries(rec)
      .filter(([k]) => k !== "order")
      .map(([k, v]) => `${k}: ${summary(v)}`)
      .join("; ");
  }
  return String(value);
}

function line(d: DecisionData): HTMLElement {
  const who = d.by.delegation ? `${d.by.name} (${d.by.delegation})` : d.by.name;
  const when = new Date(d.at).toLocaleString(lang);
  const change = [summary(d.before), summary(d.after)].filter(Boolean).join(" → ");
  return h(
    "li",
    { class: "rt-decision", "data-action": d.action },
    h("strong", {}, tDyn("action", d.action)),
    change ? ` ${change}` : "",
    h("span", { class: "rt-decision-meta" }, " — ", t("decidedBy", { name: who, when }), d.session !== null ? " · " + t("inSession", { id: d.session }) : ""),
  );
}

/** Window event (detail: the paragraph id) after a decision on it was recorded. */
export const PARAGRAPH_CHANGED = "rt-paragraph-changed";

export interface History {
  els: HTMLElement[];
  /** The paragraph's label changed. */
  changed(label: string): void;
  destroy(): void;
}

export function paragraphHistory(ctx: GovContext, pid: string, label: string): History {
  const list = h("ol", { class: "rt-history", hidden: true, "aria-label": t("historyOf", { label }) });
  const btn = h("button", { type: "button", class: "rt-history-toggle", "aria-expanded": "false", "aria-label": t("historyLabel", { label }) }, t("history"));
  const load = async (): Promise<void> => {
    const answer = await ctx.run(() => ctx.api.decisions(pid));
    if (!answer) return;
    list.replaceChildren(...answer.decisions.map(line));
    if (answer.decisions.length === 0) list.appendChild(h("li", { class: "rt-history-empty" }, t("noDecisions")));
  };
  btn.addEventListener("click", () => {
    const open = list.hidden;
    list.hidden = !open;
    btn.setAttribute("aria-expanded", String(open));
    if (open) void load();
  });
  const onDecision = (ev: Event): void => {
    if (!list.hidden && (ev as CustomEvent<string>).detail === pid) void load();
  };
  window.addEventListener(PARAGRAPH_CHANGED, onDecision);
  return {
    els: [btn, list],
    changed(now) {
      btn.setAttribute("aria-label", t("historyLabel", { label: now }));
      list.setAttribute("aria-label", t("historyOf", { label: now }));
    },
    destroy() {
      window.removeEventListener(PARAGRAPH_CHANGED, onDecision);
    },
  };
}
