"""Comments over HTTP (``/api/documents/{document}/comments``, the group's moderation
queue) and over Socket.IO (``comment-*`` events on the document's namespace).

Thin: parse and validate, resolve the caller, call ``CommentService``. Both
transports share the parsers, so the same input gets the same answer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from server.auth.credentials import request_token
from server.auth.principal import Principal
from server.comments.models import DECISIONS, FLAG_REASONS
from server.comments.service import MAX_BODY, CommentService
from server.edge.bodies import read_json
from server.errors import BadInput, Unauthenticated
from server.keys import ACCESS, COMMENTS
from server.rooms.names import check_document_name
from server.rooms.room import Room
from server.transports.socketio import SocketIOPeer, SocketIOTransport
from server.validation import MAX_ID, Fields, parse_id


def _fields(data: Any) -> Fields:
    return Fields({} if data is None else data)


def _body(f: Fields) -> str:
    body = f.text("body", max_len=MAX_BODY)
    f.check()
    assert body is not None
    return body


def parse_new(data: Any) -> dict[str, Any]:
    """``{"body", "anchor": {"paragraph_id", "start", "end"}}`` (no anchor: the document)."""
    f = _fields(data)
    body = f.text("body", max_len=MAX_BODY)
    anchor = f.raw("anchor")
    out: dict[str, Any] = {"body": body}
    if anchor is not None:
        if not isinstance(anchor, dict):
            f.error("anchor", "must be an object with paragraph_id, and start and end for a range")
        else:
            a = Fields(anchor)
            out["paragraph_id"] = a.text("paragraph_id", required=False, max_len=64)
            out["start"] = a.integer("start", required=False, minimum=0)
            out["end"] = a.integer("end", required=False, minimum=0)
            for name, message in a.errors.items():
                f.error(f"anchor.{name}", message)
    f.check()
    return out


def parse_flag(data: Any) -> tuple[str, str | None]:
    f = _fields(data)
    reason = f.choice("reason", FLAG_REASONS)
    note = f.text("note", required=False, max_len=2000)
    f.check()
    assert reason is not None
    return reason, note


def parse_decision(data: Any, *, bulk: bool) -> tuple[list[int], str, str, str | None]:
    f = _fields(data)
    ids: list[int] = []
    if bulk:
        raw = f.raw("ids")
        if (
            not isinstance(raw, list)
            or not raw
            or len(raw) > 500
            or not all(
                isinstance(i, int) and not isinstance(i, bool) and 0 < i <= MAX_ID for i in raw
            )
        ):
            f.error("ids", "must be a list of 1 to 500 comment ids")
        else:
            ids = list(raw)
    decision = f.choice("decision", DECISIONS)
    meeting = f.text("meeting")
    reason = f.text("reason", required=False, max_len=2000)
    f.check()
    assert decision and meeting
    return ids, decision, meeting, reason


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def _id(value: Any, name: str = "id") -> int:
    return parse_id(value, name)


async def _reader(request: web.Request) -> tuple[Principal, str]:
    """The caller of a document's comments (anonymous followers of public documents too)."""
    name = check_document_name(request.match_info["document"])
    grant = await request.app[ACCESS].open_document(request_token(request), name)
    return grant.principal, name


def _ok(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status)


async def comments(request: web.Request) -> web.Response:
    actor, name = await _reader(request)
    service = request.app[COMMENTS]
    if request.method == "GET":
        return _ok({"comments": await service.list_comments(actor, name)})
    return _ok(await service.create(actor, name, **parse_new(await read_json(request))), 201)


async def comment(request: web.Request) -> web.Response:
    actor, name = await _reader(request)
    service, cid = request.app[COMMENTS], _id(request.match_info["cid"], "cid")
    if request.method == "GET":
        return _ok(await service.get(actor, name, cid))
    if request.method == "DELETE":
        return _ok(await service.delete(actor, name, cid))
    return _ok(await service.edit(actor, name, cid, body=_body(_fields(await read_json(request)))))


async def reply(request: web.Request) -> web.Response:
    actor, name = await _reader(request)
    body = _body(_fields(await read_json(request)))
    cid = _id(request.match_info["cid"], "cid")
    return _ok(await request.app[COMMENTS].create(actor, name, body=body, parent_id=cid), 201)


async def resolve(request: web.Request) -> web.Response:
    actor, name = await _reader(request)
    cid = _id(request.match_info["cid"], "cid")
    resolved = request.path.endswith("/resolve")
    return _ok(await request.app[COMMENTS].set_state(actor, name, cid, resolved=resolved))


async def flag(request: web.Request) -> web.Response:
    actor, name = await _reader(request)
    reason, note = parse_flag(await read_json(request))
    cid = _id(request.match_info["cid"], "cid")
    return _ok(await request.app[COMMENTS].flag(actor, name, cid, reason=reason, note=note))


async def decide_one(request: web.Request) -> web.Response:
    actor, name = await _reader(request)
    _, decision, meeting, reason = parse_decision(await read_json(request), bulk=False)
    service, cid = request.app[COMMENTS], _id(request.match_info["cid"], "cid")
    decided = await service.decide(
        actor,
        await service.group_of(actor, name),
        [cid],
        decision=decision,
        meeting=meeting,
        reason=reason,
        document=name,
    )
    return _ok(decided[0])


async def _signed_in(request: web.Request) -> Principal:
    principal = await request.app[ACCESS].principal(request_token(request))
    if principal is None:
        raise Unauthenticated("sign in (a token or an invitation link) to do this")
    return principal


async def queue(request: web.Request) -> web.Response:
    actor = await _signed_in(request)
    gid = _id(request.match_info["gid"], "gid")
    return _ok({"comments": await request.app[COMMENTS].queue(actor, gid)})


async def decide_bulk(request: web.Request) -> web.Response:
    actor = await _signed_in(request)
    gid = _id(request.match_info["gid"], "gid")
    ids, decision, meeting, reason = parse_decision(await read_json(request), bulk=True)
    decided = await request.app[COMMENTS].decide(
        actor, gid, ids, decision=decision, meeting=meeting, reason=reason
    )
    return _ok({"comments": decided})


def routes() -> list[web.RouteDef]:
    c = "/api/documents/{document}/comments"
    one = c + "/{cid}"
    table: list[tuple[str, str, Any]] = [
        ("GET", c, comments),
        ("POST", c, comments),
        ("GET", one, comment),
        ("PATCH", one, comment),
        ("DELETE", one, comment),
        ("POST", one + "/replies", reply),
        ("POST", one + "/resolve", resolve),
        ("POST", one + "/reopen", resolve),
        ("POST", one + "/flag", flag),
        ("POST", one + "/decision", decide_one),
        ("GET", "/api/groups/{gid}/comments/queue", queue),
        ("POST", "/api/groups/{gid}/comments/decisions", decide_bulk),
    ]
    return [web.route(method, path, handler) for method, path, handler in table]


# -- Socket.IO ------------------------------------------------------------------------

Handler = Callable[[CommentService, Principal, str, Any], Awaitable[Any]]


def _sio_handlers() -> dict[str, Handler]:
    async def list_(s: CommentService, p: Principal, doc: str, data: Any) -> Any:
        return {"comments": await s.list_comments(p, doc)}

    async def create(s: CommentService, p: Principal, doc: str, data: Any) -> Any:
        return {"ok": True, "comment": await s.create(p, doc, **parse_new(data))}

    async def reply_(s: CommentService, p: Principal, doc: str, data: Any) -> Any:
        parent = _id(_fields(data).raw("parent_id"), "parent_id")
        made = await s.create(p, doc, body=_body(_fields(data)), parent_id=parent)
        return {"ok": True, "comment": made}

    async def edit(s: CommentService, p: Principal, doc: str, data: Any) -> Any:
        cid = _id(_fields(data).raw("id"))
        return {"ok": True, "comment": await s.edit(p, doc, cid, body=_body(_fields(data)))}

    def state(resolved: bool) -> Handler:
        async def handle(s: CommentService, p: Principal, doc: str, data: Any) -> Any:
            cid = _id(_fields(data).raw("id"))
            return {"ok": True, "comment": await s.set_state(p, doc, cid, resolved=resolved)}

        return handle

    async def delete(s: CommentService, p: Principal, doc: str, data: Any) -> Any:
        return {"ok": True, **await s.delete(p, doc, _id(_fields(data).raw("id")))}

    async def flag_(s: CommentService, p: Principal, doc: str, data: Any) -> Any:
        reason, note = parse_flag(data)
        cid = _id(_fields(data).raw("id"))
        return {"ok": True, "comment": await s.flag(p, doc, cid, reason=reason, note=note)}

    async def decide(s: CommentService, p: Principal, doc: str, data: Any) -> Any:
        ids, decision, meeting, reason = parse_decision(data, bulk=True)
        decided = await s.decide(
            p, await s.group_of(p, doc), ids, decision=decision, meeting=meeting,
            reason=reason, document=doc,
        )  # fmt: skip
        return {"ok": True, "comments": decided}

    async def queue_(s: CommentService, p: Principal, doc: str, data: Any) -> Any:
        return {"comments": await s.queue(p, await s.group_of(p, doc))}

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


def register(transport: SocketIOTransport, service: CommentService) -> None:
    """Serve the ``comment-*`` events on every document namespace (acks carry results)."""
    for event, handler in _sio_handlers().items():

        async def handle(room: Room, peer: SocketIOPeer, data: Any, _h: Handler = handler) -> Any:
            if data is not None and not isinstance(data, dict):
                raise BadInput("comment events take one JSON object")
            return await _h(service, peer.principal, room.name, data)

        transport.on_document_event(event, handle)
