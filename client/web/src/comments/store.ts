// Comments of one document, kept live over the document's Socket.IO namespace.
// The server sends each connection only what its role may see (comment-created /
// comment-updated / comment-removed); commands go up as comment-* events with acks.
import type { Socket } from "socket.io-client";
import type { Comment } from "../api/types";

// The comment resources are the API's own (generated from the OpenAPI document).
export type { CommentAnchor, Moderation } from "../api/types";
export type CommentData = Comment;

export interface NewAnchor {
  paragraph_id: string;
  start?: number;
  end?: number;
}

export class CommentError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

interface Ack {
  error?: { code?: string; message?: string; details?: { fields?: Record<string, string> } };
  comment?: CommentData;
  comments?: CommentData[];
}

export type ChangeKind = "created" | "updated" | "removed" | "listed";

export class CommentStore {
  readonly comments = new Map<number, CommentData>();
  loaded = false;
  private listeners: ((kind: ChangeKind, c: CommentData | null) => void)[] = [];

  constructor(private readonly socket: Socket) {
    socket.on("comment-created", (c: CommentData) => this.put(c, "created"));
    socket.on("comment-updated", (c: CommentData) => this.put(c, "updated"));
    socket.on("comment-removed", ({ id }: { id: number }) => {
      const old = this.comments.get(id) ?? null;
      if (this.comments.delete(id)) this.emit("removed", old);
    });
    // (Re)connected: the list is the truth again (what was missed while away).
    socket.on("connect", () => void this.refresh().catch(() => undefined));
    if (socket.connected) void this.refresh().catch(() => undefined);
  }

  onChange(cb: (kind: ChangeKind, c: CommentData | null) => void): void {
    this.listeners.push(cb);
  }

  private emit(kind: ChangeKind, c: CommentData | null): void {
    for (const cb of this.listeners) cb(kind, c);
  }

  private put(c: CommentData, kind: ChangeKind): void {
    this.comments.set(c.id, c);
    this.emit(kind, c);
  }

  async refresh(): Promise<void> {
    const ack = await this.call("comment-list", {});
    this.comments.clear();
    for (const c of ack.comments ?? []) this.comments.set(c.id, c);
    this.loaded = true;
    this.emit("listed", null);
  }

  /** Threads: first comments in id order, each with its replies. */
  threads(): { root: CommentData; replies: CommentData[] }[] {
    const roots = new Map<number, { root: CommentData; replies: CommentData[] }>();
    const all = Array.from(this.comments.values()).sort((a, b) => a.id - b.id);
    // A comment without a parent_id (null, or left out) starts a thread.
    for (const c of all) if (c.parent_id == null) roots.set(c.id, { root: c, replies: [] });
    for (const c of all) if (c.parent_id != null) roots.get(c.parent_id)?.replies.push(c);
    return Array.from(roots.values());
  }

  async call(event: string, data: object): Promise<Ack> {
    if (!this.socket.connected) throw new CommentError("offline", "offline");
    let ack: Ack;
    try {
      ack = (await this.socket.timeout(15000).emitWithAck(event, data)) as Ack;
    } catch {
      throw new CommentError("timeout", "timeout");
    }
    if (ack?.error) {
      throw new CommentError(ack.error.code ?? "error", ack.error.message ?? "error", ack.error.details?.fields ?? {});
    }
    // The answer is applied at once; the live event that follows is idempotent.
    if (ack.comment) this.put(ack.comment, "updated");
    return ack;
  }

  create(body: string, anchor: NewAnchor | null): Promise<Ack> {
    return this.call("comment-create", anchor ? { body, anchor } : { body });
  }
  reply(parentId: number, body: string): Promise<Ack> {
    return this.call("comment-reply", { parent_id: parentId, body });
  }
  setResolved(id: number, resolved: boolean): Promise<Ack> {
    return this.call(resolved ? "comment-resolve" : "comment-reopen", { id });
  }
  remove(id: number): Promise<Ack> {
    return this.call("comment-delete", { id });
  }
  decide(ids: number[], decision: "approved" | "rejected", meeting: string, reason: string): Promise<Ack> {
    const data: Record<string, unknown> = { ids, decision, meeting };
    if (reason) data["reason"] = reason;
    return this.call("comment-decide", data);
  }
}

/** CodeMirror / JS offsets count UTF-16 units; the server counts code points. */
export function codePoints(text: string, utf16: number): number {
  let n = 0;
  for (let i = 0; i < utf16 && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n;
}
