"""Who typed every character, and each delegation's colour, with real servers and clients.

Brazil's delegate types through the Python client, Sweden's through a stock npm
client (y-websocket or y-socket.io); the server records who sent every update and
maps each Yjs client id to its person. ``GET /api/documents/{d}/authors`` gives
that map and the delegations' colours; after compaction every character of the
text is still attributed to the delegation that typed it, walking the characters'
own Yjs ids. Presence wears the delegation's colour, so Brazil's and Sweden's
cursors differ for everyone.
"""

from __future__ import annotations

import json
from typing import Any

import pycrdt
import pytest
from sqlalchemy import select

from client import DocumentClient
from crdt import updates
from crdt.anchors import char_ids
from crdt.awareness import AwarenessEntry, decode_update, encode_update
from server.groups.colours import NEUTRAL, PALETTE
from server.keys import ENGINE
from server.storage import Document, DocumentUpdate
from tests.support.docs import TEXT_ROOT
from tests.support.groups import (
    DELEGATIONS,
    SEED_TEXT,
    Api,
    Group,
    Person,
    add_person,
    build_group,
)
from tests.support.node import NodeDriver
from tests.support.servers import RunningServer

pytestmark = [pytest.mark.node, pytest.mark.timeout(120)]

STEP_MS = 20_000


async def add_sweden(api: Api, group: Group) -> Person:
    """Sweden joins the group after Brazil (so it comes later in the palette)."""
    made = await api.ok(
        "POST",
        group.path("/delegations"),
        group.operator,
        {"name": "Sweden", "stakeholder_group": "member_states"},
    )
    return await add_person(
        api,
        group.id,
        group.token("chair"),
        name="Delegate of Sweden",
        role="member",
        delegation_id=made["id"],
    )


def npm_client(server: RunningServer, group: Group, kind: str, who: Person) -> NodeDriver:
    return NodeDriver(
        "authors.mjs",
        {
            "port": server.port,
            "doc": group.document,
            "kind": kind,
            "name": f"sweden-{kind}",
            "token": who.token,
            "root": TEXT_ROOT,
            "stepTimeoutMs": STEP_MS,
            "deadlineMs": 90_000,
        },
    )


def text_of(client: DocumentClient) -> str:
    return str(client.doc.get(TEXT_ROOT, type=pycrdt.Text))


def typing(client: DocumentClient, after: str, words: str) -> None:
    """Type ``words`` after the text's first characters ``after`` (pycrdt counts
    UTF-8 bytes)."""
    text = client.doc.get(TEXT_ROOT, type=pycrdt.Text)
    assert str(text).startswith(after)
    text.insert(len(after.encode()), words)


async def authors(api: Api, group: Group, token: str | None) -> dict[str, Any]:
    body: dict[str, Any] = await api.ok("GET", f"/api/documents/{group.document}/authors", token)
    return body


def by_client(body: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {a["client_id"]: a for a in body["authors"]}


async def log_row_authors(server: RunningServer, document: str) -> set[int | None]:
    assert server.app is not None
    async with server.app[ENGINE].connect() as connection:
        rows = await connection.execute(
            select(DocumentUpdate.author_id)
            .join(Document, Document.id == DocumentUpdate.document_id)
            .where(Document.name == document)
        )
        return {row[0] for row in rows}


@pytest.mark.parametrize("kind", ["ws", "sio"])
async def test_every_character_is_attributed_to_its_delegation_after_compaction(
    server: RunningServer, api: Api, group: Group, kind: str
) -> None:
    sweden = await add_sweden(api, group)
    brazil = group.people["member"]
    chair = group.people["chair"]
    first, inserted = "We recommend that governments — «on an equal footing» — ", "fully "
    swedish = "[enhance] cooperation för alla 🌍."
    async with DocumentClient(server.url, group.document, brazil.token) as py:
        await py.wait_for(lambda _: text_of(py) == SEED_TEXT)
        typing(py, SEED_TEXT, first)
        await py.flush()
        async with npm_client(server, group, kind, sweden) as node:
            node_id = (await node.expect("ready"))["clientID"]
            await node.send("type", after=SEED_TEXT + first, text=swedish)
            await node.expect("typed")
            # Brazil types inside Sweden's words: "[enhance] |fully |cooperation ..."
            await py.wait_for(lambda _: text_of(py).endswith(swedish))
            typing(py, SEED_TEXT + first + "[enhance] ", inserted)
            await py.flush()  # durable, and so is Sweden's update, stored before it
            # Every stored update names its sender.
            assert {brazil.id, sweden.id} <= await log_row_authors(server, group.document)
            await node.send("bye")
        py_id = py.doc.client_id

    shown = by_client(await authors(api, group, group.token("follower")))
    pairs = {k: (v["person_id"], v["delegation"]) for k, v in shown.items()}
    assert pairs.items() >= {py_id: (brazil.id, "Brazil"), node_id: (sweden.id, "Sweden")}.items()
    assert shown[py_id]["name"] == "Delegate of Brazil"
    assert shown[node_id]["name"] == "Delegate of Sweden"

    # Compaction folds every log row away; the map stays.
    room = server.rooms.loaded(group.document)
    if room is not None:
        await room.flush()
    await server.store.compact(group.document)
    stored = await server.store.load(group.document)
    assert stored is not None and stored.snapshot is not None and stored.updates == []
    after = await authors(api, group, group.token("follower"))
    assert by_client(after) == shown

    # Walk the characters' own Yjs ids in the stored text: each one's delegation.
    text = updates.doc_from_updates(stored.parts).get(TEXT_ROOT, type=pycrdt.Text)
    final = SEED_TEXT + first + "[enhance] " + inserted + swedish[len("[enhance] ") :]
    assert str(text) == final
    owners = by_client(after)
    who = [owners[client]["delegation"] or owners[client]["name"] for client, _ in char_ids(text)]
    expected = (
        [chair.name] * len(SEED_TEXT)
        + ["Brazil"] * len(first)
        + ["Sweden"] * len("[enhance] ")
        + ["Brazil"] * len(inserted)
        + ["Sweden"] * (len(swedish) - len("[enhance] "))
    )
    assert who == expected

    # Colour by delegation: distinct, and the ones the group's palette lists.
    palette = {d["delegation"]: d["colour"] for d in after["delegations"]}
    assert owners[py_id]["colour"] == palette["Brazil"]
    assert owners[node_id]["colour"] == palette["Sweden"]
    assert palette["Brazil"] != palette["Sweden"]
    # In the order they joined the group: the seats, the admitted observer's
    # organisation, then Sweden; no two alike.
    joined = [name for name, _ in DELEGATIONS] + ["Access Now", "Sweden"]
    assert [d["delegation"] for d in after["delegations"]] == joined
    assert [d["colour"] for d in after["delegations"]] == list(PALETTE[: len(joined)])
    chair_ids = [c for c, a in owners.items() if a["person_id"] == chair.id]
    assert chair_ids and all(owners[c]["colour"] == NEUTRAL for c in chair_ids)


async def test_the_servers_own_writes_are_attributed_to_the_server(
    server: RunningServer, api: Api, group: Group
) -> None:
    async with DocumentClient(server.url, group.document, group.token("member")):
        room = server.rooms.loaded(group.document)
        assert room is not None
        await room.apply_local(lambda doc: doc.get(TEXT_ROOT, type=pycrdt.Text).insert(0, "§ "))
        shown = by_client(await authors(api, group, group.token("member")))
    assert shown[room.doc.client_id] == {
        "client_id": room.doc.client_id,
        "person_id": None,
        "name": "server",
        "delegation": None,
        "colour": NEUTRAL,
    }


async def test_a_replica_reusing_anothers_client_id_cannot_take_over_their_words(
    server: RunningServer, api: Api, group: Group
) -> None:
    sweden = await add_sweden(api, group)
    brazil = group.people["member"]
    async with DocumentClient(server.url, group.document, brazil.token) as py:
        typing(py, "", "Brazil: ")
        await py.flush()
        # Sweden's replica uses Brazil's client id (a copied state, or on purpose).
        twin: pycrdt.Doc[Any] = pycrdt.Doc(client_id=py.doc.client_id)
        async with DocumentClient(server.url, group.document, sweden.token, doc=twin) as evil:
            await evil.wait_for(lambda _: text_of(evil).startswith("Brazil: "))
            typing(evil, text_of(evil), " — Sweden")
            await evil.flush()
    shown = by_client(await authors(api, group, group.token("chair")))
    assert (shown[py.doc.client_id]["person_id"], shown[py.doc.client_id]["delegation"]) == (
        brazil.id,
        "Brazil",
    )
    assert sweden.id not in {a["person_id"] for a in shown.values()}


def users_seen(client: DocumentClient) -> dict[int, dict[str, Any]]:
    """The newest presence ``user`` of every client id this client has heard of."""
    latest: dict[int, AwarenessEntry] = {}
    for update in client.awareness_updates:
        for entry in decode_update(update):
            if entry.client_id not in latest or entry.clock >= latest[entry.client_id].clock:
                latest[entry.client_id] = entry
    users = {}
    for client_id, entry in latest.items():
        state = json.loads(entry.state) if entry.state != "null" else None
        if isinstance(state, dict) and isinstance(state.get("user"), dict):
            users[client_id] = state["user"]
    return users


@pytest.mark.parametrize("kind", ["ws", "sio"])
async def test_brazil_and_sweden_wear_different_colours_for_a_third_client(
    server: RunningServer, api: Api, group: Group, kind: str
) -> None:
    sweden = await add_sweden(api, group)
    palette = {
        d["delegation"]: d["colour"]
        for d in (await authors(api, group, group.token("chair")))["delegations"]
    }
    witness = DocumentClient(server.url, group.document, group.token("chair"))
    brazil = DocumentClient(server.url, group.document, group.people["member"].token)
    async with witness, brazil, npm_client(server, group, kind, sweden) as node:
        node_id = (await node.expect("ready"))["clientID"]
        # Brazil's client asks for Sweden's usual colour; the server decides.
        claim = {"user": {"name": "Brazil", "color": palette["Sweden"]}, "cursor": None}
        entry = AwarenessEntry(brazil.doc.client_id, 1, json.dumps(claim))
        assert await brazil.send_raw("awareness-update", encode_update([entry])) is None

        def both_seen(_: Any) -> bool:
            users = users_seen(witness)
            return brazil.doc.client_id in users and node_id in users

        await witness.wait_for(both_seen)
        users = users_seen(witness)
        seen_brazil, seen_sweden = users[brazil.doc.client_id], users[node_id]
        assert (seen_brazil["delegation"], seen_sweden["delegation"]) == ("Brazil", "Sweden")
        assert seen_brazil["color"] == palette["Brazil"]
        assert seen_sweden["color"] == palette["Sweden"]
        assert seen_brazil["color"] != seen_sweden["color"]
        assert seen_brazil["colorLight"].startswith(palette["Brazil"])
        await node.send("type", after=SEED_TEXT, text="")
        await node.expect("typed")
        await node.send("bye")


async def test_the_authors_of_a_document_are_shown_to_its_readers_only(
    server: RunningServer, api: Api, group: Group
) -> None:
    other = await build_group(api, server.token("chair", "op"), seed_text=None)

    async def status(document: str, token: str | None) -> int:
        return (await api.call("GET", f"/api/documents/{document}/authors", token)).status

    public, private = group.document, group.private_document
    for role in ("chair", "member", "observer", "follower"):
        assert await status(public, group.token(role)) == 200, role
    assert await status(public, None) == 200  # the group follows publicly
    for role in ("chair", "secretariat", "member"):
        assert await status(private, group.token(role)) == 200, role
    assert await status(private, group.token("follower")) == 403
    assert await status(private, None) == 401
    assert await status(public, other.token("chair")) == 403
    assert await status("no-such-document", server.token("chair", "op")) == 404
    # What a reader is shown: the seed's author, the chair, of no delegation.
    seeded = (await api.ok("GET", f"/api/documents/{public}/authors", None))["authors"]
    assert [(a["person_id"], a["delegation"], a["colour"]) for a in seeded] == [
        (group.people["chair"].id, None, NEUTRAL)
    ]
