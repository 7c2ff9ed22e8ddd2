// The inputs on the group's home page: questionnaires (edit, answer, responses), the
// issue table and the correspondence groups, each as far as the caller may see them.
import { getJson, sendJson } from "../api/http";
import { type Me, may } from "../api/types";
import { append, h } from "../lib/dom";
import { t, tDyn } from "../lib/i18n";
import { href, link } from "../lib/nav";
import { errorText } from "./common";
import type { CorrespondenceList, Questionnaire, QuestionnaireList } from "./types";

function questionnaireItem(me: Me, q: Questionnaire): HTMLElement {
  const li = h("li", { "data-id": String(q.id) }, h("strong", {}, q.title), " ", h("span", { class: "rt-tag" }, tDyn("qstate_", q.state)), " ");
  const links: HTMLElement[] = [];
  if (may(me, "manage_questionnaires") || may(me, "read_responses")) links.push(link({ questionnaire: String(q.id) }, t("editQuestionnaire")));
  if (q.state === "published") links.push(link({ answer: String(q.id) }, t("answerQuestionnaire")));
  if (may(me, "read_responses") && q.state !== "draft") links.push(link({ responses: String(q.id) }, `${t("readResponses")} (${q.responses})`));
  links.forEach((a, i) => append(li, i > 0 ? " · " : null, a));
  return li;
}

export async function inputsSection(me: Me, gid: number): Promise<HTMLElement> {
  const section = h("section", { class: "rt-inputs-home", "aria-labelledby": "inputs-title" }, h("h2", { id: "inputs-title" }, t("inputs")));
  const [qs, cgs] = await Promise.all([
    getJson<QuestionnaireList>(`/api/groups/${gid}/questionnaires`).catch((err: unknown) => err),
    may(me, "read_responses") ? getJson<CorrespondenceList>(`/api/groups/${gid}/correspondence`).catch(() => null) : Promise.resolve(null),
  ]);
  const qList = h("ul", { class: "rt-questionnaires" });
  // Questionnaires the caller may not list (nor anything else here): no section at all.
  if (qs instanceof Error) {
    if (!may(me, "read_responses")) section.hidden = true;
    qList.hidden = true;
  } else {
    const list = (qs as QuestionnaireList).questionnaires;
    for (const q of list) qList.appendChild(questionnaireItem(me, q));
    if (list.length === 0) qList.appendChild(h("li", {}, t("noQuestionnaires")));
  }
  append(section, h("h3", {}, t("questionnaires")), qList);
  if (may(me, "manage_questionnaires")) section.appendChild(newQuestionnaire(gid));
  if (may(me, "read_responses")) append(section, h("p", {}, link({ issues: String(gid) }, t("issueTable"))));
  if (cgs) {
    const list = cgs.correspondence;
    append(
      section,
      h("h3", {}, t("correspondenceGroups")),
      h("ul", { class: "rt-cg-list" }, ...(list.length ? list.map((c) => h("li", {}, link({ correspondence: String(c.id) }, c.title))) : [h("li", {}, t("noCorrespondence"))])),
    );
  }
  return section;
}

function newQuestionnaire(gid: number): HTMLElement {
  const title = h("input", { type: "text", id: "new-questionnaire", required: true, maxlength: 300 });
  const error = h("p", { class: "rt-error", role: "alert" });
  const form = h(
    "form",
    { class: "rt-new-questionnaire" },
    h("label", { for: "new-questionnaire" }, t("questionnaireTitle")),
    " ",
    title,
    " ",
    h("button", { type: "submit" }, t("create")),
    error,
  );
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (!title.value.trim()) return;
    sendJson<Questionnaire>("POST", `/api/groups/${gid}/questionnaires`, { title: title.value.trim() })
      .then((q) => location.assign(href({ questionnaire: String(q.id) })))
      .catch((err: unknown) => (error.textContent = errorText(err)));
  });
  return form;
}
