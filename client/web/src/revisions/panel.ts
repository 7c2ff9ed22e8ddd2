// The versions panel of the document page: the document's versions (GET .../versions),
// a light timeslider (a range over the versions and "now", with previous/next buttons)
// whose choice shows that version read only in place of the live text, "Issue version"
// for ISSUE_VERSIONS, a comparison of any two choices (the diff view), and the export
// menu for the chosen version. Versions never change once made, so each is read once.
// A new version (issued, or frozen at a session's end) arrives live: the server sends
// version-issued on the document's namespace; the list is read again on every
// (re)connection, for whatever was issued while away.
import type { Socket } from "socket.io-client";
import { h, KeyedList } from "../lib/dom";
import { t, tDyn } from "../lib/i18n";
import type { GovContext } from "../paragraphs/context";
import type { VersionDetail, VersionSummary } from "./api";
import { revContext, type RevContext, versionName, when } from "./context";
import { diffView } from "./diff";
import { exportMenu } from "./exports";
import { versionView } from "./version";

export interface VersionsUi {
  /** The panel (side column). */
  panel: HTMLElement;
  /** Where a version or a comparison shows (main column, in place of `live`). */
  viewer: HTMLElement;
}

function versionItem(v: VersionSummary, read: (v: VersionSummary) => void, changes: (v: VersionSummary) => void, first: boolean): HTMLElement {
  const name = versionName(v);
  const readBtn = h("button", { type: "button", class: "rt-version-read", "aria-label": t("readVersionLabel", { label: name }) }, t("readVersion"));
  readBtn.addEventListener("click", () => read(v));
  const changesBtn = h("button", { type: "button", class: "rt-version-changes", "aria-label": t("changesSinceLabel", { label: name }), disabled: first }, t("changesSince"));
  changesBtn.addEventListener("click", () => changes(v));
  return h(
    "li",
    { class: "rt-version", "data-number": String(v.number), "data-kind": v.kind },
    h("strong", {}, v.label),
    " ",
    h("span", { class: "rt-badge rt-version-kind" }, tDyn("versionkind", v.kind)),
    h("span", { class: "rt-version-meta" }, `${t("versionNumber", { number: v.number })} · ${t("versionBy", { name: v.created_by, when: when(v.created_at) })} · ${t("versionSize", { n: v.paragraphs })}`),
    h("span", { class: "rt-buttons" }, readBtn, changesBtn),
  );
}

export function versionsUi(gov: GovContext, document: string, live: HTMLElement, socket: Socket): VersionsUi {
  const ctx: RevContext = revContext(gov, document);
  const viewer = h("div", { class: "rt-viewer", hidden: true });
  const heading = h("h2", { id: "rt-versions-h" }, t("versions"));
  let versions: VersionSummary[] = [];
  /** The timeslider's position: an index into `versions`, or versions.length for now. */
  let pos = 0;
  let shown = 0;
  const details = new Map<number, VersionDetail>();

  // -- timeslider ---------------------------------------------------------------------
  const slider = h("input", { type: "range", id: "rt-timeslider", min: 0, max: 0, step: 1, value: 0, class: "rt-timeslider" });
  const prev = h("button", { type: "button", class: "rt-slide-prev", "aria-label": t("previousVersion") }, "‹");
  const next = h("button", { type: "button", class: "rt-slide-next", "aria-label": t("nextVersion") }, "›");
  const choice = h("output", { class: "rt-slide-choice", for: slider.id, "aria-live": "polite" });
  const choiceName = (i: number): string => (i >= versions.length ? t("nowLive") : versionName(versions[i]!));
  const exports = exportMenu(ctx);

  const showLive = (): void => {
    viewer.hidden = true;
    viewer.replaceChildren();
    live.hidden = false;
  };
  const showInViewer = (el: HTMLElement, focus: boolean): void => {
    viewer.replaceChildren(el);
    viewer.hidden = false;
    live.hidden = true;
    if (focus) {
      const target = el.querySelector<HTMLElement>("[tabindex='-1']");
      target?.focus();
      viewer.scrollIntoView({ block: "start" });
    }
  };

  const showVersion = async (v: VersionSummary, focus: boolean): Promise<void> => {
    const ticket = ++shown;
    let d = details.get(v.number);
    if (!d) {
      const got = await gov.run(() => ctx.api.get(v.number));
      if (!got) return;
      d = got;
      details.set(v.number, d);
    }
    if (ticket !== shown) return;
    const name = versionName(v);
    const title = h("h2", { class: "rt-viewer-title", tabindex: "-1" }, t("viewingVersion", { label: name, when: when(v.created_at) }));
    const changes = h("button", { type: "button", class: "rt-version-changes", "aria-label": t("changesSinceLabel", { label: name }), disabled: v.number === versions[0]?.number }, t("changesSince"));
    changes.addEventListener("click", () => void showDiff(null, v.number, true));
    const back = h("button", { type: "button", class: "rt-back-now" }, t("backToNow"));
    back.addEventListener("click", () => {
      select(versions.length);
      slider.focus();
    });
    showInViewer(h("section", { class: "rt-version-view", "data-number": String(v.number), "aria-label": name }, h("div", { class: "rt-viewer-bar" }, title, h("span", { class: "rt-buttons" }, changes, back)), versionView(ctx, d)), focus);
  };

  const showDiff = async (from: number | null, to: number | null, focus: boolean): Promise<void> => {
    const ticket = ++shown;
    const [d] = await Promise.all([gov.run(() => ctx.api.diff(from, to)), ctx.loadColours()]);
    if (!d || ticket !== shown) return;
    const close = (): void => {
      select(pos, true);
      if (pos >= versions.length) slider.focus();
    };
    showInViewer(diffView(ctx, d, close), focus);
  };

  /** The slider, its buttons, its spoken value and the export menu follow `pos`. */
  const syncSlider = (): void => {
    slider.max = String(versions.length);
    slider.value = String(pos);
    const name = choiceName(pos);
    slider.setAttribute("aria-valuetext", name);
    choice.textContent = name;
    prev.disabled = pos === 0;
    next.disabled = pos === versions.length;
    exports.setVersion(pos < versions.length ? versions[pos]!.number : null, name);
  };

  /** Move the timeslider to `i` and show that choice (a version, or the live text). */
  const select = (i: number, focus = false): void => {
    pos = Math.max(0, Math.min(i, versions.length));
    syncSlider();
    if (pos >= versions.length) {
      shown++;
      showLive();
    } else void showVersion(versions[pos]!, focus);
  };
  slider.addEventListener("input", () => select(Number(slider.value)));
  prev.addEventListener("click", () => select(pos - 1));
  next.addEventListener("click", () => select(pos + 1));

  // -- list -----------------------------------------------------------------------------
  const list = h("ol", { class: "rt-version-list", "aria-label": t("versionList"), reversed: true });
  const empty = h("p", { class: "rt-empty" }, t("noVersions"));
  const read = (v: VersionSummary): void => select(versions.findIndex((w) => w.number === v.number), true);
  const items = new KeyedList<VersionSummary>(list, (v) => v.number, (v) => JSON.stringify(v) + String(v.number === versions[0]?.number), (v) => versionItem(v, read, (w) => void showDiff(null, w.number, true), v.number === versions[0]?.number));

  // -- compare --------------------------------------------------------------------------
  const from = h("select", { id: "rt-diff-from" });
  const to = h("select", { id: "rt-diff-to" });
  const compare = h(
    "form",
    { class: "rt-compare", "aria-labelledby": "rt-compare-h" },
    h("h3", { id: "rt-compare-h" }, t("compareTitle")),
    h("div", { class: "rt-export-row" }, h("div", { class: "rt-field" }, h("label", { for: from.id }, t("diffFrom")), from), h("div", { class: "rt-field" }, h("label", { for: to.id }, t("diffTo")), to)),
    h("button", { type: "submit" }, t("showDiff")),
  );
  compare.addEventListener("submit", (ev) => {
    ev.preventDefault();
    void showDiff(Number(from.value), to.value ? Number(to.value) : null, true);
  });
  const fillCompare = (): void => {
    const keepFrom = from.value;
    const keepTo = to.value;
    from.replaceChildren(...versions.map((v) => h("option", { value: String(v.number) }, versionName(v))));
    to.replaceChildren(...versions.map((v) => h("option", { value: String(v.number) }, versionName(v))), h("option", { value: "" }, t("nowChoice")));
    from.value = keepFrom && versions.some((v) => String(v.number) === keepFrom) ? keepFrom : String(versions[versions.length - 1]?.number ?? "");
    to.value = keepTo;
    if (to.selectedIndex < 0) to.value = "";
    compare.hidden = versions.length === 0;
  };

  // -- issue ----------------------------------------------------------------------------
  let issueForm: HTMLElement | null = null;
  if (ctx.rights.issue) {
    const label = h("input", { id: "rt-version-label", type: "text", required: true, maxlength: 200, placeholder: t("versionLabelHint") });
    const submit = h("button", { type: "submit" }, t("issueVersion"));
    const form = h("form", { class: "rt-issue-version", "aria-label": t("issueVersion") }, h("div", { class: "rt-field" }, h("label", { for: label.id }, t("versionLabelField")), label), h("div", { class: "rt-buttons" }, submit));
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const text = label.value.trim();
      if (!text) return;
      submit.disabled = true;
      void gov
        .run(() => ctx.api.issue(text))
        .then(async (v) => {
          if (!v) return;
          label.value = "";
          const msg = t("versionIssued", { number: v.number, label: v.label });
          gov.toasts.show(msg);
          gov.announce(msg);
          show([v]);
        })
        .finally(() => (submit.disabled = false));
    });
    issueForm = form;
  }

  // -- loading --------------------------------------------------------------------------
  /** Add `more` to the versions known (by number: a version never changes, and none
   * goes away, so a list read meanwhile cannot drop one that arrived live). */
  let listed = false;
  const show = (more: VersionSummary[], list = false): void => {
    const atNow = pos >= versions.length;
    const current = versions[pos]?.number;
    const known = new Map(versions.map((v) => [v.number, v]));
    for (const v of more) known.set(v.number, v);
    if (known.size === versions.length && (listed || !list)) return;
    listed ||= list;
    versions = [...known.values()].sort((a, b) => a.number - b.number);
    heading.textContent = t("versionsN", { n: versions.length });
    items.render([...versions].reverse());
    empty.hidden = versions.length > 0;
    fillCompare();
    const keep = atNow ? versions.length : versions.findIndex((v) => v.number === current);
    pos = keep < 0 ? versions.length : keep;
    // Only the slider's state follows; what is shown stays (a version never changes).
    syncSlider();
  };
  const load = async (): Promise<void> => {
    try {
      show((await ctx.api.list()).versions, true);
    } catch {
      // Read again at the next (re)connection; live events add versions meanwhile.
    }
  };
  socket.on("version-issued", (v: VersionSummary) => {
    if (versions.some((w) => w.number === v.number)) return;
    show([v]);
    gov.announce(t("versionIssued", { number: v.number, label: v.label }));
  });
  socket.on("connect", () => void load());
  fillCompare();
  syncSlider();
  void load();

  const panel = h(
    "section",
    { class: "rt-versions", "aria-labelledby": heading.id },
    heading,
    h("div", { class: "rt-slider-row" }, prev, h("label", { for: slider.id, class: "rt-visually-hidden" }, t("timeslider")), slider, next),
    choice,
    issueForm,
    empty,
    list,
    compare,
    exports.el,
  );
  return { panel, viewer };
}
