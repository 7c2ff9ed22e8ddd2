"""The role x route matrix of the issue table and the correspondence groups, and of the
group's live topic: members edit the issue table, observers read it, followers and
anonymous callers are refused; officers manage correspondence groups; a correspondence
group's member edits its mapping table, a member of the working group who is not in it
cannot. Every refusal is 401/403 and changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.support.groups import Api, Group, add_person
from tests.support.inputs import published, respond
from tests.support.issues import GroupClient, GroupRefused, issues_path
from tests.support.servers import RunningServer

# "outsider": a member of the working group who is not in the correspondence group.
ROLES = ("chair", "secretariat", "member", "outsider", "observer", "follower", "captioner",
         "anonymous")  # fmt: skip
READERS = frozenset({"chair", "secretariat", "member", "outsider", "observer"})
EDITORS = frozenset({"chair", "secretariat", "member", "outsider"})
OFFICERS = frozenset({"chair", "secretariat"})
CG_EDITORS = OFFICERS | {"member"}


@pytest.fixture
def seed_text() -> None:
    return None


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # {gid} {n} {m} {cid} {aid} {pid} {doc} filled from the prepared ids
    body: dict[str, Any] | None
    allowed: frozenset[str]
    status: int = 200


def _routes(answer: dict[str, Any]) -> tuple[Route, ...]:
    src = {"response_id": answer["response"], "question": 2, "exact": "Capacity"}
    cite = {"document": "{doc}", "paragraph_id": "OP1"}
    return (
        Route("GET", "/api/groups/{gid}/issues", None, READERS),
        Route("POST", "/api/groups/{gid}/issues", {"issue": "New", "source": src}, EDITORS, 201),
        Route("GET", "/api/groups/{gid}/issues/export?format=csv", None, READERS),
        Route("POST", "/api/groups/{gid}/issues/merge", {"into": "{n}", "items": ["{m}"]}, EDITORS),
        Route("GET", "/api/groups/{gid}/issues/{n}", None, READERS),
        Route("PATCH", "/api/groups/{gid}/issues/{n}", {"revision": 1, "status": "gap"}, EDITORS),
        Route("POST", "/api/groups/{gid}/issues/{n}/sources", {"source": src}, EDITORS),
        Route("POST", "/api/groups/{gid}/issues/{n}/citations", cite, EDITORS),
        Route("DELETE", "/api/groups/{gid}/issues/{m}/citations", cite, EDITORS),
        Route("GET", "/api/documents/{doc}/citations", None, READERS),
        Route("POST", "/api/groups/{gid}/correspondence", {"title": "CG"}, OFFICERS, 201),
        Route("GET", "/api/groups/{gid}/correspondence", None, READERS),
        Route("GET", "/api/correspondence/{cid}", None, READERS),
        Route("PATCH", "/api/correspondence/{cid}", {"deadline": "2014-03-01"}, OFFICERS),
        Route("PUT", "/api/correspondence/{cid}/members/{pid}", None, OFFICERS),
        Route("DELETE", "/api/correspondence/{cid}/members/{pid}", None, OFFICERS),
        Route("GET", "/api/correspondence/{cid}/areas", None, READERS),
        Route("POST", "/api/correspondence/{cid}/areas", {"area": "Spam"}, CG_EDITORS, 201),
        Route(
            "PATCH",
            "/api/correspondence/{cid}/areas/{aid}",
            {"revision": 1, "gaps": "x"},
            CG_EDITORS,
        ),
        Route("DELETE", "/api/correspondence/{cid}/areas/{aid}", None, CG_EDITORS),
        Route("POST", "/api/correspondence/{cid}/documents", {"role": "report"}, OFFICERS, 201),
    )


def fill(value: Any, ids: dict[str, Any]) -> Any:
    if isinstance(value, str):
        for key, got in ids.items():
            if value == "{" + key + "}":
                return got
            value = value.replace("{" + key + "}", str(got))
        return value
    if isinstance(value, dict):
        return {k: fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, ids) for v in value]
    return value


@pytest.fixture
async def world(server: RunningServer, api: Api, group: Group) -> dict[str, Any]:
    kenya = group.delegations["Kenya"]
    outsider = await add_person(
        api, group.id, group.operator, name="Outsider", role="member", delegation_id=kenya
    )
    group.people["outsider"] = outsider
    made = await published(server, api, group, [("C", "Which gaps exist?")])
    response = await respond(server, made["id"], "government", {2: "Capacity building."})
    await api.ok("POST", f"/api/documents/{group.document}/paragraphs", group.token("chair"),
                 {"label": "OP1", "section": "A", "text": "Recommendation."})  # fmt: skip
    return {"response": response}


async def prepare(api: Api, group: Group) -> dict[str, Any]:
    """Fresh rows for one attempt: two items (the second cited), a correspondence group
    with ``member`` in it and one area."""
    chair = group.token("chair")
    n = (await api.ok("POST", issues_path(group), chair, {"issue": "First"}))["number"]
    m = (await api.ok("POST", issues_path(group), chair, {"issue": "Second"}))["number"]
    await api.ok("POST", issues_path(group, f"/{m}/citations"), chair,
                 {"document": group.document, "paragraph_id": "OP1"})  # fmt: skip
    cg = await api.ok("POST", f"/api/groups/{group.id}/correspondence", chair,
                      {"title": "Mapping", "members": [group.people["member"].id]})  # fmt: skip
    area = await api.ok("POST", f"/api/correspondence/{cg['id']}/areas", chair, {"area": "Spam"})
    return {"gid": group.id, "n": n, "m": m, "cid": cg["id"], "aid": area["id"],
            "pid": group.people["observer"].id, "doc": group.document}  # fmt: skip


async def snapshot(api: Api, group: Group, ids: dict[str, Any]) -> Any:
    chair = group.token("chair")
    return (
        await api.ok("GET", issues_path(group, "?include_merged=true"), chair),
        await api.ok("GET", f"/api/groups/{group.id}/correspondence", chair),
        await api.ok("GET", f"/api/correspondence/{ids['cid']}/areas", chair),
    )


async def test_every_route_allows_exactly_its_roles_and_refusals_change_nothing(
    api: Api, group: Group, world: dict[str, Any]
) -> None:
    verdicts: dict[tuple[str, str], bool] = {}

    async def attempt(route: Route, role: str, ids: dict[str, Any]) -> bool:
        token = None if role == "anonymous" else group.token(role)
        reply = await api.call(route.method, fill(route.path, ids), token, fill(route.body, ids))
        what = (route.method, route.path, role)
        if reply.status < 300:
            assert reply.status == route.status, (what, reply.body)
            return True
        assert reply.status == (401 if role == "anonymous" else 403), (what, reply.body)
        return False

    for route in _routes(world):
        key = route.method + " " + route.path
        ids = await prepare(api, group)
        before = await snapshot(api, group, ids)
        refused = [r for r in ROLES if r not in route.allowed]
        for role in refused:
            verdicts[(key, role)] = await attempt(route, role, ids)
        assert await snapshot(api, group, ids) == before, key  # refusals change nothing
        for role in route.allowed:
            if route.method != "GET":  # each writer on fresh rows
                ids = await prepare(api, group)
            verdicts[(key, role)] = await attempt(route, role, ids)
    wrong = [
        (route.method, route.path, role)
        for route in _routes(world)
        for role in ROLES
        if verdicts[(route.method + " " + route.path, role)] != (role in route.allowed)
    ]
    assert not wrong


@pytest.mark.parametrize("role", ROLES)
async def test_the_live_topic_follows_the_read_rule(
    server: RunningServer, group: Group, world: dict[str, Any], role: str
) -> None:
    token = None if role == "anonymous" else group.token(role)
    client = GroupClient(server.url, group.id, token)
    if role in READERS:
        async with client:
            assert client.of("group-state")[0]["group_id"] == group.id
    else:
        with pytest.raises(GroupRefused) as refused:
            await client.connect()
        code = "unauthenticated" if role == "anonymous" else "forbidden"
        assert refused.value.error.get("code") == code
