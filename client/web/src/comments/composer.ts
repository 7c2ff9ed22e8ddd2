// The composer of a new thread: on the whole document, a paragraph or a selection.
import { h } from "../lib/dom";
import { t } from "../lib/i18n";
import type { CommentsContext } from "./context";
import { errorText } from "./format";
import type { NewAnchor } from "./store";

/** What a new thread is about: `anchor` null for the whole document. */
export interface Target {
  anchor: NewAnchor | null;
  label: string;
  quote: string;
}

export interface Composer {
  el: HTMLFormElement;
  /** Show the composer for `to`; focus goes back to `from` once it closes. */
  open(to: Target, from: HTMLElement | null): void;
}

function composerTitle(to: Target): string {
  if (to.anchor === null) return t("newDocumentComment");
  return to.quote ? t("newRangeComment", { label: to.label }) : t("newParagraphComment", { label: to.label });
}

export function composer(ctx: CommentsContext): Composer {
  let target: Target | null = null;
  let returnFocus: HTMLElement | null = null;
  const title = h("p", { class: "rt-composer-title", id: "composer-title" });
  const quote = h("blockquote", { class: "rt-quote" });
  const text = h("textarea", { id: "composer-text", rows: 3, maxlength: 5000, class: "rt-composer-text" });
  const error = h("p", { class: "rt-error", role: "alert" });
  const submit = h("button", { type: "submit", class: "rt-composer-submit" }, t("commentSubmit"));
  const cancel = h("button", { type: "button", class: "rt-composer-cancel" }, t("cancel"));
  const form = h(
    "form",
    { class: "rt-composer", hidden: true, "aria-labelledby": "composer-title" },
    title,
    quote,
    h("label", { for: "composer-text" }, t("commentBody")),
    text,
    ctx.rights.observer ? h("p", { class: "rt-hint" }, t("observerPendingHint")) : null,
    error,
    h("div", { class: "rt-buttons" }, submit, cancel),
  );
  const open = (to: Target, from: HTMLElement | null): void => {
    target = to;
    returnFocus = from;
    title.textContent = composerTitle(to);
    quote.textContent = to.quote;
    quote.hidden = !to.quote;
    error.textContent = "";
    form.hidden = false;
    text.focus();
  };
  const close = (): void => {
    form.hidden = true;
    text.value = "";
    target = null;
    returnFocus?.focus();
    returnFocus = null;
  };
  cancel.addEventListener("click", close);
  form.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape") close();
  });
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (!target || !text.value.trim()) {
      error.textContent = t("commentEmpty");
      return;
    }
    submit.disabled = true;
    ctx.store
      .create(text.value, target.anchor)
      .then(() => {
        ctx.announce(ctx.rights.observer ? t("commentSentPending") : t("commentSent"));
        returnFocus = null;
        close();
      })
      .catch((err: unknown) => (error.textContent = errorText(err)))
      .finally(() => (submit.disabled = false));
  });
  return { el: form, open };
}
