// The officers' amendments queue, beside the comments' moderation queue: every open
// amendment of the document, observers' pending ones first (admit, or reject), then the
// admitted ones awaiting the chair (accept, reject, bracket; an outdated one asks for a
// confirmation against the current text). Live: it follows the store.
import { record } from "../doc/schema";
import { h, KeyedList } from "../lib/dom";
import { t } from "../lib/i18n";
import type { Amendment } from "./api";
import type { AmendContext } from "./context";
import { amendmentEl } from "./item";

function waiting(ctx: AmendContext): Amendment[] {
  const rank = (a: Amendment): number => (a.moderation === "pending" ? 0 : 1);
  return Array.from(ctx.store.items.values())
    .filter((a) => a.state === "open" && a.moderation !== "rejected")
    .sort((x, y) => rank(x) - rank(y) || x.id - y.id);
}

export function amendmentQueue(ctx: AmendContext): HTMLElement {
  const heading = h("h2", { id: "amend-queue-h" }, t("amendQueue"));
  const list = h("ul", { class: "rt-amend-queue-list" });
  const empty = h("p", { class: "rt-amend-queue-empty" }, t("amendQueueEmpty"));
  const panel = h("section", { class: "rt-amend-queue", "aria-labelledby": heading.id }, heading, h("p", { class: "rt-hint" }, t("amendQueueHint")), list, empty);
  const where = (a: Amendment): string => record(ctx.doc, a.paragraph)?.label ?? a.paragraph;
  const shown = new KeyedList<Amendment>(
    list,
    (a) => a.id,
    (a) => JSON.stringify([a, where(a)]),
    (a) => h("li", { class: "rt-amend-queue-item", "data-id": String(a.id), "data-moderation": a.moderation }, h("p", { class: "rt-amend-where" }, t("paragraphGroup", { label: where(a) })), amendmentEl(ctx, a, "queue")),
    // The same control of the rebuilt item (its first class) gets the focus back.
    (li, focused) => {
      const focusClass = focused.className.split(" ")[0];
      if (focusClass) li.querySelector<HTMLElement>("." + focusClass)?.focus();
    },
  );

  const render = (): void => {
    const items = waiting(ctx);
    shown.render(items);
    const pending = items.filter((a) => a.moderation === "pending").length;
    heading.textContent = items.length ? t("amendQueueN", { n: items.length, pending }) : t("amendQueue");
    empty.hidden = items.length > 0;
  };
  // A burst of changes in one task renders the queue once.
  let queued = false;
  ctx.store.onChange(() => {
    if (queued) return;
    queued = true;
    queueMicrotask(() => {
      queued = false;
      render();
    });
  });
  render();
  return panel;
}
