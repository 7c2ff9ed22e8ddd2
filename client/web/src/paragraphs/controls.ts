// A paragraph's controls, each shown only to those whose rights (/api/me `can`) allow it:
// move up / down and delete with confirmation and Undo (EDIT_STRUCTURE), "Bracket this"
// (a local edit of the paragraph's text), the status (GOVERN_PARAGRAPHS: chair and
// secretariat, recorded with the live session) or "Propose status" (PROPOSE_STATUS),
// adding options and opinions, and the paragraph's details (label, section, kind,
// sequence, proposing and supporting delegations) (GOVERN_PARAGRAPHS).
import type { Mounted } from "../doc/paragraph";
import { LABEL_MAX, PARAGRAPH_KINDS, SEQUENCES } from "../doc/schema.gen";
import { type Paragraph, SECTIONS, STATUSES, type Status, index, moveTarget, records, statusLabel, textOf } from "../doc/schema";
import { h } from "../lib/dom";
import { t, tDyn } from "../lib/i18n";
import type { GovContext } from "./context";
import { confirmDialog } from "./dialog";

export interface ParagraphControls {
  /** Placed in the paragraph's <li> (the view's grid puts them in place). */
  els: HTMLElement[];
  moveUp: HTMLButtonElement | null;
  moveDown: HTMLButtonElement | null;
  refresh(rec: Paragraph): void;
}

const SETTABLE = STATUSES.filter((s) => s !== "deleted");
const csv = (v: string): string[] =>
  v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

/** Resolves once the page's own index shows the paragraph at `order` (the server's write arrived). */
function whenOrder(ctx: GovContext, pid: string, order: string): Promise<void> {
  const map = index(ctx.doc);
  const at = (): boolean => records(ctx.doc).find((p) => p.id === pid)?.order === order;
  if (at()) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      map.unobserve(check);
      clearTimeout(timer);
      resolve();
    };
    const check = (): void => {
      if (at()) done();
    };
    const timer = setTimeout(done, 5000);
    map.observe(check);
  });
}

function statusOptions(select: HTMLSelectElement, current?: Status): void {
  for (const s of SETTABLE) select.appendChild(h("option", { value: s, selected: s === current }, statusLabel(s)));
}

/** A small inline form (hidden until its button opens it). */
function inlineForm(cls: string, title: string, fields: HTMLElement[], submitLabel: string, submit: () => Promise<boolean>): { form: HTMLFormElement; open(): void } {
  const send = h("button", { type: "submit" }, submitLabel);
  const cancel = h("button", { type: "button" }, t("cancel"));
  const form = h("form", { class: "rt-inline-form " + cls, hidden: true, "aria-label": title }, h("p", { class: "rt-inline-title" }, title), ...fields, h("div", { class: "rt-buttons" }, send, cancel));
  cancel.addEventListener("click", () => (form.hidden = true));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    send.disabled = true;
    void submit()
      .then((ok) => {
        if (ok) {
          form.hidden = true;
          form.reset();
        }
      })
      .finally(() => (send.disabled = false));
  });
  return {
    form,
    open() {
      form.hidden = false;
      form.querySelector<HTMLElement>("input, select, textarea")?.focus();
    },
  };
}

function field(id: string, label: string, input: HTMLElement): HTMLElement {
  input.id = id;
  return h("div", { class: "rt-field" }, h("label", { for: id }, label), input);
}

function choices(values: readonly string[], shown: (v: string) => string): HTMLSelectElement {
  const select = h("select", {});
  for (const v of values) select.appendChild(h("option", { value: v }, shown(v)));
  return select;
}

/** The governed metadata of a paragraph (officers): only what changed is sent. */
function detailsForm(ctx: GovContext, m: Mounted): { form: HTMLFormElement; open(): void } {
  const pid = m.id;
  const label = h("input", { type: "text", maxlength: LABEL_MAX, required: true });
  const section = choices(SECTIONS, (v) => tDyn("section", v));
  const kind = choices(PARAGRAPH_KINDS, (v) => v);
  const sequence = choices(["", ...SEQUENCES], (v) => (v ? tDyn("seq", v) : "—"));
  const proposers = h("input", { type: "text" });
  const supporters = h("input", { type: "text" });
  const inline = inlineForm(
    "rt-details-form",
    t("detailsTitle", { label: m.rec.label }),
    [
      field("det-label-" + pid, t("labelField"), label),
      field("det-section-" + pid, t("sectionField"), section),
      field("det-kind-" + pid, t("kindField"), kind),
      field("det-seq-" + pid, t("sequenceField"), sequence),
      field("det-prop-" + pid, t("proposersCsv"), proposers),
      field("det-supp-" + pid, t("supportersCsv"), supporters),
    ],
    t("save"),
    async () => {
      const rec = m.rec;
      const body: Parameters<typeof ctx.api.update>[1] = {};
      if (label.value.trim() !== rec.label) body.label = label.value.trim();
      if (section.value !== rec.section) body.section = section.value;
      if (kind.value !== rec.kind) body.kind = kind.value;
      if (sequence.value !== rec.sequence) body.sequence = sequence.value;
      if (csv(proposers.value).join() !== rec.proposers.join()) body.proposers = csv(proposers.value);
      if (csv(supporters.value).join() !== rec.supporters.join()) body.supporters = csv(supporters.value);
      if (Object.keys(body).length === 0) return true;
      return (await ctx.run(() => ctx.api.update(pid, body))) !== null;
    },
  );
  return {
    form: inline.form,
    open() {
      const rec = m.rec;
      inline.form.setAttribute("aria-label", t("detailsTitle", { label: rec.label }));
      label.value = rec.label;
      section.value = rec.section;
      kind.value = rec.kind;
      sequence.value = rec.sequence;
      proposers.value = rec.proposers.join(", ");
      supporters.value = rec.supporters.join(", ");
      inline.open();
    },
  };
}

export function paragraphControls(ctx: GovContext, m: Mounted): ParagraphControls {
  const { rights } = ctx;
  const pid = m.id;
  const label = (): string => m.rec.label;
  const bar = h("div", { class: "rt-gov-bar", role: "group", "aria-label": t("paragraphTools", { label: m.rec.label }) });
  const forms = h("div", { class: "rt-gov-forms" });
  const side = h("div", { class: "rt-para-side" });
  const out: ParagraphControls = { els: [bar, forms, side], moveUp: null, moveDown: null, refresh: () => {} };
  const refreshers: ((rec: Paragraph) => void)[] = [];

  // -- status (officers) or proposal (members) --
  if (rights.govern) {
    const select = h("select", { id: "status-" + pid, class: "rt-status-select" });
    statusOptions(select, m.rec.status === "deleted" ? "draft" : m.rec.status);
    const lab = h("label", { for: select.id, class: "rt-visually-hidden" }, t("statusSelectLabel", { label: m.rec.label }));
    // A button sets it: arrowing through a select fires "change" on every step in some
    // browsers, and each would be a decision.
    const set = h("button", { type: "button", class: "rt-status-set", "aria-label": t("statusSetLabel", { label: m.rec.label }) }, t("setStatus"));
    const pending = (): void => {
      set.disabled = select.value === m.rec.status;
    };
    select.addEventListener("change", pending);
    set.addEventListener("click", () => {
      const wanted = select.value as Status;
      set.disabled = true;
      void (async () => {
        const session = await ctx.session.current();
        const done = await ctx.run(() => ctx.api.setStatus(pid, wanted, session?.id ?? null));
        if (done) ctx.announce(t("statusSet", { label: label(), status: statusLabel(wanted) }));
        else select.value = m.rec.status;
        pending();
      })();
    });
    bar.append(lab, select, set);
    refreshers.push((rec) => {
      // What someone else decided shows, unless an officer is choosing here right now.
      if (document.activeElement !== select) select.value = rec.status;
      lab.textContent = t("statusSelectLabel", { label: rec.label });
      set.setAttribute("aria-label", t("statusSetLabel", { label: rec.label }));
      pending();
    });
  } else if (rights.propose) {
    const sel = h("select", {});
    statusOptions(sel);
    const reason = h("input", { type: "text", maxlength: 500 });
    const propose = inlineForm("rt-propose-form", t("proposeTitle", { label: m.rec.label }), [field("propose-status-" + pid, t("proposedStatus"), sel), field("propose-reason-" + pid, t("proposeReason"), reason)], t("send"), async () => {
      const done = await ctx.run(() => ctx.api.propose(pid, sel.value as Status, reason.value.trim() || undefined));
      if (done) ctx.toasts.show(t("proposalSent", { label: label(), status: statusLabel(sel.value) }));
      return done !== null;
    });
    const btn = h("button", { type: "button", class: "rt-propose", "aria-label": t("proposeLabel", { label: m.rec.label }) }, t("propose"));
    btn.addEventListener("click", () => propose.open());
    bar.appendChild(btn);
    forms.appendChild(propose.form);
    refreshers.push((rec) => btn.setAttribute("aria-label", t("proposeLabel", { label: rec.label })));
  }

  // -- bracket the selection: a local edit of this paragraph's text, one transaction --
  if (rights.structure) {
    const btn = h("button", { type: "button", class: "rt-bracket", "aria-label": t("bracketLabel", { label: m.rec.label }) }, t("bracketThis"));
    btn.addEventListener("mousedown", (ev) => ev.preventDefault());
    btn.addEventListener("click", () => {
      const view = m.editor?.view;
      const sel = view?.state.selection.main;
      if (!view || !sel || sel.empty) {
        ctx.toasts.error(t("selectToBracket"));
        return;
      }
      const ytext = textOf(ctx.doc, pid);
      ctx.doc.transact(() => {
        ytext.insert(sel.to, "]");
        ytext.insert(sel.from, "[");
      });
      ctx.announce(t("bracketed", { label: label() }));
    });
    bar.appendChild(btn);
    refreshers.push((rec) => {
      btn.hidden = rec.locked && !rights.editLocked;
      btn.setAttribute("aria-label", t("bracketLabel", { label: rec.label }));
    });
  }

  // -- options and opinions (officers) --
  if (rights.govern) {
    const optLabel = h("input", { type: "text", maxlength: 32, required: true });
    const optText = h("textarea", { rows: 2, required: true });
    const optWho = h("input", { type: "text" });
    const addOption = inlineForm("rt-option-form", t("addOptionTitle", { label: m.rec.label }), [field("opt-label-" + pid, t("optionLabel"), optLabel), field("opt-text-" + pid, t("optionText"), optText), field("opt-who-" + pid, t("proposersCsv"), optWho)], t("add"), async () => {
      const done = await ctx.run(() => ctx.api.addOption(pid, { label: optLabel.value.trim(), text: optText.value, proposers: csv(optWho.value) }));
      return done !== null;
    });
    const optBtn = h("button", { type: "button", class: "rt-add-option", "aria-label": t("addOptionLabel", { label: m.rec.label }) }, t("addOption"));
    optBtn.addEventListener("click", () => {
      optLabel.value = optLabel.value || `Alt ${m.rec.options.length + 1}`;
      addOption.open();
    });
    const opText = h("textarea", { rows: 2, required: true });
    const opWho = h("input", { type: "text", required: true });
    const addOpinion = inlineForm("rt-opinion-form", t("addOpinionTitle", { label: m.rec.label }), [field("op-text-" + pid, t("opinionText"), opText), field("op-who-" + pid, t("delegationsCsv"), opWho)], t("add"), async () => {
      const done = await ctx.run(() => ctx.api.addOpinion({ text: opText.value, delegations: csv(opWho.value), paragraph: pid }));
      return done !== null;
    });
    const opBtn = h("button", { type: "button", class: "rt-add-opinion", "aria-label": t("addOpinionLabel", { label: m.rec.label }) }, t("addOpinion"));
    opBtn.addEventListener("click", () => addOpinion.open());
    bar.append(optBtn, opBtn);
    forms.append(addOption.form, addOpinion.form);
    const details = detailsForm(ctx, m);
    const detBtn = h("button", { type: "button", class: "rt-edit-details", "aria-label": t("detailsLabel", { label: m.rec.label }) }, t("details"));
    detBtn.addEventListener("click", () => details.open());
    bar.appendChild(detBtn);
    forms.appendChild(details.form);
    refreshers.push((rec) => detBtn.setAttribute("aria-label", t("detailsLabel", { label: rec.label })));
  }

  // -- move and delete --
  if (rights.structure) {
    const moves = h("span", { class: "rt-move", role: "group", "aria-label": t("moveGroup", { label: m.rec.label }) });
    const moveButton = (step: -1 | 1): HTMLButtonElement => {
      const btn = h("button", { type: "button", class: step < 0 ? "rt-move-up" : "rt-move-down", title: t(step < 0 ? "moveUp" : "moveDown") }, h("span", { "aria-hidden": "true" }, step < 0 ? "↑" : "↓"));
      btn.addEventListener("click", () => {
        const after = moveTarget(records(ctx.doc), pid, step);
        if (after === undefined) return;
        btn.disabled = true;
        void (async () => {
          const moved = await ctx.run(() => ctx.api.move(pid, after));
          if (moved) await whenOrder(ctx, pid, moved.order);
          // The view set the edges' disabled state; keep the keyboard where it was.
          const other = step < 0 ? out.moveDown : out.moveUp;
          const edge = moveTarget(records(ctx.doc), pid, step) === undefined;
          btn.disabled = edge;
          (edge ? other : btn)?.focus();
          if (moved) ctx.announce(t(step < 0 ? "movedUp" : "movedDown", { label: label() }));
        })();
      });
      return btn;
    };
    out.moveUp = moveButton(-1);
    out.moveDown = moveButton(1);
    moves.append(out.moveUp, out.moveDown);
    const del = h("button", { type: "button", class: "rt-delete" }, h("span", { "aria-hidden": "true" }, "×"));
    del.addEventListener("click", () => {
      void (async () => {
        if (!(await confirmDialog(t("deleteConfirmParagraph", { label: label() }), t("deleteParagraphOk")))) return;
        const done = await ctx.run(() => ctx.api.remove(pid));
        if (!done) return;
        const name = label();
        ctx.toasts.show(t("paragraphDeleted", { label: name }), {
          label: t("undo"),
          run: async () => {
            const back = await ctx.run(() => ctx.api.restore(pid));
            if (back) ctx.toasts.show(t("paragraphRestored", { label: name }));
          },
        });
      })();
    });
    side.append(del, moves);
    refreshers.push((rec) => {
      out.moveUp!.setAttribute("aria-label", t("moveUpLabel", { label: rec.label }));
      out.moveDown!.setAttribute("aria-label", t("moveDownLabel", { label: rec.label }));
      moves.setAttribute("aria-label", t("moveGroup", { label: rec.label }));
      del.setAttribute("aria-label", t("deleteParagraph", { label: rec.label }));
      // Agreed text is not deleted: it is reopened first (the server refuses it too).
      del.hidden = rec.locked;
    });
  }
  out.refresh = (rec) => {
    bar.setAttribute("aria-label", t("paragraphTools", { label: rec.label }));
    for (const r of refreshers) r(rec);
  };
  return out;
}
