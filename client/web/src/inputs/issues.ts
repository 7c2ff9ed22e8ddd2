// The issue table (?issues=<gid>): No / Issue / Category / Grouping / Activities &
// approaches / Status, with the sources each item keeps and where the rolling text cites
// it; counts (items, merged, remaining); members edit a row inline (with its revision: a
// stale edit is refused and the current row shown), merge the selected rows, and add
// items. Everyone viewing it sees every change live (the group's live topic).
import { getJson, sendJson } from "../api/http";
import { type Me, may } from "../api/types";
import { KeyedList, append, h } from "../lib/dom";
import { t } from "../lib/i18n";
import { link } from "../lib/nav";
import { errorText, exportLinks, groupingSelect, statusLine } from "./common";
import { GroupLive, type LiveState } from "./live";
import { Rows, saveRow } from "./rows";
import { citeForm, uncite } from "./cite";
import type { IssueCounts, IssueItem, IssueTable } from "./types";

type Fields = Pick<IssueItem, "issue" | "category" | "grouping" | "activities" | "status">;

function sourcesCell(item: IssueItem): HTMLElement {
  if (item.sources.length === 0) return h("span", {}, t("notCited"));
  return h(
    "details",
    { class: "rt-sources" },
    h("summary", {}, t("sourcesN", { n: item.sources.length })),
    h("ul", {}, ...item.sources.map((s) => h("li", {}, t("sourceLine", { id: s.response_id, q: s.question, exact: s.exact })))),
  );
}

/** Where the text cites the item; with `remove`, each citation can be taken back. */
function citedCell(item: IssueItem, remove?: (c: IssueItem["citations"][number]) => void): HTMLElement {
  if (item.citations.length === 0) return h("span", {}, t("notCited"));
  return h(
    "ul",
    { class: "rt-citations" },
    ...item.citations.map((c) => {
      const label = c.label || c.paragraph_id;
      const x = remove ? h("button", { type: "button", class: "rt-uncite", "aria-label": t("uncite", { n: item.number, label }) }, "×") : null;
      x?.addEventListener("click", () => remove?.(c));
      return h("li", {}, link({ doc: c.document }, label), " ", x);
    }),
  );
}

export async function issuesPage(me: Me, gidText: string): Promise<HTMLElement> {
  const gid = Number(gidText);
  const base = `/api/groups/${gid}/issues`;
  const editor = may(me, "edit_issue_table");
  const rows = new Rows<IssueItem>((i) => i.number);
  let counts: IssueCounts = { items: 0, merged: 0, remaining: 0 };
  const editing = new Set<number>();
  const selected = new Set<number>();
  const status = statusLine();
  const countsEl = h("p", { class: "rt-counts", tabindex: "-1" });
  const liveEl = h("p", { class: "rt-conn", "data-state": "connecting" });

  // Filters (applied here to the live table).
  const grouping = groupingSelect("i-grouping");
  const search = h("input", { type: "search", id: "i-search" });
  const withMerged = h("input", { type: "checkbox", id: "i-merged" });
  const filters = h(
    "form",
    { class: "rt-filters", role: "search", "aria-label": t("filters") },
    grouping.el,
    h("div", { class: "rt-field" }, h("label", { for: "i-search" }, t("searchTable")), search),
    h("div", { class: "rt-check" }, withMerged, h("label", { for: "i-merged" }, t("includeMerged"))),
  );
  filters.addEventListener("submit", (ev) => ev.preventDefault());

  const tbody = h("tbody", {});
  const mergeInto = h("select", { id: "merge-into" });
  const mergeBtn = h("button", { type: "button", class: "rt-merge" }, t("mergeSelected"));
  const mergeBar = h("div", { class: "rt-merge-bar" }, h("label", { for: "merge-into" }, t("mergeInto")), " ", mergeInto, " ", mergeBtn);

  const shown = (item: IssueItem): boolean => {
    if (item.merged_into !== null && !withMerged.checked) return false;
    if (grouping.select.value && item.grouping !== grouping.select.value) return false;
    const q = search.value.trim().toLowerCase();
    if (q && ![item.issue, item.category, item.activities, item.status].some((s) => s.toLowerCase().includes(q))) return false;
    return true;
  };

  const renderMergeChoices = (): void => {
    const keep = mergeInto.value;
    const numbers = Array.from(selected).sort((a, b) => a - b);
    mergeInto.replaceChildren(...numbers.map((n) => h("option", { value: String(n) }, String(n))));
    if (numbers.includes(Number(keep))) mergeInto.value = keep;
  };

  const save = (item: IssueItem, fields: Fields, done: () => void): void => {
    // `grouping: null` would mean "unchanged": removing it is said with clear_grouping.
    const { grouping, ...rest } = fields;
    const body = grouping ? { ...rest, grouping, revision: item.revision } : { ...rest, clear_grouping: true, revision: item.revision };
    const on = { rows, editing, key: item.number, render, status, saved: (got: IssueItem) => t("itemSaved", { n: got.number }), stale: () => t("staleItem", { n: item.number }) };
    saveRow(`${base}/${item.number}`, body, on, done);
  };

  const editRow = (item: IssueItem): HTMLElement => {
    const n = item.number;
    const id = (f: string): string => `edit-${n}-${f}`;
    const issue = h("textarea", { id: id("issue"), rows: 3, "aria-label": `${t("colIssue")} (${n})` });
    issue.value = item.issue;
    const category = h("input", { type: "text", id: id("category"), "aria-label": `${t("colCategory")} (${n})` });
    category.value = item.category;
    const g = groupingSelect(id("grouping"), item.grouping ?? "", true);
    g.el.querySelector("label")!.classList.add("rt-visually-hidden");
    const activities = h("textarea", { id: id("activities"), rows: 3, "aria-label": `${t("colActivities")} (${n})` });
    activities.value = item.activities;
    const st = h("input", { type: "text", id: id("status"), "aria-label": `${t("colStatus")} (${n})` });
    st.value = item.status;
    const saveBtn = h("button", { type: "button", class: "rt-row-save" }, t("save"));
    const cancelBtn = h("button", { type: "button", class: "rt-row-cancel" }, t("cancel"));
    const row = h(
      "tr",
      { "data-number": String(n), class: "rt-editing" },
      h("td", {}),
      h("th", { scope: "row" }, String(n)),
      h("td", {}, issue),
      h("td", {}, category),
      h("td", {}, g.el),
      h("td", {}, activities),
      h("td", {}, st),
      h("td", {}, sourcesCell(item)),
      h("td", {}, citedCell(item)),
      h("td", {}, h("div", { class: "rt-buttons" }, saveBtn, cancelBtn)),
    );
    const focusEdit = (): void => (tbody.querySelector<HTMLElement>(`tr[data-number="${n}"] .rt-row-edit`) ?? countsEl).focus();
    saveBtn.addEventListener("click", () =>
      save(item, { issue: issue.value.trim(), category: category.value.trim(), grouping: (g.select.value || null) as Fields["grouping"], activities: activities.value.trim(), status: st.value.trim() }, focusEdit),
    );
    cancelBtn.addEventListener("click", () => {
      editing.delete(n);
      render();
      focusEdit();
    });
    row.addEventListener("keydown", (ev) => {
      if (ev.key === "Escape") cancelBtn.click();
    });
    queueMicrotask(() => issue.focus());
    return row;
  };

  const removeCitation = (item: IssueItem, c: IssueItem["citations"][number]): void => {
    uncite(gid, item, c)
      .then((got) => {
        rows.put(got);
        render();
        status.textContent = t("uncited", { n: got.number, label: c.label || c.paragraph_id });
        countsEl.focus();
      })
      .catch((err: unknown) => (status.textContent = errorText(err)));
  };

  const viewRow = (item: IssueItem): HTMLElement => {
    const n = item.number;
    const merged = item.merged_into !== null;
    const check = h("input", { type: "checkbox", class: "rt-row-select", "aria-label": t("selectItem", { n }) });
    check.checked = selected.has(n);
    check.disabled = merged || !editor;
    check.addEventListener("change", () => {
      if (check.checked) selected.add(n);
      else selected.delete(n);
      renderMergeChoices();
    });
    const edit = h("button", { type: "button", class: "rt-row-edit", "aria-label": t("editItem", { n }) }, t("edit"));
    edit.addEventListener("click", () => {
      editing.add(n);
      render();
    });
    return h(
      "tr",
      { "data-number": String(n), "data-revision": String(item.revision), class: merged ? "rt-merged" : "" },
      h("td", {}, editor ? check : null),
      h(
        "th",
        { scope: "row" },
        String(n),
        merged ? h("span", { class: "rt-badge" }, t("mergedInto", { n: item.merged_into ?? "" })) : null,
        item.merged_from.length ? h("span", { class: "rt-badge rt-merged-from" }, t("mergedFrom", { list: item.merged_from.join(", ") })) : null,
      ),
      h("td", { class: "rt-c-issue" }, item.issue),
      h("td", { class: "rt-c-category" }, item.category),
      h("td", { class: "rt-c-grouping" }, item.grouping ?? ""),
      h("td", { class: "rt-c-activities" }, item.activities),
      h("td", { class: "rt-c-status" }, item.status),
      h("td", {}, sourcesCell(item)),
      h("td", {}, citedCell(item, editor ? (c) => removeCitation(item, c) : undefined)),
      h("td", {}, editor && !merged ? edit : null),
    );
  };

  const list = new KeyedList<IssueItem>(
    tbody,
    (i) => i.number,
    (i) => (editing.has(i.number) ? "edit" : JSON.stringify(i) + selected.has(i.number)),
    (i) => (editing.has(i.number) ? editRow(i) : viewRow(i)),
    (el, focused) => (el.querySelector<HTMLElement>(focused.className ? "." + focused.className.split(" ")[0] : "button") ?? el).focus(),
  );
  const empty = h("p", { class: "rt-empty" }, t("noItems"));

  function render(): void {
    // Rows merged away leave the selection.
    for (const n of selected) if (rows.rows.get(n)?.merged_into != null) selected.delete(n);
    const items = rows.list((a, b) => a.number - b.number).filter(shown);
    list.render(items);
    empty.hidden = items.length > 0;
    countsEl.textContent = t("counts", { ...counts });
    countsEl.dataset["items"] = String(counts.items);
    countsEl.dataset["merged"] = String(counts.merged);
    countsEl.dataset["remaining"] = String(counts.remaining);
    renderMergeChoices();
  }
  for (const el of [grouping.select, search, withMerged]) el.addEventListener("input", render);
  withMerged.addEventListener("change", () => exports.refresh());

  mergeBtn.addEventListener("click", () => {
    const numbers = Array.from(selected);
    if (numbers.length < 2) {
      status.textContent = t("mergeNeedTwo");
      return;
    }
    const into = Number(mergeInto.value || Math.min(...numbers));
    const items = numbers.filter((n) => n !== into);
    sendJson<IssueItem>("POST", `${base}/merge`, { into, items })
      .then((got) => {
        rows.put(got);
        for (const n of items) {
          const old = rows.rows.get(n);
          if (old && old.merged_into === null) rows.put({ ...old, merged_into: into }, true);
        }
        selected.clear();
        render();
        status.textContent = t("merged", { items: items.join(", "), into });
      })
      .catch((err: unknown) => (status.textContent = errorText(err)));
  });

  // A new item typed in (without a source; items from answers come from the responses view).
  const newIssue = h("input", { type: "text", id: "new-issue", maxlength: 5000 });
  const newGrouping = groupingSelect("new-grouping", "", true);
  const addForm = h(
    "form",
    { class: "rt-new-item", "aria-labelledby": "new-item-title" },
    h("h2", { id: "new-item-title" }, t("newItem")),
    h("div", { class: "rt-field" }, h("label", { for: "new-issue" }, t("colIssue")), newIssue),
    newGrouping.el,
    h("button", { type: "submit" }, t("add")),
  );
  addForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (!newIssue.value.trim()) return;
    sendJson<IssueItem>("POST", base, { issue: newIssue.value.trim(), grouping: newGrouping.select.value || null })
      .then((got) => {
        rows.put(got);
        newIssue.value = "";
        render();
        status.textContent = t("itemCreated", { n: got.number });
      })
      .catch((err: unknown) => (status.textContent = errorText(err)));
  });

  // First the table as GET gives it, then live.
  const first = await getJson<IssueTable>(`${base}?include_merged=true`);
  rows.replaceAll(first.items);
  counts = first.counts;
  const liveText = (s: LiveState): void => {
    liveEl.dataset["state"] = s;
    liveEl.textContent = t(s === "connected" ? "connected" : s === "connecting" ? "connecting" : "offlineNone");
  };
  const live = new GroupLive(gid, {
    state: (s) => {
      rows.replaceAll(s.issues.items);
      counts = s.issues.counts;
      render();
    },
    issue: (e) => {
      for (const item of e.items) rows.put(item, true);
      counts = e.counts;
      render();
    },
    connection: liveText,
  });
  liveText(live.state());
  window.rt = { ...(window.rt ?? {}), issues: rows, issuesLive: live };

  const table = h(
    "div",
    { class: "rt-table-scroll", tabindex: "0", role: "region", "aria-label": t("issueTableTitle") },
    h(
      "table",
      { class: "rt-table rt-issues" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, h("span", { class: "rt-visually-hidden" }, t("mergeSelected"))),
          ...(["colNo", "colIssue", "colCategory", "colGrouping", "colActivities", "colStatus", "colSources", "colCited"] as const).map((k) => h("th", { scope: "col" }, t(k))),
          h("th", { scope: "col" }, h("span", { class: "rt-visually-hidden" }, t("edit"))),
        ),
      ),
      tbody,
    ),
  );
  const exports = exportLinks(() => `${base}/export?include_merged=${withMerged.checked}&`);
  const root = h("div", { class: "rt-issues-page" });
  append(
    root,
    h("div", { class: "rt-docbar" }, me.group_id ? link({ group: String(me.group_id) }, t("back")) : h("span", {}), liveEl),
    h("h1", {}, t("issueTableTitle")),
    countsEl,
    filters,
    exports.el,
    status,
    editor ? mergeBar : null,
    table,
    empty,
    editor ? addForm : null,
    editor
      ? citeForm(gid, (item, message) => {
          rows.put(item);
          render();
          status.textContent = message;
        })
      : null,
  );
  render();
  return root;
}
