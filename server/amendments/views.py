"""Amendments over HTTP (``/api/documents/{document}/amendments``, in the OpenAPI
document) and over Socket.IO (``amendment-*`` events on the document's namespace).

Thin: the caller, the validated input (the HTTP body and the event payload go
through the same model, ``server.amendments.schemas``), then ``AmendmentService``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from server.amendments import schemas as s
from server.amendments.live import topic
from server.amendments.service import AmendmentService
from server.auth.credentials import request_token
from server.auth.principal import Principal
from server.contract import Api, Call
from server.contract.types import DocumentName, Id
from server.errors import (
    AmendmentOutdated,
    BadInput,
    Forbidden,
    InvalidTransition,
    ParagraphLocked,
    RateLimited,
    Unauthenticated,
)
from server.keys import ACCESS, AMENDMENTS
from server.live.events import EventHandler, LiveEvents
from server.validation import parse_id

api = Api("amendments")

D = "/api/documents/{document}/amendments"
ONE = D + "/{aid}"
PARAMS = {"document": "the document's name", "aid": "amendment id"}
READ = (Unauthenticated, Forbidden)
WRITE = (*READ, InvalidTransition)


async def _caller(call: Call, document: str) -> Principal:
    """Whoever may read the document (the command then checks its own permission)."""
    grant = await call.app[ACCESS].open_document(request_token(call.request), document)
    return grant.principal


@api.get(D, auth="optional", errors=READ, params=PARAMS)
async def list_amendments(
    call: Call, document: DocumentName, query: s.AmendmentsQuery
) -> s.AmendmentList:
    """The amendments the caller may see (observers' pending ones: their own; officers: all)"""
    actor = await _caller(call, document)
    return await call.app[AMENDMENTS].list_amendments(actor, document, query)


@api.post(D, status=201, errors=(*READ, ParagraphLocked, RateLimited), params=PARAMS)
async def propose_amendment(
    call: Call, document: DocumentName, body: s.AmendmentCreate
) -> s.Amendment:
    """Propose to replace, insert after, or delete words of a paragraph

    Members' proposals are visible at once; observers' wait for the chair or the
    secretariat to admit them. A locked (agreed) paragraph: `paragraph_locked`."""
    actor = await _caller(call, document)
    return await call.app[AMENDMENTS].propose(actor, document, body)


@api.get(ONE, auth="optional", errors=READ, params=PARAMS)
async def get_amendment(call: Call, document: DocumentName, aid: Id) -> s.Amendment:
    """One amendment, its anchored words now and whether they changed (outdated)"""
    return await call.app[AMENDMENTS].get(await _caller(call, document), document, aid)


@api.post(ONE + "/support", errors=WRITE, params=PARAMS)
async def support_amendment(
    call: Call, document: DocumentName, aid: Id, body: s.Empty
) -> s.Amendment:
    """Co-sponsor an amendment for your delegation (members)"""
    actor = await _caller(call, document)
    return await call.app[AMENDMENTS].stance(actor, document, aid, "support")


@api.post(ONE + "/oppose", errors=WRITE, params=PARAMS)
async def oppose_amendment(
    call: Call, document: DocumentName, aid: Id, body: s.Empty
) -> s.Amendment:
    """Oppose an amendment for your delegation (members)"""
    actor = await _caller(call, document)
    return await call.app[AMENDMENTS].stance(actor, document, aid, "oppose")


@api.delete(ONE + "/stance", errors=WRITE, params=PARAMS)
async def clear_stance(call: Call, document: DocumentName, aid: Id) -> s.Amendment:
    """Take back your delegation's support or opposition"""
    actor = await _caller(call, document)
    return await call.app[AMENDMENTS].stance(actor, document, aid, None)


@api.post(ONE + "/admit", errors=WRITE, params=PARAMS)
async def admit_amendment(
    call: Call, document: DocumentName, aid: Id, body: s.AmendmentAdmit
) -> s.Amendment:
    """Admit an observer's pending amendment for the group's consideration (officers)"""
    actor = await _caller(call, document)
    return await call.app[AMENDMENTS].admit(actor, document, aid, body)


@api.post(ONE + "/decide", errors=(*WRITE, ParagraphLocked, AmendmentOutdated), params=PARAMS)
async def decide_amendment(
    call: Call, document: DocumentName, aid: Id, body: s.AmendmentDecide
) -> s.Amendment:
    """Accept, reject or bracket an open amendment (chair, secretariat), citing the session

    Accept applies the change as one edit attributed to the proposer; bracket makes
    the words "[original] [proposed]" and records both as options. Words changed
    since: `amendment_outdated` (details quote, current) unless `confirm_outdated`."""
    actor = await _caller(call, document)
    return await call.app[AMENDMENTS].decide(actor, document, aid, body)


@api.post(ONE + "/withdraw", errors=WRITE, params=PARAMS)
async def withdraw_amendment(
    call: Call, document: DocumentName, aid: Id, body: s.Empty
) -> s.Amendment:
    """Withdraw your open amendment"""
    actor = await _caller(call, document)
    return await call.app[AMENDMENTS].withdraw(actor, document, aid)


LIVE_DESCRIPTION = (
    " Amendments are live on the document's namespace: amendment-created, "
    "amendment-updated and amendment-removed {id, document}, each connection only what its "
    "role may see (an observer's pending proposal: its author and the officers); a "
    "session's follow namespace gets the same events for admitted proposals only. "
    "Clients send amendments-list {paragraph?, state?}, "
    "amendment-propose {paragraph, start, end, kind, text, justification}, "
    "amendment-support {id}, amendment-oppose {id}, amendment-unstance {id}, "
    "amendment-admit {id, session?}, amendment-decide {id, decision, session?, note?, "
    "confirm_outdated?} and amendment-withdraw {id}, acked {ok: true, result} or "
    "{ok: false, error}."
)


# -- Socket.IO: the same commands as events on the document's namespace ------------------

Handler = Callable[[AmendmentService, Principal, str, dict[str, Any]], Awaitable[Any]]


def _id(data: dict[str, Any]) -> int:
    return parse_id(data.pop("id", None), "id")


def _handlers() -> dict[str, Handler]:
    async def list_(a: AmendmentService, p: Principal, doc: str, data: dict[str, Any]) -> Any:
        return await a.list_amendments(p, doc, s.parse(s.AmendmentsQuery, data))

    async def propose(a: AmendmentService, p: Principal, doc: str, data: dict[str, Any]) -> Any:
        return await a.propose(p, doc, s.parse(s.AmendmentCreate, data))

    def stance(value: str | None) -> Handler:
        async def handle(a: AmendmentService, p: Principal, doc: str, data: dict[str, Any]) -> Any:
            aid = _id(data)
            s.parse(s.Empty, data)
            return await a.stance(p, doc, aid, value)

        return handle

    async def admit(a: AmendmentService, p: Principal, doc: str, data: dict[str, Any]) -> Any:
        aid = _id(data)
        return await a.admit(p, doc, aid, s.parse(s.AmendmentAdmit, data))

    async def decide(a: AmendmentService, p: Principal, doc: str, data: dict[str, Any]) -> Any:
        aid = _id(data)
        return await a.decide(p, doc, aid, s.parse(s.AmendmentDecide, data))

    async def withdraw(a: AmendmentService, p: Principal, doc: str, data: dict[str, Any]) -> Any:
        aid = _id(data)
        s.parse(s.Empty, data)
        return await a.withdraw(p, doc, aid)

    return {
        "amendments-list": list_,
        "amendment-propose": propose,
        "amendment-support": stance("support"),
        "amendment-oppose": stance("oppose"),
        "amendment-unstance": stance(None),
        "amendment-admit": admit,
        "amendment-decide": decide,
        "amendment-withdraw": withdraw,
    }


def register(events: LiveEvents, service: AmendmentService) -> None:
    """Serve the ``amendment-*`` events on every document connection (acked
    ``{ok, result}``), which follows its document's amendments live."""

    def bind(handler: Handler) -> EventHandler:
        async def handle(principal: Principal, document: str, data: Any) -> dict[str, Any]:
            if data is not None and not isinstance(data, dict):
                raise BadInput("amendment events take one JSON object")
            result = await handler(service, principal, document, dict(data or {}))
            return {"ok": True, "result": result.model_dump(mode="json")}

        return handle

    events.on_document({e: bind(h) for e, h in _handlers().items()}, topic=topic)
