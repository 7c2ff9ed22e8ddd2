// What every part of the comments sidebar shares: the store, the caller's rights
// (from /api/me's `can` list) and the sidebar's screen-reader status line.
import { type Me, may } from "../api/types";
import type { CommentData, CommentStore } from "./store";

export interface CommentRights {
  canPost: boolean;
  canResolve: boolean;
  /** Observers' comments wait for approval: the composer says so. */
  observer: boolean;
  mine(c: CommentData): boolean;
  canDelete(c: CommentData): boolean;
}

export interface CommentsContext {
  store: CommentStore;
  rights: CommentRights;
  /** Say something to screen readers (the sidebar's live status line). */
  announce(message: string): void;
}

export function commentRights(me: Me): CommentRights {
  const canPost = may(me, "post_comment");
  const mine = (c: CommentData): boolean => me.person_id != null && c.author.person_id === me.person_id;
  return {
    canPost,
    canResolve: may(me, "resolve_comment"),
    observer: (me.role ?? "") === "observer",
    mine,
    canDelete: (c) => canPost && (mine(c) || may(me, "delete_any_comment")),
  };
}
