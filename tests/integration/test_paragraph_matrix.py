"""The role x command matrix of every governance command, over HTTP and over Socket.IO:
each role is allowed exactly what the permission matrix says, and a refusal is the
coded error and changes nothing (the document and the decision history stay as they
were)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.support.groups import Api, Group
from tests.support.matrix import ROLES, ack_verdict, http_verdict, role_clients
from tests.support.paragraphs import content, decisions, doc_path
from tests.support.servers import RunningServer

OFFICERS = {"chair", "secretariat"}
EDITORS = OFFICERS | {"member"}


@pytest.fixture
def seed_text() -> None:
    return None


@dataclass(frozen=True)
class Command:
    event: str
    method: str
    path: str  # under /api/documents/D, with {paragraph}, {proposal}, {opinion}, {option}
    body: dict[str, Any]
    allowed: frozenset[str]
    # What the command needs to exist first: "deleted", "proposal", "opinion", "option".
    needs: str = ""
    status: int = 200


COMMANDS = (
    Command("document-update", "PATCH", "", {"title": "Renamed"}, frozenset(OFFICERS)),
    Command("paragraph-add", "POST", "/paragraphs",
            {"label": "OP9", "section": "A", "text": "New."}, frozenset(EDITORS), status=201),
    Command("paragraph-update", "PATCH", "/paragraphs/{paragraph}", {"label": "OP1bis"},
            frozenset(OFFICERS)),
    Command("paragraph-move", "POST", "/paragraphs/{paragraph}/move", {"after": None},
            frozenset(EDITORS)),
    Command("paragraph-delete", "POST", "/paragraphs/{paragraph}/delete", {},
            frozenset(EDITORS)),
    Command("paragraph-restore", "POST", "/paragraphs/{paragraph}/restore", {},
            frozenset(OFFICERS), needs="deleted"),
    Command("paragraph-status", "POST", "/paragraphs/{paragraph}/status",
            {"status": "agreed"}, frozenset(OFFICERS)),
    Command("paragraph-propose", "POST", "/paragraphs/{paragraph}/proposals",
            {"status": "agreed"}, frozenset(EDITORS), status=201),
    Command("proposal-accept", "POST", "/proposals/{proposal}/accept", {},
            frozenset(OFFICERS), needs="proposal"),
    Command("proposal-decline", "POST", "/proposals/{proposal}/decline", {},
            frozenset(OFFICERS), needs="proposal"),
    Command("opinion-add", "POST", "/opinions",
            {"text": "Divergent.", "delegations": ["Brazil"], "section": "A"},
            frozenset(OFFICERS), status=201),
    Command("opinion-remove", "DELETE", "/opinions/{opinion}", {}, frozenset(OFFICERS),
            needs="opinion", status=204),
    Command("option-add", "POST", "/paragraphs/{paragraph}/options",
            {"label": "Alt 1", "text": "Other.", "proposers": ["Kenya"]}, frozenset(OFFICERS)),
    Command("option-remove", "DELETE", "/paragraphs/{paragraph}/options/{option}", {},
            frozenset(OFFICERS), needs="option"),
    Command("paragraph-brackets", "POST", "/paragraphs/{paragraph}/brackets",
            {"start": 0, "end": 3}, frozenset(EDITORS)),
    Command("proposals-list", "GET", "/proposals", {}, frozenset(EDITORS)),
)  # fmt: skip


async def prepare(api: Api, group: Group, command: Command) -> dict[str, Any]:
    """A fresh paragraph (and whatever else the command needs), made by the chair."""
    chair, base = group.token("chair"), doc_path(group.document)
    made = await api.ok(
        "POST", base + "/paragraphs", chair, {"label": "OP1", "section": "A", "text": "Words."}
    )
    ids: dict[str, Any] = {"paragraph": made["id"]}
    p = f"{base}/paragraphs/{made['id']}"
    if command.needs == "deleted":
        await api.ok("POST", p + "/delete", chair, {})
    elif command.needs == "proposal":
        proposal = await api.ok(
            "POST", p + "/proposals", group.token("member"), {"status": "agreed"}
        )
        ids["proposal"] = proposal["id"]
    elif command.needs == "opinion":
        body = {"text": "View.", "delegations": ["Kenya"], "paragraph": made["id"]}
        ids["opinion"] = (await api.ok("POST", base + "/opinions", chair, body))["id"]
    elif command.needs == "option":
        body = {"label": "Alt 2", "text": "More.", "proposers": []}
        ids["option"] = (await api.ok("POST", p + "/options", chair, body))["options"][0]["id"]
    return ids


Call = Callable[[str, Command, dict[str, Any]], Awaitable[tuple[bool, str | None]]]


async def run_matrix(api: Api, group: Group, call: Call) -> None:
    for command in COMMANDS:
        for role in ROLES:
            ids = await prepare(api, group, command)
            before = (await content(api, group), await decisions(api, group))
            ok, code = await call(role, command, ids)
            expected = role in command.allowed
            assert ok == expected, (command.event, role, code)
            if not ok:
                assert code == "forbidden", (command.event, role, code)
                assert (await content(api, group), await decisions(api, group)) == before


async def test_matrix_over_http(api: Api, group: Group) -> None:
    async def call(role: str, command: Command, ids: dict[str, Any]) -> tuple[bool, str | None]:
        token = None if role == "anonymous" else group.token(role)
        path = doc_path(group.document, command.path.format(**ids))
        body = None if command.method in ("GET", "DELETE") else command.body
        reply = await api.call(command.method, path, token, body)
        return http_verdict(reply, command.status, (command.event, role))

    await run_matrix(api, group, call)


async def test_matrix_over_socketio(server: RunningServer, api: Api, group: Group) -> None:
    async with role_clients(server, group) as clients:

        async def call(role: str, command: Command, ids: dict[str, Any]) -> tuple[bool, str | None]:
            payload = {**command.body, **ids}
            if command.event in ("paragraph-add", "document-update", "opinion-add"):
                payload = dict(command.body)
            elif command.event in ("proposals-list",):
                payload = {}
            elif command.event in ("proposal-accept", "proposal-decline"):
                payload = {**command.body, "proposal": ids["proposal"]}
            elif command.event == "opinion-remove":
                payload = {"opinion": ids["opinion"]}
            return ack_verdict(await clients[role].send_raw(command.event, payload))

        await run_matrix(api, group, call)
