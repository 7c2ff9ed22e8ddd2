// The document view: sections with numbered paragraphs, each a live CodeMirror editor.
import type { EditorView } from "@codemirror/view";
import type { Awareness } from "y-protocols/awareness";
import * as Y from "yjs";
import { h, clear } from "./dom";
import { t, tDyn } from "./i18n";
import { SECTIONS, type Section, addParagraph, deleteParagraph, field, nextLabel, paragraphs, textOf } from "./schema";
import { paragraphEditor } from "./editor";

interface Mounted {
  el: HTMLElement;
  editor: EditorView | null;
  labelEl: HTMLElement;
  unobserve: () => void;
}

export interface DocView {
  el: HTMLElement;
  destroy(): void;
}

/** Adds controls to a mounted paragraph (the comments' buttons); `label` reads the current label. */
export type Decorate = (pid: string, li: HTMLElement, label: () => string) => void;

export function documentView(doc: Y.Doc, awareness: Awareness, readOnly: boolean, decorate?: Decorate): DocView {
  const root = h("div", { class: "rt-doc" });
  const sectionBodies = new Map<Section, HTMLElement>();
  for (const section of SECTIONS) {
    const body = h("ol", { class: "rt-paragraphs", "data-section": section });
    const heading = h("h2", { id: "section-" + section }, tDyn("section", section));
    const sec = h("section", { class: "rt-section", "aria-labelledby": "section-" + section }, heading, body);
    if (!readOnly) sec.appendChild(addControl(section));
    root.appendChild(sec);
    sectionBodies.set(section, body);
  }

  function addControl(section: Section): HTMLElement {
    const id = "new-label-" + section;
    const input = h("input", { id, type: "text", maxlength: 32, size: 8, class: "rt-new-label" });
    const form = h(
      "form",
      { class: "rt-add", "data-section": section },
      h("label", { for: id, class: "rt-visually-hidden" }, t("newLabel", { section: tDyn("section", section) })),
      input,
      h("button", { type: "submit" }, t("addParagraph")),
    );
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const label = input.value.trim() || nextLabel(doc, section);
      const pid = addParagraph(doc, section, label);
      input.value = "";
      mounted.get(pid)?.el.querySelector<HTMLElement>(".cm-content")?.focus();
    });
    return form;
  }

  const mounted = new Map<string, Mounted>();

  function mount(para: Y.Map<unknown>): Mounted {
    const id = field(para, "id");
    const label = field(para, "label");
    const kind = field(para, "kind");
    const labelEl = h("span", { class: "rt-label" }, label);
    const editorHost = h("div", { class: "rt-editor" });
    const li = h("li", { class: "rt-paragraph rt-kind-" + (kind || "text"), "data-id": id }, labelEl, editorHost);
    const proposer = field(para, "proposer");
    const sequence = field(para, "sequence");
    if (proposer || sequence) {
      li.insertBefore(h("span", { class: "rt-tags" }, [sequence, proposer].filter(Boolean).join(" · ")), editorHost);
    }
    if (!readOnly) {
      const del = h("button", { type: "button", class: "rt-delete", "aria-label": t("deleteParagraph", { label }) }, "×");
      del.addEventListener("click", () => deleteParagraph(doc, id));
      li.appendChild(del);
    }
    decorate?.(id, li, () => field(para, "label"));
    const text = textOf(para);
    const editor = text ? paragraphEditor(editorHost, text, awareness, readOnly, t("paragraphText", { label })) : null;
    const onMeta = (ev: Y.YMapEvent<unknown>): void => {
      if (ev.keysChanged.has("label")) labelEl.textContent = field(para, "label");
    };
    para.observe(onMeta);
    return { el: li, editor, labelEl, unobserve: () => para.unobserve(onMeta) };
  }

  // Reconcile the DOM with the paragraphs array: keep mounted editors, add new, drop deleted.
  function render(): void {
    const seen = new Set<string>();
    const order = new Map<Section, HTMLElement[]>();
    for (const para of paragraphs(doc)) {
      if (!(para instanceof Y.Map)) continue;
      const id = field(para, "id");
      if (!id || seen.has(id)) continue;
      seen.add(id);
      let m = mounted.get(id);
      if (!m) {
        m = mount(para);
        mounted.set(id, m);
      }
      const section = (SECTIONS as readonly string[]).includes(field(para, "section"))
        ? (field(para, "section") as Section)
        : "conclusion";
      const list = order.get(section) ?? [];
      list.push(m.el);
      order.set(section, list);
    }
    for (const [id, m] of mounted) {
      if (!seen.has(id)) {
        m.editor?.destroy();
        m.unobserve();
        m.el.remove();
        mounted.delete(id);
      }
    }
    for (const section of SECTIONS) {
      const body = sectionBodies.get(section)!;
      const wanted = order.get(section) ?? [];
      if (wanted.length === 0) {
        if (!body.querySelector(".rt-empty")) {
          clear(body);
          body.appendChild(h("li", { class: "rt-empty" }, t("emptySection")));
        }
        continue;
      }
      body.querySelector(".rt-empty")?.remove();
      // Move only what moved, so a focused editor keeps its focus.
      wanted.forEach((el, i) => {
        if (body.children[i] !== el) body.insertBefore(el, body.children[i] ?? null);
      });
      while (body.children.length > wanted.length) body.lastElementChild!.remove();
    }
  }

  const arr = paragraphs(doc);
  const onArray = (): void => render();
  arr.observe(onArray);
  render();
  return {
    el: root,
    destroy() {
      arr.unobserve(onArray);
      for (const m of mounted.values()) {
        m.editor?.destroy();
        m.unobserve();
      }
      mounted.clear();
    },
  };
}
