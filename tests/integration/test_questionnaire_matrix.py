"""The role x route matrix of questionnaires over HTTP: MANAGE_QUESTIONNAIRES (chair,
secretariat) creates, imports, publishes, extends and rewords; READ_RESPONSES (chair,
secretariat, member, observer) reads the responses; anyone, signed in or not, reads
and answers a published questionnaire. A refusal is 401 (no sign-in) or 403
``forbidden`` and changes nothing; a draft questionnaire does not exist (404) for
those who may not see it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from tests.support.groups import Api, Group
from tests.support.matrix import ROLES
from tests.support.questionnaires import QUESTIONS, draft, publish, qpath, response_body

OFFICERS = frozenset({"chair", "secretariat"})
READERS = OFFICERS | {"member", "observer"}
EVERYONE = frozenset(ROLES)
ANSWERS = {2: "Equal footing for governments.", 3: "None."}  # questions 1-3


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # {gid}, {qid}, {token}
    allowed: frozenset[str]
    status: int = 200
    body: Any = None


def routes() -> tuple[Route, ...]:
    return (
        Route("POST", "/api/groups/{gid}/questionnaires", OFFICERS, 201,
              {"title": "Questionnaire {day}"}),
        Route("GET", "/api/groups/{gid}/questionnaires", EVERYONE),
        Route("GET", "/api/questionnaires/{qid}", EVERYONE),
        Route("POST", "/api/questionnaires/{qid}/import", OFFICERS, 200,
              {"document": "{document}", "paragraph_ids": ["P1"]}),
        Route("POST", "/api/questionnaires/{qid}/publish", OFFICERS, 200,
              {"deadline": "2040-01-01T12:00"}),
        Route("POST", "/api/questionnaires/{qid}/deadline", OFFICERS, 200,
              {"deadline": "2041-01-{day}T12:00", "decision": "Agreed in plenary"}),
        Route("GET", "/api/questionnaires/{qid}/extensions", EVERYONE),
        Route("PATCH", "/api/questionnaires/{qid}/questions/2", OFFICERS, 200,
              {"text": "Reworded on day {day}?"}),
        Route("POST", "/api/questionnaires/{qid}/responses", EVERYONE, 201,
              response_body(answers=ANSWERS)),
        Route("GET", "/api/questionnaires/{qid}/drafts/{token}", EVERYONE),
        Route("PUT", "/api/questionnaires/{qid}/drafts/{token}", EVERYONE, 200,
              response_body(answers=ANSWERS, submit=False)),
        Route("GET", "/api/questionnaires/{qid}/responses", READERS),
        Route("GET", "/api/questionnaires/{qid}/by-question?grouping=A", READERS),
        Route("GET", "/api/questionnaires/{qid}/distribution", READERS),
        Route("GET", "/api/questionnaires/{qid}/search?q=equal", READERS),
        Route("GET", "/api/questionnaires/{qid}/export?view=by-question&format=csv", READERS),
    )  # fmt: skip


def fill(value: Any, ids: dict[str, Any]) -> Any:
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {k: fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, ids) for v in value]
    return value


async def state(api: Api, group: Group, qid: int) -> Any:
    chair = group.token("chair")
    return (
        await api.ok("GET", qpath(qid), chair),
        await api.ok("GET", qpath(qid, "/responses"), chair),
        await api.ok("GET", qpath(qid, "/extensions"), chair),
        await api.ok("GET", group.path("/questionnaires"), chair),
    )


async def test_every_route_by_role(api: Api, group: Group) -> None:
    chair = group.token("chair")
    source = await api.ok(
        "POST", f"/api/documents/{group.private_document}/paragraphs", chair,
        {"label": "P1", "section": "B", "text": "Which mechanisms exist today?"},
    )  # fmt: skip
    assert source["label"] == "P1"
    for route in routes():
        # A fresh published questionnaire per route, with no response (rewording stays
        # allowed), and a saved draft response for the draft-link routes.
        made = await draft(
            api, group, title=f"{route.method} {route.path}", questions=QUESTIONS[:1]
        )
        qid = made["id"]
        await publish(api, group, qid)
        ids: dict[str, Any] = {"gid": group.id, "qid": qid, "document": group.private_document}
        if "{token}" in route.path:
            saved = await api.call(
                "POST", qpath(qid, "/responses"), None,
                response_body(answers=ANSWERS, submit=False),
                headers={"Idempotency-Key": uuid.uuid4().hex},
            )  # fmt: skip
            ids["token"] = saved.body["draft_token"]
        for day, role in enumerate(ROLES, 1):
            token = None if role == "anonymous" else group.token(role)
            ids["day"] = f"{day:02d}"
            before = await state(api, group, qid)
            headers = {"Idempotency-Key": uuid.uuid4().hex}
            reply = await api.call(
                route.method, fill(route.path, ids), token, fill(route.body, ids), headers=headers
            )
            what = (route.method, route.path, role, reply.status, reply.body)
            if role in route.allowed:
                assert reply.status == route.status, what
                continue
            expected = (401, "unauthenticated") if role == "anonymous" else (403, "forbidden")
            assert (reply.status, reply.code) == expected, what
            assert await state(api, group, qid) == before, what


async def test_a_draft_questionnaire_is_seen_by_insiders_only(api: Api, group: Group) -> None:
    qid = (await draft(api, group))["id"]
    for role in ROLES:
        token = None if role == "anonymous" else group.token(role)
        got = await api.call("GET", qpath(qid), token)
        listed = await api.ok("GET", group.path("/questionnaires"), token)
        answered = await api.call(
            "POST", qpath(qid, "/responses"), token, response_body(),
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )  # fmt: skip
        if role in READERS:
            assert got.status == 200 and got.body["state"] == "draft", role
            assert [q["id"] for q in listed["questionnaires"]] == [qid], role
            assert answered.status == 409, role  # not open for answers yet
        else:
            assert got.status == 404, role
            assert listed["questionnaires"] == [], role
            assert answered.status == 404, role
