"""Comments as JSON and their visibility."""

from __future__ import annotations

import base64
from typing import Any

from crdt.anchors import Anchor, Resolved
from server.comments.live import Visibility
from server.comments.models import Comment, CommentDecision, CommentEdit


def anchor_of(comment: Comment) -> Anchor | None:
    if comment.anchor_kind is None:
        return None
    return Anchor(
        comment.anchor_kind,
        comment.paragraph_id,
        comment.start_sticky,
        comment.end_sticky,
        Anchor.runs_from_json(comment.anchor_chars),
        comment.quote_exact,
        comment.quote_prefix,
        comment.quote_suffix,
    )


def visibility(comment: Comment, root: Comment | None = None) -> Visibility:
    own = Visibility(comment.moderation, comment.deleted_at is not None, comment.author_key)
    if root is None:
        return own
    return Visibility(own.moderation, own.deleted, own.author, visibility(root))


def _b64(data: bytes | None) -> str | None:
    return None if data is None else base64.b64encode(data).decode()


def _at(value: Any) -> str | None:
    return None if value is None else str(value.isoformat())


def comment_dict(c: Comment, document: str, resolved: Resolved | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": c.id,
        "document": document,
        "group_id": c.group_id,
        "parent_id": c.parent_id,
        "author": {"name": c.author_name, "role": c.author_role, "person_id": c.author_person_id},
        "body": c.body,
        "moderation": c.moderation,
        "state": c.state,
        "created_at": _at(c.created_at),
        "edited_at": _at(c.edited_at),
        "resolved_by": c.resolved_by,
        "resolved_at": _at(c.resolved_at),
        "flag_reason": c.flag_reason,
        "decision": None,
        "anchor": None,
    }
    if c.decided_by is not None:
        out["decision"] = {
            "by": c.decided_by,
            "at": _at(c.decided_at),
            "meeting": c.decision_meeting,
            "reason": c.decision_reason,
        }
    if c.anchor_kind is not None:
        out["anchor"] = {
            "kind": c.anchor_kind,
            "paragraph_id": c.paragraph_id,
            "quote": {"exact": c.quote_exact, "prefix": c.quote_prefix, "suffix": c.quote_suffix},
            # Yjs relative positions (Y.decodeRelativePosition) of the first and last character.
            "sticky": {"start": _b64(c.start_sticky), "end": _b64(c.end_sticky)},
            **(resolved.to_dict() if resolved is not None else {}),
        }
    return out


def edit_dict(e: CommentEdit) -> dict[str, Any]:
    return {"previous_body": e.previous_body, "edited_at": _at(e.edited_at)}


def decision_dict(d: CommentDecision) -> dict[str, Any]:
    return {
        "decision": d.decision,
        "by": d.actor,
        "at": _at(d.at),
        "meeting": d.meeting_ref,
        "reason": d.reason,
    }
