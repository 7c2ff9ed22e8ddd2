// A modal confirmation (<dialog>): focus is trapped by the browser, Escape cancels.
import { h } from "../lib/dom";
import { t } from "../lib/i18n";

export function confirmDialog(message: string, confirmLabel: string): Promise<boolean> {
  return new Promise((resolve) => {
    const text = h("p", { id: "rt-confirm-text" }, message);
    const ok = h("button", { type: "button", class: "rt-confirm-ok" }, confirmLabel);
    const cancel = h("button", { type: "button", class: "rt-confirm-cancel" }, t("cancel"));
    const dialog = h("dialog", { class: "rt-confirm", "aria-labelledby": "rt-confirm-text" }, text, h("div", { class: "rt-buttons" }, ok, cancel));
    const back = document.activeElement as HTMLElement | null;
    let answered = false;
    const done = (yes: boolean): void => {
      if (answered) return;
      answered = true;
      dialog.close();
      dialog.remove();
      if (!yes) back?.focus();
      resolve(yes);
    };
    ok.addEventListener("click", () => done(true));
    cancel.addEventListener("click", () => done(false));
    dialog.addEventListener("close", () => done(false));
    document.body.appendChild(dialog);
    dialog.showModal();
    cancel.focus();
  });
}
