// The comments sidebar: threads grouped by paragraph, the composer of new comments,
// the buttons on each paragraph ("comment on selection / on paragraph"), replies,
// resolve / reopen, delete; live as the server's comment events arrive.
import { EditorView } from "@codemirror/view";
import * as Y from "yjs";
import { type Me, may } from "./api";
import { type CommentData, CommentError, type CommentStore, type NewAnchor, codePoints } from "./commentstore";
import { h } from "./dom";
import { lang, t } from "./i18n";
import { field, paragraphs } from "./schema";


interface Target {
  anchor: NewAnchor | null;
  label: string;
  quote: string;
}

export interface CommentsUi {
  sidebar: HTMLElement;
  decorate: (pid: string, li: HTMLElement, label: () => string) => void;
}

export function errorText(err: unknown): string {
  if (err instanceof CommentError) {
    if (err.code === "offline") return t("commentOffline");
    if (err.code === "timeout") return t("commentTimeout");
    const fields = Object.entries(err.fields).map(([k, v]) => `${k}: ${v}`);
    return t("commentFailed", { message: fields.length ? fields.join("; ") : err.message });
  }
  return t("commentFailed", { message: String(err) });
}

function when(iso: string): string {
  const d = new Date(iso);
  return isNaN(d.getTime()) ? "" : d.toLocaleString(lang, { dateStyle: "short", timeStyle: "short" });
}

export function commentsUi(me: Me, doc: Y.Doc, store: CommentStore): CommentsUi {
  const role = me.role ?? "";
  const canPost = may(me, "post_comment");
  const canResolve = may(me, "resolve_comment");
  const mine = (c: CommentData): boolean => me.person_id != null && c.author.person_id === me.person_id;
  const canDelete = (c: CommentData): boolean => canPost && (mine(c) || may(me, "delete_any_comment"));

  const status = h("p", { class: "rt-visually-hidden", role: "status", "aria-live": "polite" });
  const heading = h("h2", { id: "comments-h" }, t("comments"));
  const groupsEl = h("div", { class: "rt-comment-groups" });
  const empty = h("p", { class: "rt-comments-empty" }, t("noComments"));
  const sidebar = h("aside", { class: "rt-comments", "aria-labelledby": "comments-h" }, heading, status);

  // -- the composer of a new thread ------------------------------------------------
  let target: Target | null = null;
  const composerTitle = h("p", { class: "rt-composer-title", id: "composer-title" });
  const composerQuote = h("blockquote", { class: "rt-quote" });
  const composerText = h("textarea", { id: "composer-text", rows: 3, maxlength: 5000, class: "rt-composer-text" });
  const composerError = h("p", { class: "rt-error", role: "alert" });
  const composerSubmit = h("button", { type: "submit", class: "rt-composer-submit" }, t("commentSubmit"));
  const composerCancel = h("button", { type: "button", class: "rt-composer-cancel" }, t("cancel"));
  const composer = h(
    "form",
    { class: "rt-composer", hidden: true, "aria-labelledby": "composer-title" },
    composerTitle,
    composerQuote,
    h("label", { for: "composer-text" }, t("commentBody")),
    composerText,
    role === "observer" ? h("p", { class: "rt-hint" }, t("observerPendingHint")) : null,
    composerError,
    h("div", { class: "rt-buttons" }, composerSubmit, composerCancel),
  );
  let returnFocus: HTMLElement | null = null;
  const openComposer = (to: Target, from: HTMLElement | null): void => {
    target = to;
    returnFocus = from;
    composerTitle.textContent =
      to.anchor === null ? t("newDocumentComment") : to.quote ? t("newRangeComment", { label: to.label }) : t("newParagraphComment", { label: to.label });
    composerQuote.textContent = to.quote;
    composerQuote.hidden = !to.quote;
    composerError.textContent = "";
    composer.hidden = false;
    composerText.focus();
  };
  const closeComposer = (): void => {
    composer.hidden = true;
    composerText.value = "";
    target = null;
    returnFocus?.focus();
    returnFocus = null;
  };
  composerCancel.addEventListener("click", closeComposer);
  composer.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape") closeComposer();
  });
  composer.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (!target || !composerText.value.trim()) {
      composerError.textContent = t("commentEmpty");
      return;
    }
    composerSubmit.disabled = true;
    store
      .create(composerText.value, target.anchor)
      .then(() => {
        status.textContent = role === "observer" ? t("commentSentPending") : t("commentSent");
        returnFocus = null;
        closeComposer();
      })
      .catch((err: unknown) => (composerError.textContent = errorText(err)))
      .finally(() => (composerSubmit.disabled = false));
  });

  if (canPost) {
    const whole = h("button", { type: "button", class: "rt-comment-doc" }, t("commentDocument"));
    whole.addEventListener("click", () => openComposer({ anchor: null, label: "", quote: "" }, whole));
    sidebar.append(whole, composer);
  }
  sidebar.append(groupsEl, empty);

  // -- buttons on each paragraph ----------------------------------------------------
  // The latest non-empty selection in a paragraph's editor (CodeMirror offsets).
  let selection: { pid: string; from: number; to: number; text: string } | null = null;
  const selButtons = new Map<string, HTMLButtonElement>();
  const counts = new Map<string, HTMLElement>();

  function readSelection(): void {
    const sel = document.getSelection();
    if (!sel || sel.rangeCount === 0 || !sel.anchorNode || !sel.focusNode) return;
    const anchorEl = sel.anchorNode instanceof Element ? sel.anchorNode : sel.anchorNode.parentElement;
    const content = anchorEl?.closest(".cm-content");
    // A selection outside the editors (e.g. on our own button) keeps the last one.
    if (!content || !(content instanceof HTMLElement)) return;
    const li = content.closest<HTMLElement>(".rt-paragraph");
    const view = EditorView.findFromDOM(content);
    const pid = li?.dataset["id"];
    if (!view || !pid) return;
    let from: number, to: number;
    try {
      from = view.posAtDOM(sel.anchorNode, sel.anchorOffset);
      to = view.posAtDOM(sel.focusNode, sel.focusOffset);
    } catch {
      return;
    }
    if (from > to) [from, to] = [to, from];
    const text = view.state.doc.toString();
    selection = from < to && text.slice(from, to).trim() ? { pid, from, to, text } : null;
    for (const [id, btn] of selButtons) btn.hidden = selection?.pid !== id;
  }
  if (canPost) document.addEventListener("selectionchange", readSelection);

  function decorate(pid: string, li: HTMLElement, label: () => string): void {
    const count = h("span", { class: "rt-comment-count", hidden: true });
    counts.set(pid, count);
    const bar = h("div", { class: "rt-comment-bar" }, count);
    if (canPost) {
      const sel = h("button", { type: "button", class: "rt-comment-sel", hidden: true }, t("commentSelection"));
      // Keep the text selection (and the editor's focus) when the button is pressed.
      sel.addEventListener("mousedown", (ev) => ev.preventDefault());
      sel.addEventListener("click", () => {
        if (!selection || selection.pid !== pid) return;
        const { from, to, text } = selection;
        const start = codePoints(text, from);
        const end = codePoints(text, to);
        sel.hidden = true;
        openComposer({ anchor: { paragraph_id: pid, start, end }, label: label(), quote: text.slice(from, to) }, sel);
      });
      selButtons.set(pid, sel);
      const para = h("button", { type: "button", class: "rt-comment-para", "aria-label": t("commentParagraphLabel", { label: label() }) }, t("commentParagraph"));
      para.addEventListener("click", () => openComposer({ anchor: { paragraph_id: pid }, label: label(), quote: "" }, para));
      bar.append(sel, para);
    }
    li.querySelector(".rt-editor")?.after(bar);
    renderCounts();
  }

  // -- the threads ---------------------------------------------------------------------
  interface Shown {
    li: HTMLLIElement;
    content: HTMLElement;
    sig: string;
    form: HTMLFormElement | null;
  }
  const shown = new Map<number, Shown>();
  const groupEls = new Map<string, { section: HTMLElement; title: HTMLElement; list: HTMLElement }>();

  function renderCounts(): void {
    const n = new Map<string, number>();
    for (const { root } of store.threads()) {
      const pid = root.anchor?.paragraph_id;
      if (pid && root.moderation === "visible" && root.state === "open") n.set(pid, (n.get(pid) ?? 0) + 1);
    }
    for (const [pid, el] of counts) {
      const k = n.get(pid) ?? 0;
      el.hidden = k === 0;
      el.textContent = t("openThreads", { n: k });
    }
  }

  function badge(cls: string, text: string): HTMLElement {
    return h("span", { class: "rt-badge " + cls }, text);
  }

  function commentEl(c: CommentData, reply: boolean): HTMLElement {
    const meta = h(
      "p",
      { class: "rt-comment-meta" },
      h("strong", { class: "rt-author" }, c.author.name),
      " ",
      h("span", { class: "rt-role" }, c.author.role),
      " ",
      h("time", { datetime: c.created_at }, when(c.created_at)),
    );
    if (c.moderation === "pending") meta.append(" ", badge("rt-pending", t("pendingApproval")));
    if (c.moderation === "flagged") meta.append(" ", badge("rt-flagged", t("flagged", { reason: c.flag_reason ?? "" })));
    if (c.moderation === "rejected") meta.append(" ", badge("rt-rejected", t("rejected")));
    if (c.edited_at) meta.append(" ", h("span", { class: "rt-edited" }, t("edited")));
    const el = h(
      "article",
      { class: "rt-comment" + (reply ? " rt-reply" : ""), "data-id": String(c.id), "data-moderation": c.moderation },
      meta,
      h("p", { class: "rt-comment-text" }, c.body),
    );
    if (c.moderation === "rejected" && c.decision?.reason) {
      el.append(h("p", { class: "rt-reject-reason" }, t("rejectedReason", { reason: c.decision.reason })));
    }
    if (reply && canDelete(c)) el.append(deleteButton(c));
    return el;
  }

  function deleteButton(c: CommentData): HTMLElement {
    const btn = h("button", { type: "button", class: "rt-comment-delete", "aria-label": t("deleteCommentLabel", { name: c.author.name }) }, t("delete"));
    btn.addEventListener("click", () => {
      if (!confirm(t("deleteConfirm"))) return;
      store.remove(c.id).catch((err: unknown) => (status.textContent = errorText(err)));
    });
    return btn;
  }

  function replyForm(root: CommentData): HTMLFormElement {
    const id = "reply-" + root.id;
    const text = h("textarea", { id, rows: 2, maxlength: 5000 });
    const error = h("p", { class: "rt-error", role: "alert" });
    const send = h("button", { type: "submit" }, t("send"));
    const cancel = h("button", { type: "button" }, t("cancel"));
    const form = h(
      "form",
      { class: "rt-reply-form", hidden: true },
      h("label", { for: id, class: "rt-visually-hidden" }, t("replyLabel", { name: root.author.name })),
      text,
      error,
      h("div", { class: "rt-buttons" }, send, cancel),
    );
    const close = (): void => {
      form.hidden = true;
      text.value = "";
      shown.get(root.id)?.content.querySelector<HTMLElement>(".rt-reply-open")?.focus();
    };
    cancel.addEventListener("click", close);
    form.addEventListener("keydown", (ev) => {
      if (ev.key === "Escape") close();
    });
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      if (!text.value.trim()) {
        error.textContent = t("commentEmpty");
        return;
      }
      send.disabled = true;
      store
        .reply(root.id, text.value)
        .then(() => {
          error.textContent = "";
          close();
        })
        .catch((err: unknown) => (error.textContent = errorText(err)))
        .finally(() => (send.disabled = false));
    });
    return form;
  }

  function threadContent(root: CommentData, replies: CommentData[]): HTMLElement {
    const box = h("div", { class: "rt-thread-content" });
    const a = root.anchor;
    if (a?.kind === "range") {
      const quote = a.attached && a.text ? a.text : a.quote.exact;
      box.append(h("blockquote", { class: "rt-quote" }, quote));
    }
    if (a?.detached) {
      const why = a.reason === "paragraph deleted" ? t("detachedParagraph") : a.reason ? t("detachedText") : "";
      box.append(h("p", { class: "rt-detached" }, badge("rt-detached-badge", t("detached")), " ", why));
    }
    box.append(commentEl(root, false));
    if (root.state === "resolved") box.append(h("p", { class: "rt-resolved-note" }, badge("rt-resolved", t("resolved"))));
    if (replies.length) {
      const list = h("ol", { class: "rt-replies", "aria-label": t("repliesLabel", { n: replies.length }) });
      for (const r of replies) list.append(h("li", {}, commentEl(r, true)));
      box.append(list);
    }
    const actions = h("div", { class: "rt-thread-actions" });
    const visible = root.moderation === "visible";
    if (canPost && visible) {
      const btn = h("button", { type: "button", class: "rt-reply-open", "aria-label": t("replyLabel", { name: root.author.name }) }, t("reply"));
      btn.addEventListener("click", () => {
        const form = shown.get(root.id)?.form;
        if (!form) return;
        form.hidden = false;
        form.querySelector("textarea")?.focus();
      });
      actions.append(btn);
    }
    if (canResolve && visible) {
      const resolved = root.state === "resolved";
      const btn = h(
        "button",
        { type: "button", class: resolved ? "rt-reopen" : "rt-resolve", "aria-label": t(resolved ? "reopenLabel" : "resolveLabel", { name: root.author.name }) },
        t(resolved ? "reopen" : "resolve"),
      );
      btn.addEventListener("click", () => {
        btn.disabled = true;
        store
          .setResolved(root.id, !resolved)
          .then(() => (status.textContent = t(resolved ? "threadReopened" : "threadResolved")))
          .catch((err: unknown) => {
            btn.disabled = false;
            status.textContent = errorText(err);
          });
      });
      actions.append(btn);
    }
    if (canDelete(root)) actions.append(deleteButton(root));
    if (actions.childElementCount) box.append(actions);
    return box;
  }

  function groupKey(root: CommentData, order: Map<string, number>): string {
    const pid = root.anchor?.paragraph_id;
    if (!root.anchor || root.anchor.kind === "document" || !pid) return "doc";
    return order.has(pid) ? "p:" + pid : "gone";
  }

  function render(): void {
    const order = new Map<string, number>();
    const labels = new Map<string, string>();
    paragraphs(doc).forEach((p, i) => {
      if (!(p instanceof Y.Map)) return;
      order.set(field(p, "id"), i);
      labels.set(field(p, "id"), field(p, "label"));
    });
    const threads = store.threads();
    const grouped = new Map<string, typeof threads>();
    for (const th of threads) {
      const key = groupKey(th.root, order);
      grouped.set(key, [...(grouped.get(key) ?? []), th]);
    }
    const keys = Array.from(grouped.keys()).sort((a, b) => rank(a) - rank(b));
    function rank(key: string): number {
      if (key === "doc") return -1;
      if (key === "gone") return 1e9;
      return order.get(key.slice(2)) ?? 1e9;
    }
    const seenThreads = new Set<number>();
    const wantedSections: HTMLElement[] = [];
    for (const key of keys) {
      let g = groupEls.get(key);
      if (!g) {
        const title = h("h3", { class: "rt-group-title", id: "cg-" + key.replace(/[^\w-]/g, "_") });
        const list = h("ul", { class: "rt-threads" });
        const section = h("section", { class: "rt-comment-group", "data-group": key, "aria-labelledby": title.id }, title, list);
        g = { section, title, list };
        groupEls.set(key, g);
      }
      g.title.textContent =
        key === "doc" ? t("wholeDocument") : key === "gone" ? t("deletedParagraphs") : t("paragraphGroup", { label: labels.get(key.slice(2)) ?? "" });
      wantedSections.push(g.section);
      const wanted: HTMLElement[] = [];
      for (const { root, replies } of grouped.get(key)!) {
        seenThreads.add(root.id);
        const sig = JSON.stringify([root, replies, labels.get(root.anchor?.paragraph_id ?? "")]);
        let s = shown.get(root.id);
        if (!s) {
          const li = h("li", { class: "rt-thread" });
          const content = h("div", {});
          li.append(content);
          s = { li, content, sig: "", form: null };
          shown.set(root.id, s);
        }
        if (canPost && root.moderation === "visible" && !s.form) {
          s.form = replyForm(root);
          s.li.append(s.form);
        }
        if (s.sig !== sig) {
          const fresh = threadContent(root, replies);
          const hadFocus = s.content.contains(document.activeElement);
          const focusClass = hadFocus ? (document.activeElement as HTMLElement).className : "";
          s.li.replaceChild(fresh, s.content);
          s.content = fresh;
          s.sig = sig;
          if (focusClass) fresh.querySelector<HTMLElement>("." + focusClass.split(" ")[0])?.focus();
        }
        s.li.dataset["id"] = String(root.id);
        s.li.dataset["moderation"] = root.moderation;
        s.li.dataset["state"] = root.state;
        s.li.dataset["detached"] = String(root.anchor?.detached ?? false);
        wanted.push(s.li);
      }
      place(g.list, wanted);
    }
    for (const [id, s] of shown) {
      if (!seenThreads.has(id)) {
        s.li.remove();
        shown.delete(id);
      }
    }
    for (const [key, g] of groupEls) {
      if (!grouped.has(key)) {
        g.section.remove();
        groupEls.delete(key);
      }
    }
    place(groupsEl, wantedSections);
    const visibleCount = threads.length;
    heading.textContent = visibleCount ? t("commentsCount", { n: visibleCount }) : t("comments");
    empty.hidden = visibleCount > 0 || !store.loaded;
    renderCounts();
  }

  // Move only what moved, so focus and open reply forms stay put.
  function place(parent: HTMLElement, wanted: HTMLElement[]): void {
    wanted.forEach((el, i) => {
      if (parent.children[i] !== el) parent.insertBefore(el, parent.children[i] ?? null);
    });
    while (parent.children.length > wanted.length) parent.lastElementChild!.remove();
  }

  store.onChange((kind, c) => {
    render();
    if (kind === "created" && c && !mine(c)) status.textContent = t("newCommentBy", { name: c.author.name });
  });
  paragraphs(doc).observe(() => render());
  render();
  return { sidebar, decorate };
}
