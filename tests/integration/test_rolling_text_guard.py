"""The rolling text's guard with real clients (server/rooms/guard.py, DESIGN.md section 3).

Stock npm clients (y-websocket, y-socket.io: tests/node/governed.mjs), the Python
``DocumentClient`` and the in-process server: a member's raw writes to governed
state and edits of agreed paragraphs do not take on any replica; offline edits
survive server-side moves; a paragraph is never shown twice.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pycrdt
import pytest

from client import DocumentClient
from crdt import schema
from tests.support.docs import (
    move_paragraph,
    replica_state,
    seed_paragraphs,
    server_change,
    set_status,
)
from tests.support.groups import Api, Group, watch_disconnect
from tests.support.node import NodeDriver
from tests.support.servers import RunningServer
from tests.support.tcpproxy import TcpProxy

pytestmark = [pytest.mark.timeout(300)]

STEP_TIMEOUT_MS = 60_000  # a hang guard on a busy machine
OP1 = "Enhanced cooperation should [enable] governments 😀 on an equal footing 中文."
PARAGRAPHS = (
    schema.ParagraphSpec("PP1", "intro", text="Recalling the Tunis Agenda,", id="pp1"),
    schema.ParagraphSpec("OP1", "A", "recommendation", OP1, id="op1", proposers=("Brazil",)),
    schema.ParagraphSpec("OP2", "A", "statement", "Capacity building matters.", id="op2"),
    schema.ParagraphSpec("OP3", "B", text="[Alt 1: The WG recommends] a mechanism", id="op3"),
    schema.ParagraphSpec("OP4", "B", text="Fourth.", id="op4"),
    schema.ParagraphSpec("OP5", "C", text="Fifth paragraph.", id="op5"),
    schema.ParagraphSpec("OP6", "conclusion", text="Sixth.", id="op6"),
)


@pytest.fixture
def seed_text() -> None:
    return None


async def seed(server: RunningServer, group: Group) -> list[str]:
    """The rolling text, its metadata and an opinion, written as the server writes them."""

    def metadata(doc: pycrdt.Doc[Any]) -> None:
        schema.init_document(doc, title="Rolling text", kind="rolling")
        schema.put_opinion(
            doc, schema.Opinion("op-1", "Divergent views.", ("Kenya",), paragraph="op1")
        )

    ids = await seed_paragraphs(server.rooms, group.document, PARAGRAPHS)
    await server_change(server.rooms, group.document, metadata)
    return ids


def server_doc(server: RunningServer, group: Group) -> pycrdt.Doc[Any]:
    room = server.rooms.loaded(group.document)
    assert room is not None
    return room.doc


@asynccontextmanager
async def node_clients(
    server: RunningServer, group: Group, *clients: tuple[str, str, str]
) -> AsyncIterator[NodeDriver]:
    """tests/node/governed.mjs with ``(kind, name, role)`` clients, once all are synced."""
    config = {
        "port": server.port,
        "doc": group.document,
        "clients": [{"kind": k, "name": n, "token": group.token(r)} for k, n, r in clients],
        "stepTimeoutMs": STEP_TIMEOUT_MS,
        "deadlineMs": 240_000,
    }
    async with NodeDriver("governed.mjs", config, timeout=90) as node:
        await node.expect("ready")
        yield node
        await node.send("bye")


async def node_reaches(node: NodeDriver, clients: list[str], state: dict[str, Any]) -> None:
    await node.send("until", clients=clients, state=state)
    await node.expect("reached")


async def python_reaches(client: DocumentClient, state: dict[str, Any]) -> None:
    try:
        await client.wait_for(lambda d: replica_state(d) == state, timeout=30)
    except TimeoutError:
        raise AssertionError(f"the Python replica is at {replica_state(client.doc)}") from None


@pytest.mark.node
async def test_a_stock_client_cannot_change_governed_state(
    server: RunningServer, api: Api, group: Group
) -> None:
    await seed(server, group)
    governed = replica_state(server_doc(server, group))
    before = await api.ok("GET", f"/api/documents/{group.document}", group.token("member"))
    member = group.token("member")
    async with (
        DocumentClient(server.url, group.document, member) as python,
        node_clients(server, group, ("ws", "tamperer", "member"), ("sio", "sio", "member")) as node,
    ):
        await node.send("tamper", client="tamperer")
        tampered = (await node.expect("tampered"))["state"]
        assert tampered != governed  # it did write: every entry, and deleted some
        await node_reaches(node, ["tamperer", "sio"], governed)
        await python_reaches(python, governed)
    assert replica_state(server_doc(server, group)) == governed
    assert len(server_doc(server, group).get(schema.V1_PARAGRAPHS, type=pycrdt.Array)) == 0
    after = await api.ok("GET", f"/api/documents/{group.document}", group.token("member"))
    assert after == before
    assert [(p["id"], p["label"], p["text"]) for p in after["paragraphs"]] == [
        (s.id, s.label, s.text) for s in PARAGRAPHS
    ]
    # Durable: the stored document (snapshot and log) holds the governed values.
    await server.rooms.loaded(group.document).flush()  # type: ignore[union-attr]
    stored = await server.store.load(group.document)
    assert stored is not None
    doc: pycrdt.Doc[Any] = pycrdt.Doc()
    for part in stored.parts:
        doc.apply_update(part)
    assert replica_state(doc) == governed


@pytest.mark.node
async def test_a_members_edit_of_an_agreed_paragraph_does_not_take(
    server: RunningServer, api: Api, group: Group
) -> None:
    await seed(server, group)
    await set_status(server.rooms, group.document, "op1", schema.Status.AGREED.value)
    start = OP1.index("governments")
    comment = await api.ok(
        "POST",
        f"/api/documents/{group.document}/comments",
        group.token("member"),
        {
            "body": "Which governments?",
            "anchor": {"paragraph_id": "op1", "start": start, "end": start + len("governments")},
        },
    )
    locked = replica_state(server_doc(server, group))
    member, chair = group.token("member"), group.token("chair")
    async with (
        DocumentClient(server.url, group.document, member) as python,
        DocumentClient(server.url, group.document, chair) as officer,
        node_clients(server, group, ("ws", "ws", "member"), ("sio", "sio", "member")) as node,
    ):
        # y-websocket: typing into it, deleting inside the anchored word, and its start
        # (words typed back are new characters: the comment is re-anchored on them).
        await node.send("edit", client="ws", paragraph="op1", at=0, insert="NOT ")
        await node.expect("edited")
        await node_reaches(node, ["ws", "sio"], locked)
        await node.send("edit", client="ws", paragraph="op1", at=start + 2, remove=5, insert="")
        await node.expect("edited")
        await node_reaches(node, ["ws", "sio"], locked)
        await node.send("edit", client="ws", paragraph="op1", at=start - 4, remove=9, insert="")
        await node.expect("edited")
        await node_reaches(node, ["ws", "sio"], locked)
        # The other replica got each edit and its revert in one frame: it never showed them.
        await node.send("shown", client="sio", paragraph="op1")
        assert (await node.expect("shown"))["texts"] == [OP1]
        # y-socket.io: replacing the emoji (UTF-16 offsets there) and CJK.
        at = len(OP1[: OP1.index("😀")].encode("utf-16-le")) // 2
        await node.send("edit", client="sio", paragraph="op1", at=at, remove=2, insert="中!")
        await node.expect("edited")
        await node_reaches(node, ["ws", "sio"], locked)
        await node.send("errors", client="sio", code="paragraph_locked")
        errors = (await node.expect("errors"))["errors"]
        assert {"code": "paragraph_locked", "paragraph": "op1"} in [
            {"code": e.get("code"), "paragraph": e.get("details", {}).get("paragraph")}
            for e in errors
        ]
        # The y-socket.io sender is still connected and edits an open paragraph.
        await node.send("edit", client="sio", paragraph="op2", at=0, insert="Indeed, ")
        await node.expect("edited")
        opened = json.loads(json.dumps(locked))
        opened["texts"]["op2"] = "Indeed, Capacity building matters."
        await node_reaches(node, ["ws", "sio"], opened)
        await python_reaches(python, opened)
        # The Python client: its edit comes back, with the error event.
        schema.text_root(python.doc, "op1").insert(0, "Py ")
        await python.flush()
        await python_reaches(python, opened)
        await python.wait_for(
            lambda _: any(e.get("code") == "paragraph_locked" for e in python.errors)
        )
        # The chair's edit is kept everywhere.
        await officer.wait_for(lambda d: replica_state(d) == opened)
        text = schema.text_root(officer.doc, "op1")
        text.insert(len(str(text).encode()), " (as agreed)")
        await officer.flush()
        chaired = json.loads(json.dumps(opened))
        chaired["texts"]["op1"] = OP1 + " (as agreed)"
        await node_reaches(node, ["ws", "sio"], chaired)
        await python_reaches(python, chaired)
        assert officer.errors == []
    assert replica_state(server_doc(server, group)) == chaired

    # The comment on "governments" stays on its words (re-anchored in the background).
    async def on_its_words() -> dict[str, Any]:
        listed = await api.ok(
            "GET", f"/api/documents/{group.document}/comments", group.token("member")
        )
        [thread] = [c for c in listed["comments"] if c["id"] == comment["id"]]
        anchor: dict[str, Any] = thread["anchor"]
        return anchor

    for _ in range(250):  # bounded: the re-anchoring is one database write
        anchor = await on_its_words()
        if anchor.get("text") == "governments":
            break
        await asyncio.sleep(0.02)
    assert anchor["attached"] and anchor["text"] == "governments", anchor
    assert (anchor["start"], anchor["end"]) == (start, start + len("governments"))


def order_of(doc: pycrdt.Doc[Any]) -> list[str]:
    return [p.label for p in schema.paragraph_records(doc)]


class Offline:
    """A Python client behind a TCP proxy whose link the test cuts and restores."""

    def __init__(self, proxy: TcpProxy, client: DocumentClient) -> None:
        self.proxy = proxy
        self.client = client

    async def cut(self) -> None:
        gone = watch_disconnect(self.client)
        await self.proxy.cut()
        await asyncio.wait_for(gone.wait(), 15)

    async def restore(self) -> None:
        """Back online: the client reconnects, resends what it typed, durable on return."""
        await self.proxy.restore()
        await asyncio.wait_for(self.client.synced.wait(), 30)
        await self.client.flush(30)


@asynccontextmanager
async def online_and_cut_off(
    server: RunningServer, group: Group
) -> AsyncIterator[tuple[DocumentClient, Offline]]:
    """Two members on the document: one online, one synced and then cut off."""
    member = group.token("member")
    async with (
        DocumentClient(server.url, group.document, member) as online,
        TcpProxy("127.0.0.1", server.port) as proxy,
        DocumentClient(f"http://127.0.0.1:{proxy.port}", group.document, member) as client,
    ):
        b = Offline(proxy, client)
        await b.cut()
        yield online, b


async def test_offline_words_survive_a_move(server: RunningServer, group: Group) -> None:
    """B types in OP5 offline; meanwhile OP5 is moved up; B comes back: its words are
    in OP5, once, on every replica, and OP5 is where it was moved."""
    await seed(server, group)
    async with online_and_cut_off(server, group) as (online, b):
        offline = b.client
        text = schema.text_root(offline.doc, "op5")
        text.insert(len(b"Fifth"), " (26 unsent changes)")
        await move_paragraph(server.rooms, group.document, "op5", after="pp1")
        await online.wait_for(lambda d: order_of(d)[1] == "OP5")
        assert str(schema.text_root(online.doc, "op5")) == "Fifth paragraph."
        await b.restore()
        want = "Fifth (26 unsent changes) paragraph."
        order = ["PP1", "OP5", "OP1", "OP2", "OP3", "OP4", "OP6"]
        await everywhere(
            [online, offline],
            server_doc(server, group),
            lambda d: str(schema.text_root(d, "op5")) == want and order_of(d) == order,
        )


async def everywhere(
    clients: list[DocumentClient], server: pycrdt.Doc[Any], check: Callable[[Any], bool]
) -> None:
    """``check`` holds on every client's replica (awaited) and on the server's."""
    for client in clients:
        await client.wait_for(check, timeout=15)
    assert check(server)


@pytest.mark.node
async def test_offline_words_of_an_npm_client_survive_a_move(
    server: RunningServer, group: Group
) -> None:
    await seed(server, group)
    async with (
        DocumentClient(server.url, group.document, group.token("member")) as python,
        node_clients(server, group, ("ws", "B", "member"), ("sio", "A", "member")) as node,
    ):
        await node.send("offline", client="B")
        await node.expect("offline")
        await node.send("edit", client="B", paragraph="op5", at=len("Fifth"), insert=" offline")
        await node.expect("edited")
        await move_paragraph(server.rooms, group.document, "op5", after=None)
        await node.send("online", client="B")
        await node.expect("online")
        want = replica_state(server_doc(server, group))
        want["texts"]["op5"] = "Fifth offline paragraph."
        await node_reaches(node, ["A", "B"], want)
        await python_reaches(python, want)
        assert order_of(python.doc)[0] == "OP5"
    assert replica_state(server_doc(server, group)) == want


async def test_concurrent_moves_with_one_side_offline_never_duplicate(
    server: RunningServer, group: Group
) -> None:
    """Two server-side moves of OP3 while B is offline; B meanwhile edits OP3 and, as a
    stock client could, writes its own order key for it: one OP3 everywhere, where the
    server put it last, with B's words."""
    await seed(server, group)
    async with online_and_cut_off(server, group) as (online, b):
        offline = b.client
        index = schema.index(offline.doc)
        with offline.doc.transaction():
            index["op3"] = {**index["op3"], "order": "0V"}  # B's own "move" to the top
            schema.text_root(offline.doc, "op3").insert(0, "B: ")
        await move_paragraph(server.rooms, group.document, "op3", after="op5")
        await move_paragraph(server.rooms, group.document, "op3", after="op6")
        await b.restore()
        want = ["PP1", "OP1", "OP2", "OP4", "OP5", "OP6", "OP3"]
        await everywhere(
            [online, offline],
            server_doc(server, group),
            lambda d: (
                order_of(d) == want
                and str(schema.text_root(d, "op3")).startswith("B: [Alt 1")
                and [p.id for p in schema.paragraph_records(d)].count("op3") == 1
            ),
        )
