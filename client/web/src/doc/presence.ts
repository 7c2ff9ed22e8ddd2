// Presence (who is here, from awareness) and the connection state line.
import type { Awareness } from "y-protocols/awareness";
import type { Connection } from "./connection";
import { h, clear } from "../lib/dom";
import { t } from "../lib/i18n";

const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22"];

export function colorFor(seed: string): string {
  let n = 0;
  for (const ch of seed) n = (n * 31 + ch.charCodeAt(0)) >>> 0;
  return COLORS[n % COLORS.length]!;
}

/** A plain hex colour (#rgb, #rgba, #rrggbb, #rrggbbaa): nothing else reaches a style. */
const HEX_COLOUR = /^#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i;
const MAX_NAME = 200;

export function safeColor(value: unknown, seed: string): string {
  return typeof value === "string" && HEX_COLOUR.test(value) ? value : colorFor(seed);
}

/**
 * A remote `user` as this page may show it: text fields bounded strings, colours
 * plain hex (else a colour computed from the name). The server checks the same,
 * but the page does not rely on it: y-codemirror.next puts `color`/`colorLight`
 * into style attributes of remote cursors.
 */
export function safeUser(user: unknown): UserState | undefined {
  if (typeof user !== "object" || user === null) return undefined;
  const u = user as Record<string, unknown>;
  const text = (v: unknown): string => (typeof v === "string" ? v.slice(0, MAX_NAME) : "");
  const name = text(u["name"]);
  const color = safeColor(u["color"], name);
  const light = u["colorLight"];
  const colorLight = typeof light === "string" && HEX_COLOUR.test(light) ? light : color.length === 7 ? color + "33" : color;
  return { name, person: text(u["person"]), delegation: text(u["delegation"]), color, colorLight };
}

/**
 * Replace every remote state's `user` by its safe form as it arrives. Register
 * before anything renders awareness (listeners run in registration order).
 */
export function sanitizeRemoteStates(awareness: Awareness): void {
  awareness.on("change", ({ added, updated }: { added: number[]; updated: number[] }) => {
    for (const id of [...added, ...updated]) {
      if (id === awareness.clientID) continue;
      const state = awareness.getStates().get(id) as { user?: unknown } | undefined;
      if (state && "user" in state) state.user = safeUser(state.user);
    }
  });
}

export interface UserState {
  /** What others see, on remote cursors too (y-codemirror.next shows `name`): "Name (Delegation)". */
  name?: string;
  /** The person's own name, and whom they speak for (may be empty). */
  person?: string;
  delegation?: string;
  color?: string;
  colorLight?: string;
}

/** "Name (Delegation)", or the name alone. */
export function personLabel(name: string, delegation?: string | null): string {
  return delegation ? t("personWithDelegation", { name, delegation }) : name;
}

/** This browser's awareness user: the shown name carries the delegation. */
export function localUser(name: string, delegation?: string | null): UserState {
  const color = colorFor(name);
  return { name: personLabel(name, delegation), person: name, delegation: delegation ?? "", color, colorLight: color + "33" };
}

function shownName(user: UserState): string {
  // A client that put only its plain name in `name` still gets its delegation shown.
  return user.person ? personLabel(user.person, user.delegation) : personLabel(user.name ?? "", user.delegation);
}

export function presenceList(awareness: Awareness): HTMLElement {
  const list = h("ul", { class: "rt-presence-list" });
  const box = h("aside", { class: "rt-presence", "aria-labelledby": "presence-h" }, h("h2", { id: "presence-h" }, t("presence")), list);
  const render = (): void => {
    clear(list);
    const states = Array.from(awareness.getStates().entries()).sort(([a], [b]) => a - b);
    for (const [clientId, state] of states) {
      const user = safeUser((state as { user?: unknown }).user);
      if (!user?.name) continue;
      const me = clientId === awareness.clientID;
      const label = shownName(user) + (me ? ` — ${t("you")}` : "");
      // The colour goes through the style object, never into an attribute string.
      const dot = h("span", { class: "rt-dot", "aria-hidden": "true" });
      dot.style.backgroundColor = user.color ?? colorFor(user.name);
      list.appendChild(h("li", { class: "rt-person", "data-me": String(me) }, dot, label));
    }
  };
  awareness.on("change", render);
  render();
  return box;
}

export function connectionLine(conn: Connection): HTMLElement {
  const el = h("p", { class: "rt-conn", role: "status", "aria-live": "polite" });
  const render = (): void => {
    const state = conn.state();
    const n = conn.unsent();
    el.dataset["state"] = state;
    el.textContent =
      state === "connected"
        ? t("connected")
        : state === "connecting"
          ? t("connecting")
          : state === "reconnecting"
            ? t("reconnecting", { n })
            : n > 0
              ? t("offline", { n })
              : t("offlineNone");
  };
  conn.onChange(render);
  render();
  return el;
}
