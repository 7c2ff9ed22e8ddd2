// The threads in the sidebar, grouped: the whole document first, then by paragraph in
// document order, then threads whose paragraph was deleted. Re-rendering moves only
// what moved and rebuilds only threads that changed, so focus and open reply forms stay.
import type * as Y from "yjs";
import { records } from "../doc/schema";
import { h, place } from "../lib/dom";
import { t } from "../lib/i18n";
import type { CommentsContext } from "./context";
import type { CommentData } from "./store";
import { replyForm, threadContent } from "./thread";

type Thread = { root: CommentData; replies: CommentData[] };

interface Shown {
  li: HTMLLIElement;
  content: HTMLElement;
  /** What `content` was built from: rebuilt only when this changes. */
  sig: string;
  form: HTMLFormElement | null;
}

interface GroupEls {
  section: HTMLElement;
  title: HTMLElement;
  list: HTMLElement;
}

/** Each paragraph's index and label, by id. */
interface Outline {
  order: Map<string, number>;
  labels: Map<string, string>;
}

function outline(doc: Y.Doc): Outline {
  const order = new Map<string, number>();
  const labels = new Map<string, string>();
  // Deleted paragraphs (status "deleted") are out of the text: their threads go last.
  records(doc)
    .filter((p) => !p.deleted)
    .forEach((p, i) => {
      order.set(p.id, i);
      labels.set(p.id, p.label);
    });
  return { order, labels };
}

/** "doc", "p:<paragraph id>" or "gone" (the paragraph was deleted). */
function groupKey(root: CommentData, order: Map<string, number>): string {
  const pid = root.anchor?.paragraph_id;
  if (!root.anchor || root.anchor.kind === "document" || !pid) return "doc";
  return order.has(pid) ? "p:" + pid : "gone";
}

/** Threads by group, groups in display order. */
function grouped(threads: Thread[], order: Map<string, number>): Map<string, Thread[]> {
  const groups = new Map<string, Thread[]>();
  for (const th of threads) {
    const key = groupKey(th.root, order);
    groups.set(key, [...(groups.get(key) ?? []), th]);
  }
  const rank = (key: string): number => {
    if (key === "doc") return -1;
    if (key === "gone") return 1e9;
    return order.get(key.slice(2)) ?? 1e9;
  };
  const keys = Array.from(groups.keys()).sort((a, b) => rank(a) - rank(b));
  return new Map(keys.map((k) => [k, groups.get(k)!]));
}

function groupTitle(key: string, labels: Map<string, string>): string {
  if (key === "doc") return t("wholeDocument");
  if (key === "gone") return t("deletedParagraphs");
  return t("paragraphGroup", { label: labels.get(key.slice(2)) ?? "" });
}

/** Replace `s.content` by `fresh`, keeping the focus on the same kind of control. */
function swapContent(s: Shown, fresh: HTMLElement): void {
  const hadFocus = s.content.contains(document.activeElement);
  const focusClass = hadFocus ? (document.activeElement as HTMLElement).className : "";
  s.li.replaceChild(fresh, s.content);
  s.content = fresh;
  if (focusClass) fresh.querySelector<HTMLElement>("." + focusClass.split(" ")[0])?.focus();
}

export class ThreadList {
  readonly el = h("div", { class: "rt-comment-groups" });
  private readonly shown = new Map<number, Shown>();
  private readonly groups = new Map<string, GroupEls>();

  constructor(
    private readonly ctx: CommentsContext,
    private readonly doc: Y.Doc,
  ) {}

  /** Bring the DOM up to the store's threads; returns how many threads there are. */
  render(): number {
    const { order, labels } = outline(this.doc);
    const threads = this.ctx.store.threads();
    const byGroup = grouped(threads, order);
    const seen = new Set<number>();
    const sections: HTMLElement[] = [];
    for (const [key, list] of byGroup) {
      const g = this.group(key);
      g.title.textContent = groupTitle(key, labels);
      sections.push(g.section);
      const items = list.map((th) => {
        seen.add(th.root.id);
        return this.thread(th, labels);
      });
      place(g.list, items);
    }
    this.prune(seen, byGroup);
    place(this.el, sections);
    return threads.length;
  }

  private group(key: string): GroupEls {
    let g = this.groups.get(key);
    if (!g) {
      const title = h("h3", { class: "rt-group-title", id: "cg-" + key.replace(/[^\w-]/g, "_") });
      const list = h("ul", { class: "rt-threads" });
      const section = h("section", { class: "rt-comment-group", "data-group": key, "aria-labelledby": title.id }, title, list);
      g = { section, title, list };
      this.groups.set(key, g);
    }
    return g;
  }

  /** The thread's list item, created or brought up to date. */
  private thread({ root, replies }: Thread, labels: Map<string, string>): HTMLLIElement {
    const sig = JSON.stringify([root, replies, labels.get(root.anchor?.paragraph_id ?? "")]);
    let s = this.shown.get(root.id);
    if (!s) {
      const li = h("li", { class: "rt-thread" });
      const content = h("div", {});
      li.append(content);
      s = { li, content, sig: "", form: null };
      this.shown.set(root.id, s);
    }
    if (this.ctx.rights.canPost && root.moderation === "visible" && !s.form) {
      s.form = replyForm(this.ctx, root, () => this.focusReplyButton(root.id));
      s.li.append(s.form);
    }
    if (s.sig !== sig) {
      swapContent(s, threadContent(this.ctx, root, replies, () => this.openReply(root.id)));
      s.sig = sig;
    }
    s.li.dataset["id"] = String(root.id);
    s.li.dataset["moderation"] = root.moderation;
    s.li.dataset["state"] = root.state;
    s.li.dataset["detached"] = String(root.anchor?.detached ?? false);
    return s.li;
  }

  private openReply(id: number): void {
    const form = this.shown.get(id)?.form;
    if (!form) return;
    form.hidden = false;
    form.querySelector("textarea")?.focus();
  }

  private focusReplyButton(id: number): void {
    this.shown.get(id)?.content.querySelector<HTMLElement>(".rt-reply-open")?.focus();
  }

  /** Drop threads and groups that are gone. */
  private prune(seen: Set<number>, byGroup: Map<string, Thread[]>): void {
    for (const [id, s] of this.shown) {
      if (!seen.has(id)) {
        s.li.remove();
        this.shown.delete(id);
      }
    }
    for (const [key, g] of this.groups) {
      if (!byGroup.has(key)) {
        g.section.remove();
        this.groups.delete(key);
      }
    }
  }
}
