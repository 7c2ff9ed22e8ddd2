"""Amendments: propose, co-sponsor or oppose, admit, decide (accept, reject, bracket), withdraw.

Every command checks the actor's permission (one matrix, ``server.auth.permissions``),
runs in one transaction with its audit entry, and only then announces the change
live. Deciding is a check-and-set on ``state`` (``open`` -> the verdict) committed
before the text is touched, and undone if the write is refused: a proposal is never
applied twice, whatever races. Accepting and bracketing write the text through the
paragraphs' governance path (``GovernanceBase.govern``: the document's lock, one
server write every replica gets, a paragraph decision naming the session); an
accepted change is made with a Yjs client id of its own, recorded as the proposer's.
Proposing holds the same per-document lock, so a proposal never lands on a paragraph
a racing status change has just locked.
"""

from __future__ import annotations

from typing import Any

import pycrdt
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from crdt import anchors, schema
from server import audit
from server.amendments import edits, schemas
from server.amendments.base import AmendmentBase, Changes
from server.amendments.format import anchor_of, visibility
from server.amendments.live import Visibility
from server.amendments.models import Amendment, AmendmentStance
from server.auth.permissions import Action, require
from server.auth.principal import Principal
from server.auth.tokens import Role
from server.comments.live import principal_key
from server.errors import (
    AmendmentOutdated,
    BadInput,
    Forbidden,
    InvalidTransition,
)
from server.paragraphs.base import Outcome, require_open
from server.paragraphs.models import ParagraphDecision
from server.storage import SERVER, Author
from server.storage.models import utcnow

VERDICT = {"accept": "accepted", "reject": "rejected", "bracket": "bracketed"}


async def _claim(db: AsyncSession, amendment_id: int, was: str, now: str) -> bool:
    """Move ``state`` from ``was`` to ``now`` iff it still is ``was`` (atomic)."""
    done: Any = await db.execute(
        update(Amendment)
        .where(Amendment.id == amendment_id, Amendment.state == was)
        .values(state=now)
        .execution_options(synchronize_session=False)
    )
    return bool(done.rowcount == 1)


def _selection(body: schemas.AmendmentCreate) -> tuple[int, int]:
    """The words ``[start, end)`` to anchor to: an insertion at a point is anchored to
    the character before it."""
    start, end = body.start, body.end
    if body.kind == "insert" and start == end:
        if start == 0:
            raise BadInput(
                "an insertion at the very start: select the first words and propose "
                "to replace them instead",
                start=start,
            )
        start -= 1
    if not start < end:
        raise BadInput("select the words: start < end", start=body.start, end=body.end)
    return start, end


class AmendmentService(AmendmentBase):
    # -- reading -------------------------------------------------------------------

    async def list_amendments(
        self, actor: Principal, name: str, query: schemas.AmendmentsQuery
    ) -> schemas.AmendmentList:
        """The amendments ``actor`` may see (of one paragraph, in one state), oldest first."""
        async with self._sessions() as db:
            d = await self._document(db, actor, name)
            q = select(Amendment).where(Amendment.document_id == d.id)
            if query.state is not None:
                q = q.where(Amendment.state == query.state)
            if query.paragraph is not None:
                pid = self._governance.resolve(await self._ydoc(name), query.paragraph).id
                q = q.where(Amendment.paragraph_id == pid)
            rows = (await db.scalars(q.order_by(Amendment.id))).all()
        seen = [a for a in rows if visibility(a).seen_by(actor)]
        return schemas.AmendmentList(amendments=await self._models(name, seen))

    async def get(self, actor: Principal, name: str, amendment_id: int) -> schemas.Amendment:
        async with self._sessions() as db:
            d = await self._document(db, actor, name)
            found = await self._visible(db, actor, d, amendment_id)
        return (await self._models(name, [found]))[0]

    # -- proposing -----------------------------------------------------------------

    async def propose(
        self, actor: Principal, name: str, body: schemas.AmendmentCreate
    ) -> schemas.Amendment:
        """A new proposal on the words ``[start, end)`` (an insertion at a point is
        anchored to the character before it). Observers' wait for an officer."""
        async with self._sessions() as db:
            d = await self._document(db, actor, name)
        require(actor, Action.PROPOSE_AMENDMENT, d.group_id)
        delegation = await self._delegation(actor)
        # Under the document's command lock: a status change cannot lock the paragraph
        # between the check that it is open and the proposal's row (locked paragraphs
        # take no proposals).
        async with self._governance.lock(name):
            doc = await self._ydoc(name)
            para = self._governance.resolve(doc, body.paragraph)
            require_open(para)
            start, end = _selection(body)
            try:
                made = anchors.create(doc, para.id, start, end)
            except anchors.AnchorError as exc:
                raise BadInput(exc.message, field=exc.field) from exc
            self.limiter.take(principal_key(actor))
            async with self._sessions.begin() as db:
                row = Amendment(
                    document_id=d.id,
                    group_id=d.group_id,
                    paragraph_id=para.id,
                    kind=body.kind,
                    start_sticky=made.start,
                    end_sticky=made.end,
                    anchor_chars=made.chars_json(),
                    quote_exact=made.exact,
                    quote_prefix=made.prefix,
                    quote_suffix=made.suffix,
                    text=body.text,
                    justification=body.justification,
                    proposer_person_id=actor.person_id,
                    proposer_key=principal_key(actor),
                    proposer_name=actor.name,
                    proposer_role=actor.role.value,
                    proposer_delegation=delegation,
                    moderation="pending" if actor.role is Role.OBSERVER else "visible",
                    state="open",
                    created_at=utcnow(),
                )
                db.add(row)
                await db.flush()
                audit.record(
                    db, actor, "amendment.propose", f"amendment:{row.id}", group_id=d.group_id,
                    document=name, paragraph=para.id, kind=body.kind, moderation=row.moderation,
                    delegation=delegation,
                )  # fmt: skip
        return (await self._announce(name, [(row, None, visibility(row))]))[0]

    async def stance(
        self, actor: Principal, name: str, amendment_id: int, stance: str | None
    ) -> schemas.Amendment:
        """Co-sponsor (``support``) or oppose for one's delegation; None: take it back."""
        async with self._sessions() as db:
            d = await self._document(db, actor, name)
        require(actor, Action.SUPPORT_AMENDMENT, d.group_id)
        delegation = await self._delegation(actor)
        if delegation is None:
            raise Forbidden("you speak for no delegation", action=Action.SUPPORT_AMENDMENT.value)
        async with self._sessions.begin() as db:
            row = await self._visible(db, actor, d, amendment_id)
            if row.state != "open" or row.moderation != "visible":
                raise InvalidTransition(f"amendment {amendment_id} is not open to the group")
            if stance is not None and row.proposer_delegation == delegation:
                raise InvalidTransition(f"{delegation} proposed amendment {amendment_id}")
            await db.execute(
                delete(AmendmentStance).where(
                    AmendmentStance.amendment_id == row.id,
                    AmendmentStance.delegation == delegation,
                )
            )
            if stance is not None:
                db.add(AmendmentStance(
                    amendment_id=row.id, delegation=delegation, person_id=actor.person_id,
                    name=actor.name, stance=stance, at=utcnow(),
                ))  # fmt: skip
            audit.record(
                db, actor, f"amendment.{stance or 'withdraw_stance'}", f"amendment:{row.id}",
                group_id=d.group_id, document=name, delegation=delegation,
            )  # fmt: skip
        return (await self._announce(name, [(row, visibility(row), visibility(row))]))[0]

    async def withdraw(self, actor: Principal, name: str, amendment_id: int) -> schemas.Amendment:
        """The proposer takes an open proposal back."""
        async with self._sessions.begin() as db:
            d = await self._document(db, actor, name)
            row = await self._visible(db, actor, d, amendment_id)
            if row.proposer_key != principal_key(actor):
                raise Forbidden("only its proposer may withdraw an amendment")
            if not await _claim(db, row.id, "open", "withdrawn"):
                raise InvalidTransition(f"amendment {amendment_id} is {row.state}, not open")
            await db.refresh(row)
            audit.record(
                db, actor, "amendment.withdraw", f"amendment:{row.id}", group_id=d.group_id,
                document=name,
            )  # fmt: skip
        return (await self._announce(name, [(row, visibility(row), visibility(row))]))[0]

    # -- deciding ------------------------------------------------------------------

    async def admit(
        self, actor: Principal, name: str, amendment_id: int, body: schemas.AmendmentAdmit
    ) -> schemas.Amendment:
        """An observer's pending proposal goes to the group (officers)."""
        async with self._sessions.begin() as db:
            d = await self._document(db, actor, name)
            require(actor, Action.DECIDE_AMENDMENTS, d.group_id)
            row = await self._visible(db, actor, d, amendment_id)
            if body.session is not None:
                await self._governance.check_session(db, d, body.session)
            if row.moderation != "pending" or row.state != "open":
                raise InvalidTransition(f"amendment {amendment_id} is not awaiting admission")
            before = visibility(row)
            row.moderation = "visible"
            audit.record(
                db, actor, "amendment.admit", f"amendment:{row.id}", group_id=d.group_id,
                document=name, session_id=body.session, proposer=row.proposer_key,
            )  # fmt: skip
        return (await self._announce(name, [(row, before, visibility(row))]))[0]

    async def decide(
        self, actor: Principal, name: str, amendment_id: int, body: schemas.AmendmentDecide
    ) -> schemas.Amendment:
        """Accept (the change, attributed to the proposer), reject, or bracket."""
        async with self._sessions() as db:
            d = await self._document(db, actor, name)
            require(actor, Action.DECIDE_AMENDMENTS, d.group_id)
            row = await self._visible(db, actor, d, amendment_id)
            if body.session is not None:
                await self._governance.check_session(db, d, body.session)
            supporters = (
                await db.scalars(
                    select(AmendmentStance.delegation)
                    .where(
                        AmendmentStance.amendment_id == row.id,
                        AmendmentStance.stance == "support",
                    )
                    .order_by(AmendmentStance.id)
                )
            ).all()
        before = visibility(row)
        verdict = VERDICT[body.decision]
        if row.state != "open":
            raise InvalidTransition(f"amendment {amendment_id} is {row.state}, not open")
        if body.decision == "reject":
            async with self._sessions.begin() as db:
                if not await _claim(db, row.id, "open", verdict):
                    raise InvalidTransition(f"amendment {amendment_id} was decided meanwhile")
                fresh = await db.get(Amendment, row.id, populate_existing=True)
                assert fresh is not None
                if fresh.moderation == "pending":
                    fresh.moderation = "rejected"
                self._record(db, fresh, actor, body, d.group_id, name, utcnow())
            return (await self._announce(name, [(fresh, before, visibility(fresh))]))[0]
        async with self._sessions.begin() as db:
            if not await _claim(db, row.id, "open", verdict):
                raise InvalidTransition(f"amendment {amendment_id} was decided meanwhile")
        try:
            return await self._write(actor, name, row, body, tuple(supporters), d.group_id, before)
        except BaseException:
            async with self._sessions.begin() as db:
                await _claim(db, row.id, verdict, "open")
            raise

    def _record(
        self,
        db: AsyncSession,
        row: Amendment,
        actor: Principal,
        body: schemas.AmendmentDecide,
        group_id: int | None,
        name: str,
        at: Any,
        **details: Any,
    ) -> None:
        row.decided_by, row.decided_by_name, row.decided_at = actor.person_id, actor.name, at
        row.session_id, row.decision_note = body.session, body.note
        audit.record(
            db, actor, f"amendment.{body.decision}", f"amendment:{row.id}", group_id=group_id,
            document=name, paragraph=row.paragraph_id, session_id=body.session, note=body.note,
            proposer=row.proposer_key, **details,
        )  # fmt: skip

    async def _write(
        self,
        actor: Principal,
        name: str,
        row: Amendment,
        body: schemas.AmendmentDecide,
        supporters: tuple[str, ...],
        group_id: int | None,
        seen_before: Visibility | None,
    ) -> schemas.Amendment:
        """Apply an accepted or bracketed amendment to the text, as a paragraph decision;
        the amendment as decided (announced before the paragraph's own event)."""
        anchor = anchor_of(row)
        aid = row.id

        def change(doc: pycrdt.Doc[Any]) -> Outcome:
            para = self._governance.resolve(doc, row.paragraph_id)
            require_open(para)
            target = edits.locate(doc, anchor)
            if target is None:
                if not body.confirm_outdated:
                    raise AmendmentOutdated(
                        "the words it targets are gone", quote=row.quote_exact, current=None
                    )
                raise InvalidTransition("the words it targets are gone: nothing to change")
            if target.words != row.quote_exact and not body.confirm_outdated:
                raise AmendmentOutdated(
                    "the words it targets changed since it was proposed: confirm against "
                    "the current text",
                    quote=row.quote_exact,
                    current=target.words,
                )
            before = {"amendment": aid, "words": target.words}
            if body.decision == "accept":
                edits.accept(doc, target, row.kind, row.text, edits.fresh_client(doc))
                words = edits.proposed_words(row.kind, target.words, row.text)
                done = schema.get_paragraph(doc, para.id)
                after = {"amendment": aid, "decision": "accept", "words": words}
                return self._governance.paragraph_outcome(doc, done, "amendment", before, after)
            with doc.transaction():
                original, proposed = edits.bracket(doc, target, row.kind, row.text)
                n = len(para.options)
                mine = (row.proposer_delegation,) if row.proposer_delegation else ()
                alternatives = (
                    schema.Option(schema.new_id(), f"Alt {n + 1}", original, para.proposers),
                    schema.Option(
                        schema.new_id(), f"Alt {n + 2}", proposed,
                        tuple(dict.fromkeys(mine + supporters)),
                    ),
                )  # fmt: skip
                done = schema.update_paragraph(doc, para.id, options=(*para.options, *alternatives))
            after = {
                "amendment": aid,
                "decision": "bracket",
                "options": [o.to_record() for o in alternatives],
            }
            return self._governance.paragraph_outcome(doc, done, "amendment", before, after)

        decided: list[Amendment] = []
        stances: list[AmendmentStance] = []
        announced: list[schemas.Amendment] = []

        async def record(db: AsyncSession, decision: ParagraphDecision) -> None:
            fresh = await db.get(Amendment, aid, populate_existing=True)
            assert fresh is not None
            if fresh.moderation == "pending":  # deciding it takes it in
                fresh.moderation = "visible"
            self._record(
                db, fresh, actor, body, group_id, name, decision.at,
                decision_id=decision.id, confirm_outdated=body.confirm_outdated,
            )  # fmt: skip
            decided.append(fresh)
            stances.extend(
                await db.scalars(
                    select(AmendmentStance)
                    .where(AmendmentStance.amendment_id == aid)
                    .order_by(AmendmentStance.id)
                )
            )

        async def announce() -> None:
            fresh = decided[0]
            changes: Changes = [(fresh, seen_before, visibility(fresh))]
            announced.extend(await self._announce_read(name, changes, stances))

        proposer = Author(row.proposer_person_id, row.proposer_name, row.proposer_delegation)
        await self._governance.govern(
            actor,
            name,
            Action.DECIDE_AMENDMENTS,
            change,
            session=body.session,
            extra=record,
            author=proposer if body.decision == "accept" else SERVER,
            first=announce,
        )
        return announced[0]
