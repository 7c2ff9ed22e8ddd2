"""The status proposal queue: a member asks, the chair (or secretariat) decides.

``GovernanceService`` is the whole governance service the app serves: the paragraph
commands of ``ParagraphService`` and the queue. A proposal is seen only by holders
of ``VIEW_PROPOSALS`` (``proposal-changed`` goes to them alone); accepting one sets
the status through the same path as the status command, and its decision names the
proposal and the session.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crdt import schema
from server import audit
from server.auth.access import DocumentRef
from server.auth.permissions import Action, require
from server.auth.principal import Principal
from server.errors import InvalidTransition, NotFound
from server.paragraphs import records, schemas
from server.paragraphs.live import (
    PROPOSAL_EVENT,
    STATE_EVENT,
    GovernanceEvent,
    decision_key,
    proposal_key,
    sees_proposals,
)
from server.paragraphs.models import ParagraphDecision, StatusProposal
from server.paragraphs.service import ParagraphService, _status_change
from server.storage.models import utcnow

# Decisions a connection's history carries (the latest; GET .../decisions has them all).
HISTORY_DECISIONS = 200


def _decide(
    row: StatusProposal, actor: Principal, state: str, at: datetime, note: str | None
) -> None:
    """Close a pending proposal: how, when, by whom, with the officer's note."""
    row.state, row.decided_at, row.note = state, at, note
    row.decided_by, row.decided_by_name = actor.person_id, actor.name


class GovernanceService(ParagraphService):
    def _proposal_event(self, name: str, row: StatusProposal) -> GovernanceEvent:
        model = records.proposal(row)
        data = {"document": name, "proposal": model.model_dump(mode="json")}
        return GovernanceEvent(PROPOSAL_EVENT, data, proposal_key(row.id, row.state))

    async def proposals(
        self, actor: Principal, name: str, state: str = "pending"
    ) -> schemas.StatusProposalList:
        """The queue (pending, oldest first) or every proposal (``state="all"``)."""
        async with self._sessions() as db:
            d = await self._document(db, actor, name)
            require(actor, Action.VIEW_PROPOSALS, d.group_id)
            rows = await db.scalars(self._query(d, pending=state == "pending"))
            return schemas.StatusProposalList(proposals=[records.proposal(r) for r in rows])

    @staticmethod
    def _query(d: DocumentRef, *, pending: bool):  # type: ignore[no-untyped-def]
        query = select(StatusProposal).where(StatusProposal.document_id == d.id)
        if pending:
            query = query.where(StatusProposal.state == "pending")
        return query.order_by(StatusProposal.id)

    async def propose(
        self, actor: Principal, name: str, ref: str, body: schemas.ProposalCreate
    ) -> schemas.StatusProposal:
        async with self.lock(name):
            doc = await self._ydoc(name)
            async with self._sessions.begin() as db:
                d = await self._document(db, actor, name)
                require(actor, Action.PROPOSE_STATUS, d.group_id)
                para = self.resolve(doc, ref)
                _status_change(para, body.status)
                row = StatusProposal(
                    document_id=d.id,
                    paragraph_id=para.id,
                    status=body.status,
                    reason=body.reason or "",
                    proposer_person_id=actor.person_id,
                    proposer_name=actor.name,
                    proposer_delegation=await self._delegation(actor),
                    state="pending",
                    created_at=utcnow(),
                )
                db.add(row)
                await db.flush()
                audit.record(
                    db, actor, "paragraph.propose", f"document:{name}", group_id=d.group_id,
                    paragraph=para.id, status=body.status, proposal=row.id,
                )  # fmt: skip
            await self.hub.publish(name, [self._proposal_event(name, row)])
        return records.proposal(row)

    async def _pending(self, db: AsyncSession, d: DocumentRef, proposal_id: int) -> StatusProposal:
        row = await db.get(StatusProposal, proposal_id)
        if row is None or row.document_id != d.id:
            raise NotFound(f"no proposal {proposal_id} on this document", proposal=proposal_id)
        if row.state != "pending":
            raise InvalidTransition(f"proposal {proposal_id} is already {row.state}")
        return row

    async def accept(
        self, actor: Principal, name: str, proposal_id: int, body: schemas.ProposalAccept
    ) -> schemas.StatusProposal:
        """Set the proposed status (a decision naming the proposal and the session)."""
        async with self._sessions() as db:
            d = await self._document(db, actor, name)
            require(actor, Action.GOVERN_PARAGRAPHS, d.group_id)
            found = await self._pending(db, d, proposal_id)
        decided: list[StatusProposal] = []

        async def still_pending(db: AsyncSession, d: DocumentRef) -> None:
            await self._pending(db, d, proposal_id)

        async def mark(db: AsyncSession, decision: ParagraphDecision) -> None:
            row = await self._pending(
                db, DocumentRef(decision.document_id, name, None), proposal_id
            )
            _decide(row, actor, "accepted", decision.at, body.note)
            row.session_id = body.session
            decided.append(row)

        await self.govern(
            actor,
            name,
            Action.GOVERN_PARAGRAPHS,
            self.status_change(found.paragraph_id, found.status, body.note),
            session=body.session,
            proposal=proposal_id,
            check=still_pending,
            extra=mark,
            more=lambda: [self._proposal_event(name, decided[0])],
        )
        return records.proposal(decided[0])

    async def decline(
        self, actor: Principal, name: str, proposal_id: int, body: schemas.ProposalDecline
    ) -> schemas.StatusProposal:
        """Leave the status as it is; the proposer sees the proposal declined."""
        async with self.lock(name):
            async with self._sessions.begin() as db:
                d = await self._document(db, actor, name)
                require(actor, Action.GOVERN_PARAGRAPHS, d.group_id)
                row = await self._pending(db, d, proposal_id)
                _decide(row, actor, "declined", utcnow(), body.note)
                audit.record(
                    db, actor, "paragraph.decline", f"document:{name}", group_id=d.group_id,
                    paragraph=row.paragraph_id, proposal=row.id, note=body.note,
                )  # fmt: skip
            await self.hub.publish(name, [self._proposal_event(name, row)])
        return records.proposal(row)

    # -- the live history ------------------------------------------------------------

    async def history(
        self, principal: Principal, name: str, *, decisions: int = HISTORY_DECISIONS
    ) -> tuple[list[tuple[str, Any]], set[str]]:
        """What a connection gets before live events (``paragraphs-state``) and the
        history keys it carries (live events with those keys are not sent again)."""
        doc = await self._ydoc(name)
        async with self._sessions() as db:
            d = await self._document(db, principal, name)
            rows = list(
                await db.scalars(
                    select(ParagraphDecision)
                    .where(ParagraphDecision.document_id == d.id)
                    .order_by(ParagraphDecision.id.desc())
                    .limit(decisions)
                )
            )
            proposals: list[StatusProposal] = []
            if sees_proposals(principal):
                proposals = list(await db.scalars(self._query(d, pending=False)))
        state = {
            "document": name,
            "meta": records.meta(doc).model_dump(mode="json"),
            "paragraphs": [
                records.paragraph_state(doc, p).model_dump(mode="json")
                for p in schema.paragraph_records(doc)
            ],
            "opinions": [
                records.opinion(o).model_dump(mode="json") for o in schema.opinion_records(doc)
            ],
            "decisions": [records.decision(r).model_dump(mode="json") for r in reversed(rows)],
        }
        if sees_proposals(principal):
            state["proposals"] = [
                records.proposal(p).model_dump(mode="json")
                for p in proposals
                if p.state == "pending"
            ]
        keys = {decision_key(r.id) for r in rows} | {proposal_key(p.id, p.state) for p in proposals}
        return [(STATE_EVENT, state)], keys
