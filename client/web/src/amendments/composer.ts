// "Propose amendment": a modal <dialog> (focus trapped by the browser, Escape cancels,
// focus goes back where it came from). The words to amend come from the selection in
// the paragraph's editor, or are typed (observers' editors cannot take a caret: keyboard
// users type the words, and pick which occurrence when they appear more than once).
// Replace / insert after / delete, the proposed words, an optional justification.
import type * as Y from "yjs";
import { codePoints } from "../comments/store";
import { textOf } from "../doc/schema";
import { h } from "../lib/dom";
import { t } from "../lib/i18n";
import { errorText } from "../paragraphs/context";
import type { Amendment, AmendmentApi, AmendmentKind } from "./api";

/** A selection in the paragraph's editor (UTF-16 offsets), if there is one. */
export interface Picked {
  from: number;
  to: number;
}

export interface ProposeEnv {
  doc: Y.Doc;
  api: AmendmentApi;
  observer: boolean;
  /** The server's answer: shown at once (the live event that follows is idempotent). */
  proposed(a: Amendment): void;
  announce(message: string): void;
}

/** Start offsets (UTF-16) of every occurrence of `words` in `text`. */
export function occurrences(text: string, words: string): number[] {
  const out: number[] = [];
  if (!words) return out;
  for (let at = text.indexOf(words); at >= 0; at = text.indexOf(words, at + 1)) out.push(at);
  return out;
}

function kindRadio(kind: AmendmentKind, checked: boolean): HTMLElement {
  const id = "amend-kind-" + kind;
  const input = h("input", { type: "radio", name: "amend-kind", id, value: kind, class: "rt-amend-kind" });
  input.checked = checked;
  return h("label", { for: id }, input, " ", t(kind === "replace" ? "amendReplace" : kind === "insert" ? "amendInsert" : "amendDelete"));
}

/** Open the dialog; focus goes back to `from` (or what had it) when it closes. */
export function proposeAmendment(env: ProposeEnv, pid: string, label: string, picked: Picked | null, from?: HTMLElement | null): void {
  const text = textOf(env.doc, pid).toString();
  const words = h("input", { id: "amend-words", type: "text", class: "rt-amend-words", autocomplete: "off" });
  const which = h("select", { id: "amend-which", class: "rt-amend-which" });
  const whichField = h("div", { class: "rt-field", hidden: true }, h("label", { for: which.id }, t("amendOccurrence")), which);
  const kinds = h("fieldset", { class: "rt-amend-kinds" }, h("legend", {}, t("amendKind")), kindRadio("replace", true), kindRadio("insert", false), kindRadio("delete", false));
  const proposed = h("textarea", { id: "amend-text", rows: 2, maxlength: 5000, class: "rt-amend-text" });
  const proposedField = h("div", { class: "rt-field" }, h("label", { for: proposed.id }, t("amendProposed")), proposed);
  const why = h("textarea", { id: "amend-why", rows: 2, maxlength: 1000, class: "rt-amend-why" });
  const error = h("p", { class: "rt-error", role: "alert" });
  const submit = h("button", { type: "submit", class: "rt-amend-submit" }, t("amendSubmit"));
  const cancel = h("button", { type: "button", class: "rt-amend-cancel" }, t("cancel"));
  const form = h(
    "form",
    { method: "dialog", class: "rt-amend-form" },
    h("h2", { id: "amend-title" }, t("amendTitle", { label })),
    h("p", { class: "rt-quote rt-amend-context" }, text),
    h("div", { class: "rt-field" }, h("label", { for: words.id }, t("amendWords")), words),
    whichField,
    kinds,
    proposedField,
    h("div", { class: "rt-field" }, h("label", { for: why.id }, t("amendJustification")), why),
    env.observer ? h("p", { class: "rt-hint" }, t("amendObserverHint")) : null,
    error,
    h("div", { class: "rt-buttons" }, submit, cancel),
  );
  const dialog = h("dialog", { class: "rt-amend-dialog", "aria-labelledby": "amend-title" }, form);
  const back = from ?? (document.activeElement as HTMLElement | null);
  const kind = (): AmendmentKind => (form.querySelector<HTMLInputElement>(".rt-amend-kind:checked")?.value ?? "replace") as AmendmentKind;

  const listOccurrences = (): void => {
    const at = occurrences(text, words.value);
    which.replaceChildren(...at.map((pos, i) => h("option", { value: String(pos) }, t("amendOccurrenceN", { n: i + 1, before: text.slice(Math.max(0, pos - 20), pos) }))));
    whichField.hidden = at.length < 2;
  };
  if (picked && picked.to > picked.from) {
    words.value = text.slice(picked.from, picked.to);
    listOccurrences();
    which.value = String(picked.from);
  }
  words.addEventListener("input", listOccurrences);
  kinds.addEventListener("change", () => (proposedField.hidden = kind() === "delete"));

  const close = (): void => {
    dialog.close();
    dialog.remove();
    back?.focus();
  };
  cancel.addEventListener("click", close);
  dialog.addEventListener("cancel", (ev) => {
    ev.preventDefault();
    close();
  });
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    error.textContent = "";
    const from = Number(which.value);
    if (!words.value || which.options.length === 0 || Number.isNaN(from)) {
      error.textContent = t("amendWordsMissing");
      words.focus();
      return;
    }
    const k = kind();
    if (k !== "delete" && !proposed.value.trim()) {
      error.textContent = t("amendTextMissing");
      proposed.focus();
      return;
    }
    const to = from + words.value.length;
    submit.disabled = true;
    env.api
      .propose({
        paragraph: pid,
        start: codePoints(text, from),
        end: codePoints(text, to),
        kind: k,
        ...(k === "delete" ? {} : { text: proposed.value }),
        ...(why.value.trim() ? { justification: why.value.trim() } : {}),
      })
      .then((a) => {
        env.proposed(a);
        env.announce(env.observer ? t("amendSentPending") : t("amendSent"));
        close();
      })
      .catch((err: unknown) => (error.textContent = t("amendFailed", { message: errorText(err) })))
      .finally(() => (submit.disabled = false));
  });
  document.body.appendChild(dialog);
  dialog.showModal();
  words.focus();
  if (words.value) proposed.focus();
}
