"""Amendments with real servers and real clients (issue 18).

An observer's proposal is seen by nobody but its author and the officers until the
chair admits it; accepted, its words reach every replica (Python client, stock
npm y-websocket and y-socket.io clients) attributed to the observer's organisation,
and the decision names the session. A member's co-sponsored proposal bracketed
puts both alternatives in the text and in the paragraph's options. Concurrent
edits around the anchored words do not move the proposal; an edit inside them
makes it outdated. A locked paragraph takes no proposal until reopened.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pycrdt
import pytest

from client import DocumentClient
from client.session import SessionClient
from crdt import schema
from crdt.anchors import char_ids
from tests.support.amendments import LiveAmendments, amendments_path, propose, visible_ids
from tests.support.docs import replica_state, seed_paragraphs
from tests.support.groups import Api, Group, add_person, build_group
from tests.support.node import NodeDriver
from tests.support.paragraphs import by_label, content, doc_path
from tests.support.servers import RunningServer
from tests.support.sessions import live_session

pytestmark = [pytest.mark.timeout(180)]

OP1 = "Enhanced cooperation should enable governments, on an equal footing, to act."
OP2 = "Capacity building matters for developing countries."
PARAGRAPHS = (
    schema.ParagraphSpec("OP1", "A", "recommendation", OP1, id="op1", proposers=("Kenya",)),
    schema.ParagraphSpec("OP2", "A", "statement", OP2, id="op2"),
)


@pytest.fixture
def seed_text() -> None:
    return None


async def seed(server: RunningServer, group: Group) -> None:
    await seed_paragraphs(server.rooms, group.document, PARAGRAPHS)


def paragraph_text(doc: pycrdt.Doc[Any], pid: str = "op1") -> str:
    return str(schema.text_root(doc, pid))


async def server_doc(server: RunningServer, group: Group) -> pycrdt.Doc[Any]:
    """The document as the server holds it (its live room, else its stored state)."""
    doc = await server.rooms.document(group.document)
    assert doc is not None
    return doc


@asynccontextmanager
async def npm_clients(server: RunningServer, group: Group) -> AsyncIterator[NodeDriver]:
    """A y-websocket and a y-socket.io client of the member, synced."""
    config = {
        "port": server.port,
        "doc": group.document,
        "clients": [
            {"kind": kind, "name": kind, "token": group.token("member")} for kind in ("ws", "sio")
        ],
        "stepTimeoutMs": 60_000,
        "deadlineMs": 150_000,
    }
    async with NodeDriver("governed.mjs", config, timeout=90) as node:
        await node.expect("ready")
        yield node
        await node.send("bye")


async def decide(
    api: Api, group: Group, aid: int, decision: str, role: str = "chair", **body: Any
) -> Any:
    return await api.call(
        "POST",
        amendments_path(group, f"/{aid}/decide"),
        group.token(role),
        {"decision": decision, **body},
    )


@pytest.mark.node
async def test_observer_proposal_admitted_then_accepted_reaches_every_replica(
    server: RunningServer, api: Api, group: Group
) -> None:
    await seed(server, group)
    session = await live_session(api, group, "plenary", document=group.document)
    member = DocumentClient(server.url, group.document, group.token("member"), reconnection=False)
    observer = DocumentClient(
        server.url, group.document, group.token("observer"), reconnection=False
    )
    follower = SessionClient(server.url, session["id"], group.token("follower"))
    on_member = LiveAmendments(member.sio, member.namespace)
    on_observer = LiveAmendments(observer.sio, observer.namespace)
    on_follow = LiveAmendments(follower.sio, follower.namespace)
    # The follow view shows admitted proposals only, even to an officer.
    chair_follows = SessionClient(server.url, session["id"], group.token("chair"))
    on_chair_follow = LiveAmendments(chair_follows.sio, chair_follows.namespace)
    async with member, observer, follower, chair_follows, npm_clients(server, group) as node:
        await member.wait_for(lambda d: paragraph_text(d) == OP1)
        made = await propose(
            api, group, "observer", "op1", OP1, "should enable", text="shall empower",
            justification="Stronger language.",
        )  # fmt: skip
        assert made.status == 201, made.body
        aid = made.body["id"]
        assert made.body["moderation"] == "pending" and made.body["state"] == "open"
        assert made.body["proposer"]["delegation"] == "Access Now"
        assert made.body["current"] == "should enable" and not made.body["outdated"]
        await on_observer.wait_for("amendment-created", aid)
        for role in ("member", "follower"):
            assert aid not in await visible_ids(api, group, group.token(role))
        assert aid not in await visible_ids(api, group, None)
        assert aid in await visible_ids(api, group, group.token("secretariat"))
        hidden = await api.call("GET", amendments_path(group, f"/{aid}"), group.token("member"))
        assert hidden.status == 404

        admitted = await api.ok(
            "POST", amendments_path(group, f"/{aid}/admit"), group.token("chair"), {}
        )
        assert admitted["moderation"] == "visible"
        for live in (on_member, on_follow, on_chair_follow):
            await live.wait_for("amendment-created", aid, moderation="visible")
            # Nothing about it reached them before it was admitted.
            assert [name for name, _ in live.about(aid)] == ["amendment-created"]
        assert aid in await visible_ids(api, group, group.token("follower"))

        decided = await decide(api, group, aid, "accept", session=session["id"])
        assert decided.status == 200, decided.body
        assert decided.body["state"] == "accepted"
        assert decided.body["decision"]["session"] == session["id"]
        await on_member.wait_for("amendment-updated", aid, state="accepted")
        await on_follow.wait_for("amendment-updated", aid, state="accepted")

        amended = OP1.replace("should enable", "shall empower")
        assert paragraph_text(await server_doc(server, group)) == amended
        await member.wait_for(lambda d: paragraph_text(d) == amended)
        await node.send(
            "until", clients=["ws", "sio"], state=replica_state(await server_doc(server, group))
        )
        await node.expect("reached")
        await follower.wait_for(lambda: paragraph_text(follower.doc) == amended)

        # Who typed the new words: the observer's organisation.
        ids = char_ids(schema.text_root(member.doc, "op1"))
        at = amended.index("shall empower")
        clients = {ids[i][0] for i in range(at, at + len("shall empower"))}
        untouched = {ids[i][0] for i in range(at)}
    authors = await api.ok("GET", doc_path(group.document, "/authors"), group.token("member"))
    owner = {a["client_id"]: a for a in authors["authors"]}
    assert len(clients) == 1 and clients.isdisjoint(untouched)
    (client_id,) = clients
    assert owner[client_id]["delegation"] == "Access Now"
    assert owner[client_id]["person_id"] == group.people["observer"].id

    history = await api.ok("GET", doc_path(group.document, "/decisions"), group.token("member"))
    last = history["decisions"][-1]
    assert last["action"] == "amendment" and last["session"] == session["id"]
    assert last["after"]["amendment"] == aid and last["after"]["words"] == "shall empower"
    # Deciding again: refused, and the text holds the change once.
    again = await decide(api, group, aid, "accept", session=session["id"])
    assert again.status == 409 and again.code == "invalid_transition"
    assert paragraph_text(await server_doc(server, group)).count("shall empower") == 1
    # Every step is in the group's audit log, naming the amendment.
    entries = await api.audit(group.id, group.token("chair"))
    done = [e["action"] for e in entries if e["target"] == f"amendment:{aid}"]
    assert sorted(done) == ["amendment.accept", "amendment.admit", "amendment.propose"]


async def test_cosponsored_member_proposal_bracketed_keeps_both_alternatives(
    server: RunningServer, api: Api, group: Group
) -> None:
    await seed(server, group)
    kenya = await add_person(
        api, group.id, group.token("chair"), name="Delegate of Kenya", role="member",
        delegation_id=group.delegations["Kenya"],
    )  # fmt: skip
    isoc = await add_person(
        api, group.id, group.token("chair"), name="ISOC delegate", role="member",
        delegation_id=group.delegations["Internet Society"],
    )  # fmt: skip
    before = by_label(await content(api, group))["OP1"]
    made = await propose(api, group, "member", "op1", OP1, "should enable", text="may enable")
    assert made.status == 201 and made.body["moderation"] == "visible", made.body
    aid = made.body["id"]
    for who in (kenya, isoc):
        backed = await api.ok("POST", amendments_path(group, f"/{aid}/support"), who.token, {})
    assert backed["support"] == ["Internet Society", "Kenya"]
    own = await api.call(
        "POST", amendments_path(group, f"/{aid}/support"), group.token("member"), {}
    )
    assert own.status == 409

    decided = await decide(api, group, aid, "bracket", note="no consensus yet")
    assert decided.status == 200, decided.body
    assert decided.body["state"] == "bracketed"
    after = by_label(await content(api, group))["OP1"]
    assert after["text"] == OP1.replace("should enable", "[should enable] [may enable]")
    # The two alternatives side by side are one more point in brackets.
    assert after["brackets"]["count"] == before["brackets"]["count"] + 1
    assert not after["brackets"]["unbalanced"]
    options = {o["label"]: o for o in after["options"]}
    assert options["Alt 1"]["text"] == "should enable"
    assert options["Alt 1"]["proposers"] == ["Kenya"]  # the paragraph's proposers
    assert options["Alt 2"]["text"] == "may enable"
    assert options["Alt 2"]["proposers"] == ["Brazil", "Kenya", "Internet Society"]


async def test_concurrent_edits_around_keep_the_target_and_inside_make_it_outdated(
    server: RunningServer, api: Api, group: Group
) -> None:
    await seed(server, group)
    made = await propose(api, group, "member", "op1", OP1, "equal footing", text="equal basis")
    aid = made.body["id"]
    other = await propose(api, group, "member", "op2", OP2, "developing", text="least developed")
    oid = other.body["id"]
    async with (
        DocumentClient(server.url, group.document, group.token("member")) as brazil,
        DocumentClient(server.url, group.document, group.token("secretariat")) as secretariat,
    ):
        await brazil.wait_for(lambda d: paragraph_text(d) == OP1)
        await secretariat.wait_for(lambda d: paragraph_text(d) == OP1)
        # Concurrently: words typed before and right after the anchored words.
        t1, t2 = schema.text_root(brazil.doc, "op1"), schema.text_root(secretariat.doc, "op1")
        t1.insert(0, "Recalling Tunis, ")
        end = OP1.index("equal footing") + len("equal footing")
        t2.insert(end, " and mutual respect")
        await brazil.flush()
        await secretariat.flush()
        both = "Recalling Tunis, " + OP1[:end] + " and mutual respect" + OP1[end:]
        await brazil.wait_for(lambda d: paragraph_text(d) == both)
        # Inside the other proposal's words.
        t3 = schema.text_root(brazil.doc, "op2")
        t3.insert(OP2.index("developing") + 3, "XX")
        await brazil.flush()

    got = await api.ok("GET", amendments_path(group, f"/{aid}"), group.token("member"))
    assert got["current"] == "equal footing" and not got["outdated"]
    assert both[got["anchor"]["start"] : got["anchor"]["end"]] == "equal footing"
    accepted = await decide(api, group, aid, "accept")
    assert accepted.status == 200, accepted.body
    text = paragraph_text(await server_doc(server, group))
    assert text == both.replace("equal footing", "equal basis")

    stale = await api.ok("GET", amendments_path(group, f"/{oid}"), group.token("member"))
    assert stale["outdated"] and stale["current"] == "devXXeloping"
    refused = await decide(api, group, oid, "accept")
    assert refused.status == 409 and refused.code == "amendment_outdated"
    assert refused.error["details"] == {"quote": "developing", "current": "devXXeloping"}
    assert "least developed" not in paragraph_text((await server_doc(server, group)), "op2")
    confirmed = await decide(api, group, oid, "accept", confirm_outdated=True)
    assert confirmed.status == 200, confirmed.body
    assert paragraph_text((await server_doc(server, group)), "op2") == OP2.replace(
        "developing", "least developed"
    )


async def test_locked_paragraph_refuses_proposals_until_reopened(
    server: RunningServer, api: Api, group: Group
) -> None:
    await seed(server, group)
    pending = await propose(api, group, "member", "op1", OP1, "should", text="shall")
    status = doc_path(group.document, "/paragraphs/op1/status")
    await api.ok("POST", status, group.token("chair"), {"status": "agreed"})
    refused = await propose(api, group, "member", "op1", OP1, "should", text="must")
    assert refused.status == 409 and refused.code == "paragraph_locked"
    observer = await propose(api, group, "observer", "op1", OP1, "should", text="must")
    assert observer.status == 409 and observer.code == "paragraph_locked"
    # An open proposal cannot be applied to agreed language either.
    stuck = await decide(api, group, pending.body["id"], "accept")
    assert stuck.status == 409 and stuck.code == "paragraph_locked"
    assert paragraph_text(await server_doc(server, group)) == OP1
    still = await api.ok(
        "GET", amendments_path(group, f"/{pending.body['id']}"), group.token("chair")
    )
    assert still["state"] == "open"

    await api.ok("POST", status, group.token("chair"), {"status": "draft"})
    allowed = await propose(api, group, "member", "op1", OP1, "should", text="must")
    assert allowed.status == 201, allowed.body
    done = await decide(api, group, pending.body["id"], "accept")
    assert done.status == 200
    assert paragraph_text(await server_doc(server, group)) == OP1.replace("should", "shall")


async def test_racing_decisions_apply_a_proposal_once(
    server: RunningServer, api: Api, group: Group
) -> None:
    await check_racing_decisions(server, api, group)


@pytest.mark.postgres
async def test_racing_decisions_apply_a_proposal_once_on_postgres(
    pg_server: RunningServer,
) -> None:
    async with Api.open(pg_server.url) as api:
        group = await build_group(api, pg_server.token("chair", "op"), seed_text=None)
        await check_racing_decisions(pg_server, api, group)


async def check_racing_decisions(server: RunningServer, api: Api, group: Group) -> None:
    await seed(server, group)
    made = await propose(api, group, "member", "op2", OP2, "matters", text="is vital")
    aid = made.body["id"]
    verdicts = ["accept", "bracket", "accept", "reject", "accept", "bracket"]
    replies = await asyncio.gather(
        *(
            decide(api, group, aid, verdict, role=("chair", "secretariat")[i % 2])
            for i, verdict in enumerate(verdicts)
        )
    )
    won = [r for r in replies if r.status == 200]
    assert len(won) == 1, [(r.status, r.body) for r in replies]
    assert {r.code for r in replies if r.status != 200} == {"invalid_transition"}
    text = paragraph_text((await server_doc(server, group)), "op2")
    state = won[0].body["state"]
    if state == "accepted":
        assert text == OP2.replace("matters", "is vital")
    elif state == "bracketed":
        assert text == OP2.replace("matters", "[matters] [is vital]")
    else:
        assert text == OP2
    history = await api.ok("GET", doc_path(group.document, "/decisions"), group.token("member"))
    assert [
        d["after"]["amendment"] for d in history["decisions"] if d["action"] == "amendment"
    ] == ([] if state == "rejected" else [aid])
