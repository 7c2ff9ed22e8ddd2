// The document view: sections with their paragraphs in the order the `index` gives (order
// key, then id), each a live CodeMirror editor bound to the paragraph's root Y.Text.
// A change of the index re-places paragraphs without recreating an editor: a move only
// moves a DOM node. Deleted paragraphs leave the text; those who govern see them in a
// collapsed "Deleted paragraphs" list with Restore.
import type { Awareness } from "y-protocols/awareness";
import type * as Y from "yjs";
import { clear, h, place } from "../lib/dom";
import { t, tDyn } from "../lib/i18n";
import type { GovContext } from "../paragraphs/context";
import type { AuthorColour } from "./editor";
import { type Decorate, type Mounted, type ParagraphEnv, mountParagraph, opinionItems } from "./paragraph";
import { type Opinion, type Paragraph, SECTIONS, type Section, addAfter, index, moveTarget, nextLabel, opinions, opinionsRoot, records, textOf } from "./schema";

export type { Decorate } from "./paragraph";

export interface DocView {
  el: HTMLElement;
  /** Colour every paragraph's text by delegation (null: plain). */
  setColours(colours: AuthorColour | null): void;
  destroy(): void;
}

/** The form adding a paragraph at the end of `section` (the add command). */
function addControl(gov: GovContext, section: Section, added: (pid: string) => void): HTMLElement {
  const id = "new-label-" + section;
  const input = h("input", { id, type: "text", maxlength: 32, size: 8, class: "rt-new-label" });
  const button = h("button", { type: "submit" }, t("addParagraph"));
  const form = h("form", { class: "rt-add", "data-section": section }, h("label", { for: id, class: "rt-visually-hidden" }, t("newLabel", { section: tDyn("section", section) })), input, button);
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const all = records(gov.doc).filter((p) => !p.deleted);
    const label = input.value.trim() || nextLabel(all, section);
    button.disabled = true;
    void gov
      .run(() => {
        const after = addAfter(records(gov.doc), section);
        return gov.api.add(after === undefined ? { label, section } : { label, section, after });
      })
      .then((para) => {
        if (!para) return;
        input.value = "";
        added(para.id);
      })
      .finally(() => (button.disabled = false));
  });
  return form;
}

/** Show `wanted` (a section's paragraphs, in order) in `body`, or the "empty" line. */
function placeSection(body: HTMLElement, wanted: Mounted[]): void {
  if (wanted.length === 0) {
    if (!body.querySelector(".rt-empty")) {
      clear(body);
      body.appendChild(h("li", { class: "rt-empty" }, t("emptySection")));
    }
    return;
  }
  body.querySelector(".rt-empty")?.remove();
  // Move only what moved, so a focused editor keeps its focus.
  place(
    body,
    wanted.map((m) => m.el),
  );
}

interface SectionEls {
  body: HTMLElement;
  brackets: HTMLElement;
  opinions: HTMLElement;
}

function deletedList(gov: GovContext): { el: HTMLElement; render(list: Paragraph[]): void } {
  const list = h("ul", { class: "rt-deleted-list" });
  const summary = h("summary", {}, t("deletedParagraphsN", { n: 0 }));
  const el = h("details", { class: "rt-deleted" }, summary, list);
  return {
    el,
    render(deleted) {
      el.hidden = deleted.length === 0;
      summary.textContent = t("deletedParagraphsN", { n: deleted.length });
      list.replaceChildren();
      for (const p of deleted) {
        const restore = h("button", { type: "button", class: "rt-restore", "aria-label": t("restoreLabel", { label: p.label }) }, t("restore"));
        restore.addEventListener("click", () => {
          restore.disabled = true;
          void gov.run(() => gov.api.restore(p.id)).then((done) => {
            restore.disabled = false;
            if (done) gov.announce(t("paragraphRestored", { label: p.label }));
          });
        });
        const text = textOf(gov.doc, p.id).toString();
        list.appendChild(h("li", { class: "rt-deleted-item", "data-id": p.id }, h("s", {}, h("strong", {}, p.label), " ", text), " ", restore));
      }
    },
  };
}

function sectionOpinionForm(gov: GovContext, section: Section): HTMLElement {
  const text = h("textarea", { id: `sop-text-${section}`, rows: 2, required: true });
  const who = h("input", { id: `sop-who-${section}`, type: "text", required: true });
  const form = h(
    "form",
    { class: "rt-inline-form rt-section-opinion-form", hidden: true, "aria-label": t("addSectionOpinionLabel", { section: tDyn("section", section) }) },
    h("div", { class: "rt-field" }, h("label", { for: text.id }, t("opinionText")), text),
    h("div", { class: "rt-field" }, h("label", { for: who.id }, t("delegationsCsv")), who),
    h("div", { class: "rt-buttons" }, h("button", { type: "submit" }, t("add"))),
  );
  const open = h("button", { type: "button", class: "rt-add-section-opinion", "aria-label": t("addSectionOpinionLabel", { section: tDyn("section", section) }) }, t("addOpinion"));
  open.addEventListener("click", () => {
    form.hidden = !form.hidden;
    if (!form.hidden) text.focus();
  });
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const delegations = who.value
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    void gov.run(() => gov.api.addOpinion({ text: text.value, delegations, section })).then((done) => {
      if (done) {
        form.reset();
        form.hidden = true;
      }
    });
  });
  return h("div", { class: "rt-section-tools" }, open, form);
}

export function documentView(doc: Y.Doc, awareness: Awareness, readOnly: boolean, decorate?: Decorate, gov?: GovContext): DocView {
  const root = h("div", { class: "rt-doc" });
  // Says where a moved paragraph went (screen readers); the focus stays on its button.
  const status = h("p", { class: "rt-visually-hidden", role: "status", "aria-live": "polite" });
  const docBrackets = h("p", { class: "rt-doc-brackets" });
  root.append(status, docBrackets);
  let colours: AuthorColour | null = null;
  let bracketsQueued = false;
  const mounted = new Map<string, Mounted>();
  const sections = new Map<Section, SectionEls>();

  const renderBrackets = (): void => {
    bracketsQueued = false;
    let total = 0;
    const per = new Map<Section, number>();
    for (const m of mounted.values()) {
      const n = Math.max(0, m.brackets.count);
      total += n;
      per.set(m.rec.section, (per.get(m.rec.section) ?? 0) + n);
    }
    docBrackets.textContent = t("docBrackets", { n: total });
    docBrackets.dataset["count"] = String(total);
    for (const [section, els] of sections) {
      const n = per.get(section) ?? 0;
      els.brackets.hidden = n === 0;
      els.brackets.textContent = t("sectionBrackets", { n });
      els.brackets.dataset["count"] = String(n);
    }
  };
  const env: ParagraphEnv = {
    doc,
    awareness,
    readOnly,
    decorate,
    gov,
    colours: () => colours,
    bracketsChanged: () => {
      if (bracketsQueued) return;
      bracketsQueued = true;
      queueMicrotask(renderBrackets);
    },
    announce: (message) => {
      status.textContent = message;
      gov?.announce(message);
    },
  };
  const focusNew = (pid: string): void => {
    const focus = (): boolean => {
      const el = mounted.get(pid)?.el.querySelector<HTMLElement>(".cm-content");
      el?.focus();
      return !!el;
    };
    if (focus()) return;
    const map = index(doc);
    const once = (): void => {
      if (focus()) map.unobserve(once);
    };
    map.observe(once);
  };
  for (const section of SECTIONS) {
    const body = h("ol", { class: "rt-paragraphs", "data-section": section });
    const brackets = h("span", { class: "rt-badge rt-section-brackets", hidden: true });
    const heading = h("h2", { id: "section-" + section }, tDyn("section", section), " ", brackets);
    const ops = h("ul", { class: "rt-opinions rt-section-opinions", "aria-label": t("opinionsOnSection", { section: tDyn("section", section) }) });
    const sec = h("section", { class: "rt-section", "data-section": section, "aria-labelledby": "section-" + section }, heading, ops, body);
    if (gov?.rights.govern && !readOnly) sec.insertBefore(sectionOpinionForm(gov, section), body);
    if (gov?.rights.structure && !readOnly) sec.appendChild(addControl(gov, section, focusNew));
    root.appendChild(sec);
    sections.set(section, { body, brackets, opinions: ops });
  }
  const deleted = gov?.rights.govern && !readOnly ? deletedList(gov) : null;
  if (deleted) root.appendChild(deleted.el);

  function renderOpinions(): void {
    const all: Opinion[] = opinions(doc);
    for (const m of mounted.values()) m.showOpinions(all.filter((o) => o.paragraph === m.id));
    for (const [section, els] of sections) {
      opinionItems(
        gov,
        els.opinions,
        all.filter((o) => !o.paragraph && o.section === section),
        tDyn("section", section),
      );
    }
  }

  // Reconcile the DOM with the index: keep mounted editors, add new, drop deleted.
  function render(): void {
    const all = records(doc);
    const shown = all.filter((p) => !p.deleted);
    const order = new Map<Section, Mounted[]>();
    const seen = new Set<string>();
    for (const rec of shown) {
      seen.add(rec.id);
      let m = mounted.get(rec.id);
      if (!m) {
        m = mountParagraph(env, rec);
        mounted.set(rec.id, m);
        m.showOpinions(opinions(doc).filter((o) => o.paragraph === rec.id));
      } else if (JSON.stringify(m.rec) !== JSON.stringify(rec)) {
        m.refresh(rec);
      }
      order.set(rec.section, [...(order.get(rec.section) ?? []), m]);
    }
    for (const [id, m] of mounted) {
      if (!seen.has(id)) {
        m.destroy();
        m.el.remove();
        mounted.delete(id);
      }
    }
    for (const section of SECTIONS) placeSection(sections.get(section)!.body, order.get(section) ?? []);
    for (const m of mounted.values()) {
      if (m.controls?.moveUp) m.controls.moveUp.disabled = moveTarget(all, m.id, -1) === undefined;
      if (m.controls?.moveDown) m.controls.moveDown.disabled = moveTarget(all, m.id, 1) === undefined;
    }
    deleted?.render(all.filter((p) => p.deleted));
    env.bracketsChanged();
  }

  const idx = index(doc);
  const ops = opinionsRoot(doc);
  const onIndex = (): void => render();
  const onOpinions = (): void => renderOpinions();
  idx.observe(onIndex);
  ops.observe(onOpinions);
  render();
  renderOpinions();
  return {
    el: root,
    setColours(now) {
      colours = now;
      for (const m of mounted.values()) m.editor?.setAuthorColours(now);
    },
    destroy() {
      idx.unobserve(onIndex);
      ops.unobserve(onOpinions);
      for (const m of mounted.values()) m.destroy();
      mounted.clear();
    },
  };
}
