"""Comments over HTTP (``/api/documents/{document}/comments``, the group's moderation
queue) and over Socket.IO (``comment-*`` events on the document's namespace).

Thin: the caller, the validated input (``server.comments.schemas``: the HTTP body
and the event payload go through the same model), then ``CommentService``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from server.auth.credentials import request_token
from server.auth.principal import Principal
from server.comments.live import topic
from server.comments.schemas import Comment as CommentOut
from server.comments.schemas import (
    CommentBody,
    CommentBulkDecide,
    CommentCreate,
    CommentDecide,
    CommentDeleted,
    CommentDetail,
    CommentFlag,
    CommentList,
    parse,
)
from server.comments.service import CommentService
from server.contract import Api, Call
from server.contract.types import DocumentName, Id
from server.errors import (
    BadInput,
    Forbidden,
    InvalidTransition,
    RateLimited,
    Unauthenticated,
)
from server.keys import ACCESS, COMMENTS
from server.live.events import EventHandler, LiveEvents
from server.validation import parse_id

api = Api("comments")

COMMENTS_PATH = "/api/documents/{document}/comments"
ONE = COMMENTS_PATH + "/{cid}"
PARAMS = {"document": "the document's name", "cid": "comment id", "gid": "working group id"}
# What reading a document's comments may answer: anonymous callers read public
# documents of groups with public follow on; others' documents are forbidden.
READ_ERRORS = (Unauthenticated, Forbidden)
WRITE_ERRORS = (Forbidden, InvalidTransition)


async def _reader(call: Call, document: str) -> Principal:
    """The caller of a document's comments (anonymous followers of public documents too)."""
    grant = await call.app[ACCESS].open_document(request_token(call.request), document)
    return grant.principal


@api.get(COMMENTS_PATH, auth="optional", errors=READ_ERRORS, params=PARAMS)
async def list_comments(call: Call, document: DocumentName) -> CommentList:
    """The comments the caller may see (anonymous: public documents' visible ones)

    Threads' replies come after their first comment."""
    return await call.app[COMMENTS].list_comments(await _reader(call, document), document)


@api.post(
    COMMENTS_PATH,
    status=201,
    errors=(*READ_ERRORS, RateLimited),
    params=PARAMS,
)
async def create_comment(call: Call, document: DocumentName, body: CommentCreate) -> CommentOut:
    """Comment on the document, a paragraph or a range (observers: pending)

    Too many comments from one person: `rate_limited`."""
    actor = await _reader(call, document)
    return await call.app[COMMENTS].create(actor, document, body)


@api.get(ONE, auth="optional", errors=READ_ERRORS, params=PARAMS)
async def get_comment(call: Call, document: DocumentName, cid: Id) -> CommentDetail:
    """One comment with its latest earlier versions (officers: its decisions too)"""
    return await call.app[COMMENTS].get(await _reader(call, document), document, cid)


@api.patch(ONE, errors=(*READ_ERRORS, InvalidTransition, RateLimited), params=PARAMS)
async def edit_comment(
    call: Call, document: DocumentName, cid: Id, body: CommentBody
) -> CommentOut:
    """Edit your comment (the last earlier bodies are kept, 20 by default)

    Too many edits from one person: `rate_limited`."""
    actor = await _reader(call, document)
    return await call.app[COMMENTS].edit(actor, document, cid, body)


@api.delete(ONE, errors=READ_ERRORS, params=PARAMS)
async def delete_comment(call: Call, document: DocumentName, cid: Id) -> CommentDeleted:
    """Delete (soft) a comment: its author or the chair"""
    return await call.app[COMMENTS].delete(await _reader(call, document), document, cid)


@api.post(
    ONE + "/replies",
    status=201,
    errors=(*READ_ERRORS, InvalidTransition, RateLimited),
    params=PARAMS,
)
async def reply_to_comment(
    call: Call, document: DocumentName, cid: Id, body: CommentBody
) -> CommentOut:
    """Reply to a thread"""
    actor = await _reader(call, document)
    return await call.app[COMMENTS].reply(actor, document, cid, body)


@api.post(ONE + "/resolve", errors=(*READ_ERRORS, InvalidTransition), params=PARAMS)
async def resolve_comment(call: Call, document: DocumentName, cid: Id) -> CommentOut:
    """Resolve a thread (members, chair, secretariat)"""
    actor = await _reader(call, document)
    return await call.app[COMMENTS].set_state(actor, document, cid, resolved=True)


@api.post(ONE + "/reopen", errors=(*READ_ERRORS, InvalidTransition), params=PARAMS)
async def reopen_comment(call: Call, document: DocumentName, cid: Id) -> CommentOut:
    """Reopen a resolved thread"""
    actor = await _reader(call, document)
    return await call.app[COMMENTS].set_state(actor, document, cid, resolved=False)


@api.post(ONE + "/flag", errors=(*READ_ERRORS, InvalidTransition), params=PARAMS)
async def flag_comment(
    call: Call, document: DocumentName, cid: Id, body: CommentFlag
) -> CommentOut:
    """Flag a visible comment back to review"""
    actor = await _reader(call, document)
    return await call.app[COMMENTS].flag(actor, document, cid, body)


@api.post(ONE + "/decision", errors=(*READ_ERRORS, InvalidTransition), params=PARAMS)
async def decide_comment(
    call: Call, document: DocumentName, cid: Id, body: CommentDecide
) -> CommentOut:
    """Approve or reject a pending or flagged comment"""
    actor = await _reader(call, document)
    service = call.app[COMMENTS]
    group = await service.group_of(actor, document)
    return (await service.decide(actor, group, [cid], body, document=document))[0]


@api.get("/api/groups/{gid}/comments/queue", errors=(Forbidden,), params=PARAMS)
async def comment_queue(call: Call, gid: Id) -> CommentList:
    """Comments awaiting the group: pending and flagged (chair, secretariat)

    Oldest first."""
    return await call.app[COMMENTS].queue(await call.signed_in(), gid)


@api.post(
    "/api/groups/{gid}/comments/decisions",
    errors=(Forbidden, InvalidTransition),
    params=PARAMS,
)
async def decide_comments(call: Call, gid: Id, body: CommentBulkDecide) -> CommentList:
    """Approve or reject many comments at once (all or none)"""
    actor = await call.signed_in()
    decided = await call.app[COMMENTS].decide(actor, gid, body.ids, body)
    return CommentList(comments=decided)


LIVE_DESCRIPTION = (
    " Comments are live on the document's namespace: the server sends comment-created, "
    "comment-updated and comment-removed {id, document}, each connection only what its "
    "role may see; clients send comment-list, comment-create {body, anchor}, comment-reply "
    "{parent_id, body}, comment-edit {id, body}, comment-resolve {id}, comment-reopen {id}, "
    "comment-delete {id}, comment-flag {id, reason, note}, comment-decide {ids, decision, "
    "meeting, reason} and comment-queue, answered through the ack. Each payload is checked "
    "by the same model as the HTTP body (CommentCreate, CommentBody, CommentFlag, "
    "CommentBulkDecide; `id` and `parent_id` as the path's comment id). Too many comments "
    "or edits from one person: `rate_limited` (HTTP 429)."
)


# -- Live events: comment-* on every document connection ---------------------------------

Handler = Callable[[CommentService, Principal, str, Any], Awaitable[Any]]


def _target(data: Any, key: str = "id") -> tuple[int, dict[str, Any]]:
    """An event's comment id (as a path's: ``not_found`` unless 1..MAX_ID) and the
    rest of its payload, which the HTTP body's model then checks."""
    fields = {} if data is None else dict(data)
    return parse_id(fields.pop(key, None), key), fields


def _sio_handlers() -> dict[str, Handler]:
    async def list_(s: CommentService, p: Principal, doc: str, data: Any) -> Any:
        return (await s.list_comments(p, doc)).model_dump(mode="json")

    async def create(s: CommentService, p: Principal, doc: str, data: Any) -> Any:
        made = await s.create(p, doc, parse(CommentCreate, data))
        return {"ok": True, "comment": made.model_dump(mode="json")}

    async def reply_(s: CommentService, p: Principal, doc: str, data: Any) -> Any:
        parent, rest = _target(data, "parent_id")
        made = await s.reply(p, doc, parent, parse(CommentBody, rest))
        return {"ok": True, "comment": made.model_dump(mode="json")}

    async def edit(s: CommentService, p: Principal, doc: str, data: Any) -> Any:
        cid, rest = _target(data)
        edited = await s.edit(p, doc, cid, parse(CommentBody, rest))
        return {"ok": True, "comment": edited.model_dump(mode="json")}

    def state(resolved: bool) -> Handler:
        async def handle(s: CommentService, p: Principal, doc: str, data: Any) -> Any:
            changed = await s.set_state(p, doc, _target(data)[0], resolved=resolved)
            return {"ok": True, "comment": changed.model_dump(mode="json")}

        return handle

    async def delete(s: CommentService, p: Principal, doc: str, data: Any) -> Any:
        deleted = await s.delete(p, doc, _target(data)[0])
        return {"ok": True, **deleted.model_dump(mode="json")}

    async def flag_(s: CommentService, p: Principal, doc: str, data: Any) -> Any:
        cid, rest = _target(data)
        flagged = await s.flag(p, doc, cid, parse(CommentFlag, rest))
        return {"ok": True, "comment": flagged.model_dump(mode="json")}

    async def decide(s: CommentService, p: Principal, doc: str, data: Any) -> Any:
        bulk = parse(CommentBulkDecide, data)
        decided = await s.decide(p, await s.group_of(p, doc), bulk.ids, bulk, document=doc)
        return {"ok": True, "comments": [c.model_dump(mode="json") for c in decided]}

    async def queue_(s: CommentService, p: Principal, doc: str, data: Any) -> Any:
        return (await s.queue(p, await s.group_of(p, doc))).model_dump(mode="json")

    return {
        "comment-list": list_,
        "comment-create": create,
        "comment-reply": reply_,
        "comment-edit": edit,
        "comment-resolve": state(True),
        "comment-reopen": state(False),
        "comment-delete": delete,
        "comment-flag": flag_,
        "comment-decide": decide,
        "comment-queue": queue_,
    }


def register(events: LiveEvents, service: CommentService) -> None:
    """Serve the ``comment-*`` events on every document connection (acks carry results),
    which follows its document's comments live."""

    def bind(handler: Handler) -> EventHandler:
        async def handle(principal: Principal, document: str, data: Any) -> dict[str, Any]:
            if data is not None and not isinstance(data, dict):
                raise BadInput("comment events take one JSON object")
            ack: dict[str, Any] = await handler(service, principal, document, data)
            return ack

        return handle

    events.on_document({e: bind(h) for e, h in _sio_handlers().items()}, topic=topic)
