// What the inputs pages share: labels of stakeholder groups and groupings, export
// links, a screen-reader status line, and reading an API error for people.
import { ApiError } from "../api/http";
import { append, h } from "../lib/dom";
import { t, tDyn } from "../lib/i18n";
import { GROUPINGS, STAKEHOLDERS } from "./types";

export function stakeholderLabel(value: string): string {
  return tDyn("stakeholder_", value);
}

export function groupingLabel(g: string | null | undefined): string {
  return g ? t("groupingN", { g }) : t("ungrouped");
}

/** A labelled <select> of "All" + the given values; `id` names it for tests and labels. */
export function filterSelect(id: string, label: string, values: readonly string[], text: (v: string) => string, initial = "", none = t("all")): { el: HTMLElement; select: HTMLSelectElement } {
  const select = h("select", { id, name: id });
  select.appendChild(h("option", { value: "" }, none));
  for (const v of values) {
    const opt = h("option", { value: v }, text(v));
    if (v === initial) opt.selected = true;
    select.appendChild(opt);
  }
  return { el: h("div", { class: "rt-field" }, h("label", { for: id }, label), select), select };
}

export function stakeholderSelect(id: string, initial = ""): { el: HTMLElement; select: HTMLSelectElement } {
  return filterSelect(id, t("stakeholderGroup"), STAKEHOLDERS, stakeholderLabel, initial);
}

/** A grouping filter ("All" first), or with `choice` a grouping to give ("ungrouped" first). */
export function groupingSelect(id: string, initial = "", choice = false): { el: HTMLElement; select: HTMLSelectElement } {
  return filterSelect(id, t("grouping"), GROUPINGS, (g) => g, initial, choice ? t("ungrouped") : t("all"));
}

const FORMATS = [
  ["md", "formatMd"],
  ["html", "formatHtml"],
  ["csv", "formatCsv"],
  ["docx", "formatDocx"],
] as const;

/** "Export this view: Markdown · HTML · CSV · Word": links to `base()` + format=...;
 * `refresh()` re-points them after a filter changed. */
export function exportLinks(base: () => string, formats: readonly string[] = ["md", "html", "csv", "docx"]): { el: HTMLElement; refresh(): void } {
  const links = FORMATS.filter(([fmt]) => formats.includes(fmt)).map(([fmt, key]) => h("a", { class: "rt-export-" + fmt, "data-format": fmt, download: "" }, t(key)));
  const el = h("p", { class: "rt-export" }, t("exportAs"));
  links.forEach((a, i) => append(el, i > 0 ? " · " : null, a));
  const refresh = (): void => links.forEach((a) => (a.href = base() + "format=" + (a.dataset["format"] ?? "")));
  refresh();
  return { el, refresh };
}

/** A polite status line for screen readers (and sighted people: it is visible). */
export function statusLine(cls = "rt-status-line"): HTMLParagraphElement {
  return h("p", { class: cls, role: "status", "aria-live": "polite" });
}

export function errorText(err: unknown): string {
  if (err instanceof ApiError) return `${err.message} (${err.code})`;
  return String(err);
}

/** Show a local ISO date-time ("2013-09-17T23:59") as "2013-09-17 23:59". */
export function localTime(iso: string | null | undefined): string {
  return iso ? iso.replace("T", " ").slice(0, 16) : "";
}

/** The query string of the non-empty entries. */
export function query(params: Record<string, string>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? s + "&" : "";
}
