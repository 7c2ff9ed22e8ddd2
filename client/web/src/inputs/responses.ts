// The responses (?responses=<qid>): by respondent and by question (tabs), filtered by
// stakeholder group, A–E grouping and lateness, searched across all answers; the
// distribution of respondents; export links for each view. Members may select a passage
// of an answer to make it an item of the issue table.
import { getJson } from "../api/http";
import { type Me, may } from "../api/types";
import { append, h } from "../lib/dom";
import { t } from "../lib/i18n";
import { link } from "../lib/nav";
import { errorText, exportLinks, filterSelect, groupingLabel, groupingSelect, localTime, query, stakeholderLabel, stakeholderSelect, statusLine } from "./common";
import { itemComposer } from "./itemcomposer";
import { tabs } from "./tabs";
import { type ByQuestion, type Distribution, type Question, type Questionnaire, type ResponseList, type SearchHits, STAKEHOLDERS } from "./types";

function answerText(responseId: number, question: number, grouping: string | null, text: string): HTMLElement {
  return h("div", { class: "rt-answer-text", "data-response": String(responseId), "data-question": String(question), "data-grouping": grouping ?? "" }, text);
}

function respondentLine(r: { stakeholder: string; respondent: { name: string; organisation: string; country: string }; late: boolean }): HTMLElement {
  const who = [r.respondent.name, r.respondent.organisation, r.respondent.country].filter(Boolean).join(", ");
  return h("span", { class: "rt-respondent" }, who, " ", h("span", { class: "rt-badge" }, stakeholderLabel(r.stakeholder)), r.late ? h("span", { class: "rt-badge rt-late" }, t("late")) : null);
}

function byRespondent(list: ResponseList, questions: Map<number, Question>): HTMLElement[] {
  if (list.responses.length === 0) return [h("p", { class: "rt-empty" }, t("noResponses"))];
  return list.responses.map((r) =>
    h(
      "article",
      { class: "rt-response", id: "response-" + r.id, "data-id": String(r.id), "data-stakeholder": r.stakeholder },
      h("h3", {}, t("respondentN", { id: r.id }), " — ", respondentLine(r)),
      r.submitted_at ? h("p", { class: "rt-hint" }, localTime(r.submitted_at)) : null,
      h(
        "dl",
        { class: "rt-answers" },
        ...r.answers.flatMap((a) => {
          const q = questions.get(a.number);
          return [
            h("dt", {}, `${t("questionNumber", { n: a.number })}. ${q?.text ?? ""}`),
            h("dd", {}, !a.text ? h("span", { class: "rt-empty" }, t("noAnswer")) : q?.kind === "stakeholder" ? a.text : answerText(r.id, a.number, q?.grouping ?? null, a.text)),
          ];
        }),
      ),
    ),
  );
}

function byQuestion(data: ByQuestion): HTMLElement[] {
  if (data.questions.length === 0) return [h("p", { class: "rt-empty" }, t("noResponses"))];
  return data.questions.map((q) =>
    h(
      "section",
      { class: "rt-by-question", id: "question-" + q.number, "data-number": String(q.number), "data-grouping": q.grouping ?? "" },
      h("h3", {}, `${t("questionNumber", { n: q.number })}. ${q.text} `, h("span", { class: "rt-tag" }, groupingLabel(q.grouping))),
      q.answers.length === 0
        ? h("p", { class: "rt-empty" }, t("noResponses"))
        : h(
            "ul",
            { class: "rt-qanswers" },
            ...q.answers.map((a) => h("li", { "data-response": String(a.response_id) }, h("p", { class: "rt-hint" }, t("respondentN", { id: a.response_id }), " — ", respondentLine(a)), answerText(a.response_id, q.number, q.grouping, a.text))),
          ),
    ),
  );
}

function distributionTable(d: Distribution): HTMLElement {
  const row = (label: string, c: { total: number; on_time: number; late: number }, key: string): HTMLElement =>
    h("tr", { "data-stakeholder": key }, h("th", { scope: "row" }, label), h("td", {}, String(c.total)), h("td", {}, String(c.on_time)), h("td", {}, String(c.late)));
  return h(
    "table",
    { class: "rt-table rt-distribution" },
    h("caption", {}, t("distributionCaption")),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("stakeholderGroup")), h("th", { scope: "col" }, t("total")), h("th", { scope: "col" }, t("onTime")), h("th", { scope: "col" }, t("lateCol")))),
    h(
      "tbody",
      {},
      ...STAKEHOLDERS.filter((s) => d.by_stakeholder[s]).map((s) => row(stakeholderLabel(s), d.by_stakeholder[s]!, s)),
    ),
    h("tfoot", {}, row(t("total"), d, "total")),
  );
}

export async function responsesPage(me: Me, qid: string): Promise<HTMLElement> {
  const base = `/api/questionnaires/${encodeURIComponent(qid)}`;
  const q = await getJson<Questionnaire>(base);
  document.title = t("responsesOf", { title: q.title }) + " — rollingtext";
  const questions = new Map(q.questions.map((x) => [x.number, x]));
  const params = new URLSearchParams(location.search);
  const editor = may(me, "edit_issue_table");
  const status = statusLine();
  const stakeholder = stakeholderSelect("f-stakeholder", params.get("stakeholder") ?? "");
  const grouping = groupingSelect("f-grouping", params.get("grouping") ?? "");
  const late = filterSelect("f-late", t("lateFilter"), ["true", "false"], (v) => (v === "true" ? t("lateOnly") : t("onTimeOnly")));
  const search = h("input", { type: "search", id: "f-search", name: "q", value: params.get("q") ?? "" });
  const hits = h("div", { class: "rt-hits", "aria-live": "polite" });
  const filters = h(
    "form",
    { class: "rt-filters", role: "search", "aria-label": t("filters") },
    stakeholder.el,
    grouping.el,
    late.el,
    h("div", { class: "rt-field" }, h("label", { for: "f-search" }, t("search")), search),
    h("button", { type: "submit" }, t("searchButton")),
  );
  const VIEWS: Record<string, string> = { respondents: "by-respondent", questions: "by-question", distribution: "distribution" };
  let view = "respondents";
  // The export of the view as filtered (distribution: the whole questionnaire's).
  const exports = exportLinks(() => `${base}/export?view=${VIEWS[view]}&${view === "distribution" ? "" : filterQuery(view === "respondents")}`);
  const tabset = tabs("responses", t("readResponses"), [
    ["respondents", t("byRespondent")],
    ["questions", t("byQuestion")],
    ["distribution", t("distribution")],
  ], (name) => {
    view = name;
    exports.refresh();
    void load();
  });

  function filterQuery(withLate: boolean): string {
    return query({ stakeholder: stakeholder.select.value, grouping: grouping.select.value, late: withLate ? late.select.value : "", q: search.value.trim() });
  }

  let loading = 0;
  async function load(): Promise<void> {
    exports.refresh();
    const mine = ++loading;
    const panel = tabset.panel(view);
    panel.setAttribute("aria-busy", "true");
    try {
      let content: HTMLElement[];
      if (view === "respondents") content = byRespondent(await getJson<ResponseList>(`${base}/responses?${filterQuery(true)}`), questions);
      else if (view === "questions") content = byQuestion(await getJson<ByQuestion>(`${base}/by-question?${filterQuery(false)}`));
      else content = [distributionTable(await getJson<Distribution>(`${base}/distribution`))];
      if (mine === loading) panel.replaceChildren(...content);
      // Those who build the issue table reach each answer by keyboard (Enter: a new item).
      if (editor) panel.querySelectorAll<HTMLElement>(".rt-answer-text").forEach((el) => (el.tabIndex = 0));
    } catch (err) {
      panel.replaceChildren(h("p", { class: "rt-error", role: "alert" }, errorText(err)));
    } finally {
      panel.removeAttribute("aria-busy");
    }
  }

  async function runSearch(): Promise<void> {
    const text = search.value.trim();
    if (!text) {
      hits.replaceChildren();
      return;
    }
    const found = await getJson<SearchHits>(`${base}/search?q=${encodeURIComponent(text)}`);
    hits.replaceChildren(
      h("p", {}, t("searchHits", { n: found.hits.length })),
      h("ul", { class: "rt-hit-list" }, ...found.hits.slice(0, 50).map((x) => h("li", {}, h("a", { href: "#response-" + x.response_id }, `${t("respondentN", { id: x.response_id })}, ${t("questionNumber", { n: x.number })}`), ": ", x.snippet))),
    );
  }

  filters.addEventListener("submit", (ev) => {
    ev.preventDefault();
    void load();
    void runSearch().catch((err: unknown) => (status.textContent = errorText(err)));
  });
  for (const s of [stakeholder.select, grouping.select, late.select]) s.addEventListener("change", () => void load());

  const root = h("div", { class: "rt-responses-page" });
  append(
    root,
    h("h1", {}, t("responsesOf", { title: q.title })),
    h(
      "p",
      { class: "rt-q-links" },
      me.group_id ? link({ group: String(me.group_id) }, t("back")) : null,
      " · ",
      link({ questionnaire: String(q.id) }, q.title),
      " · ",
      link({ issues: String(q.group_id) }, t("issueTable")),
    ),
    q.deadline ? h("p", { class: "rt-deadline" }, t("deadlineLine", { deadline: localTime(q.deadline), zone: q.time_zone })) : null,
    filters,
    hits,
    exports.el,
    editor ? itemComposer(q.group_id) : null,
    status,
    tabset.el,
  );
  tabset.select("respondents");
  if (search.value) void runSearch().catch(() => undefined);
  return root;
}
