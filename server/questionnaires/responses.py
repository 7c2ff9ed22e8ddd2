"""Answering a published questionnaire: anonymous, idempotent, with a private draft link.

- A response is created with an ``Idempotency-Key``: the same key and body again
  returns the same receipt (200), never a second row, also when two identical
  requests race (the unique key decides; the loser reads the winner's row). The same
  key with another body is refused (409 ``idempotency_key_reused``).
- ``submit: false`` saves a draft; its private link's secret (``draft_token``) is
  derived from the key with the server's secret and only its SHA-256 is stored. The
  link reads the draft back and saves or submits it (PUT).
- A response submitted strictly after the deadline instant is kept and flagged late.
- Per client address rate limit (``RateLimiter``), answers of at most 20,000
  characters, bodies of at most 512 KiB (the route's limit): 429 / 422 / 413.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from server import audit
from server.auth.principal import Principal
from server.errors import IdempotencyKeyReused, InvalidTransition, NotFound, Unavailable
from server.questionnaires import schemas
from server.questionnaires.models import Answer, Question, Questionnaire, Response
from server.questionnaires.service import QuestionnaireBase, token_hash
from server.validation import ValidationFailed

RESPONDENT = "anonymous:respondent"
BUSY = "the database is busy: send the same request again (with the same Idempotency-Key)"


def fold(text: str) -> str:
    """What search compares: case-folded words."""
    return text.casefold()


def request_hash(body: schemas.ResponseIn) -> str:
    data = body.model_dump(mode="json")
    data["answers"] = sorted(data["answers"], key=lambda a: a["number"])
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def check_key(key: str | None) -> str:
    """The ``Idempotency-Key`` header: 8 to 128 visible ASCII characters."""
    if key is None or not 8 <= len(key) <= 128 or not all(33 <= ord(c) < 127 for c in key):
        raise ValidationFailed(
            {"Idempotency-Key": "is required: 8 to 128 visible ASCII characters, one per form"}
        )
    return key


def _answers(body: schemas.ResponseIn, questions: list[Question]) -> list[tuple[int, str]]:
    """(number, text) to store: each a question of the version, once; the stakeholder
    question is answered by ``stakeholder`` (its label is stored as the answer)."""
    by_number = {q.number: q for q in questions}
    errors: dict[str, str] = {}
    seen: set[int] = set()
    out: list[tuple[int, str]] = []
    for i, a in enumerate(body.answers):
        q = by_number.get(a.number)
        if q is None:
            errors[f"answers[{i}].number"] = f"no question {a.number} in this questionnaire"
        elif q.kind == "stakeholder":
            errors[f"answers[{i}].number"] = f"question {a.number} is answered by stakeholder"
        elif a.number in seen:
            errors[f"answers[{i}].number"] = f"question {a.number} is answered twice"
        seen.add(a.number)
        if a.text.strip():
            out.append((a.number, a.text))
    if errors:
        raise ValidationFailed(errors)
    for q in questions:
        if q.kind == "stakeholder":
            out.append((q.number, schemas.STAKEHOLDER_LABELS[body.stakeholder]))
    return sorted(out)


class Answering(QuestionnaireBase):
    def _receipt(self, r: Response, token: str) -> schemas.ResponseReceipt:
        return schemas.ResponseReceipt(
            id=r.id, state=r.state, late=r.late, draft_token=token,  # type: ignore[arg-type]
            submitted_at=r.submitted_at, version=r.version,
        )  # fmt: skip

    async def _open(self, db: AsyncSession, actor: Principal | None, qid: int) -> Questionnaire:
        q = await self._readable(db, actor, qid)
        if q.state != "published":
            raise InvalidTransition(f"questionnaire {qid} is not open for answers ({q.state})")
        return q

    def _late(self, q: Questionnaire, at: datetime) -> bool:
        return q.deadline_utc is not None and at > q.deadline_utc

    def _fill(
        self, db: AsyncSession, r: Response, q: Questionnaire, rows: list[tuple[int, str]]
    ) -> None:
        db.add_all(
            Answer(response_id=r.id, questionnaire_id=q.id, number=n, text=t, folded=fold(t))
            for n, t in rows
        )

    async def respond(
        self,
        actor: Principal | None,
        qid: int,
        key: str | None,
        body: schemas.ResponseIn,
        client: str,
    ) -> tuple[schemas.ResponseReceipt, bool]:
        """Create a response (True) or return the one made with this key (False)."""
        key = check_key(key)
        self.limiter.take(client)
        digest = request_hash(body)
        token = self.draft_token(qid, key)
        async with self._sessions() as db:
            q = await self._open(db, actor, qid)
            existing = await self._by_key(db, qid, key)
            if existing is not None:
                return self._again(existing, digest, token), False
            questions = await self._questions(db, q, q.version)
        rows = _answers(body, questions)
        try:
            async with self._sessions.begin() as db:
                now = self.clock()
                r = Response(
                    questionnaire_id=qid, version=q.version, idempotency_key=key,
                    request_hash=digest, draft_token_hash=token_hash(token),
                    stakeholder=body.stakeholder, respondent_name=body.respondent.name,
                    organisation=body.respondent.organisation, country=body.respondent.country,
                    state="submitted" if body.submit else "draft", created_at=now,
                    updated_at=now, submitted_at=now if body.submit else None,
                    late=body.submit and self._late(q, now),
                )  # fmt: skip
                db.add(r)
                await db.flush()
                self._fill(db, r, q, rows)
                audit.record(
                    db, RESPONDENT, "questionnaire.respond", f"questionnaire:{qid}",
                    group_id=q.group_id, response=r.id, state=r.state, late=r.late,
                    stakeholder=body.stakeholder,
                )  # fmt: skip
        except OperationalError as exc:  # SQLite busy past its timeout, a lost connection
            raise Unavailable(BUSY) from exc
        except IntegrityError:
            # An identical request raced this one and won: its row is the answer.
            async with self._sessions() as db:
                existing = await self._by_key(db, qid, key)
            if existing is None:
                raise
            return self._again(existing, digest, token), False
        return self._receipt(r, token), True

    async def _by_key(self, db: AsyncSession, qid: int, key: str) -> Response | None:
        found: Response | None = await db.scalar(
            select(Response).where(
                Response.questionnaire_id == qid, Response.idempotency_key == key
            )
        )
        return found

    def _again(self, r: Response, digest: str, token: str) -> schemas.ResponseReceipt:
        if r.request_hash != digest:
            raise IdempotencyKeyReused(
                "this Idempotency-Key was used for another response: use a new key per form, "
                "and the private draft link to change a saved draft"
            )
        return self._receipt(r, token)

    # -- the private draft link ------------------------------------------------------

    async def _by_token(self, db: AsyncSession, qid: int, token: str) -> Response:
        r: Response | None = await db.scalar(
            select(Response).where(
                Response.questionnaire_id == qid, Response.draft_token_hash == token_hash(token)
            )
        )
        if r is None:
            raise NotFound("no saved response at this link")
        return r

    async def draft(self, qid: int, token: str) -> schemas.DraftResponse:
        async with self._sessions() as db:
            r = await self._by_token(db, qid, token)
            answers = await db.execute(
                select(Answer.number, Answer.text, Question.kind)
                .join(Question, (Question.questionnaire_id == qid) & (Question.version == r.version)
                      & (Question.number == Answer.number))
                .where(Answer.response_id == r.id)
                .order_by(Answer.number)
            )  # fmt: skip
            return schemas.DraftResponse(
                id=r.id, questionnaire_id=qid, version=r.version, state=r.state,  # type: ignore[arg-type]
                stakeholder=r.stakeholder,  # type: ignore[arg-type]
                respondent=schemas.RespondentOut(
                    name=r.respondent_name, organisation=r.organisation, country=r.country
                ),
                answers=[
                    schemas.AnswerOut(number=n, text=t)
                    for n, t, kind in answers
                    if kind != "stakeholder"
                ],
                late=r.late, submitted_at=r.submitted_at,
            )  # fmt: skip

    async def save_draft(
        self, qid: int, token: str, body: schemas.ResponseIn, client: str
    ) -> schemas.ResponseReceipt:
        """Save (or submit) the draft at this link; a submitted response is final (a
        resend of the identical submission returns its receipt)."""
        self.limiter.take(client)
        async with self._sessions() as db:
            q = await self._open(db, None, qid)
            r = await self._by_token(db, qid, token)
            questions = await self._questions(db, q, r.version)
        rows = _answers(body, questions)
        try:
            async with self._sessions.begin() as db:
                now = self.clock()
                # Check-and-set: one of two racing saves wins; the other sees it submitted.
                claimed: Any = await db.execute(
                    update(Response)
                    .where(Response.id == r.id, Response.state == "draft")
                    .values(updated_at=now)
                    .execution_options(synchronize_session=False)
                )
                if claimed.rowcount != 1:
                    same = await self._same(db, r.id, body, rows)
                    if not (same and body.submit):
                        raise InvalidTransition(
                            "this response was submitted: it can no longer change"
                        )
                    fresh = await db.get(Response, r.id, populate_existing=True)
                    assert fresh is not None
                    return self._receipt(fresh, token)
                fresh = await db.get(Response, r.id, populate_existing=True)
                assert fresh is not None
                await db.execute(delete(Answer).where(Answer.response_id == r.id))
                fresh.stakeholder = body.stakeholder
                fresh.respondent_name = body.respondent.name
                fresh.organisation = body.respondent.organisation
                fresh.country = body.respondent.country
                if body.submit:
                    fresh.state, fresh.submitted_at, fresh.late = (
                        "submitted",
                        now,
                        self._late(q, now),
                    )
                self._fill(db, fresh, q, rows)
                audit.record(
                    db, RESPONDENT, "questionnaire.save_draft", f"questionnaire:{qid}",
                    group_id=q.group_id, response=r.id, state=fresh.state, late=fresh.late,
                )  # fmt: skip
        except OperationalError as exc:
            raise Unavailable(BUSY) from exc
        return self._receipt(fresh, token)

    async def _same(
        self, db: AsyncSession, rid: int, body: schemas.ResponseIn, rows: list[tuple[int, str]]
    ) -> bool:
        r = await db.get(Response, rid, populate_existing=True)
        assert r is not None
        stored = (
            await db.execute(
                select(Answer.number, Answer.text)
                .where(Answer.response_id == rid)
                .order_by(Answer.number)
            )
        ).all()
        who = (r.stakeholder, r.respondent_name, r.organisation, r.country)
        asked = (body.stakeholder, body.respondent.name, body.respondent.organisation,
                 body.respondent.country)  # fmt: skip
        return who == asked and [tuple(s) for s in stored] == rows
