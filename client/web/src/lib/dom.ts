// A tiny element builder: h("p", {class: "x"}, "text", child).
type Attrs = Record<string, string | boolean | number | EventListener | undefined>;
type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === "function") el.addEventListener(name.replace(/^on/, ""), value);
    else if (value === true) el.setAttribute(name, "");
    else el.setAttribute(name, String(value));
  }
  append(el, ...children);
  return el;
}

export function append(el: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
  }
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/** Make `parent`'s children exactly `wanted`, moving only what moved (focus stays put). */
export function place(parent: Element, wanted: Element[]): void {
  wanted.forEach((el, i) => {
    if (parent.children[i] !== el) parent.insertBefore(el, parent.children[i] ?? null);
  });
  while (parent.children.length > wanted.length) parent.lastElementChild!.remove();
}

/**
 * A list whose items' elements are kept by key: an item's element is built again only
 * when its signature changes (replacing the old one where it stands, focus carried over
 * by `refocus`), a gone item's element is removed, and `parent`'s children become the
 * items' elements in order (`place`: only what moved moves).
 */
export class KeyedList<T, K = number> {
  private readonly shown = new Map<K, { el: HTMLElement; sig: string }>();
  constructor(
    private readonly parent: Element,
    private readonly key: (item: T) => K,
    private readonly sig: (item: T) => string,
    private readonly build: (item: T) => HTMLElement,
    /** Called when the replaced element held `focused`: give the new one focus. */
    private readonly refocus: (el: HTMLElement, focused: HTMLElement) => void = (el) => el.focus(),
  ) {}

  render(items: readonly T[]): void {
    const seen = new Set<K>();
    const els = items.map((item) => {
      const k = this.key(item);
      seen.add(k);
      const sig = this.sig(item);
      let s = this.shown.get(k);
      if (!s || s.sig !== sig) {
        const focused = s?.el.contains(document.activeElement) ? (document.activeElement as HTMLElement) : null;
        const el = this.build(item);
        if (s) s.el.replaceWith(el);
        s = { el, sig };
        this.shown.set(k, s);
        if (focused) this.refocus(el, focused);
      }
      return s.el;
    });
    for (const [k, s] of this.shown) {
      if (!seen.has(k)) {
        s.el.remove();
        this.shown.delete(k);
      }
    }
    place(this.parent, els);
  }
}
