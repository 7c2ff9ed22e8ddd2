"""The governance commands over HTTP (``/api/documents/{document}/...``, in the
OpenAPI document) and over Socket.IO (events on the document's namespace).

Thin: the caller, the validated input (the HTTP body and the event payload go
through the same model, ``server.paragraphs.schemas``), then ``GovernanceService``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from server.auth.credentials import request_token
from server.auth.principal import Principal
from server.contract import Api, Call
from server.contract.types import DocumentName, Id
from server.errors import (
    BadInput,
    Forbidden,
    InvalidTransition,
    NotFound,
    ParagraphLocked,
    Unauthenticated,
)
from server.keys import ACCESS, PARAGRAPHS
from server.live.events import LiveEvents
from server.live.hub import History
from server.paragraphs import schemas as s
from server.paragraphs.live import topic
from server.paragraphs.proposals import GovernanceService
from server.rooms.peer import EventPeer
from server.validation import parse_id

api = Api("paragraphs")

D = "/api/documents/{document}"
P = D + "/paragraphs/{paragraph}"
PARAMS = {
    "document": "the document's name",
    "paragraph": "a paragraph's id (or its label)",
    "pid": "proposal id",
    "oid": "opinion or option id",
}
READ = (Unauthenticated, Forbidden)
WRITE = (*READ, InvalidTransition)
LOCKED = (*WRITE, ParagraphLocked)
ParagraphRef = s.ParagraphRef


async def _caller(call: Call, document: str) -> Principal:
    """Whoever may read the document (the command then checks its own permission)."""
    grant = await call.app[ACCESS].open_document(request_token(call.request), document)
    return grant.principal


@api.patch(D, errors=READ, params=PARAMS, tag="documents")
async def update_document(
    call: Call, document: DocumentName, body: s.DocumentUpdate
) -> s.DocumentMeta:
    """Change the document's title, kind or session (chair, secretariat)"""
    return await call.app[PARAGRAPHS].update_document(await _caller(call, document), document, body)


@api.post(D + "/paragraphs", status=201, errors=READ, params=PARAMS)
async def add_paragraph(call: Call, document: DocumentName, body: s.ParagraphCreate) -> s.Paragraph:
    """Add a paragraph (after `after`; null: first; omitted: last)"""
    return await call.app[PARAGRAPHS].add(await _caller(call, document), document, body)


@api.patch(P, errors=READ, params=PARAMS)
async def update_paragraph(
    call: Call, document: DocumentName, paragraph: ParagraphRef, body: s.ParagraphUpdate
) -> s.Paragraph:
    """Change a paragraph's label, section, kind, sequence, proposers, supporters"""
    actor = await _caller(call, document)
    return await call.app[PARAGRAPHS].update(actor, document, paragraph, body)


@api.post(P + "/move", errors=READ, params=PARAMS)
async def move_paragraph(
    call: Call, document: DocumentName, paragraph: ParagraphRef, body: s.ParagraphMove
) -> s.Paragraph:
    """Move a paragraph after another (null: first); its text is untouched"""
    actor = await _caller(call, document)
    return await call.app[PARAGRAPHS].move(actor, document, paragraph, body)


@api.post(P + "/delete", errors=LOCKED, params=PARAMS)
async def delete_paragraph(
    call: Call, document: DocumentName, paragraph: ParagraphRef, body: s.Empty
) -> s.Paragraph:
    """Delete a paragraph (status `deleted`; its text is kept)

    A locked (agreed) paragraph: `paragraph_locked`."""
    actor = await _caller(call, document)
    return await call.app[PARAGRAPHS].delete(actor, document, paragraph)


@api.post(P + "/restore", errors=WRITE, params=PARAMS)
async def restore_paragraph(
    call: Call, document: DocumentName, paragraph: ParagraphRef, body: s.Empty
) -> s.Paragraph:
    """Restore a deleted paragraph with its previous status

    Chair and secretariat; or whoever deleted it, while that is its latest decision."""
    actor = await _caller(call, document)
    return await call.app[PARAGRAPHS].restore(actor, document, paragraph)


@api.post(P + "/status", errors=WRITE, params=PARAMS)
async def set_status(
    call: Call, document: DocumentName, paragraph: ParagraphRef, body: s.StatusChange
) -> s.Paragraph:
    """Set a paragraph's status (chair, secretariat), citing the session

    Setting the current status again, or any status of a deleted paragraph:
    `invalid_transition`."""
    actor = await _caller(call, document)
    return await call.app[PARAGRAPHS].set_status(actor, document, paragraph, body)


@api.get(D + "/proposals", errors=READ, params=PARAMS)
async def list_proposals(
    call: Call, document: DocumentName, query: s.ProposalsQuery
) -> s.StatusProposalList:
    """Status proposals: the pending queue, or all (members, chair, secretariat)"""
    actor = await _caller(call, document)
    return await call.app[PARAGRAPHS].proposals(actor, document, query.state)


@api.post(P + "/proposals", status=201, errors=WRITE, params=PARAMS)
async def propose_status(
    call: Call, document: DocumentName, paragraph: ParagraphRef, body: s.ProposalCreate
) -> s.StatusProposal:
    """Propose a status change (members): it goes to the chair's queue"""
    actor = await _caller(call, document)
    return await call.app[PARAGRAPHS].propose(actor, document, paragraph, body)


@api.post(D + "/proposals/{pid}/accept", errors=WRITE, params=PARAMS)
async def accept_proposal(
    call: Call, document: DocumentName, pid: Id, body: s.ProposalAccept
) -> s.StatusProposal:
    """Accept a pending proposal: the status is set, the decision names the proposal"""
    actor = await _caller(call, document)
    return await call.app[PARAGRAPHS].accept(actor, document, pid, body)


@api.post(D + "/proposals/{pid}/decline", errors=WRITE, params=PARAMS)
async def decline_proposal(
    call: Call, document: DocumentName, pid: Id, body: s.ProposalDecline
) -> s.StatusProposal:
    """Decline a pending proposal: the status stays"""
    actor = await _caller(call, document)
    return await call.app[PARAGRAPHS].decline(actor, document, pid, body)


@api.get(D + "/decisions", auth="optional", errors=READ, params=PARAMS)
async def list_decisions(
    call: Call, document: DocumentName, query: s.DecisionsQuery
) -> s.ParagraphDecisionList:
    """The decision history: who changed what, when, in which session (readers)"""
    actor = await _caller(call, document)
    return await call.app[PARAGRAPHS].decisions(actor, document, query.paragraph)


@api.post(D + "/opinions", status=201, errors=READ, params=PARAMS)
async def add_opinion(call: Call, document: DocumentName, body: s.OpinionCreate) -> s.Opinion:
    """Record a divergent view on a paragraph or a section (chair, secretariat)"""
    return await call.app[PARAGRAPHS].add_opinion(await _caller(call, document), document, body)


@api.delete(D + "/opinions/{oid}", status=204, errors=READ, params=PARAMS)
async def remove_opinion(call: Call, document: DocumentName, oid: ParagraphRef) -> None:
    """Remove an opinion (chair, secretariat)"""
    await call.app[PARAGRAPHS].remove_opinion(await _caller(call, document), document, oid)


@api.post(P + "/options", errors=READ, params=PARAMS)
async def add_option(
    call: Call, document: DocumentName, paragraph: ParagraphRef, body: s.OptionCreate
) -> s.Paragraph:
    """Record an alternative formulation ("Alt 1") with its proposers"""
    actor = await _caller(call, document)
    return await call.app[PARAGRAPHS].add_option(actor, document, paragraph, body)


@api.delete(P + "/options/{oid}", errors=READ, params=PARAMS)
async def remove_option(
    call: Call, document: DocumentName, paragraph: ParagraphRef, oid: ParagraphRef
) -> s.Paragraph:
    """Remove an alternative formulation"""
    actor = await _caller(call, document)
    return await call.app[PARAGRAPHS].remove_option(actor, document, paragraph, oid)


@api.post(P + "/brackets", errors=LOCKED, params=PARAMS)
async def bracket(
    call: Call, document: DocumentName, paragraph: ParagraphRef, body: s.BracketRange
) -> s.Paragraph:
    """Wrap [start, end) of the text in square brackets (not in a locked paragraph)"""
    actor = await _caller(call, document)
    return await call.app[PARAGRAPHS].bracket(actor, document, paragraph, body)


LIVE_DESCRIPTION = (
    " The rolling text's governance is live on the document's namespace and on a "
    "session's follow namespace: each connection first gets paragraphs-state {document, "
    "meta, paragraphs, opinions, decisions, proposals (members and officers)}, then "
    "paragraph-changed {document, paragraph, decision}, document-changed {document, meta, "
    "decision}, opinion-changed {document, opinion, removed, decision} and, to members and "
    "officers only, proposal-changed {document, proposal}; no gap and no duplicate after a "
    "reconnect. Clients send paragraph-add, paragraph-update, paragraph-move, "
    "paragraph-delete, paragraph-restore, paragraph-status, paragraph-propose, "
    "proposal-accept, proposal-decline, opinion-add, opinion-remove, option-add, "
    "option-remove, paragraph-brackets, document-update and proposals-list with the HTTP "
    "body plus paragraph/proposal/opinion/option ids, acked {ok: true, result} or "
    "{ok: false, error}."
)


# -- Socket.IO: the same commands as events on the document's namespace ------------------

Handler = Callable[[GovernanceService, Principal, str, dict[str, Any]], Awaitable[Any]]


def _ref(data: dict[str, Any], key: str) -> str:
    value = data.pop(key, None)
    if not isinstance(value, str) or not value.strip() or len(value) > 64:
        raise NotFound(f"no such {key}: give its id", field=key)
    return value.strip()


def _handlers() -> dict[str, Handler]:
    def on_paragraph(command: str, model: type[Any] | None) -> Handler:
        async def handle(g: GovernanceService, p: Principal, doc: str, data: dict[str, Any]) -> Any:
            ref = _ref(data, "paragraph")
            if model is None:
                s.parse(s.Empty, data)
                return await getattr(g, command)(p, doc, ref)
            return await getattr(g, command)(p, doc, ref, s.parse(model, data))

        return handle

    def on_proposal(command: str, model: type[Any]) -> Handler:
        async def handle(g: GovernanceService, p: Principal, doc: str, data: dict[str, Any]) -> Any:
            pid = parse_id(data.pop("proposal", None), "proposal")
            return await getattr(g, command)(p, doc, pid, s.parse(model, data))

        return handle

    async def add(g: GovernanceService, p: Principal, doc: str, data: dict[str, Any]) -> Any:
        return await g.add(p, doc, s.parse(s.ParagraphCreate, data))

    async def document(g: GovernanceService, p: Principal, doc: str, data: dict[str, Any]) -> Any:
        return await g.update_document(p, doc, s.parse(s.DocumentUpdate, data))

    async def opinion_add(
        g: GovernanceService, p: Principal, doc: str, data: dict[str, Any]
    ) -> Any:
        return await g.add_opinion(p, doc, s.parse(s.OpinionCreate, data))

    async def opinion_remove(
        g: GovernanceService, p: Principal, doc: str, data: dict[str, Any]
    ) -> Any:
        oid = _ref(data, "opinion")
        s.parse(s.Empty, data)
        await g.remove_opinion(p, doc, oid)
        return {"id": oid, "removed": True}

    async def option_remove(
        g: GovernanceService, p: Principal, doc: str, data: dict[str, Any]
    ) -> Any:
        ref, oid = _ref(data, "paragraph"), _ref(data, "option")
        s.parse(s.Empty, data)
        return await g.remove_option(p, doc, ref, oid)

    async def proposals(g: GovernanceService, p: Principal, doc: str, data: dict[str, Any]) -> Any:
        return await g.proposals(p, doc, s.parse(s.ProposalsQuery, data).state)

    return {
        "paragraph-add": add,
        "paragraph-update": on_paragraph("update", s.ParagraphUpdate),
        "paragraph-move": on_paragraph("move", s.ParagraphMove),
        "paragraph-delete": on_paragraph("delete", None),
        "paragraph-restore": on_paragraph("restore", None),
        "paragraph-status": on_paragraph("set_status", s.StatusChange),
        "paragraph-propose": on_paragraph("propose", s.ProposalCreate),
        "proposal-accept": on_proposal("accept", s.ProposalAccept),
        "proposal-decline": on_proposal("decline", s.ProposalDecline),
        "opinion-add": opinion_add,
        "opinion-remove": opinion_remove,
        "option-add": on_paragraph("add_option", s.OptionCreate),
        "option-remove": option_remove,
        "paragraph-brackets": on_paragraph("bracket", s.BracketRange),
        "document-update": document,
        "proposals-list": proposals,
    }


def register(events: LiveEvents, service: GovernanceService) -> None:
    """Serve the commands on every document connection (acked ``{ok, result}``), which
    follows the document's governance events, history then live."""

    def bind(handler: Handler) -> Any:
        async def handle(principal: Principal, document: str, data: Any) -> dict[str, Any]:
            if data is not None and not isinstance(data, dict):
                raise BadInput("paragraph events take one JSON object")
            result = await handler(service, principal, document, dict(data or {}))
            dumped = result.model_dump(mode="json") if hasattr(result, "model_dump") else result
            return {"ok": True, "result": dumped}

        return handle

    def history(peer: EventPeer, document: str) -> History:
        return lambda: service.history(peer.principal, document)

    events.on_document(
        {event: bind(h) for event, h in _handlers().items()}, topic=topic, history=history
    )
