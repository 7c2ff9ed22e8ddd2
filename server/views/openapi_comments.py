"""OpenAPI paths and schemas of comments and their moderation.

The routes are those of ``server.comments.views.routes``; enumerations come from
``server.comments.models``. The live side (``comment-*`` events on the document's
Socket.IO namespace) is described in ``LIVE_DESCRIPTION``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from server.comments.models import ANCHOR_KINDS, DECISIONS, FLAG_REASONS, MODERATION, STATES
from server.comments.service import MAX_BODY
from server.views.openapi_schemas import (
    BOOLEAN,
    DATETIME,
    ID,
    INTEGER,
    STRING,
    Schema,
    array_of,
    nullable,
    obj,
    ref,
    text,
)

Operation = Callable[..., dict[str, Any]]
PathParam = Callable[..., dict[str, Any]]

TAGS = ("comments",)
LIVE_DESCRIPTION = (
    " Comments are live on the document's namespace: the server sends comment-created, "
    "comment-updated and comment-removed {id, document}, each connection only what its "
    "role may see; clients send comment-list, comment-create {body, anchor}, comment-reply "
    "{parent_id, body}, comment-edit {id, body}, comment-resolve {id}, comment-reopen {id}, "
    "comment-delete {id}, comment-flag {id, reason, note}, comment-decide {ids, decision, "
    "meeting, reason} and comment-queue, answered through the ack. Too many comments or "
    "edits from one person: `rate_limited` (HTTP 429)."
)
START_END = {"type": "integer", "minimum": 0, "description": "character (code point) index"}


def _enum(values: tuple[str, ...], description: str) -> Schema:
    return {"type": "string", "enum": list(values), "description": description}


def comment_schemas() -> dict[str, Schema]:
    anchor = obj(
        ("kind", "attached", "detached"),
        kind=ref("AnchorKind"),
        paragraph_id=nullable("string"),
        quote=obj(("exact", "prefix", "suffix"), exact=STRING, prefix=STRING, suffix=STRING),
        sticky=obj(
            (),
            start=nullable("string", description="base64 Yjs relative position, first char"),
            end=nullable("string", description="base64 Yjs relative position, last char"),
        ),
        attached=BOOLEAN,
        detached=BOOLEAN,
        start=START_END,
        end=START_END,
        text={"type": "string", "description": "the anchored text now"},
        reason={"type": "string", "description": "why it is detached"},
        found=obj((), paragraph_id=STRING, start=INTEGER, end=INTEGER),
    )
    anchor["description"] = (
        "Where the comment points now; a range whose words were all deleted is detached "
        "and keeps its quote (`found` is only a hint where the quote reads now)."
    )
    return {
        "AnchorKind": _enum(ANCHOR_KINDS, "the whole document, a paragraph, or a text range"),
        "Moderation": _enum(MODERATION, "pending: awaiting the group; flagged: back to review"),
        "ThreadState": _enum(STATES, "a thread's state"),
        "FlagReason": _enum(FLAG_REASONS, "why a member flags a comment"),
        "CommentDecisionKind": _enum(DECISIONS, "the group's decision"),
        "Anchor": anchor,
        "Comment": obj(
            ("id", "document", "body", "moderation", "state", "author"),
            id=ID,
            document=STRING,
            group_id=nullable("integer"),
            parent_id=nullable("integer", description="the thread's first comment"),
            author=obj(
                ("name", "role"), name=STRING, role=ref("Role"), person_id=nullable("integer")
            ),
            body=STRING,
            moderation=ref("Moderation"),
            state=ref("ThreadState"),
            created_at=DATETIME,
            edited_at=nullable("string", format="date-time"),
            resolved_by=nullable("string"),
            resolved_at=nullable("string", format="date-time"),
            flag_reason=nullable("string"),
            decision={
                "oneOf": [
                    {"type": "null"},
                    obj((), by=STRING, at=DATETIME, meeting=STRING, reason=nullable("string")),
                ]
            },
            anchor={"oneOf": [{"type": "null"}, ref("Anchor")]},
            history=array_of("CommentEdit"),
            decisions=array_of("CommentDecision"),
        ),
        "CommentEdit": obj(
            ("previous_body", "edited_at"), previous_body=STRING, edited_at=DATETIME
        ),
        "CommentDecision": obj(
            ("decision", "by", "at"),
            decision=STRING,
            by=STRING,
            at=DATETIME,
            meeting=nullable("string"),
            reason=nullable("string"),
        ),
        "CommentCreate": obj(
            ("body",),
            body=text(MAX_BODY),
            anchor=obj(
                (),
                paragraph_id=text(64),
                start=START_END,
                end={**START_END, "description": "exclusive; with start: a range"},
            ),
        ),
        "CommentBody": obj(("body",), body=text(MAX_BODY)),
        "CommentFlag": obj(("reason",), reason=ref("FlagReason"), note=text(2000)),
        "CommentDecide": obj(
            ("decision", "meeting"),
            decision=ref("CommentDecisionKind"),
            meeting=text(description="the meeting whose agreement this records"),
            reason=text(2000, description="required to reject"),
        ),
        "CommentBulkDecide": obj(
            ("ids", "decision", "meeting"),
            ids={"type": "array", "items": ID, "minItems": 1, "maxItems": 500},
            decision=ref("CommentDecisionKind"),
            meeting=text(),
            reason=text(2000),
        ),
        "CommentDeleted": obj(("id", "deleted"), id=ID, deleted=BOOLEAN),
    }


def _listing() -> Schema:
    return obj(("comments",), comments=array_of("Comment"))


def comment_paths(
    operation: Operation, path_param: PathParam, optional: list[dict[str, list[str]]]
) -> dict[str, dict[str, Any]]:
    document = path_param("document", "document name", {"type": "string"})
    cid = path_param("cid", "comment id")
    gid = path_param("gid", "working group id")
    c = "/api/documents/{document}/comments"
    one, both = c + "/{cid}", (document, path_param("cid", "comment id"))
    limited = {
        "description": "Too many comments from this person (`rate_limited`)",
        "content": {"application/json": {"schema": ref("Error")}},
    }
    create = operation(
        "Comment on the document, a paragraph or a range (observers: pending)",
        "comments",
        ("201", "Created", ref("Comment")),
        errors="400 401 403 404 422",
        params=(document,),
        body="CommentCreate",
    )
    reply = operation(
        "Reply to a thread",
        "comments",
        ("201", "Created", ref("Comment")),
        errors="400 401 403 404 409 422",
        params=(document, cid),
        body="CommentBody",
    )
    create["responses"]["429"] = reply["responses"]["429"] = limited

    def command(summary: str, body: str | None = None, ok: str = "Comment") -> dict[str, Any]:
        return operation(
            summary,
            "comments",
            ("200", "Done", ref(ok)),
            errors="400 401 403 404 409 422",
            params=both,
            body=body,
        )

    edit = command(
        "Edit your comment (the last earlier bodies are kept, 20 by default)", "CommentBody"
    )
    edit["responses"]["429"] = {**limited, "description": "Too many edits from this person"}

    return {
        c: {
            "get": operation(
                "The comments the caller may see (anonymous: public documents' visible ones)",
                "comments",
                ("200", "The comments, threads' replies after their first comment", _listing()),
                errors="400 401 403 404",
                security=optional,
                params=(document,),
            ),
            "post": create,
        },
        one: {
            "get": operation(
                "One comment with its latest earlier versions (officers: its decisions too)",
                "comments",
                ("200", "The comment", ref("Comment")),
                errors="400 401 403 404",
                security=optional,
                params=both,
            ),
            "patch": edit,
            "delete": command(
                "Delete (soft) a comment: its author or the chair", ok="CommentDeleted"
            ),
        },
        one + "/replies": {"post": reply},
        one + "/resolve": {"post": command("Resolve a thread (members, chair, secretariat)")},
        one + "/reopen": {"post": command("Reopen a resolved thread")},
        one + "/flag": {"post": command("Flag a visible comment back to review", "CommentFlag")},
        one + "/decision": {
            "post": command("Approve or reject a pending or flagged comment", "CommentDecide")
        },
        "/api/groups/{gid}/comments/queue": {
            "get": operation(
                "Comments awaiting the group: pending and flagged (chair, secretariat)",
                "comments",
                ("200", "The queue, oldest first", _listing()),
                errors="401 403 404",
                params=(gid,),
            )
        },
        "/api/groups/{gid}/comments/decisions": {
            "post": operation(
                "Approve or reject many comments at once (all or none)",
                "comments",
                ("200", "Decided", _listing()),
                errors="400 401 403 404 409 422",
                params=(gid,),
                body="CommentBulkDecide",
            )
        },
    }
