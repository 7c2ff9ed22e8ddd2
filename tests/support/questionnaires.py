"""Drive questionnaires over the real HTTP API: draft one (questions added to its draft
document as paragraphs), publish it, answer it anonymously."""

from __future__ import annotations

import uuid
from typing import Any

from tests.support.groups import Api, Group, Reply
from tests.support.paragraphs import doc_path

# (section, words): the draft's questions after the stakeholder question.
QUESTIONS = (
    ("A", "What is your understanding of enhanced cooperation in the Tunis Agenda?"),
    ("B", "Which international public policy issues pertaining to the Internet remain?"),
    ("C", "What are the roles and responsibilities of the different stakeholders?"),
    ("E", "What are the barriers to participation in enhanced cooperation?"),
)


def qpath(qid: int, suffix: str = "") -> str:
    return f"/api/questionnaires/{qid}{suffix}"


async def set_zone(api: Api, group: Group, zone: str) -> None:
    await api.ok("PATCH", group.path(), group.token("chair"), {"time_zone": zone})


async def draft(
    api: Api,
    group: Group,
    title: str = "Questionnaire on enhanced cooperation",
    questions: tuple[tuple[str, str], ...] = QUESTIONS,
) -> dict[str, Any]:
    """A draft questionnaire whose questions are: stakeholder, ``questions``, comments."""
    chair = group.token("chair")
    made: dict[str, Any] = await api.ok(
        "POST", group.path("/questionnaires"), chair, {"title": title}
    )
    after = "stakeholder"
    for i, (section, words) in enumerate(questions, 2):
        label = f"Q{i}"
        body = {"label": label, "section": section, "text": words, "after": after}
        await api.ok("POST", doc_path(made["draft_document"], "/paragraphs"), chair, body)
        after = label
    got: dict[str, Any] = await api.ok("GET", qpath(made["id"]), chair)
    return got


async def publish(
    api: Api, group: Group, qid: int, deadline: str = "2040-09-17T23:59"
) -> dict[str, Any]:
    body = {"deadline": deadline}
    got: dict[str, Any] = await api.ok("POST", qpath(qid, "/publish"), group.token("chair"), body)
    return got


def response_body(
    stakeholder: str = "government",
    organisation: str = "Ministry of Communications",
    answers: dict[int, str] | None = None,
    *,
    submit: bool = True,
    country: str = "Brazil",
) -> dict[str, Any]:
    texts = answers if answers is not None else {2: "Equal footing for governments.", 6: "None."}
    return {
        "stakeholder": stakeholder,
        "respondent": {"name": "Focal point", "organisation": organisation, "country": country},
        "answers": [{"number": n, "text": t} for n, t in texts.items()],
        "submit": submit,
    }


async def answer(
    api: Api,
    qid: int,
    body: dict[str, Any],
    key: str | None = None,
    token: str | None = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    """POST a response anonymously (``token``: as someone) with a fresh key unless given."""
    hdrs = {"Idempotency-Key": key or uuid.uuid4().hex, **(headers or {})}
    return await api.call("POST", qpath(qid, "/responses"), token, body, headers=hdrs)
