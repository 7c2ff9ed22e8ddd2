// Accessible tabs (WAI-ARIA pattern): a tablist of buttons, arrow keys move between
// them, each controls one panel; `select(name)` shows that panel.
import { h } from "../lib/dom";

export interface Tabs {
  el: HTMLElement;
  panel(name: string): HTMLElement;
  current(): string;
  select(name: string, focus?: boolean): void;
}

export function tabs(id: string, label: string, entries: [string, string][], onSelect: (name: string) => void): Tabs {
  const list = h("div", { role: "tablist", "aria-label": label, class: "rt-tabs" });
  const panels = new Map<string, HTMLElement>();
  const buttons = new Map<string, HTMLButtonElement>();
  let current = entries[0]![0];
  for (const [name, text] of entries) {
    const tab = h("button", { type: "button", role: "tab", id: `${id}-tab-${name}`, "aria-controls": `${id}-panel-${name}`, "data-tab": name }, text);
    const panel = h("div", { role: "tabpanel", id: `${id}-panel-${name}`, "aria-labelledby": tab.id, tabindex: "0", class: "rt-tabpanel" });
    tab.addEventListener("click", () => select(name, false));
    tab.addEventListener("keydown", (ev) => {
      const names = entries.map((e) => e[0]);
      const at = names.indexOf(name);
      const to = ev.key === "ArrowRight" ? names[(at + 1) % names.length] : ev.key === "ArrowLeft" ? names[(at + names.length - 1) % names.length] : ev.key === "Home" ? names[0] : ev.key === "End" ? names[names.length - 1] : undefined;
      if (to === undefined) return;
      ev.preventDefault();
      select(to, true);
    });
    buttons.set(name, tab);
    panels.set(name, panel);
    list.appendChild(tab);
  }
  const el = h("div", { class: "rt-tabset" }, list, ...panels.values());
  function select(name: string, focus = false): void {
    current = name;
    for (const [n, b] of buttons) {
      const on = n === name;
      b.setAttribute("aria-selected", String(on));
      b.tabIndex = on ? 0 : -1;
      panels.get(n)!.hidden = !on;
    }
    if (focus) buttons.get(name)!.focus();
    onSelect(name);
  }
  for (const [n, b] of buttons) {
    b.setAttribute("aria-selected", String(n === current));
    b.tabIndex = n === current ? 0 : -1;
    panels.get(n)!.hidden = n !== current;
  }
  return { el, panel: (n) => panels.get(n)!, current: () => current, select };
}
