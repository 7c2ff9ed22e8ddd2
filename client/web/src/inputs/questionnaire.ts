// The questionnaire editor (?questionnaire=<qid>): the draft is a rolling-text document
// co-edited live in the existing editor; beside it, the questions as they will be
// numbered (live from the draft), the published version, and, for those who manage
// questionnaires, publishing with a deadline and extending it (with its decision).
import type * as Y from "yjs";
import { getJson, sendJson } from "../api/http";
import { type Me, may } from "../api/types";
import { records, textOf } from "../doc/schema";
import { append, h } from "../lib/dom";
import { t, tDyn } from "../lib/i18n";
import { link } from "../lib/nav";
import { documentPage } from "../pages/document";
import { errorText, groupingLabel, localTime, statusLine } from "./common";
import { importForm } from "./importer";
import type { Extension, ExtensionList, Questionnaire } from "./types";

const GROUPED = new Set(["A", "B", "C", "D", "E"]);

/** The draft's questions, in order, as publishing will number them. */
function draftPreview(doc: Y.Doc): HTMLElement {
  const heading = h("h2", { id: "draft-questions" });
  const list = h("ol", { class: "rt-q-preview", "aria-labelledby": "draft-questions" });
  const render = (): void => {
    // As the server numbers them: no deleted paragraphs, no headings, no empty ones.
    const paras = records(doc).filter((p) => !p.deleted && p.status !== "deleted" && p.kind !== "heading" && textOf(doc, p.id).toString().trim() !== "");
    heading.textContent = t("questionsPreview", { n: paras.length });
    list.replaceChildren(
      ...paras.map((p) => {
        const grouping = GROUPED.has(p.section) ? p.section : null;
        return h("li", { "data-id": p.id }, textOf(doc, p.id).toString().trim(), " ", h("span", { class: "rt-tag" }, groupingLabel(grouping)));
      }),
    );
  };
  let pending = false;
  doc.on("update", () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      render();
    });
  });
  render();
  return h("section", { class: "rt-q-draft-preview" }, heading, h("p", { class: "rt-hint" }, t("questionsPreviewHint")), list);
}

function publishedList(q: Questionnaire): HTMLElement {
  return h(
    "section",
    { class: "rt-q-published" },
    h("h2", {}, t("publishedTitle", { version: q.version })),
    q.frozen ? h("p", { class: "rt-note" }, t("frozen")) : null,
    h(
      "ol",
      { class: "rt-q-questions" },
      ...q.questions.map((x) => h("li", { value: String(x.number) }, x.text, " ", h("span", { class: "rt-tag" }, groupingLabel(x.grouping)))),
    ),
  );
}

function deadlineField(id: string, label: string, initial: string | null): { el: HTMLElement; input: HTMLInputElement; error: HTMLElement } {
  const input = h("input", { type: "datetime-local", id, name: id, required: true, "aria-describedby": id + "-error" });
  if (initial) input.value = initial.slice(0, 16);
  const error = h("p", { class: "rt-field-error", id: id + "-error" });
  return { el: h("div", { class: "rt-field" }, h("label", { for: id }, label), input, error), input, error };
}

export async function questionnairePage(me: Me, qid: string): Promise<HTMLElement> {
  const base = `/api/questionnaires/${encodeURIComponent(qid)}`;
  let q = await getJson<Questionnaire>(base);
  const manage = may(me, "manage_questionnaires");
  const status = statusLine();
  const head = h("div", { class: "rt-q-head" });
  const published = h("div", {});
  const extensions = h("ul", { class: "rt-extensions" });
  const renderHead = (): void => {
    document.title = q.title + " — rollingtext";
    head.replaceChildren(
      h("h1", {}, q.title, " ", h("span", { class: "rt-tag rt-q-state", "data-state": q.state }, tDyn("qstate_", q.state))),
      h("p", { class: "rt-deadline" }, q.deadline ? t("deadlineLine", { deadline: localTime(q.deadline), zone: q.time_zone }) : t("noDeadline")),
      h(
        "p",
        { class: "rt-q-links" },
        me.group_id ? link({ group: String(me.group_id) }, t("back")) : null,
        q.state === "published" ? " · " : null,
        q.state === "published" ? link({ answer: String(q.id) }, t("publicLink")) : null,
        may(me, "read_responses") ? " · " : null,
        may(me, "read_responses") ? link({ responses: String(q.id) }, `${t("readResponses")} (${t("responsesCount", { n: q.responses })})`) : null,
      ),
    );
    published.replaceChildren(q.state === "draft" ? h("span", {}) : publishedList(q));
  };
  const loadExtensions = async (): Promise<void> => {
    const list: Extension[] = (await getJson<ExtensionList>(`${base}/extensions`).catch(() => null))?.extensions ?? [];
    extensions.replaceChildren(
      ...list.map((e) => h("li", {}, t("extensionLine", { old: localTime(e.old), new: localTime(e.new), decision: e.decision, by: e.by, at: localTime(e.at) }))),
    );
  };
  renderHead();
  void loadExtensions();

  const panel = h("div", { class: "rt-q-panel" });
  if (manage) {
    const ext = deadlineField("extend-deadline", t("newDeadline", { zone: q.time_zone }), null);
    const decision = h("input", { type: "text", id: "extend-decision", name: "decision", required: true, maxlength: 2000, "aria-describedby": "extend-decision-error" });
    const decisionError = h("p", { class: "rt-field-error", id: "extend-decision-error" });
    const extForm = h(
      "form",
      { class: "rt-q-extend", "aria-labelledby": "extend-title" },
      h("h2", { id: "extend-title" }, t("extendTitle")),
      ext.el,
      h("div", { class: "rt-field" }, h("label", { for: "extend-decision" }, t("decision")), decision, decisionError),
      h("button", { type: "submit" }, t("extend")),
      h("h3", {}, t("extensions")),
      extensions,
    );
    const pub = deadlineField("publish-deadline", t("deadlineLocal", { zone: q.time_zone }), q.deadline);
    const pubForm = h(
      "form",
      { class: "rt-q-publish", "aria-labelledby": "publish-title" },
      h("h2", { id: "publish-title" }, t("publishTitle")),
      pub.el,
      h("p", { class: "rt-hint" }, t("republishHint")),
      h("button", { type: "submit" }, t("publish")),
    );
    pubForm.addEventListener("submit", (ev) => {
      ev.preventDefault();
      pub.error.textContent = "";
      if (!pub.input.value) {
        pub.error.textContent = t("needDeadline");
        pub.input.focus();
        return;
      }
      sendJson<Questionnaire>("POST", `${base}/publish`, { deadline: pub.input.value })
        .then((got) => {
          q = got;
          renderHead();
          extForm.hidden = q.state === "draft";
          status.textContent = t("published", { version: q.version });
        })
        .catch((err: unknown) => (pub.error.textContent = errorText(err)));
    });

    extForm.addEventListener("submit", (ev) => {
      ev.preventDefault();
      ext.error.textContent = decisionError.textContent = "";
      if (!ext.input.value) {
        ext.error.textContent = t("needDeadline");
        ext.input.focus();
        return;
      }
      if (!decision.value.trim()) {
        decisionError.textContent = t("needDecision");
        decision.focus();
        return;
      }
      sendJson<Questionnaire>("POST", `${base}/deadline`, { deadline: ext.input.value, decision: decision.value.trim() })
        .then((got) => {
          q = got;
          renderHead();
          decision.value = "";
          status.textContent = t("extended", { deadline: localTime(q.deadline) });
          void loadExtensions();
        })
        .catch((err: unknown) => (ext.error.textContent = errorText(err)));
    });
    extForm.hidden = q.state === "draft";
    const importer = importForm(q, (got, n) => {
      q = got;
      renderHead();
      status.textContent = t("imported", { n });
    });
    append(panel, pubForm, extForm, importer);
  } else {
    append(panel, h("h2", {}, t("extensions")), extensions);
  }

  // The draft document in the existing editor (it publishes its Y.Doc as window.rt.doc).
  const editor = documentPage(me, q.draft_document);
  const doc = window.rt?.["doc"] as Y.Doc | undefined;
  return h(
    "div",
    { class: "rt-q-page" },
    head,
    status,
    h("div", { class: "rt-q-grid" }, h("div", {}, published, doc ? draftPreview(doc) : null), panel),
    h("section", { class: "rt-q-editor", "aria-label": t("questionnaireDraft") }, editor),
  );
}
