"""Reading the responses (``READ_RESPONSES``): by respondent, by question, the
distribution of respondents, search; filtered by stakeholder group, grouping A-E,
late, and words. Only submitted responses are read (drafts are their respondents').

Loads are two plain SELECTs (responses, then their answers as tuples) so 1,000
responses x 18 answers take well under a second. Search compares the answers'
case-folded copy with LIKE, every word of the query must appear in the answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth.permissions import Action, require
from server.auth.principal import Principal
from server.errors import NotFound
from server.questionnaires import schemas
from server.questionnaires.models import Answer, Question, Questionnaire, Response
from server.questionnaires.responses import fold
from server.questionnaires.service import QuestionnaireBase

SNIPPET = 80  # characters either side of a hit


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _words(q: str | None) -> list[str]:
    return [w for w in fold(q or "").split() if w]


def _matches(folded: str, words: list[str]) -> bool:
    return all(w in folded for w in words)


def snippet(text: str, words: list[str]) -> str:
    folded = fold(text)
    at = min((i for i in (folded.find(w) for w in words) if i >= 0), default=0)
    start, end = max(0, at - SNIPPET), min(len(text), at + SNIPPET)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


async def distribution_of(db: AsyncSession, qid: int) -> schemas.Distribution:
    rows = (
        await db.execute(
            select(Response.stakeholder, Response.late, func.count(Response.id))
            .where(Response.questionnaire_id == qid, Response.state == "submitted")
            .group_by(Response.stakeholder, Response.late)
        )
    ).all()
    by: dict[str, list[int]] = {}
    for stakeholder, is_late, count in rows:
        slot = by.setdefault(stakeholder, [0, 0])
        slot[1 if is_late else 0] += int(count)
    counts = {
        s: schemas.Counts(total=a + b, on_time=a, late=b)
        for s in schemas.STAKEHOLDERS
        if s in by
        for a, b in [by[s]]
    }
    on_time = sum(c.on_time for c in counts.values())
    late = sum(c.late for c in counts.values())
    return schemas.Distribution(
        total=on_time + late, on_time=on_time, late=late, by_stakeholder=counts
    )


# The big views are plain JSON values shaped exactly as ``schemas.ResponseList`` and
# ``schemas.ByQuestion`` (the OpenAPI document states them; a test compares): 18,000
# pydantic objects cost more than the query itself, dicts cost nothing.
Json = dict[str, Any]


def _instant(at: datetime | None) -> str | None:
    """A UTC datetime as the API writes one ("...Z")."""
    return None if at is None else at.isoformat().replace("+00:00", "Z")


@dataclass
class Loaded:
    questionnaire: Questionnaire
    questions: list[Question]
    responses: list[Json]  # schemas.ResponseOut as JSON


class Reading(QuestionnaireBase):
    async def _readable_responses(
        self, db: AsyncSession, actor: Principal | None, qid: int
    ) -> Questionnaire:
        q = await self._load(db, qid)
        require(actor, Action.READ_RESPONSES, q.group_id)
        return q

    async def load(
        self, actor: Principal | None, qid: int, query: schemas.ResponsesQuery
    ) -> Loaded:
        """The submitted responses matching ``query``, each with the answers that do."""
        words = _words(query.q)
        async with self._sessions() as db:
            q = await self._readable_responses(db, actor, qid)
            questions = await self._questions(db, q, q.version)
            rq = select(
                Response.id, Response.version, Response.stakeholder, Response.respondent_name,
                Response.organisation, Response.country, Response.submitted_at, Response.late,
            ).where(Response.questionnaire_id == qid, Response.state == "submitted")  # fmt: skip
            if query.stakeholder is not None:
                rq = rq.where(Response.stakeholder == query.stakeholder)
            if query.late is not None:
                rq = rq.where(Response.late == query.late)
            responses = (await db.execute(rq.order_by(Response.submitted_at, Response.id))).all()
            aq = select(Answer.response_id, Answer.number, Answer.text).where(
                Answer.questionnaire_id == qid
            )
            for w in words:
                aq = aq.where(Answer.folded.like(_like(w), escape="\\"))
            answers = (await db.execute(aq.order_by(Answer.response_id, Answer.number))).all()
        numbers = None
        if query.grouping is not None:
            numbers = {x.number for x in questions if x.grouping == query.grouping}
        by_response: dict[int, list[Json]] = {}
        for rid, number, text in answers:
            if numbers is None or number in numbers:
                by_response.setdefault(rid, []).append({"number": number, "text": text})
        out = []
        for rid, version, stakeholder, name, org, country, at, late in responses:
            mine = by_response.get(rid, [])
            if (words or numbers is not None) and not mine:
                continue
            out.append({
                "id": rid, "version": version, "stakeholder": stakeholder,
                "respondent": {"name": name, "organisation": org, "country": country},
                "submitted_at": _instant(at), "late": late, "answers": mine,
            })  # fmt: skip
        return Loaded(q, questions, out)

    async def by_respondent(
        self, actor: Principal | None, qid: int, query: schemas.ResponsesQuery
    ) -> Json:
        """``schemas.ResponseList`` as JSON."""
        loaded = await self.load(actor, qid, query)
        return {"responses": loaded.responses, "total": len(loaded.responses)}

    async def by_question(
        self, actor: Principal | None, qid: int, query: schemas.ResponsesQuery
    ) -> Json:
        """``schemas.ByQuestion`` as JSON."""
        loaded = await self.load(actor, qid, query)
        return self.group_by_question(loaded, query)

    @staticmethod
    def group_by_question(loaded: Loaded, query: schemas.ResponsesQuery) -> Json:
        answers: dict[int, list[Json]] = {x.number: [] for x in loaded.questions}
        for r in loaded.responses:
            for a in r["answers"]:
                answers.setdefault(a["number"], []).append({
                    "response_id": r["id"], "stakeholder": r["stakeholder"],
                    "respondent": r["respondent"], "late": r["late"], "text": a["text"],
                })  # fmt: skip
        questions = [
            {
                "number": x.number, "kind": x.kind, "text": x.text, "grouping": x.grouping,
                "answers": answers.get(x.number, []),
            }
            for x in loaded.questions
            if query.grouping is None or x.grouping == query.grouping
        ]  # fmt: skip
        return {"version": loaded.questionnaire.version, "questions": questions}

    async def distribution(self, actor: Principal | None, qid: int) -> schemas.Distribution:
        async with self._sessions() as db:
            await self._readable_responses(db, actor, qid)
            return await distribution_of(db, qid)

    async def search(
        self, actor: Principal | None, qid: int, query: schemas.SearchQuery
    ) -> schemas.SearchResult:
        """Answers containing every word of ``q`` (case-insensitive), with a snippet."""
        words = _words(query.q)
        async with self._sessions() as db:
            await self._readable_responses(db, actor, qid)
            cond = and_(
                Answer.questionnaire_id == qid,
                Response.state == "submitted",
                *(Answer.folded.like(_like(w), escape="\\") for w in words),
            )
            base = select(
                Answer.response_id, Answer.number, Response.stakeholder, Answer.text
            ).join(Response, Response.id == Answer.response_id)
            rows = (
                await db.execute(
                    base.where(cond).order_by(Answer.response_id, Answer.number).limit(query.limit)
                )
            ).all()
            total = int(
                await db.scalar(
                    select(func.count(Answer.id))
                    .join(Response, Response.id == Answer.response_id)
                    .where(cond)
                )
                or 0
            )
        hits = [
            schemas.SearchHit(
                response_id=rid,
                number=n,
                stakeholder=s,  # type: ignore[arg-type]
                snippet=snippet(t, words),
            )
            for rid, n, s, t in rows
        ]
        return schemas.SearchResult(q=query.q, hits=hits, total=total)

    async def answer(
        self, actor: Principal | None, response_id: int, number: int
    ) -> tuple[int, str]:
        """One submitted answer's text and its questionnaire's group (for the issue
        table: a source quote must be found in it); 404 when there is none."""
        async with self._sessions() as db:
            row = (await db.execute(
                select(Questionnaire.group_id, Answer.text)
                .join(Response, Response.id == Answer.response_id)
                .join(Questionnaire, Questionnaire.id == Response.questionnaire_id)
                .where(Answer.response_id == response_id, Answer.number == number,
                       Response.state == "submitted")
            )).first()  # fmt: skip
            if row is None:
                raise NotFound(f"no answer to question {number} in response {response_id}")
            require(actor, Action.READ_RESPONSES, row[0])
            return int(row[0]), str(row[1])
