// The chair's and secretariat's moderation queue of a document: observers' pending
// comments and flagged ones, approved or rejected (with a reason) on a meeting's
// agreement, one by one or in bulk. Live: it is the store's pending/flagged comments.
import { getJson } from "../api/http";
import type { Answer } from "../api/types";
import { clear, h } from "../lib/dom";
import { t } from "../lib/i18n";
import { errorText } from "./format";
import type { CommentData, CommentStore } from "./store";

type Decision = "approved" | "rejected";

/** The panel's elements. */
interface Queue {
  panel: HTMLElement;
  heading: HTMLElement;
  meeting: HTMLInputElement;
  meetings: HTMLDataListElement;
  reason: HTMLInputElement;
  message: HTMLElement;
  error: HTMLElement;
  selectAll: HTMLInputElement;
  approveSel: HTMLButtonElement;
  rejectSel: HTMLButtonElement;
  bulk: HTMLElement;
  list: HTMLElement;
  empty: HTMLElement;
}

function queueElements(): Queue {
  const q = {
    heading: h("h2", { id: "queue-h" }, t("moderationQueue")),
    meeting: h("input", { id: "queue-meeting", type: "text", maxlength: 200, list: "queue-meetings", class: "rt-queue-meeting", autocomplete: "off" }),
    meetings: h("datalist", { id: "queue-meetings" }),
    reason: h("input", { id: "queue-reason", type: "text", maxlength: 2000, class: "rt-queue-reason" }),
    message: h("p", { class: "rt-queue-message", role: "status", "aria-live": "polite" }),
    error: h("p", { class: "rt-error", role: "alert" }),
    selectAll: h("input", { type: "checkbox", id: "queue-all", class: "rt-queue-all" }),
    approveSel: h("button", { type: "button", class: "rt-approve-selected" }, t("approveSelected")),
    rejectSel: h("button", { type: "button", class: "rt-reject-selected" }, t("rejectSelected")),
    list: h("ul", { class: "rt-queue-list" }),
    empty: h("p", { class: "rt-queue-empty" }, t("queueEmpty")),
  };
  const bulk = h(
    "div",
    { class: "rt-queue-bulk" },
    h("label", { for: "queue-all" }, q.selectAll, " ", t("selectAll")),
    h("div", { class: "rt-buttons" }, q.approveSel, q.rejectSel),
  );
  const panel = h(
    "section",
    { class: "rt-queue", "aria-labelledby": "queue-h" },
    q.heading,
    h("p", { class: "rt-hint" }, t("queueHint")),
    h("div", { class: "rt-field" }, h("label", { for: "queue-meeting" }, t("meetingRef")), q.meeting, q.meetings),
    h("div", { class: "rt-field" }, h("label", { for: "queue-reason" }, t("rejectReason")), q.reason),
    bulk,
    q.list,
    q.empty,
    q.message,
    q.error,
  );
  q.heading.tabIndex = -1;
  return { ...q, bulk, panel };
}

/** Offer the group's meetings as suggestions for the meeting reference. */
function suggestMeetings(datalist: HTMLDataListElement, groupId: number | null | undefined): void {
  if (!groupId) return;
  getJson<Answer<"/api/groups/{gid}/meetings">>(`/api/groups/${groupId}/meetings`)
    .then(({ meetings }) => {
      for (const m of meetings) datalist.append(h("option", { value: `${m.title} (${m.starts_on})` }));
    })
    .catch(() => undefined);
}

/** One queued comment: a checkbox (selection for bulk decisions), approve and reject. */
function queueItem(c: CommentData, checked: boolean, toggle: (on: boolean) => void, decide: (d: Decision) => void): HTMLElement {
  const box = h("input", {
    type: "checkbox",
    id: "queue-" + c.id,
    class: "rt-queue-check",
    "aria-label": t("selectComment", { name: c.author.name, body: c.body.slice(0, 80) }),
  });
  box.checked = checked;
  box.addEventListener("change", () => toggle(box.checked));
  const approve = h("button", { type: "button", class: "rt-approve", "aria-label": t("approveLabel", { name: c.author.name }) }, t("approve"));
  const reject = h("button", { type: "button", class: "rt-reject", "aria-label": t("rejectLabel", { name: c.author.name }) }, t("reject"));
  approve.addEventListener("click", () => decide("approved"));
  reject.addEventListener("click", () => decide("rejected"));
  const where = c.anchor?.kind === "range" ? (c.anchor.quote?.exact ?? "") : "";
  const flagged = c.moderation === "flagged";
  return h(
    "li",
    { class: "rt-queue-item", "data-id": String(c.id), "data-moderation": c.moderation },
    h(
      "label",
      { for: box.id, class: "rt-queue-who" },
      box,
      " ",
      h("strong", {}, c.author.name),
      " ",
      h("span", { class: "rt-role" }, c.author.role),
      " ",
      h("span", { class: "rt-badge " + (flagged ? "rt-flagged" : "rt-pending") }, flagged ? t("flagged", { reason: c.flag_reason ?? "" }) : t("pendingApproval")),
    ),
    where ? h("blockquote", { class: "rt-quote" }, where) : null,
    h("p", { class: "rt-comment-text" }, c.body),
    h("div", { class: "rt-buttons" }, approve, reject),
  );
}

/** Why a decision cannot be sent yet (and where the focus should go), or null. */
function missing(q: Queue, ids: number[], decision: Decision): { message: string; field?: HTMLElement } | null {
  if (ids.length === 0) return { message: t("selectSome") };
  if (!q.meeting.value.trim()) return { message: t("meetingRequired"), field: q.meeting };
  if (decision === "rejected" && !q.reason.value.trim()) return { message: t("reasonRequired"), field: q.reason };
  return null;
}

export function moderationPanel(store: CommentStore, groupId: number | null | undefined): HTMLElement {
  const selected = new Set<number>();
  const q = queueElements();
  suggestMeetings(q.meetings, groupId);

  const pending = (): CommentData[] =>
    Array.from(store.comments.values())
      .filter((c) => c.moderation === "pending" || c.moderation === "flagged")
      .sort((a, b) => a.id - b.id);

  function decide(ids: number[], decision: Decision): void {
    q.error.textContent = "";
    const problem = missing(q, ids, decision);
    if (problem) {
      q.error.textContent = problem.message;
      problem.field?.focus();
      return;
    }
    store
      .decide(ids, decision, q.meeting.value.trim(), decision === "rejected" ? q.reason.value.trim() : "")
      .then(() => {
        for (const id of ids) selected.delete(id);
        q.message.textContent = t(decision === "approved" ? "approvedN" : "rejectedN", { n: ids.length });
        if (decision === "rejected") q.reason.value = "";
        // Rejected comments vanish for officers; approved ones change state: both re-render.
        render();
        q.heading.focus();
      })
      .catch((err: unknown) => (q.error.textContent = errorText(err)));
  }

  q.approveSel.addEventListener("click", () => decide(Array.from(selected), "approved"));
  q.rejectSel.addEventListener("click", () => decide(Array.from(selected), "rejected"));
  q.selectAll.addEventListener("change", () => {
    for (const c of pending()) {
      if (q.selectAll.checked) selected.add(c.id);
      else selected.delete(c.id);
    }
    render();
  });

  function toggle(id: number, on: boolean): void {
    if (on) selected.add(id);
    else selected.delete(id);
    syncAll();
  }

  function syncAll(): void {
    const items = pending();
    q.selectAll.checked = items.length > 0 && items.every((c) => selected.has(c.id));
  }

  function render(): void {
    const items = pending();
    const ids = new Set(items.map((c) => c.id));
    for (const id of selected) if (!ids.has(id)) selected.delete(id);
    const focusedId = (document.activeElement as HTMLElement | null)?.closest?.(".rt-queue-item")?.getAttribute("data-id");
    clear(q.list);
    for (const c of items) q.list.append(queueItem(c, selected.has(c.id), (on) => toggle(c.id, on), (d) => decide([c.id], d)));
    if (focusedId) q.list.querySelector<HTMLElement>(`.rt-queue-item[data-id="${focusedId}"] .rt-queue-check`)?.focus();
    q.heading.textContent = items.length ? t("moderationQueueN", { n: items.length }) : t("moderationQueue");
    q.empty.hidden = items.length > 0;
    q.bulk.hidden = items.length === 0;
    syncAll();
  }
  store.onChange(() => render());
  render();
  return q.panel;
}
