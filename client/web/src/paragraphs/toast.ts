// Short messages at the foot of the page (a live region), some with an Undo button
// that stays for a few seconds; Ctrl+Z outside the editors takes the latest Undo.
import { h } from "../lib/dom";
import { t } from "../lib/i18n";

export const UNDO_SECONDS = 10;

export interface Toasts {
  el: HTMLElement;
  /** Say something; with `undo`, offer it (button and Ctrl+Z) for UNDO_SECONDS. */
  show(message: string, undo?: { label: string; run: () => Promise<void> }): void;
  error(message: string): void;
}

function inEditor(el: Element | null): boolean {
  return !!el?.closest(".cm-content, input, textarea, select");
}

export function toasts(): Toasts {
  const el = h("div", { class: "rt-toasts", role: "status", "aria-live": "polite" });
  let pending: { run: () => Promise<void>; item: HTMLElement } | null = null;

  const drop = (item: HTMLElement): void => {
    item.remove();
    if (pending?.item === item) pending = null;
  };
  const runUndo = (): void => {
    if (!pending) return;
    const { run, item } = pending;
    pending = null;
    item.querySelector("button")?.setAttribute("disabled", "");
    void run().finally(() => drop(item));
  };
  document.addEventListener("keydown", (ev) => {
    const undoKey = (ev.ctrlKey || ev.metaKey) && !ev.shiftKey && !ev.altKey && ev.key.toLowerCase() === "z";
    if (!undoKey || !pending || inEditor(document.activeElement)) return;
    ev.preventDefault();
    runUndo();
  });

  return {
    el,
    show(message, undo) {
      const item = h("p", { class: "rt-toast" }, message);
      el.appendChild(item);
      if (undo) {
        const btn = h("button", { type: "button", class: "rt-undo" }, undo.label);
        btn.addEventListener("click", runUndo);
        item.append(" ", btn, h("span", { class: "rt-visually-hidden" }, t("undoHint")));
        if (pending) drop(pending.item);
        pending = { run: undo.run, item };
        btn.focus();
      }
      setTimeout(() => drop(item), (undo ? UNDO_SECONDS : 5) * 1000);
    },
    error(message) {
      const item = h("p", { class: "rt-toast rt-toast-error", role: "alert" }, message);
      el.appendChild(item);
      setTimeout(() => item.remove(), 8000);
    },
  };
}
