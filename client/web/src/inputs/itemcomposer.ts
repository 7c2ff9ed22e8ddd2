// From a selected passage of an answer to the issue table: a sticky bar offers "New
// issue item from selection" (or adding the passage to an existing item); its form
// shows the quote and takes the item's fields. The source is sent as a
// TextQuoteSelector; the server checks that the quote reads in that answer.
import { sendJson } from "../api/http";
import { append, h } from "../lib/dom";
import { t } from "../lib/i18n";
import { link } from "../lib/nav";
import { errorText, groupingSelect, statusLine } from "./common";
import { type Passage, passageIn, selectedPassage, source, wholeAnswer } from "./passage";
import type { IssueItem } from "./types";

export function itemComposer(gid: number): HTMLElement {
  let passage: Passage | null = null;
  const status = statusLine();
  const newBtn = h("button", { type: "button", class: "rt-item-from-sel" }, t("newItemFromSelection"));
  const bar = h("div", { class: "rt-sel-bar", hidden: true }, newBtn);

  // The passage, editable: a keyboard user starts from the whole answer and trims it.
  const quote = h("textarea", { id: "item-passage", rows: 2, class: "rt-quote", "aria-describedby": "item-passage-hint" });
  const from = h("p", { class: "rt-composer-title", id: "item-form-title" });
  const issue = h("textarea", { id: "item-issue", rows: 3, maxlength: 5000, required: true });
  const category = h("input", { type: "text", id: "item-category", maxlength: 300 });
  const grouping = groupingSelect("item-grouping", "", true);
  const activities = h("input", { type: "text", id: "item-activities", maxlength: 2000 });
  const itemStatus = h("input", { type: "text", id: "item-status", maxlength: 200 });
  const error = h("p", { class: "rt-error", role: "alert" });
  const cancel = h("button", { type: "button" }, t("cancel"));
  const form = h(
    "form",
    { class: "rt-item-form rt-composer", hidden: true, "aria-labelledby": "item-form-title" },
    from,
    h("div", { class: "rt-field" }, h("label", { for: "item-passage" }, t("passage")), quote, h("span", { class: "rt-hint", id: "item-passage-hint" }, t("passageHint"))),
    h("div", { class: "rt-field" }, h("label", { for: "item-issue" }, t("colIssue")), issue),
    h("div", { class: "rt-field" }, h("label", { for: "item-category" }, t("colCategory")), category),
    grouping.el,
    h("div", { class: "rt-field" }, h("label", { for: "item-activities" }, t("colActivities")), activities),
    h("div", { class: "rt-field" }, h("label", { for: "item-status" }, t("colStatus")), itemStatus),
    error,
    h("div", { class: "rt-buttons" }, h("button", { type: "submit", class: "rt-item-create" }, t("create")), cancel),
  );
  // Or: add the passage to an existing item.
  const addNo = h("input", { type: "number", id: "item-add-number", min: 1, class: "rt-narrow" });
  const addForm = h(
    "form",
    { class: "rt-item-add", hidden: true },
    h("label", { for: "item-add-number" }, t("addSourceToItem")),
    " ",
    addNo,
    " ",
    h("button", { type: "submit" }, t("add")),
  );

  const close = (): void => {
    form.hidden = addForm.hidden = true;
    passage = null;
  };
  document.addEventListener("selectionchange", () => {
    if (!form.hidden) return;
    const p = selectedPassage();
    bar.hidden = p === null;
    if (p) passage = p;
  });
  const open = (p: Passage): void => {
    passage = p;
    bar.hidden = true;
    from.textContent = t("itemFrom", { id: p.response_id, q: p.question });
    quote.value = p.exact;
    issue.value = p.exact;
    category.value = activities.value = itemStatus.value = "";
    grouping.select.value = p.grouping ?? "";
    error.textContent = "";
    form.hidden = addForm.hidden = false;
    issue.focus();
  };
  newBtn.addEventListener("click", () => {
    const p = passage ?? selectedPassage();
    if (p) open(p);
  });
  // Keyboard: Enter on an answer (focusable for those who may build the table).
  document.addEventListener("keydown", (ev) => {
    const el = ev.target instanceof HTMLElement && ev.target.matches(".rt-answer-text") ? ev.target : null;
    if (!el || ev.key !== "Enter" || !form.hidden) return;
    ev.preventDefault();
    const p = selectedPassage() ?? wholeAnswer(el);
    if (p) open(p);
  });
  /** The passage as the form holds it now (trimmed by hand, perhaps): still the answer's words? */
  const current = (): Passage | null => {
    if (!passage) return null;
    if (quote.value === passage.exact) return passage;
    return passageIn(passage.el, quote.value, passage.start);
  };
  cancel.addEventListener("click", close);
  form.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape") close();
  });
  /** On submit: the passage as the form holds it, sent by `send` (null: nothing to send);
   * the saved item is named in the status line with `done`. */
  const onSubmit = (target: HTMLFormElement, done: "itemCreated" | "itemSaved", send: (p: Passage) => Promise<IssueItem> | null): void => {
    target.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const p = current();
      if (!p) {
        error.textContent = t("passageNotFound");
        quote.focus();
        return;
      }
      send(p)
        ?.then((item) => {
          close();
          status.replaceChildren(t(done, { n: item.number }), " ", link({ issues: String(gid) }, t("issueTable")));
        })
        .catch((err: unknown) => (error.textContent = errorText(err)));
    });
  };
  onSubmit(form, "itemCreated", (p) =>
    sendJson<IssueItem>("POST", `/api/groups/${gid}/issues`, {
      issue: issue.value.trim(),
      category: category.value.trim(),
      grouping: grouping.select.value || null,
      activities: activities.value.trim(),
      status: itemStatus.value.trim(),
      source: source(p),
    }),
  );
  onSubmit(addForm, "itemSaved", (p) =>
    addNo.value ? sendJson<IssueItem>("POST", `/api/groups/${gid}/issues/${Number(addNo.value)}/sources`, { source: source(p) }) : null,
  );
  const el = h("div", { class: "rt-item-composer" });
  append(el, h("p", { class: "rt-hint" }, t("selectHint")), bar, form, addForm, status);
  return el;
}
