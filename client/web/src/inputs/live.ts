// The working group's live topic (Socket.IO namespace /group|<gid>, read-only): a full
// `group-state` after every (re)connect, then `issue-item`, `mapping-area` and
// `correspondence-changed` events numbered by one `seq` per group. A gap (only possible
// across server processes) asks for the whole state again (`group-resync`). Writes go
// over HTTP; a write's answer and its event may arrive in any order (both are idempotent:
// a row is replaced only by a newer revision).
import { type Socket, io } from "socket.io-client";
import type { CorrespondenceGroup, IssueCounts, IssueItem, IssueTable, MappingArea } from "./types";

export interface GroupState {
  group_id: number;
  seq: number;
  issues: IssueTable;
  correspondence: { correspondence: CorrespondenceGroup; areas: MappingArea[] }[];
}

export interface IssueEvent {
  seq: number;
  action: string;
  items: IssueItem[];
  counts: IssueCounts;
}

export interface AreaEvent {
  seq: number;
  correspondence_id: number;
  action: "created" | "updated" | "deleted";
  area: MappingArea;
}

export interface CorrespondenceEvent {
  seq: number;
  correspondence: CorrespondenceGroup;
}

export type LiveState = "connecting" | "connected" | "reconnecting";

export interface GroupListener {
  state?(s: GroupState): void;
  issue?(e: IssueEvent): void;
  area?(e: AreaEvent): void;
  correspondence?(e: CorrespondenceEvent): void;
  connection?(s: LiveState): void;
}

export class GroupLive {
  readonly socket: Socket;
  private lastSeq = -1;
  private connState: LiveState = "connecting";

  constructor(
    gid: number,
    private readonly on: GroupListener,
  ) {
    // The HttpOnly session cookie goes with the handshake: no token in JS.
    this.socket = io(`${location.origin}/group|${gid}`, { transports: ["websocket"] });
    this.socket.on("connect", () => this.setState("connected"));
    this.socket.on("disconnect", () => this.setState("reconnecting"));
    this.socket.on("connect_error", () => this.setState(this.lastSeq < 0 ? "connecting" : "reconnecting"));
    this.socket.on("group-state", (s: GroupState) => this.replace(s));
    this.socket.on("issue-item", (e: IssueEvent) => {
      if (this.next(e.seq)) this.on.issue?.(e);
    });
    this.socket.on("mapping-area", (e: AreaEvent) => {
      if (this.next(e.seq)) this.on.area?.(e);
    });
    this.socket.on("correspondence-changed", (e: CorrespondenceEvent) => {
      if (this.next(e.seq)) this.on.correspondence?.(e);
    });
  }

  state(): LiveState {
    return this.connState;
  }

  private setState(s: LiveState): void {
    this.connState = s;
    this.on.connection?.(s);
  }

  private replace(s: GroupState): void {
    this.lastSeq = s.seq;
    this.on.state?.(s);
  }

  /** Whether the event numbered `seq` is the next one; a gap asks for the state again. */
  private next(seq: number): boolean {
    if (seq <= this.lastSeq) return false;
    if (seq === this.lastSeq + 1) {
      this.lastSeq = seq;
      return true;
    }
    this.socket
      .timeout(15000)
      .emitWithAck("group-resync")
      .then((s: GroupState) => this.replace(s))
      .catch(() => undefined);
    return false;
  }

  close(): void {
    this.socket.close();
  }
}
