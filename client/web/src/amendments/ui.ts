// The amendments of a document page (and, read-only, of the follow view): one store, a
// panel per paragraph (propose, side list, suggestion marks), the officers' queue, the
// delegations' colours from GET .../authors. Live through the store's events; only the
// paragraphs an event touches re-render.
import type { Socket } from "socket.io-client";
import type * as Y from "yjs";
import type { Me } from "../api/types";
import type { Decorate } from "../doc/view";
import { index } from "../doc/schema";
import { t } from "../lib/i18n";
import { type Amendment, AmendmentApi } from "./api";
import { type AmendContext, amendRights, fallbackColour } from "./context";
import { type AmendPanel, amendPanel } from "./panel";
import { amendmentQueue } from "./queue";
import { AmendmentStore } from "./store";

export interface AmendmentsUi {
  store: AmendmentStore;
  decorate: Decorate;
  /** The officers' queue (null for everyone else). */
  queue: HTMLElement | null;
}

export interface AmendmentsOptions {
  me: Me | null;
  doc: Y.Doc;
  socket: Socket;
  /** The document's name, once known (the follow view learns it from the session). */
  document: () => string | null;
  session?: () => Promise<number | null>;
  colours?: () => Promise<{ delegation: string; colour: string }[]>;
  announce(message: string): void;
  error(message: string): void;
}

export function amendmentsUi(opts: AmendmentsOptions): AmendmentsUi {
  const api = () => new AmendmentApi(opts.document() ?? "");
  const store = new AmendmentStore(opts.socket, () => (opts.document() ? api().list().then((l) => l.amendments) : null));
  const palette = new Map<string, string>();
  const panels = new Map<string, AmendPanel>();
  const ctx: AmendContext = {
    me: opts.me,
    doc: opts.doc,
    get api() {
      return api();
    },
    store,
    rights: amendRights(opts.me),
    colour: (d) => (d ? (palette.get(d) ?? fallbackColour(d)) : "#666666"),
    session: opts.session ?? (() => Promise.resolve(null)),
    announce: opts.announce,
    error: opts.error,
  };
  const renderAll = (): void => {
    for (const p of panels.values()) p.render();
  };
  void opts
    .colours?.()
    .then((list) => {
      for (const d of list) if (/^#[0-9a-f]{6}$/i.test(d.colour)) palette.set(d.delegation, d.colour);
      renderAll();
    })
    .catch(() => undefined);

  // Changes in one task (a list answer, a burst of events) render each paragraph once.
  const dirty = new Set<string>();
  const flush = (): void => {
    for (const pid of dirty) panels.get(pid)?.render();
    dirty.clear();
  };
  store.onChange((kind, a: Amendment | null, touched) => {
    if (dirty.size === 0) queueMicrotask(flush);
    for (const pid of touched) dirty.add(pid);
    if (kind === "created" && a && a.proposer.person_id !== opts.me?.person_id) {
      opts.announce(t("amendNewBy", { name: a.proposer.delegation ?? a.proposer.name }));
    }
  });
  index(opts.doc).observe(() => {
    for (const p of panels.values()) p.recordChanged();
  });
  const decorate: Decorate = (pid, li, label) => {
    panels.set(pid, amendPanel(ctx, pid, li, label));
  };
  return { store, decorate, queue: ctx.rights.decide ? amendmentQueue(ctx) : null };
}

/** Both decorations, in order (the comments' bar, then the amendments'). */
export function bothDecorate(...all: Decorate[]): Decorate {
  return (pid, li, label) => {
    for (const d of all) d(pid, li, label);
  };
}
