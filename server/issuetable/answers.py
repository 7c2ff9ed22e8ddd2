"""The text of a submitted answer, to anchor an issue item's source in."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.questionnaires.models import Answer, Questionnaire, Response


async def submitted_answer(
    db: AsyncSession, group_id: int, response_id: int, number: int
) -> str | None:
    """The answer to question ``number`` of a submitted response to one of the group's
    questionnaires; None if there is none (a draft is its respondent's own)."""
    text = await db.scalar(
        select(Answer.text)
        .join(Response, Response.id == Answer.response_id)
        .join(Questionnaire, Questionnaire.id == Response.questionnaire_id)
        .where(
            Response.id == response_id,
            Answer.number == number,
            Questionnaire.group_id == group_id,
            Response.state == "submitted",
        )
    )
    return None if text is None else str(text)
