// The live session working on this document (a status decided now is recorded in it):
// the group's meetings' sessions, as the home page lists them, re-read at most every 20 s.
import { getJson } from "../api/http";
import type { Answer, Me, SessionInfo } from "../api/types";

export interface LiveSession {
  /** The live session on this document, or null (none, or not known). */
  current(): Promise<SessionInfo | null>;
}

export function liveSession(me: Me, document: string): LiveSession {
  let cached: { at: number; value: SessionInfo | null } | null = null;
  async function read(): Promise<SessionInfo | null> {
    if (!me.group_id) return null;
    const meetings = await getJson<Answer<"/api/groups/{gid}/meetings">>(`/api/groups/${me.group_id}/meetings`);
    for (const m of meetings.meetings) {
      const list = await getJson<Answer<"/api/meetings/{mid}/sessions">>(`/api/meetings/${m.id}/sessions`);
      const live = list.sessions.find((s) => s.status === "live" && s.document === document);
      if (live) return live;
    }
    return null;
  }
  return {
    async current() {
      if (cached && Date.now() - cached.at < 20000) return cached.value;
      const value = await read().catch(() => null);
      cached = { at: Date.now(), value };
      return value;
    },
  };
}
