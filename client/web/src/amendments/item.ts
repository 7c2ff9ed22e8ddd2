// One amendment in a paragraph's side list: proposer (delegation or organisation, in its
// colour), what it would change (struck words, proposed words), justification, support
// and opposition counts (names on hover), badges (pending, outdated, decided), and by
// right: co-sponsor / oppose, withdraw, and the officers' admit / accept / reject /
// bracket. Accepting an outdated amendment first shows the quote and the current words
// side by side and asks for a confirmation against the current text.
import { ApiError } from "../api/http";
import { h } from "../lib/dom";
import { t } from "../lib/i18n";
import type { Amendment, AmendmentDecisionKind } from "./api";
import { type AmendContext, mine, runCommand } from "./context";

function badge(cls: string, text: string): HTMLElement {
  return h("span", { class: "rt-badge " + cls }, text);
}

/** Who proposed, for tooltips and labels: "Name (Delegation)". */
export function proposerName(a: Amendment): string {
  return a.proposer.delegation ? `${a.proposer.name} (${a.proposer.delegation})` : a.proposer.name;
}

/** The tooltip of a suggestion mark: proposer, co-sponsors, justification. */
export function summary(a: Amendment): string {
  const lines = [t("amendBy", { name: proposerName(a) })];
  if (a.support.length) lines.push(t("amendSupportedBy", { list: a.support.join(", ") }));
  if (a.oppose.length) lines.push(t("amendOpposedBy", { list: a.oppose.join(", ") }));
  if (a.justification) lines.push(a.justification);
  return lines.join("\n");
}

function change(a: Amendment): HTMLElement {
  const words = a.anchor.attached && a.current !== null ? a.current : a.quote.exact;
  const p = h("p", { class: "rt-amend-change" });
  if (a.kind === "insert") p.append(h("span", {}, words), " ", h("ins", {}, a.text));
  else if (a.kind === "delete") p.append(h("del", {}, words));
  else p.append(h("del", {}, words), " ", h("ins", {}, a.text));
  return p;
}

function stateBadges(a: Amendment): HTMLElement[] {
  const out: HTMLElement[] = [];
  if (a.moderation === "pending") out.push(badge("rt-pending", t("pendingApproval")));
  if (a.moderation === "rejected") out.push(badge("rt-rejected", t("rejected")));
  if (a.outdated && a.state === "open") out.push(badge("rt-outdated", t("amendOutdated")));
  if (a.state !== "open") out.push(badge("rt-amend-state rt-amend-" + a.state, t(("amendState_" + a.state) as "amendState_open")));
  return out;
}

function counts(a: Amendment): HTMLElement {
  return h(
    "p",
    { class: "rt-amend-counts" },
    h("span", { class: "rt-amend-support", "data-count": String(a.support.length), title: a.support.join(", ") }, t("amendSupportN", { n: a.support.length })),
    " · ",
    h("span", { class: "rt-amend-oppose", "data-count": String(a.oppose.length), title: a.oppose.join(", ") }, t("amendOpposeN", { n: a.oppose.length })),
  );
}

function button(cls: string, text: string, label: string, run: () => void): HTMLButtonElement {
  const btn = h("button", { type: "button", class: cls, "aria-label": label }, text);
  btn.addEventListener("click", () => {
    btn.disabled = true;
    run();
  });
  return btn;
}

/** Where an amendment is shown: a paragraph's side list or the officers' queue. */
export type Where = "panel" | "queue";

/**
 * Open "accept an outdated amendment" confirmations (by amendment and place): they
 * survive a rebuild of the item (a live event, or the re-read after a 409).
 */
const confirming = new Map<number, Where>();

/** The officers' "accept an outdated amendment" confirmation, quote and current words side by side. */
function outdatedConfirm(ctx: AmendContext, a: Amendment, host: HTMLElement, where: Where): void {
  confirming.set(a.id, where);
  host.replaceChildren(
    h("p", { class: "rt-amend-confirm-title", id: `amend-confirm-${a.id}` }, t("amendOutdatedConfirm")),
    h(
      "div",
      { class: "rt-amend-compare" },
      h("div", { class: "rt-amend-was" }, h("strong", {}, t("amendProposedAgainst")), h("blockquote", { class: "rt-quote" }, a.quote.exact)),
      h("div", { class: "rt-amend-now" }, h("strong", {}, t("amendCurrentWords")), h("blockquote", { class: "rt-quote" }, a.current ?? t("amendWordsGone"))),
    ),
  );
  const ok = button("rt-amend-confirm-accept", t("amendAcceptCurrent"), t("amendAcceptCurrent"), () => void decide(ctx, a, "accept", true));
  const no = button("rt-amend-confirm-cancel", t("cancel"), t("cancel"), () => {
    confirming.delete(a.id);
    host.hidden = true;
    host.closest(".rt-amend")?.querySelector<HTMLElement>(".rt-amend-accept")?.focus();
  });
  host.append(h("div", { class: "rt-buttons" }, ok, no));
  host.setAttribute("aria-labelledby", `amend-confirm-${a.id}`);
  host.hidden = false;
  // The item may be (re)built before it is attached: focus once it is on the page.
  if (host.isConnected) ok.focus();
  else requestAnimationFrame(() => ok.isConnected && ok.focus());
}

async function decide(ctx: AmendContext, a: Amendment, decision: AmendmentDecisionKind, confirmOutdated = false, where?: Where): Promise<void> {
  const session = await ctx.session();
  try {
    const done = await ctx.api.decide(a.id, { decision, session, ...(confirmOutdated ? { confirm_outdated: true } : {}) });
    ctx.store.put(done);
    ctx.announce(t(("amendDecided_" + decision) as "amendDecided_accept", { name: proposerName(a) }));
  } catch (err) {
    if (err instanceof ApiError && err.code === "amendment_outdated" && where) {
      // The words changed since we last heard: read it again (the item is rebuilt
      // with the confirmation open) and ask.
      confirming.set(a.id, where);
      const now = await ctx.api.get(a.id).catch(() => a);
      ctx.store.put({ ...now, outdated: true });
      return;
    }
    await runCommand(ctx, () => Promise.reject(err));
  }
}

function actions(ctx: AmendContext, a: Amendment, confirmHost: HTMLElement, where: Where): HTMLElement {
  const box = h("div", { class: "rt-buttons rt-amend-actions" });
  const who = proposerName(a);
  if (ctx.rights.readOnly || a.state !== "open") return box;
  const visible = a.moderation === "visible";
  const own = ctx.me?.delegation ?? null;
  if (ctx.rights.support && visible && own && own !== a.proposer.delegation) {
    const stance = a.support.includes(own) ? "support" : a.oppose.includes(own) ? "oppose" : null;
    if (stance !== "support") box.append(button("rt-amend-support-btn", t("amendSupport"), t("amendSupportLabel", { name: who }), () => void runCommand(ctx, () => ctx.api.support(a.id), t("amendSupported"))));
    if (stance !== "oppose") box.append(button("rt-amend-oppose-btn", t("amendOppose"), t("amendOpposeLabel", { name: who }), () => void runCommand(ctx, () => ctx.api.oppose(a.id), t("amendOpposed"))));
    if (stance) box.append(button("rt-amend-unstance", t("amendClearStance"), t("amendClearStanceLabel", { name: who }), () => void runCommand(ctx, () => ctx.api.clearStance(a.id))));
  }
  if (mine(ctx, a)) box.append(button("rt-amend-withdraw", t("amendWithdraw"), t("amendWithdrawLabel", { name: who }), () => void runCommand(ctx, () => ctx.api.withdraw(a.id), t("amendWithdrawn"))));
  if (!ctx.rights.decide) return box;
  if (a.moderation === "pending") {
    // As for observers' comments: admitted for the group's consideration, or refused.
    box.append(
      button("rt-amend-admit", t("amendAdmit"), t("amendAdmitLabel", { name: who }), () => void ctx.session().then((s) => runCommand(ctx, () => ctx.api.admit(a.id, s), t("amendAdmitted")))),
      button("rt-amend-reject", t("amendReject"), t("amendRejectLabel", { name: who }), () => void decide(ctx, a, "reject")),
    );
  }
  if (visible) {
    const accept = button("rt-amend-accept", t("amendAccept"), t("amendAcceptLabel", { name: who }), () => {
      if (a.outdated) {
        accept.disabled = false;
        outdatedConfirm(ctx, a, confirmHost, where);
      } else void decide(ctx, a, "accept", false, where).finally(() => (accept.disabled = false));
    });
    box.append(
      accept,
      button("rt-amend-reject", t("amendReject"), t("amendRejectLabel", { name: who }), () => void decide(ctx, a, "reject")),
      button("rt-amend-bracket", t("amendBracket"), t("amendBracketLabel", { name: who }), () => void decide(ctx, a, "bracket")),
    );
  }
  return box;
}

/** The element of one amendment (rebuilt when it changes). */
export function amendmentEl(ctx: AmendContext, a: Amendment, where: Where): HTMLElement {
  const colour = ctx.colour(a.proposer.delegation ?? a.proposer.name);
  const dot = h("span", { class: "rt-dot", "aria-hidden": "true" });
  dot.style.backgroundColor = colour;
  const confirmHost = h("div", { class: "rt-amend-confirm", role: "group", hidden: true });
  const el = h(
    "article",
    {
      class: "rt-amend",
      tabindex: 0,
      title: summary(a),
      "data-id": String(a.id),
      "data-state": a.state,
      "data-moderation": a.moderation,
      "data-outdated": String(a.outdated),
      "aria-label": t("amendItemLabel", { name: proposerName(a) }),
    },
    h("p", { class: "rt-amend-meta" }, dot, " ", h("strong", { class: "rt-amend-proposer" }, proposerName(a)), " ", h("span", { class: "rt-role" }, a.proposer.role), " ", ...stateBadges(a)),
    change(a),
    a.justification ? h("p", { class: "rt-amend-justification" }, a.justification) : null,
    counts(a),
    actions(ctx, a, confirmHost, where),
    confirmHost,
  );
  if (a.state !== "open") confirming.delete(a.id);
  else if (confirming.get(a.id) === where && ctx.rights.decide) outdatedConfirm(ctx, a, confirmHost, where);
  el.style.setProperty("--rt-sugg", colour);
  return el;
}
