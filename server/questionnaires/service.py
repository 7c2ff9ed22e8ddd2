"""Questionnaires: create (with a draft document), import question paragraphs, publish
(freeze the draft's questions into a version), extend the deadline, amend a question
while no response exists; read them; and the figures the report cites.

Every command checks the actor's permission (``MANAGE_QUESTIONNAIRES``), commits with
its audit entry, and refuses what contradicts the state (409). A deadline is a local
date-time in the group's time zone, stored as that text and as the UTC instant.
Answering lives in ``responses``, reading the responses in ``reading``.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pycrdt
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crdt import updates
from crdt.schema import DocumentKind
from server import audit
from server.auth.access import readable_document
from server.auth.permissions import Action, allowed, require
from server.auth.principal import Principal
from server.errors import InvalidTransition, NotFound, QuestionsFrozen
from server.groups.models import GroupDocument, WorkingGroup
from server.questionnaires import drafts, schemas
from server.questionnaires.models import DeadlineExtension, Question, Questionnaire, Response
from server.ratelimit import RateLimiter
from server.rooms.manager import RoomManager
from server.storage.models import Document, utcnow
from server.validation import ValidationFailed

Clock = Callable[[], datetime]


def to_utc(local: str, zone: str) -> datetime:
    """The instant of a local ``YYYY-MM-DDTHH:MM`` in ``zone``; a time the clocks skip
    (the spring change) names no instant and is refused."""
    naive = datetime.strptime(local, "%Y-%m-%dT%H:%M")
    tz = ZoneInfo(zone)
    instant = naive.replace(tzinfo=tz).astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) != naive:
        raise ValidationFailed({"deadline": f"{local} does not exist in {zone} (clocks change)"})
    return instant


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class QuestionnaireBase:
    """What the questionnaire commands, answering and reading share."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        rooms: RoomManager,
        logger: logging.Logger,
        secret: str,
        limiter: RateLimiter | None = None,
        clock: Clock = utcnow,
    ) -> None:
        self._sessions = sessions
        self._rooms = rooms
        self._log = logger
        self._secret = secret.encode()
        self.limiter = limiter or RateLimiter(30, 30, what="responses from your address")
        self.clock = clock  # replaceable: tests move time to either side of a deadline

    def draft_token(self, questionnaire_id: int, key: str) -> str:
        """The private draft link's secret of the response made with ``key``: derived
        (HMAC of the server secret), so only its hash is stored and a resend of the
        same request gets it again."""
        mac = hmac.new(self._secret, f"questionnaire:{questionnaire_id}:{key}".encode(), "sha256")
        return mac.hexdigest()[:48]

    async def _load(self, db: AsyncSession, qid: int) -> Questionnaire:
        q = await db.get(Questionnaire, qid)
        if q is None:
            raise NotFound(f"no questionnaire {qid}")
        return q

    @staticmethod
    def insider(actor: Principal | None, group_id: int) -> bool:
        """May see drafts: officers and whoever reads the responses."""
        return actor is not None and (
            allowed(actor, Action.MANAGE_QUESTIONNAIRES, group_id)
            or allowed(actor, Action.READ_RESPONSES, group_id)
        )

    async def _readable(self, db: AsyncSession, actor: Principal | None, qid: int) -> Questionnaire:
        """The questionnaire if the caller may see it (published: anyone); else 404."""
        q = await self._load(db, qid)
        if q.state == "draft" and not self.insider(actor, q.group_id):
            raise NotFound(f"no questionnaire {qid}")
        return q

    async def _zone(self, db: AsyncSession, group_id: int) -> str:
        zone = await db.scalar(select(WorkingGroup.time_zone).where(WorkingGroup.id == group_id))
        if zone is None:
            raise NotFound(f"no working group {group_id}")
        return zone

    async def _ydoc(self, name: str) -> pycrdt.Doc[Any]:
        doc = await self._rooms.document(name)
        return doc if doc is not None else updates.new_doc()

    async def _questions(self, db: AsyncSession, q: Questionnaire, version: int) -> list[Question]:
        rows = await db.scalars(
            select(Question)
            .where(Question.questionnaire_id == q.id, Question.version == version)
            .order_by(Question.number)
        )
        return list(rows)

    async def _count(self, db: AsyncSession, q: Questionnaire, *, submitted: bool) -> int:
        query = select(func.count(Response.id)).where(Response.questionnaire_id == q.id)
        if submitted:
            query = query.where(Response.state == "submitted")
        else:
            query = query.where(Response.version == q.version)
        return int(await db.scalar(query) or 0)

    async def _model(self, db: AsyncSession, q: Questionnaire) -> schemas.Questionnaire:
        if q.state == "draft":
            found = drafts.questions(await self._ydoc(q.draft_document))
            questions = [
                schemas.Question(number=d.number, kind=d.kind, text=d.text, grouping=d.grouping)  # type: ignore[arg-type]
                for d in found
            ]
        else:
            questions = [
                schemas.Question.model_validate(r) for r in await self._questions(db, q, q.version)
            ]
        return schemas.Questionnaire(
            id=q.id, group_id=q.group_id, title=q.title, draft_document=q.draft_document,
            state=q.state, deadline=q.deadline_local, deadline_utc=q.deadline_utc,  # type: ignore[arg-type]
            time_zone=await self._zone(db, q.group_id), version=q.version, questions=questions,
            frozen=q.version > 0 and await self._count(db, q, submitted=False) > 0,
            responses=await self._count(db, q, submitted=True),
        )  # fmt: skip


class QuestionnaireService(QuestionnaireBase):
    # -- reading -------------------------------------------------------------------

    async def get(self, actor: Principal | None, qid: int) -> schemas.Questionnaire:
        async with self._sessions() as db:
            return await self._model(db, await self._readable(db, actor, qid))

    async def list(self, actor: Principal | None, group_id: int) -> schemas.QuestionnaireList:
        """The group's questionnaires: published ones for anyone, drafts for insiders."""
        async with self._sessions() as db:
            await self._zone(db, group_id)
            query = select(Questionnaire).where(Questionnaire.group_id == group_id)
            if not self.insider(actor, group_id):
                query = query.where(Questionnaire.state != "draft")
            rows = (await db.scalars(query.order_by(Questionnaire.id))).all()
            return schemas.QuestionnaireList(
                questionnaires=[await self._model(db, q) for q in rows]
            )

    async def extensions(self, actor: Principal | None, qid: int) -> schemas.ExtensionList:
        async with self._sessions() as db:
            q = await self._readable(db, actor, qid)
            rows = await db.scalars(
                select(DeadlineExtension)
                .where(DeadlineExtension.questionnaire_id == q.id)
                .order_by(DeadlineExtension.id)
            )
            return schemas.ExtensionList(extensions=[
                schemas.DeadlineExtension(
                    old=e.old_local, old_utc=e.old_utc, new=e.new_local, new_utc=e.new_utc,
                    decision=e.decision, by=e.by, at=e.at,
                ) for e in rows
            ])  # fmt: skip

    # -- commands ------------------------------------------------------------------

    async def create(
        self, actor: Principal, group_id: int, body: schemas.QuestionnaireCreate
    ) -> schemas.Questionnaire:
        """A draft questionnaire with its draft document (stakeholder question first,
        comments last), which the group's members co-edit live."""
        require(actor, Action.MANAGE_QUESTIONNAIRES, group_id)
        name = f"questionnaire-{group_id}-{secrets.token_hex(4)}"
        async with self._sessions.begin() as db:
            await self._zone(db, group_id)
            document = Document(name=name, created_at=utcnow())
            db.add(document)
            await db.flush()
            db.add(GroupDocument(
                document_id=document.id, group_id=group_id, title=body.title,
                kind=DocumentKind.QUESTIONNAIRE.value, public=False,
            ))  # fmt: skip
            q = Questionnaire(
                group_id=group_id, title=body.title, draft_document=name, state="draft",
                version=0, created_by=actor.actor, created_at=utcnow(),
            )  # fmt: skip
            db.add(q)
            await db.flush()
            audit.record(
                db, actor, "questionnaire.create", f"questionnaire:{q.id}", group_id=group_id,
                title=body.title, document=name,
            )  # fmt: skip
        await self._rooms.apply(name, lambda doc: drafts.initial(doc, body.title))
        return await self.get(actor, q.id)

    async def import_questions(
        self, actor: Principal, qid: int, body: schemas.QuestionnaireImport
    ) -> schemas.Questionnaire:
        """Copy question paragraphs of a draft the actor reads (a breakout group's)."""
        async with self._sessions() as db:
            q = await self._load(db, qid)
            require(actor, Action.MANAGE_QUESTIONNAIRES, q.group_id)
            source = await readable_document(db, actor, body.document)
        if source.group_id != q.group_id:
            raise NotFound(f"no document named {body.document!r} in this working group")
        try:
            copied = drafts.copy_from(await self._ydoc(body.document), list(body.paragraph_ids))
        except KeyError as exc:
            raise NotFound(f"no paragraph {exc.args[0]!r} in {body.document}") from exc

        def write(doc: pycrdt.Doc[Any]) -> None:
            drafts.insert(doc, copied)

        await self._rooms.apply(q.draft_document, write)
        async with self._sessions.begin() as db:
            audit.record(
                db, actor, "questionnaire.import", f"questionnaire:{qid}", group_id=q.group_id,
                document=body.document, paragraphs=list(body.paragraph_ids),
            )  # fmt: skip
        return await self.get(actor, qid)

    async def publish(
        self, actor: Principal, qid: int, body: schemas.QuestionnairePublish
    ) -> schemas.Questionnaire:
        """Freeze the draft's questions: version 1 first; once responses exist, a new
        version (responses keep theirs); before that, the same version again."""
        async with self._sessions() as db:
            q = await self._load(db, qid)
            require(actor, Action.MANAGE_QUESTIONNAIRES, q.group_id)
        found = drafts.questions(await self._ydoc(q.draft_document))
        if not any(d.kind != "stakeholder" for d in found):
            raise InvalidTransition("the draft has no question to publish")
        async with self._sessions.begin() as db:
            q = await self._load(db, qid)
            zone = await self._zone(db, q.group_id)
            instant = to_utc(body.deadline, zone)
            answered = q.version > 0 and await self._count(db, q, submitted=False) > 0
            version = q.version + 1 if q.version == 0 or answered else q.version
            await db.execute(
                delete(Question).where(
                    Question.questionnaire_id == q.id, Question.version == version
                )
            )
            db.add_all(
                Question(
                    questionnaire_id=q.id, version=version, number=d.number, kind=d.kind,
                    text=d.text, grouping=d.grouping, paragraph_id=d.paragraph_id,
                ) for d in found
            )  # fmt: skip
            q.version, q.state, q.published_at = version, "published", utcnow()
            q.deadline_local, q.deadline_utc = body.deadline, instant
            audit.record(
                db, actor, "questionnaire.publish", f"questionnaire:{qid}", group_id=q.group_id,
                version=version, questions=len(found), deadline=body.deadline, time_zone=zone,
            )  # fmt: skip
        return await self.get(actor, qid)

    async def extend(
        self, actor: Principal, qid: int, body: schemas.DeadlineChange
    ) -> schemas.Questionnaire:
        """Move a published questionnaire's deadline later, recording the decision."""
        async with self._sessions.begin() as db:
            q = await self._load(db, qid)
            require(actor, Action.MANAGE_QUESTIONNAIRES, q.group_id)
            if q.state != "published":
                raise InvalidTransition(f"questionnaire {qid} is {q.state}, not published")
            zone = await self._zone(db, q.group_id)
            instant = to_utc(body.deadline, zone)
            if q.deadline_utc is not None and instant <= q.deadline_utc:
                raise InvalidTransition(
                    f"an extension moves the deadline later than {q.deadline_local}",
                    deadline=q.deadline_local,
                )
            db.add(DeadlineExtension(
                questionnaire_id=q.id, old_local=q.deadline_local, old_utc=q.deadline_utc,
                new_local=body.deadline, new_utc=instant, decision=body.decision,
                by=actor.actor, at=utcnow(),
            ))  # fmt: skip
            audit.record(
                db, actor, "questionnaire.deadline", f"questionnaire:{qid}", group_id=q.group_id,
                old=q.deadline_local, new=body.deadline, decision=body.decision, time_zone=zone,
            )  # fmt: skip
            q.deadline_local, q.deadline_utc = body.deadline, instant
        return await self.get(actor, qid)

    async def update_question(
        self, actor: Principal, qid: int, number: int, body: schemas.QuestionUpdate
    ) -> schemas.Questionnaire:
        """Reword or regroup a published question while nobody has answered it."""
        async with self._sessions.begin() as db:
            q = await self._load(db, qid)
            require(actor, Action.MANAGE_QUESTIONNAIRES, q.group_id)
            if q.version == 0:
                raise InvalidTransition("edit the draft document: nothing is published yet")
            if await self._count(db, q, submitted=False) > 0:
                raise QuestionsFrozen(
                    "a response exists: the wording is frozen; edit the draft and publish "
                    "a new version",
                    version=q.version,
                )
            row = await db.scalar(select(Question).where(
                Question.questionnaire_id == q.id, Question.version == q.version,
                Question.number == number,
            ))  # fmt: skip
            if row is None:
                raise NotFound(f"no question {number} in version {q.version}")
            grouping = None if body.ungrouped else (body.grouping or row.grouping)
            if body.text is not None:
                row.text = body.text
            row.grouping = grouping
            audit.record(
                db, actor, "questionnaire.question", f"questionnaire:{qid}", group_id=q.group_id,
                number=number, text=body.text, grouping=grouping,
            )  # fmt: skip
            pid = row.paragraph_id
        if pid is not None:
            regrouped = body.grouping is not None or body.ungrouped
            section = (grouping or "method") if regrouped else None
            await self._rooms.apply(
                q.draft_document, lambda doc: drafts.rewrite(doc, pid, body.text, section)
            )
        return await self.get(actor, qid)

    # -- for the report (issue 13) --------------------------------------------------

    async def figures(self, group_id: int) -> schemas.QuestionnaireFigures | None:
        """The group's latest published questionnaire's respondents per stakeholder
        group, late ones apart; None when it has none."""
        from server.questionnaires.reading import distribution_of

        async with self._sessions() as db:
            q = await db.scalar(
                select(Questionnaire)
                .where(Questionnaire.group_id == group_id, Questionnaire.state != "draft")
                .order_by(Questionnaire.id.desc())
                .limit(1)
            )
            if q is None:
                return None
            return schemas.QuestionnaireFigures(
                questionnaire_id=q.id, title=q.title, deadline=q.deadline_local,
                distribution=await distribution_of(db, q.id),
            )  # fmt: skip
