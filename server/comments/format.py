"""Comments as response models, and their visibility."""

from __future__ import annotations

import base64

from crdt.anchors import Anchor, Resolved
from server.auth.tokens import Role
from server.comments import schemas
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


def _anchor(c: Comment, resolved: Resolved | None) -> schemas.Anchor:
    return schemas.Anchor.model_validate(
        {
            "kind": c.anchor_kind,
            "paragraph_id": c.paragraph_id,
            "quote": {"exact": c.quote_exact, "prefix": c.quote_prefix, "suffix": c.quote_suffix},
            # Yjs relative positions (Y.decodeRelativePosition) of the first and last character.
            "sticky": {"start": _b64(c.start_sticky), "end": _b64(c.end_sticky)},
            **(resolved.to_dict() if resolved is not None else {}),
        }
    )


def comment_model(c: Comment, document: str, resolved: Resolved | None) -> schemas.Comment:
    decision = None
    if c.decided_by is not None and c.decided_at is not None:
        decision = schemas.LatestDecision(
            by=c.decided_by, at=c.decided_at, meeting=c.decision_meeting, reason=c.decision_reason
        )
    return schemas.Comment(
        id=c.id,
        document=document,
        group_id=c.group_id,
        parent_id=c.parent_id,
        author=schemas.CommentAuthor(
            name=c.author_name, role=Role(c.author_role), person_id=c.author_person_id
        ),
        body=c.body,
        moderation=c.moderation,  # type: ignore[arg-type]  # validated: one of Moderation
        state=c.state,  # type: ignore[arg-type]
        created_at=c.created_at,
        edited_at=c.edited_at,
        resolved_by=c.resolved_by,
        resolved_at=c.resolved_at,
        flag_reason=c.flag_reason,
        decision=decision,
        anchor=None if c.anchor_kind is None else _anchor(c, resolved),
    )


def edit_model(e: CommentEdit) -> schemas.CommentEdit:
    return schemas.CommentEdit(previous_body=e.previous_body, edited_at=e.edited_at)


def decision_model(d: CommentDecision) -> schemas.CommentDecision:
    return schemas.CommentDecision(
        decision=d.decision,  # type: ignore[arg-type]  # validated as the Literal
        by=d.actor,
        at=d.at,
        meeting=d.meeting_ref,
        reason=d.reason,
    )
