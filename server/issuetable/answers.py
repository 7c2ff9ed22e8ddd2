"""The text of a submitted answer, to anchor an issue item's source in.

Reads the questionnaires' tables (``questionnaire_answers``, ``questionnaire_responses``,
``questionnaires``: migration 0011) by name, so this package does not import the
questionnaires package (and runs before it exists: no answer is found then).
"""

from __future__ import annotations

from sqlalchemy import column, select, table
from sqlalchemy.exc import DatabaseError
from sqlalchemy.ext.asyncio import AsyncSession

_answers = table("questionnaire_answers", column("response_id"), column("number"), column("text"))
_responses = table(
    "questionnaire_responses", column("id"), column("questionnaire_id"), column("state")
)
_questionnaires = table("questionnaires", column("id"), column("group_id"))


async def submitted_answer(
    db: AsyncSession, group_id: int, response_id: int, number: int
) -> str | None:
    """The answer to question ``number`` of a submitted response to one of the group's
    questionnaires; None if there is none (a draft is its respondent's own)."""
    query = (
        select(_answers.c.text)
        .join(_responses, _responses.c.id == _answers.c.response_id)
        .join(_questionnaires, _questionnaires.c.id == _responses.c.questionnaire_id)
        .where(
            _responses.c.id == response_id,
            _answers.c.number == number,
            _questionnaires.c.group_id == group_id,
            _responses.c.state == "submitted",
        )
    )
    try:
        async with db.begin_nested():
            text = await db.scalar(query)
    except DatabaseError:  # no questionnaires in this database (yet)
        return None
    return None if text is None else str(text)
