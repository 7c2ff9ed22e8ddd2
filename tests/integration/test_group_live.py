"""The working group's live topic (``/group|<gid>``): two real Socket.IO clients see each
other's issue-table changes and merges, and mapping-table edits, in the same order,
numbered consecutively; a reconnect replays the state then live events with no gap and
no duplicate, even while changes are being made; who may not follow is refused."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.support.groups import Api, Group
from tests.support.issues import GroupClient, GroupRefused, add_items, issues_path
from tests.support.servers import RunningServer


@pytest.fixture
def seed_text() -> None:
    return None


def live_items(client: GroupClient) -> list[tuple[str, list[int]]]:
    return [(e["action"], [i["number"] for i in e["items"]]) for e in client.of("issue-item")]


async def test_two_clients_see_each_others_changes_and_merges_in_order(
    server: RunningServer, api: Api, group: Group
) -> None:
    member = GroupClient(server.url, group.id, group.token("member"))
    secretariat = GroupClient(server.url, group.id, group.token("secretariat"))
    async with member, secretariat:
        start = member.of("group-state")[0]["seq"]
        assert secretariat.of("group-state")[0]["seq"] == start
        a, b = await add_items(api, group, "Access", "Access to ICTs", role="member")
        (c,) = await add_items(api, group, "Capacity", role="secretariat")
        await api.ok("PATCH", issues_path(group, f"/{c}"), group.token("member"),
                     {"revision": 1, "grouping": "C"})  # fmt: skip
        await api.ok("POST", issues_path(group, "/merge"), group.token("secretariat"),
                     {"into": a, "items": [b]})  # fmt: skip
        await api.ok("POST", issues_path(group, "/merge"), group.token("member"),
                     {"into": c, "items": [a]})  # fmt: skip
        last = start + 6
        for client in (member, secretariat):
            await client.wait_seq(last)
            assert client.seqs() == list(range(start + 1, last + 1))
            assert live_items(client) == [
                ("created", [a]), ("created", [b]), ("created", [c]), ("updated", [c]),
                ("merged", [a, b]), ("merged", [c, a]),
            ]  # fmt: skip
        final = member.of("issue-item")[-1]
        assert final["counts"] == {"items": 3, "merged": 2, "remaining": 1}
        assert final["items"][0]["merged_from"] == [a]
        assert member.events == secretariat.events


async def test_mapping_table_edits_reach_every_follower(
    server: RunningServer, api: Api, group: Group
) -> None:
    made = await api.ok("POST", f"/api/groups/{group.id}/correspondence", group.token("chair"),
                        {"title": "Mapping exercise",
                         "members": [group.people["member"].id]})  # fmt: skip
    cid = made["id"]
    observer = GroupClient(server.url, group.id, group.token("observer"))
    chair = GroupClient(server.url, group.id, group.token("chair"))
    async with observer, chair:
        state = observer.of("group-state")[0]
        assert [g["correspondence"]["id"] for g in state["correspondence"]] == [cid]
        area = await api.ok("POST", f"/api/correspondence/{cid}/areas", group.token("member"),
                            {"area": "Cybersecurity", "gaps": "no global forum"})  # fmt: skip
        edit = {"revision": 1, "mechanisms": "ITU, FIRST"}
        path = f"/api/correspondence/{cid}/areas/{area['id']}"
        await api.ok("PATCH", path, group.token("member"), edit)
        seq = state["seq"] + 2
        for client in (observer, chair):
            await client.wait_seq(seq)
            got = client.of("mapping-area")
            assert [(e["action"], e["area"]["revision"]) for e in got] == [
                ("created", 1),
                ("updated", 2),
            ]
            assert got[-1]["area"]["mechanisms"] == "ITU, FIRST"
            assert got[-1]["correspondence_id"] == cid


async def test_reconnect_replays_without_gap_or_duplicate(
    server: RunningServer, api: Api, group: Group
) -> None:
    token = group.token("member")
    first = GroupClient(server.url, group.id, token)
    async with first:
        (a,) = await add_items(api, group, "Before")
        await first.wait_seq(first.of("group-state")[0]["seq"] + 1)
    # Offline: a change it must find in the state on return.
    (offline,) = await add_items(api, group, "While away")
    for round_ in range(3):
        # Changes while the connection is being made: each arrives exactly once,
        # in the state or live.
        again = GroupClient(server.url, group.id, token)
        writes = asyncio.create_task(
            add_items(api, group, *(f"Racing {round_}.{i}" for i in range(4)))
        )
        await again.connect()
        made = await writes
        state = again.of("group-state")[0]
        numbers = {i["number"] for i in state["issues"]["items"]}
        assert {a, offline} <= numbers
        top = await last_seq(api, group)
        await again.wait_until(lambda c, s=state["seq"], t=top: s == t or t in c.seqs())
        live = again.seqs()
        assert live == list(range(state["seq"] + 1, top + 1))  # consecutive, once each
        seen_live = {n for e in again.of("issue-item") for n in (i["number"] for i in e["items"])}
        assert numbers | seen_live >= set(made)
        assert not numbers & seen_live  # nothing twice
        resync = await again.call("group-resync")
        assert resync["seq"] == top
        await again.close()


async def last_seq(api: Api, group: Group) -> int:
    """The group's latest event number, as a fresh follower's state says it."""
    probe = GroupClient(api.base_url, group.id, group.token("chair"))
    async with probe:
        seq: int = probe.of("group-state")[0]["seq"]
    return seq


@pytest.mark.parametrize(
    ("role", "code"),
    [("anonymous", "unauthenticated"), ("follower", "forbidden"), ("captioner", "forbidden")],
)
async def test_who_may_not_read_the_inputs_is_refused(
    server: RunningServer, group: Group, role: str, code: str
) -> None:
    token = None if role == "anonymous" else group.token(role)
    with pytest.raises(GroupRefused) as refused:
        await GroupClient(server.url, group.id, token).connect()
    assert refused.value.error.get("code") == code


async def test_an_unknown_group_and_bad_events_are_refused(
    server: RunningServer, group: Group
) -> None:
    with pytest.raises(GroupRefused) as refused:
        await GroupClient(server.url, 999_999, server.token("chair", "op")).connect()
    assert refused.value.error.get("code") == "not_found"
    async with GroupClient(server.url, group.id, group.token("member")) as client:
        answer: Any = await client.call("sync-update", b"\x00")
        assert answer["error"]["code"] == "bad_input"
        answer = await client.call("issue-create", {"issue": "not over the socket"})
        assert answer["error"]["code"] == "bad_input"
        assert client.sio.connected


async def test_a_revoked_or_demoted_reader_is_disconnected_at_once(
    server: RunningServer, api: Api, group: Group
) -> None:
    observer = GroupClient(server.url, group.id, group.token("observer"))
    member = GroupClient(server.url, group.id, group.token("member"))
    secretariat = GroupClient(server.url, group.id, group.token("secretariat"))
    async with observer, member, secretariat:
        gone = asyncio.Event()
        observer.sio.on("disconnect", gone.set, namespace=observer.namespace)
        people = group.path(f"/people/{group.people['observer'].id}")
        await api.ok("PATCH", people, group.operator, {"active": False})
        await asyncio.wait_for(gone.wait(), 10)
        demoted = asyncio.Event()
        member.sio.on("disconnect", demoted.set, namespace=member.namespace)
        people = group.path(f"/people/{group.people['member'].id}")
        await api.ok("PATCH", people, group.operator, {"role": "follower"})
        await asyncio.wait_for(demoted.wait(), 10)
        # Everyone else still follows the group.
        await add_items(api, group, "Still live", role="secretariat")
        await secretariat.wait_until(lambda c: bool(c.of("issue-item")))
        assert secretariat.sio.connected
