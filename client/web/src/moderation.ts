// The chair's and secretariat's moderation queue of a document: observers' pending
// comments and flagged ones, approved or rejected (with a reason) on a meeting's
// agreement, one by one or in bulk. Live: it is the store's pending/flagged comments.
import { type Meeting, getJson } from "./api";
import { type CommentData, type CommentStore } from "./commentstore";
import { errorText } from "./comments";
import { clear, h } from "./dom";
import { t } from "./i18n";

export function moderationPanel(store: CommentStore, groupId: number | null | undefined): HTMLElement {
  const selected = new Set<number>();
  const heading = h("h2", { id: "queue-h" }, t("moderationQueue"));
  const meeting = h("input", { id: "queue-meeting", type: "text", maxlength: 200, list: "queue-meetings", class: "rt-queue-meeting", autocomplete: "off" });
  const meetings = h("datalist", { id: "queue-meetings" });
  const reason = h("input", { id: "queue-reason", type: "text", maxlength: 2000, class: "rt-queue-reason" });
  const message = h("p", { class: "rt-queue-message", role: "status", "aria-live": "polite" });
  const error = h("p", { class: "rt-error", role: "alert" });
  const selectAll = h("input", { type: "checkbox", id: "queue-all", class: "rt-queue-all" });
  const approveSel = h("button", { type: "button", class: "rt-approve-selected" }, t("approveSelected"));
  const rejectSel = h("button", { type: "button", class: "rt-reject-selected" }, t("rejectSelected"));
  const list = h("ul", { class: "rt-queue-list" });
  const empty = h("p", { class: "rt-queue-empty" }, t("queueEmpty"));
  const bulk = h(
    "div",
    { class: "rt-queue-bulk" },
    h("label", { for: "queue-all" }, selectAll, " ", t("selectAll")),
    h("div", { class: "rt-buttons" }, approveSel, rejectSel),
  );
  const panel = h(
    "section",
    { class: "rt-queue", "aria-labelledby": "queue-h" },
    heading,
    h("p", { class: "rt-hint" }, t("queueHint")),
    h("div", { class: "rt-field" }, h("label", { for: "queue-meeting" }, t("meetingRef")), meeting, meetings),
    h("div", { class: "rt-field" }, h("label", { for: "queue-reason" }, t("rejectReason")), reason),
    bulk,
    list,
    empty,
    message,
    error,
  );

  if (groupId) {
    getJson<{ meetings: Meeting[] }>(`/api/groups/${groupId}/meetings`)
      .then(({ meetings: ms }) => {
        for (const m of ms) meetings.append(h("option", { value: `${m.title} (${m.starts_on})` }));
      })
      .catch(() => undefined);
  }

  const pending = (): CommentData[] =>
    Array.from(store.comments.values())
      .filter((c) => c.moderation === "pending" || c.moderation === "flagged")
      .sort((a, b) => a.id - b.id);

  function decide(ids: number[], decision: "approved" | "rejected"): void {
    error.textContent = "";
    if (ids.length === 0) {
      error.textContent = t("selectSome");
      return;
    }
    if (!meeting.value.trim()) {
      error.textContent = t("meetingRequired");
      meeting.focus();
      return;
    }
    if (decision === "rejected" && !reason.value.trim()) {
      error.textContent = t("reasonRequired");
      reason.focus();
      return;
    }
    store
      .decide(ids, decision, meeting.value.trim(), decision === "rejected" ? reason.value.trim() : "")
      .then(() => {
        for (const id of ids) selected.delete(id);
        message.textContent = t(decision === "approved" ? "approvedN" : "rejectedN", { n: ids.length });
        if (decision === "rejected") reason.value = "";
        // Rejected comments vanish for officers; approved ones change state: both re-render.
        render();
        heading.focus();
      })
      .catch((err: unknown) => (error.textContent = errorText(err)));
  }

  approveSel.addEventListener("click", () => decide(Array.from(selected), "approved"));
  rejectSel.addEventListener("click", () => decide(Array.from(selected), "rejected"));
  selectAll.addEventListener("change", () => {
    for (const c of pending()) {
      if (selectAll.checked) selected.add(c.id);
      else selected.delete(c.id);
    }
    render();
  });
  heading.tabIndex = -1;

  function item(c: CommentData): HTMLElement {
    const box = h("input", {
      type: "checkbox",
      id: "queue-" + c.id,
      class: "rt-queue-check",
      "aria-label": t("selectComment", { name: c.author.name, body: c.body.slice(0, 80) }),
    });
    box.checked = selected.has(c.id);
    box.addEventListener("change", () => {
      if (box.checked) selected.add(c.id);
      else selected.delete(c.id);
      syncAll();
    });
    const approve = h("button", { type: "button", class: "rt-approve", "aria-label": t("approveLabel", { name: c.author.name }) }, t("approve"));
    const reject = h("button", { type: "button", class: "rt-reject", "aria-label": t("rejectLabel", { name: c.author.name }) }, t("reject"));
    approve.addEventListener("click", () => decide([c.id], "approved"));
    reject.addEventListener("click", () => decide([c.id], "rejected"));
    const where = c.anchor?.kind === "range" ? c.anchor.quote.exact : "";
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
        h("span", { class: "rt-badge " + (c.moderation === "flagged" ? "rt-flagged" : "rt-pending") }, c.moderation === "flagged" ? t("flagged", { reason: c.flag_reason ?? "" }) : t("pendingApproval")),
      ),
      where ? h("blockquote", { class: "rt-quote" }, where) : null,
      h("p", { class: "rt-comment-text" }, c.body),
      h("div", { class: "rt-buttons" }, approve, reject),
    );
  }

  function syncAll(): void {
    const items = pending();
    selectAll.checked = items.length > 0 && items.every((c) => selected.has(c.id));
  }

  function render(): void {
    const items = pending();
    const ids = new Set(items.map((c) => c.id));
    for (const id of selected) if (!ids.has(id)) selected.delete(id);
    const focusedId = (document.activeElement as HTMLElement | null)?.closest?.(".rt-queue-item")?.getAttribute("data-id");
    clear(list);
    for (const c of items) list.append(item(c));
    if (focusedId) list.querySelector<HTMLElement>(`.rt-queue-item[data-id="${focusedId}"] .rt-queue-check`)?.focus();
    heading.textContent = items.length ? t("moderationQueueN", { n: items.length }) : t("moderationQueue");
    empty.hidden = items.length > 0;
    bulk.hidden = items.length === 0;
    syncAll();
  }
  store.onChange(() => render());
  render();
  return panel;
}
