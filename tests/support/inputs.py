"""A published questionnaire with submitted responses, for the issue-table tests.

The questionnaire's own routes and answering are tested by the questionnaires'
tests; here the questionnaire is built through the same service the API calls
(``app[QUESTIONNAIRES]``), from question paragraphs of a group document made over
the API, and responses are submitted through the service's public answering path.
"""

from __future__ import annotations

import uuid
from typing import Any

from server.auth.principal import Principal
from server.keys import ACCESS, QUESTIONNAIRES
from server.questionnaires import schemas as q
from tests.support.groups import Api, Group
from tests.support.servers import RunningServer


async def principal(server: RunningServer, token: str) -> Principal:
    assert server.app is not None
    found = await server.app[ACCESS].principal(token)
    assert found is not None
    return found


async def published(
    server: RunningServer,
    api: Api,
    group: Group,
    questions: list[tuple[str, str]],
    *,
    document: str | None = None,
    deadline: str = "2013-08-31T23:59",
) -> dict[str, Any]:
    """A questionnaire published with ``questions`` ((section, text): A-E or "method"),
    copied from paragraphs made in ``document`` (the group's rolling text by default)."""
    assert server.app is not None
    service = server.app[QUESTIONNAIRES]
    chair = await principal(server, group.token("chair"))
    source = document or group.document
    ids = []
    for n, (section, text) in enumerate(questions, start=1):
        made = await api.ok(
            "POST", f"/api/documents/{source}/paragraphs", group.token("chair"),
            {"label": f"Q{n}", "section": section, "text": text},
        )  # fmt: skip
        ids.append(made["id"])
    created = await service.create(chair, group.id, q.QuestionnaireCreate(title="Questionnaire"))
    await service.import_questions(
        chair, created.id, q.QuestionnaireImport(document=source, paragraph_ids=ids)
    )
    made_q = await service.publish(chair, created.id, q.QuestionnairePublish(deadline=deadline))
    dumped: dict[str, Any] = made_q.model_dump(mode="json")
    return dumped


async def respond(
    server: RunningServer,
    qid: int,
    stakeholder: str,
    answers: dict[int, str],
    *,
    submit: bool = True,
    name: str = "",
) -> int:
    """Submit a response as the public form does (no sign-in); its id."""
    assert server.app is not None
    body = q.ResponseIn.model_validate(
        {
            "stakeholder": stakeholder,
            "respondent": {"name": name},
            "answers": [{"number": n, "text": t} for n, t in answers.items()],
            "submit": submit,
        }
    )
    receipt, _ = await server.app[QUESTIONNAIRES].respond(
        None, qid, uuid.uuid4().hex, body, "127.0.0.1"
    )
    return receipt.id
