// The amendments of one document, kept live: the list over HTTP (again on every
// (re)connection: what was missed while away), then the server's amendment-created /
// -updated / -removed events, which it sends each connection by role (an observer's
// pending proposal reaches only its author and the officers; followers get admitted
// ones only). Listeners learn which paragraph changed, so only that one re-renders.
import type { Socket } from "socket.io-client";
import type { Amendment, AmendmentApi, AmendmentEvent, AmendmentRemoved } from "./api";

export type AmendmentChange = "created" | "updated" | "removed" | "listed";
type Listener = (kind: AmendmentChange, a: Amendment | null, paragraphs: Set<string>) => void;

/** An amendment still waiting for a decision (open, not rejected in moderation). */
export function isOpen(a: Amendment): boolean {
  return a.state === "open" && a.moderation !== "rejected";
}

export class AmendmentStore {
  readonly items = new Map<number, Amendment>();
  loaded = false;
  private readonly listeners: Listener[] = [];

  /** `list` reads the current set (HTTP, or null: nothing to read yet). */
  constructor(
    socket: Socket,
    private readonly list: () => Promise<Amendment[]> | null,
  ) {
    const event = (data: AmendmentEvent | Amendment): Amendment => ("amendment" in data ? data.amendment : data);
    socket.on("amendment-created", (data: AmendmentEvent | Amendment) => this.put(event(data), "created"));
    socket.on("amendment-updated", (data: AmendmentEvent | Amendment) => this.put(event(data), "updated"));
    socket.on("amendment-removed", (data: AmendmentRemoved | AmendmentEvent) => this.remove("amendment" in data ? data.amendment.id : data.id));
    socket.on("connect", () => void this.refresh().catch(() => undefined));
    if (socket.connected) void this.refresh().catch(() => undefined);
  }

  static forDocument(socket: Socket, api: AmendmentApi): AmendmentStore {
    return new AmendmentStore(socket, () => api.list().then((l) => l.amendments));
  }

  onChange(cb: Listener): void {
    this.listeners.push(cb);
  }

  private emit(kind: AmendmentChange, a: Amendment | null, paragraphs: Set<string>): void {
    for (const cb of this.listeners) cb(kind, a, paragraphs);
  }

  /** A newer state of an amendment (a command's answer or a live event; idempotent). */
  put(a: Amendment, kind: AmendmentChange = "updated"): void {
    const old = this.items.get(a.id);
    this.items.set(a.id, a);
    const touched = new Set([a.paragraph]);
    if (old) touched.add(old.paragraph);
    this.emit(old ? (kind === "created" ? "updated" : kind) : "created", a, touched);
  }

  remove(id: number): void {
    const old = this.items.get(id);
    if (!old) return;
    this.items.delete(id);
    this.emit("removed", old, new Set([old.paragraph]));
  }

  async refresh(): Promise<void> {
    const pending = this.list();
    if (!pending) return;
    const all = await pending;
    const touched = new Set<string>();
    for (const a of this.items.values()) touched.add(a.paragraph);
    this.items.clear();
    for (const a of all) {
      this.items.set(a.id, a);
      touched.add(a.paragraph);
    }
    this.loaded = true;
    this.emit("listed", null, touched);
  }

  /** A paragraph's amendments, oldest first. */
  of(paragraph: string): Amendment[] {
    return Array.from(this.items.values())
      .filter((a) => a.paragraph === paragraph)
      .sort((x, y) => x.id - y.id);
  }
}
