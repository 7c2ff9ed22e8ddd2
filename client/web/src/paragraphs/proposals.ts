// The status proposals of one document, for those who may see them (VIEW_PROPOSALS):
// members see what is pending; chair and secretariat accept (recorded with the live
// session) or decline. Live: `proposal-changed` on the document's namespace; the list
// is re-read on every (re)connection, so nothing missed while away is lost.
import type { Socket } from "socket.io-client";
import { record, statusLabel } from "../doc/schema";
import { h } from "../lib/dom";
import { t } from "../lib/i18n";
import type { ProposalChanged, ProposalData } from "./api";
import type { GovContext } from "./context";

export function proposalQueue(ctx: GovContext, socket: Socket): HTMLElement {
  const proposals = new Map<number, ProposalData>();
  const heading = h("h2", { id: "proposals-h" }, t("proposalQueue"));
  const list = h("ul", { class: "rt-proposal-list" });
  const empty = h("p", { class: "rt-proposals-empty" }, t("noProposals"));
  const box = h("aside", { class: "rt-proposals", "aria-labelledby": "proposals-h" }, heading, empty, list);

  const labelOf = (pid: string): string => record(ctx.doc, pid)?.label ?? pid;

  function item(p: ProposalData): HTMLElement {
    const who = p.proposer.delegation ? `${p.proposer.name} (${p.proposer.delegation})` : p.proposer.name;
    const li = h(
      "li",
      { class: "rt-proposal", "data-id": String(p.id), "data-paragraph": p.paragraph },
      h("p", {}, h("strong", {}, labelOf(p.paragraph)), " → ", h("span", { class: "rt-proposal-status" }, statusLabel(p.status))),
      h("p", { class: "rt-proposal-by" }, t("proposedBy", { name: who })),
      p.reason ? h("p", { class: "rt-proposal-reason" }, p.reason) : null,
    );
    if (ctx.rights.govern) {
      const accept = h("button", { type: "button", class: "rt-proposal-accept", "aria-label": t("acceptLabel", { label: labelOf(p.paragraph), status: statusLabel(p.status) }) }, t("accept"));
      const decline = h("button", { type: "button", class: "rt-proposal-decline", "aria-label": t("declineLabel", { label: labelOf(p.paragraph), status: statusLabel(p.status) }) }, t("decline"));
      const decide = (how: "accept" | "decline"): void => {
        accept.disabled = decline.disabled = true;
        void (async () => {
          const session = how === "accept" ? await ctx.session.current() : null;
          const done = await ctx.run(() => (how === "accept" ? ctx.api.accept(p.id, session?.id ?? null) : ctx.api.decline(p.id)));
          if (done) put(done);
          else accept.disabled = decline.disabled = false;
          if (done) ctx.announce(t(how === "accept" ? "proposalAccepted" : "proposalDeclined", { label: labelOf(p.paragraph) }));
        })();
      };
      accept.addEventListener("click", () => decide("accept"));
      decline.addEventListener("click", () => decide("decline"));
      li.appendChild(h("div", { class: "rt-buttons" }, accept, decline));
    }
    return li;
  }

  function render(): void {
    const pending = Array.from(proposals.values())
      .filter((p) => p.state === "pending")
      .sort((a, b) => a.id - b.id);
    heading.textContent = pending.length ? t("proposalQueueN", { n: pending.length }) : t("proposalQueue");
    empty.hidden = pending.length > 0;
    const keep = new Map(Array.from(list.children, (el) => [(el as HTMLElement).dataset["id"] ?? "", el as HTMLElement]));
    const wanted = pending.map((p) => {
      const key = String(p.id);
      const old = keep.get(key);
      return old && old.contains(document.activeElement) ? old : item(p);
    });
    list.replaceChildren(...wanted);
  }

  function put(p: ProposalData): void {
    const had = proposals.get(p.id);
    proposals.set(p.id, p);
    if (!had && p.state === "pending" && ctx.rights.govern) ctx.announce(t("newProposal", { label: labelOf(p.paragraph) }));
    render();
  }

  async function refresh(): Promise<void> {
    const answer = await ctx.api.proposals("pending").catch(() => null);
    if (!answer) return;
    proposals.clear();
    for (const p of answer.proposals) proposals.set(p.id, p);
    render();
  }

  socket.on("proposal-changed", (data: ProposalChanged) => {
    if (data?.proposal) put(data.proposal);
  });
  socket.on("connect", () => void refresh());
  void refresh();
  render();
  return box;
}
