"""The role x action matrix of amendments, over HTTP and over Socket.IO: each role is
allowed exactly what the permission matrix says (PROPOSE_AMENDMENT: members,
observers and officers; SUPPORT_AMENDMENT: members, for their delegation;
DECIDE_AMENDMENTS: chair and secretariat; withdraw: the proposer), and a refusal is
``forbidden`` and changes nothing (the text, the decisions, the amendments)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.support.amendments import amendments_path
from tests.support.groups import Api, Group
from tests.support.matrix import ROLES, ack_verdict, http_verdict, role_clients
from tests.support.paragraphs import content, decisions, doc_path
from tests.support.servers import RunningServer

OFFICERS = frozenset({"chair", "secretariat"})
WORDS = "Enhanced cooperation needs words."


@pytest.fixture
def seed_text() -> None:
    return None


@dataclass(frozen=True)
class Command:
    event: str
    method: str
    path: str  # under .../amendments, with {aid}
    body: dict[str, Any]
    allowed: frozenset[str]
    # Who proposed the amendment the command acts on ("": none is needed).
    proposer: str = ""
    status: int = 200


COMMANDS = (
    Command("amendments-list", "GET", "", {}, frozenset(ROLES)),
    Command("amendment-propose", "POST", "",
            {"kind": "replace", "start": 0, "end": 8, "text": "Better"},
            OFFICERS | {"member", "observer"}, status=201),
    Command("amendment-support", "POST", "/{aid}/support", {}, frozenset({"member"}),
            proposer="chair"),
    Command("amendment-oppose", "POST", "/{aid}/oppose", {}, frozenset({"member"}),
            proposer="chair"),
    Command("amendment-unstance", "DELETE", "/{aid}/stance", {}, frozenset({"member"}),
            proposer="chair"),
    Command("amendment-admit", "POST", "/{aid}/admit", {}, OFFICERS, proposer="observer"),
    Command("amendment-decide", "POST", "/{aid}/decide", {"decision": "accept"}, OFFICERS,
            proposer="member"),
    Command("amendment-withdraw", "POST", "/{aid}/withdraw", {}, frozenset({"member"}),
            proposer="member"),
)  # fmt: skip


async def prepare(api: Api, group: Group, command: Command) -> dict[str, Any]:
    """A fresh paragraph and, if the command needs one, an amendment on it."""
    chair = group.token("chair")
    made = await api.ok(
        "POST", doc_path(group.document, "/paragraphs"), chair,
        {"label": "OP1", "section": "A", "text": WORDS},
    )  # fmt: skip
    ids: dict[str, Any] = {"paragraph": made["id"]}
    if command.proposer:
        body = {"paragraph": made["id"], "kind": "delete", "start": 0, "end": 9}
        proposed = await api.ok("POST", amendments_path(group), group.token(command.proposer), body)
        ids["aid"] = proposed["id"]
    return ids


async def state(api: Api, group: Group) -> Any:
    listed = await api.ok("GET", amendments_path(group), group.token("chair"))
    return await content(api, group), await decisions(api, group), listed


Call = Callable[[str, Command, dict[str, Any]], Awaitable[tuple[bool, str | None]]]


async def run_matrix(api: Api, group: Group, call: Call) -> None:
    for command in COMMANDS:
        for role in ROLES:
            ids = await prepare(api, group, command)
            before = await state(api, group)
            ok, code = await call(role, command, ids)
            assert ok == (role in command.allowed), (command.event, role, code)
            if not ok:
                assert code == "forbidden", (command.event, role, code)
                assert await state(api, group) == before, (command.event, role)


async def test_matrix_over_http(api: Api, group: Group) -> None:
    async def call(role: str, command: Command, ids: dict[str, Any]) -> tuple[bool, str | None]:
        token = None if role == "anonymous" else group.token(role)
        path = amendments_path(group, command.path.format(**ids))
        body: Any = None
        if command.method == "POST":
            body = dict(command.body)
            if command.event == "amendment-propose":
                body["paragraph"] = ids["paragraph"]
        reply = await api.call(command.method, path, token, body)
        return http_verdict(reply, command.status, (command.event, role))

    await run_matrix(api, group, call)


async def test_matrix_over_socketio(server: RunningServer, api: Api, group: Group) -> None:
    async with role_clients(server, group) as clients:

        async def call(role: str, command: Command, ids: dict[str, Any]) -> tuple[bool, str | None]:
            payload = dict(command.body)
            if command.event == "amendment-propose":
                payload["paragraph"] = ids["paragraph"]
            elif "aid" in ids:
                payload["id"] = ids["aid"]
            return ack_verdict(await clients[role].send_raw(command.event, payload))

        await run_matrix(api, group, call)
