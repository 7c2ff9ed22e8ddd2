"""Every role x every action x every transport, against ONE table written from DESIGN.md §5.

The expectations below are derived from the design (section 5, "Roles"), not
from ``server/auth/permissions.py``: if the server's matrix drifts, a cell here
fails. Each cell is its own test id, e.g. ``test_http[add_person-member]`` or
``test_text[ws-write_public-observer]``.

One server and two working groups (X, where every role acts, and Y, whose
people act as "another group") are built once per module over the real API.
"""

from __future__ import annotations

import asyncio
import base64
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pycrdt
import pytest
import pytest_asyncio

from client import DocumentClient
from server.settings import Settings
from tests.support.docs import text_of
from tests.support.groups import (
    TEXT_ROOT,
    Api,
    Group,
    Reply,
    build_group,
    invite,
    observer_request_body,
    sio_refused,
    ws_refused,
)
from tests.support.servers import RunningServer, serve_in_process
from tests.support.ywebsocket import YWebSocketClient

pytestmark = pytest.mark.asyncio(loop_scope="module")

SEED = "Draft recommendation: "

# Who acts. "operator" is an operator chair token (no person: `rollingtext token`);
# the six roles are people of group X signed in through their invitation links;
# "other_member"/"other_chair" are people of group Y acting on group X.
ROLES = (
    "operator",
    "chair",
    "secretariat",
    "member",
    "observer",
    "follower",
    "captioner",
    "anonymous",
    "other_member",
    "other_chair",
)

# DESIGN.md §5, "sees": chair/secretariat and members see all; observers see public
# (+ their own pending comments); followers (named or anonymous) see public. The
# captioner's "sees" cell only says it may append the transcript, so whether it
# may read non-public documents is unspecified: those cells are not tested.
SEES = {
    "operator": "all",
    "chair": "all",
    "secretariat": "all",
    "member": "all",
    "observer": "public",
    "follower": "public",
    "captioner": None,
    "anonymous": "public",
    "other_member": "none",
    "other_chair": "none",
}

# fmt: off
# Y: allowed.  N: refused (401 without a token, 403 with one).  -: not specified.
#                                op ch se me ob fo ca an xm xc
HTTP_TABLE = {
    "view_group":               "Y  Y  Y  Y  Y  Y  Y  N  N  N",
    "list_people":              "Y  Y  Y  Y  Y  N  N  N  N  N",
    "add_person":               "Y  Y  Y  N  N  N  N  N  N  N",
    "change_role":              "Y  Y  Y  N  N  N  N  N  N  N",
    "add_delegation":           "Y  Y  Y  N  N  N  N  N  N  N",
    "list_observer_requests":   "Y  Y  Y  N  N  N  N  N  N  N",
    "decide_observer_request":  "Y  Y  Y  N  N  N  N  N  N  N",
    "issue_invitation":         "Y  Y  Y  N  N  N  N  N  N  N",
    "revoke_invitation":        "Y  Y  Y  N  N  N  N  N  N  N",
    "read_audit":               "Y  Y  Y  N  N  N  N  N  N  N",
    "create_document":          "Y  Y  Y  N  N  N  N  N  N  N",
    "list_documents":           "Y  Y  Y  Y  Y  Y  Y  N  N  N",
    "read_public_document":     "Y  Y  Y  Y  Y  Y  Y  Y  N  N",
    "read_private_document":    "Y  Y  Y  Y  N  N  -  N  N  N",
    "create_group":             "Y  N  N  N  N  N  N  N  N  N",
}
# Live text, on Socket.IO and y-websocket alike. For "write", N means the edit never
# reaches the server document: dropped if the role may read, refused at connect if not.
TEXT_TABLE = {
    "read_public":              "Y  Y  Y  Y  Y  Y  Y  Y  N  N",
    "write_public":             "Y  Y  Y  Y  N  N  N  N  N  N",
    "read_private":             "Y  Y  Y  Y  N  N  -  N  N  N",
    "write_private":            "Y  Y  Y  Y  N  N  -  N  N  N",
}
# fmt: on

TRANSPORTS = ("sio", "ws")

# Cells where the server contradicts the table are kept visible as strict xfails here.
KNOWN_BUGS: dict[tuple[str, ...], str] = {}


def parse(table: dict[str, str]) -> dict[tuple[str, str], bool]:
    cells: dict[tuple[str, str], bool] = {}
    for action, row in table.items():
        marks = row.split()
        assert len(marks) == len(ROLES), action
        for role, mark in zip(ROLES, marks, strict=True):
            if mark != "-":
                cells[(action, role)] = mark == "Y"
    return cells


HTTP_CELLS = parse(HTTP_TABLE)
TEXT_CELLS = parse(TEXT_TABLE)


def cell(key: tuple[str, ...], *values: Any) -> Any:
    bug = KNOWN_BUGS.get(key)
    marks = [pytest.mark.xfail(strict=True, reason=bug)] if bug else []
    return pytest.param(*values, id="-".join(key[1:] if key[0] == "http" else key), marks=marks)


async def test_table_agrees_with_design_sees_column() -> None:
    """The read cells are the "sees" column of DESIGN §5 and nothing else."""
    for role, sees in SEES.items():
        # Every role of the table reads public text ("text" column: edit or read).
        public = sees in ("all", "public", None)
        assert HTTP_CELLS.get(("read_public_document", role)) is public, role
        assert TEXT_CELLS.get(("read_public", role)) is public, role
        if sees is None:
            assert ("read_private", role) not in TEXT_CELLS
        else:
            assert TEXT_CELLS[("read_private", role)] is (sees == "all"), role
            assert HTTP_CELLS[("read_private_document", role)] is (sees == "all"), role
    # Editing is for chair, secretariat and members only (DESIGN §5 "text").
    for role in ROLES:
        assert TEXT_CELLS[("write_public", role)] is (
            role in ("operator", "chair", "secretariat", "member")
        )


# -- the world: one server, two groups --------------------------------------------------


@dataclass
class World:
    server: RunningServer
    api: Api
    x: Group
    y: Group
    target_id: int  # a follower of X whose role the "change_role" cells try to change

    def token(self, role: str) -> str | None:
        if role == "operator":
            return self.x.operator
        if role == "anonymous":
            return None
        if role.startswith("other_"):
            return self.y.token(role.removeprefix("other_"))
        return self.x.token(role)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("matrix") / "data",
        secret="test-secret",
        room_linger_seconds=0.05,
        awareness_tick_seconds=0.005,
        # One address plays every role of two groups for the whole module: per-address
        # limits (tested in test_abuse_limits) would refuse the matrix itself.
        observer_requests_burst=10_000,
        invite_failures_burst=10_000,
        connections_burst=10_000,
    )
    async with serve_in_process(settings) as server, Api.open(server.url) as api:
        operator = server.token("chair", "op")
        x = await build_group(api, operator, slug="wg-x", public_follow=True, seed_text=SEED)
        y = await build_group(api, operator, slug="wg-y", public_follow=False, seed_text=SEED)
        target = await api.ok(
            "POST", x.path("/people"), operator, {"name": "Role target", "role": "follower"}
        )
        yield World(server, api, x, y, target["id"])


def refused_status(role: str) -> tuple[int, str]:
    return (401, "unauthenticated") if role == "anonymous" else (403, "forbidden")


# -- HTTP -------------------------------------------------------------------------------


@dataclass
class HttpAction:
    status: int  # on success
    perform: Callable[[World, str, str | None], Awaitable[Reply]]
    # Checked after the call: did the effect happen exactly when it was allowed?
    effect: Callable[[World, str, Reply], Awaitable[bool]] | None = None


async def _names(world: World, path: str, key: str, field: str = "name") -> list[Any]:
    body = await world.api.ok("GET", world.x.path(path), world.x.operator)
    return [item[field] for item in body[key]]


async def _decide(world: World, role: str, token: str | None) -> Reply:
    request = await world.api.ok(
        "POST", world.x.path("/observer-requests"), None, observer_request_body(f"Org {role}")
    )
    reply = await world.api.call(
        "POST",
        world.x.path(f"/observer-requests/{request['id']}/decision"),
        token,
        {"decision": "approved", "meeting": f"WGEC by {role}"},
    )
    reply.context = {"request_id": request["id"]}
    return reply


async def _decided(world: World, role: str, reply: Reply) -> bool:
    listing = await world.api.ok("GET", world.x.path("/observer-requests"), world.x.operator)
    status = {r["id"]: r["status"] for r in listing["requests"]}[reply.context["request_id"]]
    assert status in ("approved", "pending")
    return bool(status == "approved")


async def _invitations(world: World) -> dict[int, bool]:
    body = await world.api.ok("GET", world.x.path("/invitations"), world.x.operator)
    return {i["id"]: i["revoked"] for i in body["invitations"]}


async def _issue(world: World, role: str, token: str | None) -> Reply:
    before = await _invitations(world)
    reply = await world.api.call(
        "POST", world.x.path("/invitations"), token, {"person_id": world.target_id}
    )
    reply.context = {"before": before}
    return reply


async def _issued(world: World, role: str, reply: Reply) -> bool:
    return len(await _invitations(world)) > len(reply.context["before"])


async def _revoke(world: World, role: str, token: str | None) -> Reply:
    invitation = await world.api.ok(
        "POST", world.x.path("/invitations"), world.x.operator, {"person_id": world.target_id}
    )
    reply = await world.api.call("DELETE", world.x.path(f"/invitations/{invitation['id']}"), token)
    reply.context = {"invitation_id": invitation["id"]}
    return reply


async def _revoked(world: World, role: str, reply: Reply) -> bool:
    return (await _invitations(world))[reply.context["invitation_id"]]


async def _change_role(world: World, role: str, token: str | None) -> Reply:
    reply = await world.api.call(
        "PATCH", world.x.path(f"/people/{world.target_id}"), token, {"role": "secretariat"}
    )
    return reply


async def _role_changed(world: World, role: str, reply: Reply) -> bool:
    people = await world.api.ok("GET", world.x.path("/people"), world.x.operator)
    current = {p["id"]: p["role"] for p in people["people"]}[world.target_id]
    if current != "follower":  # put it back for the next cell
        await world.api.ok(
            "PATCH",
            world.x.path(f"/people/{world.target_id}"),
            world.x.operator,
            {"role": "follower"},
        )
    return bool(current == "secretariat")


async def _list_documents(world: World, role: str, reply: Reply) -> bool:
    names = {d["name"] for d in reply.body["documents"]}
    assert world.x.document in names
    sees = SEES[role]
    if sees == "all":
        assert world.x.private_document in names
    elif sees == "public":
        assert world.x.private_document not in names, "a non-public document is listed"
    return True


def _content(world: World, reply: Reply) -> bool:
    return set(reply.body) == {"meta", "paragraphs", "opinions", "brackets"}


HTTP_ACTIONS: dict[str, HttpAction] = {
    "view_group": HttpAction(
        200,
        lambda w, r, t: w.api.call("GET", w.x.path(), t),
        lambda w, r, reply: _true(reply.body["id"] == w.x.id),
    ),
    "list_people": HttpAction(
        200,
        lambda w, r, t: w.api.call("GET", w.x.path("/people"), t),
        lambda w, r, reply: _true(len(reply.body["people"]) >= 6),
    ),
    "add_person": HttpAction(
        201,
        lambda w, r, t: w.api.call(
            "POST", w.x.path("/people"), t, {"name": f"Added by {r}", "role": "follower"}
        ),
        lambda w, r, reply: _contains(_names(w, "/people", "people"), f"Added by {r}"),
    ),
    "change_role": HttpAction(200, _change_role, _role_changed),
    "add_delegation": HttpAction(
        201,
        lambda w, r, t: w.api.call(
            "POST",
            w.x.path("/delegations"),
            t,
            {"name": f"Delegation added by {r}", "stakeholder_group": "member_states"},
        ),
        lambda w, r, reply: _contains(
            _names(w, "/delegations", "delegations"), f"Delegation added by {r}"
        ),
    ),
    "list_observer_requests": HttpAction(
        200,
        lambda w, r, t: w.api.call("GET", w.x.path("/observer-requests"), t),
        lambda w, r, reply: _true(
            w.x.observer_request_id in {q["id"] for q in reply.body["requests"]}
        ),
    ),
    "decide_observer_request": HttpAction(200, _decide, _decided),
    "issue_invitation": HttpAction(201, _issue, _issued),
    "revoke_invitation": HttpAction(200, _revoke, _revoked),
    "read_audit": HttpAction(
        200,
        lambda w, r, t: w.api.call("GET", w.x.path("/audit"), t),
        lambda w, r, reply: _true(len(reply.body["entries"]) > 0),
    ),
    "create_document": HttpAction(
        201,
        lambda w, r, t: w.api.call(
            "POST",
            w.x.path("/documents"),
            t,
            {"name": f"wg-x-by-{r}", "title": f"Breakout of {r}", "kind": "breakout"},
        ),
        lambda w, r, reply: _contains(_names(w, "/documents", "documents"), f"wg-x-by-{r}"),
    ),
    "list_documents": HttpAction(
        200,
        lambda w, r, t: w.api.call("GET", w.x.path("/documents"), t),
        _list_documents,
    ),
    "read_public_document": HttpAction(
        200,
        lambda w, r, t: w.api.call("GET", f"/api/documents/{w.x.document}", t),
        lambda w, r, reply: _true(_content(w, reply)),
    ),
    "read_private_document": HttpAction(
        200,
        lambda w, r, t: w.api.call("GET", f"/api/documents/{w.x.private_document}", t),
        lambda w, r, reply: _true(_content(w, reply)),
    ),
    "create_group": HttpAction(
        201,
        lambda w, r, t: w.api.call(
            "POST",
            "/api/groups",
            t,
            {"slug": f"new-{r.replace('_', '-')}", "name": f"Group made by {r}"},
        ),
        lambda w, r, reply: _group_exists(w, f"new-{r.replace('_', '-')}"),
    ),
}


async def _true(value: bool) -> bool:
    return value


async def _contains(names: Awaitable[list[Any]], name: str) -> bool:
    return name in await names


async def _group_exists(world: World, slug: str) -> bool:
    body = await world.api.ok("GET", "/api/groups", world.x.operator)
    return slug in {g["slug"] for g in body["groups"]}


assert set(HTTP_ACTIONS) == set(HTTP_TABLE)
MUTATING = {
    "add_person",
    "change_role",
    "add_delegation",
    "decide_observer_request",
    "issue_invitation",
    "revoke_invitation",
    "create_document",
    "create_group",
}


@pytest.mark.parametrize(
    ("action", "role"),
    [cell(("http", action, role), action, role) for (action, role) in HTTP_CELLS],
)
async def test_http(world: World, action: str, role: str) -> None:
    allowed = HTTP_CELLS[(action, role)]
    spec = HTTP_ACTIONS[action]
    reply = await spec.perform(world, role, world.token(role))
    if allowed:
        assert reply.status == spec.status, reply.body
        if spec.effect is not None:
            assert await spec.effect(world, role, reply), "allowed, but it did not happen"
    else:
        assert (reply.status, reply.code) == refused_status(role), reply.body
        assert reply.error["message"]
        if action in MUTATING:
            assert spec.effect is not None
            assert not await spec.effect(world, role, reply), "refused, but it happened anyway"


# -- live text over Socket.IO and y-websocket --------------------------------------------


def document_of(world: World, action: str) -> str:
    return world.x.document if action.endswith("_public") else world.x.private_document


def refused_codes(role: str) -> tuple[str, int]:
    return ("unauthenticated", 4401) if role == "anonymous" else ("forbidden", 4403)


async def open_refused(world: World, transport: str, document: str, role: str) -> None:
    code, close = refused_codes(role)
    if transport == "sio":
        assert await sio_refused(world.server.url, document, world.token(role)) == code
    else:
        assert await ws_refused(world.server.ws_url, document, world.token(role)) == close


def server_text(world: World, document: str) -> str:
    room = world.server.rooms.loaded(document)
    assert room is not None
    return text_of(room.doc)


async def write_over_sio(world: World, document: str, role: str, marker: str) -> bool:
    """Type ``marker``; True if it reached the server document."""
    token = world.token(role)
    async with DocumentClient(world.server.url, document, token, reconnection=False) as client:  # type: ignore[arg-type]
        assert SEED in text_of(client.doc), "the reader sees the document"
        room = world.server.rooms.loaded(document)
        assert room is not None
        dropped = room.stats.dropped_writes
        text = client.doc.get(TEXT_ROOT, type=pycrdt.Text)
        text.insert(len(text), marker)
        await client.flush()  # acknowledged: applied and durable, or refused
        reached = marker in server_text(world, document)
        if reached:
            assert not client.errors
            assert room.stats.dropped_writes == dropped
        else:
            assert [e["code"] for e in client.errors] == ["read_only"]
            assert room.stats.dropped_writes == dropped + 1
        return reached


async def write_over_ws(world: World, document: str, role: str, marker: str) -> bool:
    token = world.token(role)
    async with (
        DocumentClient(world.server.url, document, world.x.operator) as watcher,
        YWebSocketClient(world.server.ws_url, document, token) as ws,
    ):
        await ws.wait_for(lambda d: SEED in text_of(d))
        room = world.server.rooms.loaded(document)
        assert room is not None
        dropped = room.stats.dropped_writes
        text = ws.doc.get(TEXT_ROOT, type=pycrdt.Text)
        text.insert(len(text), marker)
        # Either the watcher sees the edit, or the server answers "permission denied".
        await first_of(
            watcher.wait_for(lambda d: marker in text_of(d)),
            ws.wait_for(lambda d: ws.permission_denied > 0),
        )
        if ws.permission_denied:
            assert marker not in server_text(world, document)
            assert room.stats.dropped_writes == dropped + 1
            assert ws.close_code is None, "a read-only writer stays connected"
            return False
        assert marker in server_text(world, document)
        assert room.stats.dropped_writes == dropped
        return True


async def first_of(*waits: Awaitable[None]) -> None:
    """Return when the first of ``waits`` completes (the others are cancelled)."""
    tasks = [asyncio.ensure_future(w) for w in waits]
    try:
        done, _ = await asyncio.wait(tasks, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        assert done, "neither outcome happened within 10 s"
        for task in done:
            task.result()
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def read(world: World, transport: str, document: str, role: str) -> str:
    token = world.token(role)
    if transport == "sio":
        async with DocumentClient(world.server.url, document, token, reconnection=False) as c:  # type: ignore[arg-type]
            return text_of(c.doc)
    async with YWebSocketClient(world.server.ws_url, document, token) as ws:
        await ws.wait_for(lambda d: SEED in text_of(d))
        return text_of(ws.doc)


@pytest.mark.parametrize(
    ("transport", "action", "role"),
    [
        cell((transport, action, role), transport, action, role)
        for transport in TRANSPORTS
        for (action, role) in TEXT_CELLS
    ],
)
async def test_text(world: World, transport: str, action: str, role: str) -> None:
    allowed = TEXT_CELLS[(action, role)]
    document = document_of(world, action)
    may_read = TEXT_CELLS[("read_" + action.split("_", 1)[1], role)]
    if not may_read:
        await open_refused(world, transport, document, role)
        assert allowed is False
        return
    if action.startswith("read_"):
        assert SEED in await read(world, transport, document, role)
        return
    marker = f"<{transport}:{role}:{uuid.uuid4().hex[:6]}>"
    write = write_over_sio if transport == "sio" else write_over_ws
    assert await write(world, document, role, marker) is allowed
    if transport == "sio" or not allowed:  # Socket.IO acks only durable edits
        stored = await world.server.store.load(document)
        assert stored is not None
        persisted = any(marker.encode() in u for u in [stored.snapshot or b"", *stored.updates])
        assert persisted is allowed


# -- escalation attempts ------------------------------------------------------------------


def tamper(token: str, **changes: Any) -> str:
    """Rewrite a token's claims and keep its old signature."""
    body, _, mac = token.partition(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims.update(changes)
    forged = base64.urlsafe_b64encode(json.dumps(claims, separators=(",", ":")).encode())
    return forged.rstrip(b"=").decode() + "." + mac


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"role": "chair"}, id="role-chair"),
        pytest.param({"pid": None, "gid": None, "role": "chair"}, id="operator"),
        pytest.param({"gid": 2}, id="other-group"),
        pytest.param({"exp": 4_102_444_800}, id="longer-life"),
    ],
)
async def test_tampered_token_is_refused_everywhere(world: World, changes: dict[str, Any]) -> None:
    forged = tamper(world.x.token("member"), **changes)
    for path in (world.x.path("/audit"), world.x.path(), "/api/me"):
        reply = await world.api.call("GET", path, forged)
        assert (reply.status, reply.code) == (401, "unauthenticated"), (path, reply.body)
    assert await sio_refused(world.server.url, world.x.document, forged) == "unauthenticated"
    assert await ws_refused(world.server.ws_url, world.x.document, forged) == 4401


async def test_member_cannot_promote_themselves(world: World) -> None:
    member = world.x.people["member"]
    for role in ("chair", "secretariat"):
        reply = await world.api.call(
            "PATCH", world.x.path(f"/people/{member.id}"), member.token, {"role": role}
        )
        assert (reply.status, reply.code) == (403, "forbidden")
    me = await world.api.ok("GET", "/api/me", member.token)
    assert me["role"] == "member"
    invite_self = await world.api.call(
        "POST", world.x.path("/invitations"), member.token, {"person_id": member.id}
    )
    assert invite_self.status == 403


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("role", ["follower", "observer", "captioner", "anonymous"])
async def test_reader_cannot_smuggle_text_in_the_handshake(
    world: World, transport: str, role: str
) -> None:
    """A reader's doc already holds text: the server's sync-step-1 answer is dropped too."""
    marker = f"<smuggled:{transport}:{role}>"
    document, token = world.x.document, world.token(role)
    if transport == "sio":
        doc: pycrdt.Doc[Any] = pycrdt.Doc()
        doc.get(TEXT_ROOT, type=pycrdt.Text).insert(0, marker)
        async with DocumentClient(world.server.url, document, token, doc=doc) as client:  # type: ignore[arg-type]
            # Also the raw events a hand-written client could send.
            update = doc.get_update()
            for event in ("sync-update", "sync-step-2"):
                answer = await client.send_raw(event, update)
                assert answer["error"]["code"] == "read_only", event
            assert SEED in text_of(client.doc)
            assert marker not in server_text(world, document)
            room = world.server.rooms.loaded(document)
            assert room is not None
            assert room.stats.dropped_writes >= 2
    else:
        ws = YWebSocketClient(world.server.ws_url, document, token)
        # Local state before connecting: sent only as the answer to the server's step 1.
        ws.doc.get(TEXT_ROOT, type=pycrdt.Text).insert(0, marker)
        async with (
            DocumentClient(world.server.url, document, world.x.operator) as watcher,
            ws,
        ):
            await ws.wait_for(lambda d: SEED in text_of(d) and ws.permission_denied > 0)
            # The watcher's edit reaches the reader after its dropped step 2.
            probe = f"<probe:{role}>"
            text = watcher.doc.get(TEXT_ROOT, type=pycrdt.Text)
            text.insert(len(text), probe)
            await ws.wait_for(lambda d: probe in text_of(d))
            assert marker not in server_text(world, document)
            assert marker not in text_of(watcher.doc)
            assert ws.close_code is None


async def test_revoked_observer_cannot_use_old_token_or_request(world: World) -> None:
    api, x = world.api, world.x
    chair = x.token("chair")
    request = await api.ok(
        "POST", x.path("/observer-requests"), None, observer_request_body("Shortlived Org")
    )
    approved = await api.ok(
        "POST",
        x.path(f"/observer-requests/{request['id']}/decision"),
        chair,
        {"decision": "approved", "meeting": "WGEC-2"},
    )
    _, token = await invite(api, x.id, approved["person_id"], chair)
    assert (await api.ok("GET", "/api/me", token))["role"] == "observer"
    # While admitted, an observer still cannot decide anything.
    pending = await api.ok("POST", x.path("/observer-requests"), None, observer_request_body("B"))
    self_approve = await api.call(
        "POST",
        x.path(f"/observer-requests/{pending['id']}/decision"),
        token,
        {"decision": "approved", "meeting": "self"},
    )
    assert (self_approve.status, self_approve.code) == (403, "forbidden")

    await api.ok(
        "POST",
        x.path(f"/observer-requests/{request['id']}/decision"),
        chair,
        {"decision": "revoked", "meeting": "WGEC-3"},
    )
    rejected = await api.ok("POST", x.path("/observer-requests"), None, observer_request_body("C"))
    await api.ok(
        "POST",
        x.path(f"/observer-requests/{rejected['id']}/decision"),
        chair,
        {"decision": "rejected", "meeting": "WGEC-3"},
    )
    for rid in (request["id"], rejected["id"], pending["id"]):
        reply = await api.call(
            "POST",
            x.path(f"/observer-requests/{rid}/decision"),
            token,
            {"decision": "approved", "meeting": "replayed"},
        )
        assert (reply.status, reply.code) == (401, "unauthenticated"), rid
    listing = await api.ok("GET", x.path("/observer-requests"), chair)
    status = {r["id"]: r["status"] for r in listing["requests"]}
    assert (status[request["id"]], status[rejected["id"]], status[pending["id"]]) == (
        "revoked",
        "rejected",
        "pending",
    )
    assert await sio_refused(world.server.url, x.document, token) == "unauthenticated"
    assert await ws_refused(world.server.ws_url, x.document, token) == 4401


async def test_ids_of_another_group_do_not_leak_through_your_own_group(world: World) -> None:
    """X's chair addresses Y's records through X's URLs: not found, nothing changes."""
    api, x, y = world.api, world.x, world.y
    chair = x.token("chair")
    y_member = y.people["member"]
    attempts = [
        ("PATCH", x.path(f"/people/{y_member.id}"), {"active": False}),
        ("PATCH", x.path(f"/people/{y_member.id}"), {"role": "follower"}),
        ("POST", x.path("/invitations"), {"person_id": y_member.id}),
        ("DELETE", x.path(f"/invitations/{y_member.invitation_id}"), None),
        (
            "POST",
            x.path(f"/observer-requests/{y.observer_request_id}/decision"),
            {"decision": "revoked", "meeting": "not theirs"},
        ),
    ]
    for method, path, body in attempts:
        reply = await api.call(method, path, chair, body)
        assert (reply.status, reply.code) == (404, "not_found"), (method, path, reply.body)
    # And straight at Y's URLs: forbidden.
    for method, path, body in [
        ("GET", y.path("/people"), None),
        ("PATCH", y.path(f"/people/{y_member.id}"), {"active": False}),
        ("PATCH", y.path(), {"public_follow": True}),
    ]:
        reply = await api.call(method, path, chair, body)
        assert (reply.status, reply.code) == (403, "forbidden"), (method, path, reply.body)
    me = await api.ok("GET", "/api/me", y_member.token)
    assert me["role"] == "member", "Y's member is untouched"
    groups = await api.ok("GET", "/api/groups", chair)
    assert [g["id"] for g in groups["groups"]] == [x.id], "a person lists only their group"


async def test_anonymous_cannot_follow_a_group_without_public_follow(world: World) -> None:
    for transport in TRANSPORTS:
        await open_refused(world, transport, world.y.document, "anonymous")
    reply = await world.api.call("GET", f"/api/documents/{world.y.document}")
    assert (reply.status, reply.code) == (401, "unauthenticated")


# What /api/me reports against the oracle: the web app draws its controls from it.
ME_ACTIONS = {
    ("http", "add_person"): "manage_people",
    ("http", "list_people"): "view_people",
    ("http", "decide_observer_request"): "decide_observers",
    ("http", "issue_invitation"): "manage_invitations",
    ("http", "read_audit"): "read_audit",
    ("http", "create_document"): "create_document",
    ("http", "read_private_document"): "read_private_documents",
    ("text", "write_public"): "edit_text",
}


@pytest.mark.parametrize("role", ("chair", "secretariat", "member", "observer", "follower"))
async def test_me_reports_what_the_table_allows(world: World, role: str) -> None:
    me = await world.api.ok("GET", "/api/me", world.token(role))
    for (table, action), reported in ME_ACTIONS.items():
        expected = (HTTP_CELLS if table == "http" else TEXT_CELLS)[(action, role)]
        assert (reported in me["can"]) is expected, (role, action, me["can"])


async def test_anonymous_me_can_nothing(world: World) -> None:
    assert await world.api.ok("GET", "/api/me", None) == {"signed_in": False, "can": []}
