// The PUBLIC response form (?answer=<qid>[&draft=<token>]): no sign-in. The stakeholder
// question comes first; each answer is plain text. "Save draft" keeps the response on the
// server and shows its private link; "Submit" sends it for good. The first send carries an
// Idempotency-Key made once per form and kept in sessionStorage, so a resend (a double
// click, a reload after a lost answer) never makes a second response; later sends go to
// the draft's private address. Once the response is received the tab forgets both. Errors are shown next to their field and summed up on top.
import { ApiError, getJson, sendJson } from "../api/http";
import { append, h } from "../lib/dom";
import { t } from "../lib/i18n";
import { href } from "../lib/nav";
import { errorText, localTime, stakeholderLabel, statusLine } from "./common";
import { type Question, type Questionnaire, type Receipt, type ResponseBody, type SavedDraft, STAKEHOLDERS } from "./types";

const ANSWER_MAX = 20000;

/** What this tab remembers of the form: its idempotency key and, once made, the draft. */
interface Kept {
  key: string;
  token: string | null;
}

function newKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function kept(qid: string, token: string | null): Kept {
  const name = "rt-answer:" + qid;
  const stored = sessionStorage.getItem(name);
  let k: Kept = stored ? (JSON.parse(stored) as Kept) : { key: newKey(), token: null };
  // A private link opened in this tab: that draft is the one this form writes.
  if (token && k.token !== token) k = { key: k.key, token };
  sessionStorage.setItem(name, JSON.stringify(k));
  return k;
}

function privateLink(qid: string, token: string): string {
  return location.origin + href({ answer: qid, draft: token });
}

interface Field {
  /** The element focused from the error summary. */
  focus: HTMLElement;
  error: HTMLElement;
  /** The control(s) marked aria-invalid. */
  controls: HTMLElement[];
  label: string;
}

export async function answerPage(qid: string, draftToken: string | null): Promise<HTMLElement> {
  let q: Questionnaire;
  try {
    q = await getJson<Questionnaire>(`/api/questionnaires/${encodeURIComponent(qid)}`);
  } catch (err) {
    // A draft (or no such questionnaire) is not for the public: say it is not open.
    if (!(err instanceof ApiError) || ![401, 403, 404].includes(err.status)) throw err;
    return h("div", { class: "rt-answer-page" }, h("p", { class: "rt-note" }, t("notOpen")));
  }
  document.title = q.title + " — rollingtext";
  const root = h("div", { class: "rt-answer-page" }, h("h1", {}, q.title));
  if (q.state !== "published") {
    root.appendChild(h("p", { class: "rt-note" }, t("notOpen")));
    return root;
  }
  append(
    root,
    q.deadline ? h("p", { class: "rt-deadline" }, t("deadlineLine", { deadline: localTime(q.deadline), zone: q.time_zone })) : null,
    q.deadline_utc && Date.parse(q.deadline_utc) < Date.now() ? h("p", { class: "rt-note rt-past-deadline" }, t("deadlinePassed")) : h("p", { class: "rt-hint" }, t("lateNotice")),
  );
  const state = kept(qid, draftToken);
  const saved = state.token ? await getJson<SavedDraft>(`/api/questionnaires/${encodeURIComponent(qid)}/drafts/${encodeURIComponent(state.token)}`).catch(() => null) : null;

  const fields = new Map<string, Field>();
  const summary = h("div", { class: "rt-error-summary", role: "alert", tabindex: "-1", hidden: true });
  const status = statusLine();
  const linkBox = h("div", { class: "rt-private-link", hidden: true });
  const form = h("form", { class: "rt-answer-form", novalidate: true, "aria-describedby": "answer-required-note" });

  const errorEl = (id: string): HTMLElement => h("p", { class: "rt-field-error", id: id + "-error", hidden: true });
  const req = (): HTMLElement => h("span", { class: "rt-required" }, ` (${t("required")})`);

  // 1. The stakeholder question, first: one radio button per group.
  const sq = q.questions.find((x) => x.kind === "stakeholder");
  const radios: HTMLInputElement[] = [];
  const sErr = errorEl("stakeholder");
  const sLegendText = sq ? `${t("questionNumber", { n: sq.number })}. ${sq.text}` : t("stakeholderGroup");
  const sFieldset = h("fieldset", { class: "rt-fieldset rt-stakeholder", id: "stakeholder", "aria-describedby": "stakeholder-error" }, h("legend", {}, sLegendText, req()));
  for (const value of STAKEHOLDERS) {
    const id = "stakeholder-" + value;
    const radio = h("input", { type: "radio", name: "stakeholder", id, value, required: true });
    if (saved?.stakeholder === value) radio.checked = true;
    radios.push(radio);
    sFieldset.appendChild(h("div", { class: "rt-radio" }, radio, h("label", { for: id }, stakeholderLabel(value))));
  }
  sFieldset.appendChild(sErr);
  fields.set("stakeholder", { focus: radios[0]!, error: sErr, controls: [sFieldset], label: sLegendText });

  // 2. Who answers.
  const who = h("fieldset", { class: "rt-fieldset rt-respondent" }, h("legend", {}, t("aboutYou")));
  const respondent = new Map<"name" | "organisation" | "country", HTMLInputElement>();
  // The server's limits (schemas.Respondent): 200 characters, the country 100.
  for (const [key, label, max] of [
    ["name", t("respondentName"), 200],
    ["organisation", t("respondentOrganisation"), 200],
    ["country", t("respondentCountry"), 100],
  ] as const) {
    const id = "respondent-" + key;
    const err = errorEl(id);
    const input = h("input", { type: "text", id, name: id, maxlength: max, autocomplete: key === "name" ? "name" : key === "organisation" ? "organization" : "country-name", "aria-describedby": id + "-error" });
    input.value = saved?.respondent?.[key] ?? "";
    respondent.set(key, input);
    who.appendChild(h("div", { class: "rt-field" }, h("label", { for: id }, label), input, err));
    fields.set("respondent." + key, { focus: input, error: err, controls: [input], label });
  }

  // 3. The questions, in order, each a labelled text area.
  const areas = new Map<number, HTMLTextAreaElement>();
  const questionList = h("div", { class: "rt-questions" });
  for (const question of q.questions.filter((x: Question) => x.kind !== "stakeholder")) {
    const id = "answer-" + question.number;
    const err = errorEl(id);
    const count = h("span", { class: "rt-hint rt-count", id: id + "-count" });
    const area = h("textarea", { id, name: id, rows: 5, maxlength: ANSWER_MAX, "aria-describedby": `${id}-count ${id}-error` });
    area.value = saved?.answers?.find((a) => a.number === question.number)?.text ?? "";
    const counted = (): void => {
      count.textContent = area.value.length > ANSWER_MAX * 0.8 ? t("charCount", { n: area.value.length, max: ANSWER_MAX }) : "";
    };
    area.addEventListener("input", counted);
    counted();
    areas.set(question.number, area);
    const label = `${t("questionNumber", { n: question.number })}. ${question.text}`;
    questionList.appendChild(h("div", { class: "rt-field rt-question", "data-number": String(question.number) }, h("label", { for: id }, label), area, count, err));
    fields.set("answers." + question.number, { focus: area, error: err, controls: [area], label });
  }

  const saveBtn = h("button", { type: "button", class: "rt-save-draft" }, t("saveDraft"));
  const submitBtn = h("button", { type: "submit", class: "rt-submit" }, t("submitResponse"));
  append(
    form,
    summary,
    h("p", { class: "rt-hint", id: "answer-required-note" }, t("answerIntro")),
    sFieldset,
    who,
    questionList,
    h("div", { class: "rt-buttons" }, saveBtn, submitBtn),
    status,
  );
  append(root, saved ? h("p", { class: "rt-note" }, saved.state === "submitted" ? t("alreadySubmitted") : t("draftLoaded")) : null, form, linkBox);
  if (saved?.state === "submitted") {
    // Done: a new form in this tab starts afresh (a new key, no draft).
    sessionStorage.removeItem("rt-answer:" + qid);
    form.hidden = true;
    return root;
  }

  const clearErrors = (): void => {
    summary.hidden = true;
    summary.replaceChildren();
    for (const f of fields.values()) {
      f.error.hidden = true;
      f.error.textContent = "";
      f.controls.forEach((c) => c.removeAttribute("aria-invalid"));
    }
  };
  /** Errors by field key ("stakeholder", "respondent.name", "answers.<number>"); others go on top. */
  const showErrors = (errors: [string, string][], general: string[] = []): void => {
    const items = h("ul", {});
    for (const [key, message] of errors) {
      const f = fields.get(key);
      if (!f) {
        general.push(message);
        continue;
      }
      f.error.textContent = message;
      f.error.hidden = false;
      f.controls.forEach((c) => c.setAttribute("aria-invalid", "true"));
      const a = h("a", { href: "#" + f.focus.id }, `${f.label}: ${message}`);
      a.addEventListener("click", (ev) => {
        ev.preventDefault();
        f.focus.focus();
      });
      items.appendChild(h("li", {}, a));
    }
    for (const g of general) items.appendChild(h("li", {}, g));
    summary.replaceChildren(h("p", {}, t("fixErrors", { n: items.children.length })), items);
    summary.hidden = false;
    summary.focus();
  };

  const body = (submit: boolean): ResponseBody | null => {
    const chosen = radios.find((r) => r.checked)?.value;
    if (!chosen) {
      showErrors([["stakeholder", t("chooseOne")]]);
      return null;
    }
    return {
      stakeholder: chosen as ResponseBody["stakeholder"],
      respondent: { name: respondent.get("name")!.value.trim(), organisation: respondent.get("organisation")!.value.trim(), country: respondent.get("country")!.value.trim() },
      answers: Array.from(areas, ([number, area]) => ({ number, text: area.value })),
      submit,
    };
  };

  /** The server's field errors ("answers.3.text": the 4th answer sent) onto our fields. */
  const serverErrors = (err: ApiError, sent: ResponseBody): void => {
    const list: [string, string][] = [];
    for (const [path, message] of Object.entries(err.details.fields ?? {})) {
      const m = /^(?:body\.)?answers\.(\d+)/.exec(path);
      const r = /^(?:body\.)?respondent\.(\w+)/.exec(path);
      if (m) list.push(["answers." + (sent.answers?.[Number(m[1])]?.number ?? ""), message]);
      else if (r) list.push(["respondent." + r[1], message]);
      else if (/stakeholder/.test(path)) list.push(["stakeholder", message]);
      else list.push([path, message]);
    }
    const general: string[] = [];
    if (err.status === 413) general.push(t("tooLong"));
    else if (err.status === 429) general.push(t("tooMany"));
    else if (err.status === 503) general.push(t("busy"));
    else if (err.status === 0) general.push(t("offlineSend"));
    else if (list.length === 0) general.push(errorText(err));
    showErrors(list, general);
  };

  const send = async (submit: boolean): Promise<void> => {
    clearErrors();
    const sent = body(submit);
    if (!sent) return;
    saveBtn.disabled = submitBtn.disabled = true;
    status.textContent = t("sending");
    const base = `/api/questionnaires/${encodeURIComponent(qid)}`;
    try {
      const receipt = state.token
        ? await sendJson<Receipt>("PUT", `${base}/drafts/${encodeURIComponent(state.token)}`, sent)
        : await sendJson<Receipt>("POST", `${base}/responses`, sent, { "Idempotency-Key": state.key });
      if (receipt.draft_token) state.token = receipt.draft_token;
      sessionStorage.setItem("rt-answer:" + qid, JSON.stringify(state));
      if (receipt.state === "submitted") {
        // Received: the key has done its work; a new form in this tab starts afresh.
        sessionStorage.removeItem("rt-answer:" + qid);
        form.hidden = true;
        linkBox.hidden = true;
        const done = h("p", { class: "rt-note rt-submitted", role: "status", tabindex: "-1", "data-late": String(receipt.late) }, receipt.late ? t("submittedLate") : t("submitted"));
        root.appendChild(done);
        done.focus();
        return;
      }
      status.textContent = t("draftSavedShort");
      const url = privateLink(qid, state.token ?? "");
      linkBox.replaceChildren(
        h("label", { for: "private-link" }, t("draftSaved")),
        h("input", { id: "private-link", type: "text", readonly: true, value: url, class: "rt-link-box" }),
        h("a", { href: url }, url),
      );
      linkBox.hidden = false;
    } catch (err) {
      status.textContent = "";
      if (err instanceof ApiError) serverErrors(err, sent);
      else showErrors([], [errorText(err)]);
    } finally {
      saveBtn.disabled = submitBtn.disabled = false;
    }
  };
  saveBtn.addEventListener("click", () => void send(false));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    void send(true);
  });
  return root;
}
