// Citing issue items in the rolling text: a recommendation (a paragraph) cites an item
// by its number; the table shows where each item is cited. This form names the item,
// the document and the paragraph (by its label); a citation is removed from the table.
import { getJson, sendJson } from "../api/http";
import type { Answer } from "../api/types";
import { h } from "../lib/dom";
import { t } from "../lib/i18n";
import { errorText } from "./common";
import type { IssueItem } from "./types";

type Documents = Answer<"/api/groups/{gid}/documents">;
type Content = Answer<"/api/documents/{document}">;

export function citeForm(gid: number, done: (item: IssueItem, message: string) => void): HTMLElement {
  const number = h("input", { type: "number", id: "cite-item", min: 1, class: "rt-narrow", required: true });
  const doc = h("select", { id: "cite-document" });
  const para = h("select", { id: "cite-paragraph" });
  const error = h("p", { class: "rt-error", role: "alert" });
  const form = h(
    "form",
    { class: "rt-cite", "aria-labelledby": "cite-title" },
    h("h2", { id: "cite-title" }, t("citeTitle")),
    h("div", { class: "rt-filters" }, h("div", { class: "rt-field" }, h("label", { for: "cite-item" }, t("colNo")), number), h("div", { class: "rt-field" }, h("label", { for: "cite-document" }, t("citeDocument")), doc), h("div", { class: "rt-field" }, h("label", { for: "cite-paragraph" }, t("citeParagraph")), para), h("button", { type: "submit" }, t("cite"))),
    error,
  );
  const loadParagraphs = async (): Promise<void> => {
    if (!doc.value) return;
    const content = await getJson<Content>(`/api/documents/${encodeURIComponent(doc.value)}`);
    para.replaceChildren(...content.paragraphs.filter((p) => p.status !== "deleted").map((p) => h("option", { value: p.id }, p.label || p.id)));
  };
  void getJson<Documents>(`/api/groups/${gid}/documents`)
    .then((docs) => {
      doc.replaceChildren(...docs.documents.map((d) => h("option", { value: d.name }, d.title)));
      return loadParagraphs();
    })
    .catch((err: unknown) => (error.textContent = errorText(err)));
  doc.addEventListener("change", () => void loadParagraphs().catch((err: unknown) => (error.textContent = errorText(err))));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    error.textContent = "";
    if (!number.value || !doc.value || !para.value) return;
    const label = para.selectedOptions[0]?.textContent ?? para.value;
    sendJson<IssueItem>("POST", `/api/groups/${gid}/issues/${Number(number.value)}/citations`, { document: doc.value, paragraph_id: para.value })
      .then((item) => done(item, t("cited", { n: item.number, label })))
      .catch((err: unknown) => (error.textContent = errorText(err)));
  });
  return form;
}

/** Remove the citation of `item` by a paragraph. */
export function uncite(gid: number, item: IssueItem, c: IssueItem["citations"][number]): Promise<IssueItem> {
  return sendJson<IssueItem>("DELETE", `/api/groups/${gid}/issues/${item.number}/citations`, { document: c.document, paragraph_id: c.paragraph_id });
}
