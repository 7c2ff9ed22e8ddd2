"""Stock npm Yjs providers (y-websocket, y-socket.io) against the real server.

Each test runs a driver script from tests/node in a Node.js subprocess (JSON lines
on stdout/stdin, see tests/node/lib.mjs) next to the in-process server, sometimes
with a Python ``DocumentClient`` editing the same document at the same time.
"""

from __future__ import annotations

import asyncio
import base64
import json
import random
import re
from collections.abc import Callable
from contextlib import AsyncExitStack
from typing import Any

import pycrdt
import pytest

from client import DocumentClient
from crdt.awareness import AwarenessEntry, decode_update, encode_update
from crdt.encoding import Reader
from server.rooms.room import Room
from tests.support.docs import text_of as text
from tests.support.node import NodeDriver
from tests.support.servers import RunningServer

pytestmark = [pytest.mark.node, pytest.mark.timeout(300)]

STEP_TIMEOUT_MS = 60_000  # a hang guard: a busy machine needed more than 20 s
MARKER = re.compile(r"<[^<>]*>")


def text_is(expected: str) -> Callable[[pycrdt.Doc[Any]], bool]:
    return lambda doc: text(doc) == expected


def ymap(doc: pycrdt.Doc[Any]) -> dict[str, Any]:
    return doc.get("m", type=pycrdt.Map).to_py() or {}


def markers(s: str) -> list[str]:
    return MARKER.findall(s)


def room(server: RunningServer, name: str) -> Room:
    loaded = server.rooms.loaded(name)
    assert loaded is not None, f"room {name} is not loaded"
    return loaded


async def announce(client: DocumentClient, name: str) -> None:
    """Publish ``user: {name}`` as this Python client's awareness state."""
    state = json.dumps({"user": {"name": name}})
    update = encode_update([AwarenessEntry(client.doc.client_id, 1, state)])
    await client.sio.emit("awareness-update", update, namespace=client.namespace)


def names_seen(client: DocumentClient) -> set[str]:
    latest: dict[int, tuple[int, str]] = {}
    for update in client.awareness_updates:
        for entry in decode_update(update):
            if entry.client_id not in latest or latest[entry.client_id][0] <= entry.clock:
                latest[entry.client_id] = (entry.clock, entry.state)
    names = set()
    for _, state in latest.values():
        parsed = json.loads(state)
        if isinstance(parsed, dict) and isinstance(parsed.get("user"), dict):
            names.add(parsed["user"]["name"])
    return names


def safe_positions(s: str) -> list[int]:
    inside = {i for m in MARKER.finditer(s) for i in range(m.start() + 1, m.end())}
    return [i for i in range(len(s) + 1) if i not in inside]


def filler_indices(s: str) -> list[int]:
    in_marker = {i for m in MARKER.finditer(s) for i in range(m.start(), m.end())}
    return [i for i in range(len(s)) if i not in in_marker]


async def python_edits(client: DocumentClient, name: str, count: int, seed: int) -> None:
    """The same edit mix as tests/node/lib.mjs ``randomEdits``, from pycrdt."""
    rnd = random.Random(seed)
    ytext = client.doc.get("t", type=pycrdt.Text)
    ymap_ = client.doc.get("m", type=pycrdt.Map)
    for i in range(count):
        ytext.insert(rnd.choice(safe_positions(str(ytext))), f"<{name}:{i}>")
        if rnd.random() < 0.6:
            filler = "".join(
                rnd.choice("abcdefghijklmnopqrstuvwxyz ") for _ in range(rnd.randint(1, 6))
            )
            ytext.insert(rnd.choice(safe_positions(str(ytext))), filler)
        if rnd.random() < 0.4:
            fillers = filler_indices(str(ytext))
            if fillers:
                start = rnd.choice(fillers)
                length = 1
                limit = rnd.randint(1, 4)
                while length < limit and start + length in fillers:
                    length += 1
                del ytext[start : start + length]
        if rnd.random() < 0.3:
            ymap_["last"] = f"{name}:{i}"
        ymap_[name] = i + 1  # last op of a step: advances the clock after any delete
        await asyncio.sleep(rnd.uniform(0, 0.003))  # interleave with remote updates


def config(
    server: RunningServer, doc: str, clients: list[dict[str, str]], **extra: Any
) -> dict[str, Any]:
    return {
        "port": server.port,
        "doc": doc,
        "clients": clients,
        "stepTimeoutMs": STEP_TIMEOUT_MS,
        "deadlineMs": 90_000,
        **extra,
    }


def node_client(
    server: RunningServer, kind: str, name: str, role: str = "member"
) -> dict[str, str]:
    return {"kind": kind, "name": name, "token": server.token(role, name)}


async def test_mixed_clients_converge(server: RunningServer) -> None:
    doc = "mixed"
    edits = 40
    node_specs = [node_client(server, "ws", f"ws{i}") for i in range(3)]
    node_specs += [node_client(server, "sio", f"sio{i}") for i in range(3)]
    node_names = [c["name"] for c in node_specs]
    all_names = [*node_names, "py"]
    async with DocumentClient(server.url, doc, server.token("member", "py")) as py:
        await announce(py, "py")
        cfg = config(
            server, doc, node_specs, edits=edits, seed=7, maxJitterMs=3, expectNames=all_names
        )
        async with NodeDriver("converge.mjs", cfg) as node:
            await node.expect("ready")
            await node.send("go")
            await python_edits(py, "py", edits, seed=11)
            await py.flush()
            await node.expect("edited")
            sv = base64.b64encode(py.doc.get_state()).decode()
            await node.send("settle", stateVector=sv)
            replicas = (await node.expect("converged"))["clients"]

            final = replicas[0]["text"]
            await py.wait_for(lambda d: text(d) == final, timeout=60)
            server_doc = room(server, doc).doc
            server_text = text(server_doc)
            server_map = ymap(server_doc)
            py_seen = names_seen(py)
            await node.send("bye")

    # Text: every Node replica == the Python client == the server's document.
    for replica in replicas:
        assert replica["text"] == final, replica["name"]
    assert text(py.doc) == final
    assert server_text == final

    # Every client's edits are all there: each marker exactly once, none split.
    found = markers(final)
    expected = [f"<{name}:{i}>" for name in all_names for i in range(edits)]
    assert sorted(found) == sorted(expected)
    assert len(set(found)) == len(found)

    # The map converged too: a counter per client, one last-writer-wins key.
    for replica in replicas:
        assert replica["map"] == server_map, replica["name"]
    assert ymap(py.doc) == server_map
    assert {k: v for k, v in server_map.items() if k != "last"} == {n: edits for n in all_names}

    # Presence: every Node client sees every other client on both transports (and
    # Python's), and the Python client sees every Node client.
    for replica in replicas:
        assert set(replica["names"]) == set(all_names), replica["name"]
    assert set(node_names) <= py_seen

    # No client ever got its own changes back from the server.
    for replica in replicas:
        assert replica["echoedStructs"] == 0, replica
        assert replica["received"]["update"] > 0, replica


def decode_clocks(state_vector: bytes) -> dict[int, int]:
    reader = Reader(state_vector)
    return {reader.read_var_uint(): reader.read_var_uint() for _ in range(reader.read_var_uint())}


async def test_node_followers_are_read_only(server: RunningServer) -> None:
    doc = "readonly"
    edits = 25
    members = [node_client(server, "ws", "mws"), node_client(server, "sio", "msio")]
    followers = [
        node_client(server, "ws", "fws", role="follower"),
        node_client(server, "sio", "fsio", role="follower"),
    ]
    member_names = ["mws", "msio", "py"]
    # The Python member comes first: a follower may not create a document.
    async with DocumentClient(server.url, doc, server.token("member", "py")) as py:
        cfg = config(
            server,
            doc,
            [],
            members=members,
            followers=followers,
            edits=edits,
            seed=3,
            maxJitterMs=3,
        )
        async with NodeDriver("readonly.mjs", cfg) as node:
            await node.expect("ready")
            await node.send("go")
            await python_edits(py, "py", edits, seed=5)
            await py.flush()
            await node.expect("edited")  # every follower edit has reached the server
            await node.send("settle", stateVector=base64.b64encode(py.doc.get_state()).decode())
            settled = await node.expect("settled")

            the_room = room(server, doc)
            server_text = text(the_room.doc)
            server_clocks = decode_clocks(the_room.doc.get_state())
            stats = the_room.stats
            dropped_by_name = {p.principal.name: p.dropped_writes for p in the_room.peers.values()}
            await py.wait_for(lambda d: text(d) == server_text, timeout=60)
            py_clocks = decode_clocks(py.doc.get_state())
            await node.send("bye")

    node_members, node_followers = settled["members"], settled["followers"]
    follower_ids = {f["clientID"] for f in node_followers}

    # Members (Node on both transports, Python) and the server agree, and hold no
    # follower content: no follower marker, no follower client id in any state vector.
    for member in node_members:
        assert member["text"] == server_text, member["name"]
        assert not follower_ids & {int(k) for k in member["clocks"]}, member["name"]
    assert text(py.doc) == server_text
    assert not follower_ids & set(server_clocks)
    assert not follower_ids & set(py_clocks)
    found = markers(server_text)
    assert sorted(found) == sorted(f"<{n}:{i}>" for n in member_names for i in range(edits))

    # The followers did edit locally, and got every member edit pushed to them live.
    for follower in node_followers:
        mine = [m for m in markers(follower["text"]) if m.startswith(f"<{follower['name']}:")]
        assert len(mine) == edits, follower["name"]
        assert set(found) <= set(markers(follower["text"])), follower["name"]
        assert follower["received"]["update"] > 0, follower["name"]

    # Every follower write was dropped and counted, on the room and per connection;
    # a y-websocket follower is told once, with the y-protocols permission-denied message.
    by_name = {f["name"]: f for f in node_followers}
    assert dropped_by_name["fws"] == by_name["fws"]["localUpdates"] > 0
    assert dropped_by_name["fsio"] == by_name["fsio"]["localUpdates"] > 0
    assert dropped_by_name["mws"] == dropped_by_name["msio"] == dropped_by_name["py"] == 0
    assert stats.dropped_writes == dropped_by_name["fws"] + dropped_by_name["fsio"]
    assert by_name["fws"]["permissionDenied"] == ["read-only"]
    assert not py.errors


async def test_no_echo_to_the_sender(server: RunningServer) -> None:
    edits = 30
    solos = [
        {**node_client(server, "ws", "solo-ws"), "doc": "echo-ws"},
        {**node_client(server, "sio", "solo-sio"), "doc": "echo-sio"},
    ]
    cfg = config(server, "", solos, edits=edits, seed=9, maxJitterMs=2)
    async with NodeDriver("noecho.mjs", cfg) as node:
        edited = (await node.expect("edited"))["clients"]
        # Alone on its document: the server sent nothing back while it edited.
        for solo in edited:
            assert solo["localUpdates"] >= edits, solo["name"]
            assert solo["received"]["update"] == solo["before"]["received"]["update"] == 0, solo
            assert solo["remoteUpdates"] == solo["before"]["remoteUpdates"], solo
            assert solo["received"]["step1"] == 1, solo  # only the greeting
            assert text(room(server, solo_doc(solos, solo)).doc) == solo["text"]

        # A witness joins and edits once; its update follows the same broadcast path.
        async with AsyncExitStack() as stack:
            witnesses = []
            for spec in solos:
                witness = DocumentClient(server.url, spec["doc"], server.token("member", "witness"))
                await stack.enter_async_context(witness)
                witnesses.append(witness)
                witness.doc.get("t", type=pycrdt.Text).insert(0, "<witness>")
                await witness.flush()
            await node.send("witnessed")
            done = (await node.expect("done"))["clients"]
            for witness, spec, solo in zip(witnesses, solos, done, strict=True):
                await witness.wait_for(text_is(solo["text"]))
                assert text(witness.doc) == solo["text"] == text(room(server, spec["doc"]).doc)
            await node.send("bye")

    for solo in done:
        assert solo["received"]["update"] >= 1, solo  # the witness's edit
        assert solo["echoedStructs"] == 0, solo  # and nothing of its own
        assert "<witness>" in solo["text"]


def solo_doc(solos: list[dict[str, str]], solo: dict[str, Any]) -> str:
    return next(s["doc"] for s in solos if s["name"] == solo["name"])
