"""Governance events live: on the document's namespace and a session's follow namespace,
in order, history then live with no gap and no duplicate after a reconnect; status
proposals reach only members and officers."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from client import DocumentClient, SessionClient
from tests.support.groups import Api, Group
from tests.support.paragraphs import Recorder, doc_path, seed
from tests.support.servers import RunningServer
from tests.support.sessions import live_session


@pytest.fixture
def seed_text() -> None:
    return None


async def status(api: Api, group: Group, pid: str, value: str, **extra: Any) -> dict[str, Any]:
    path = doc_path(group.document, f"/paragraphs/{pid}/status")
    made: dict[str, Any] = await api.ok(
        "POST", path, group.token("chair"), {"status": value, **extra}
    )
    return made


async def last_decision(api: Api, group: Group) -> int:
    got = await api.ok("GET", doc_path(group.document, "/decisions"), group.token("chair"))
    return int(got["decisions"][-1]["id"])


async def test_member_and_follower_see_status_changes_in_order(
    server: RunningServer, api: Api, group: Group
) -> None:
    ids = await seed(api, group)
    session = await live_session(api, group, "plenary", document=group.document)
    member = DocumentClient(server.url, group.document, group.token("member"), reconnection=False)
    on_doc = Recorder(member.sio, member.namespace)
    follower = SessionClient(server.url, session["id"], group.token("follower"))
    on_follow = Recorder(follower.sio, follower.namespace)
    async with member, follower:
        await on_doc.wait_for(lambda r: bool(r.of("paragraphs-state")))
        await on_follow.wait_for(lambda r: bool(r.of("paragraphs-state")))
        for value in ("agreed_ad_ref", "agreed", "to_be_revisited"):
            await status(api, group, ids["OP3"], value, session=session["id"])
        final = await last_decision(api, group)
        for recorder in (on_doc, on_follow):
            await recorder.wait_decision(final)
            changed = recorder.of("paragraph-changed")
            assert [c["paragraph"]["status"] for c in changed] == [
                "agreed_ad_ref", "agreed", "to_be_revisited",
            ]  # fmt: skip
            assert [c["decision"]["session"] for c in changed] == [session["id"]] * 3
            assert recorder.decision_ids() == sorted(recorder.decision_ids())
            assert all("text" not in c["paragraph"] for c in changed)
            assert changed[0]["paragraph"]["locked"] is True


async def test_reconnect_has_no_gap_and_no_duplicate(
    server: RunningServer, api: Api, group: Group
) -> None:
    ids = await seed(api, group)
    token = group.token("member")
    first = DocumentClient(server.url, group.document, token, reconnection=False)
    seen = Recorder(first.sio, first.namespace)
    async with first:
        await status(api, group, ids["OP1"], "agreed")
        await seen.wait_decision(await last_decision(api, group))
    # Offline: a decision it must get on return.
    await status(api, group, ids["OP2"], "no_agreement")
    missed = await last_decision(api, group)
    for _ in range(3):
        # Decisions while the connection is being made (its history read): each
        # arrives exactly once, in the history or live.
        again = DocumentClient(server.url, group.document, token, reconnection=False)
        back = Recorder(again.sio, again.namespace)

        async def burst() -> None:
            for value in ("agreed", "draft") * 4:
                await status(api, group, ids["OP4"], value)

        await asyncio.gather(again.connect(), burst())
        concurrent = await last_decision(api, group)
        try:
            await back.wait_for(
                lambda r, last=concurrent: last in r.history_ids() + r.decision_ids()
            )
            await status(api, group, ids["OP5"], "agreed")
            after = await last_decision(api, group)
            await back.wait_decision(after)
            everything = back.history_ids() + back.decision_ids()
            assert missed in back.history_ids()
            assert len(everything) == len(set(everything)), everything
            assert back.decision_ids()[-1] == after
            state = back.of("paragraphs-state")[0]
            assert {p["id"]: p["status"] for p in state["paragraphs"]}[ids["OP2"]] == (
                "no_agreement"
            )
            await status(api, group, ids["OP5"], "draft")
        finally:
            await again.close()


async def test_proposals_reach_members_and_officers_only(
    server: RunningServer, api: Api, group: Group
) -> None:
    ids = await seed(api, group)
    session = await live_session(api, group, "plenary", document=group.document)
    clients: dict[str, Any] = {}
    recorders: dict[str, Recorder] = {}
    for role in ("chair", "member", "observer", "follower", "anonymous"):
        token = None if role == "anonymous" else group.token(role)
        client = DocumentClient(server.url, group.document, token, reconnection=False)  # type: ignore[arg-type]
        clients[role], recorders[role] = client, Recorder(client.sio, client.namespace)
    follow = SessionClient(server.url, session["id"], None)
    recorders["session"] = Recorder(follow.sio, follow.namespace)
    try:
        for client in clients.values():
            await client.connect()
        await follow.connect()
        for recorder in recorders.values():
            await recorder.wait_for(lambda r: bool(r.of("paragraphs-state")))
        assert "proposals" in recorders["member"].of("paragraphs-state")[0]
        assert "proposals" not in recorders["observer"].of("paragraphs-state")[0]
        proposal = await api.ok(
            "POST", doc_path(group.document, f"/paragraphs/{ids['OP3']}/proposals"),
            group.token("member"), {"status": "agreed", "reason": "Agreed informally."},
        )  # fmt: skip
        await api.ok(
            "POST", doc_path(group.document, f"/proposals/{proposal['id']}/accept"),
            group.token("chair"), {"session": session["id"]},
        )  # fmt: skip
        accepted = await last_decision(api, group)
        for recorder in recorders.values():
            await recorder.wait_decision(accepted)  # published after both proposal events
        for role in ("chair", "member"):
            states = [p["proposal"]["state"] for p in recorders[role].of("proposal-changed")]
            assert states == ["pending", "accepted"], role
        for role in ("observer", "follower", "anonymous", "session"):
            assert recorders[role].of("proposal-changed") == [], role
    finally:
        for client in clients.values():
            await client.close()
        await follow.close()
