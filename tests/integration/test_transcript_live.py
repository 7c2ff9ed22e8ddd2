"""The live transcript over Socket.IO ``/session|<id>``: fan-out, late joiners, corrections.

A captioner appends segments in bursts while many followers listen; every
follower must receive every segment exactly once, in order, and a follower who
joins mid-stream must see history then live with no gap and no duplicate.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from client import SessionClient
from server.settings import Settings
from tests.support.groups import Api, Group, build_group
from tests.support.servers import RunningServer, serve_in_process
from tests.support.sessions import live_session, new_meeting, new_session, segment, set_status

FOLLOWERS = 50
BURSTS = 20
BURST_SIZE = 10


def burst(number: int, size: int = BURST_SIZE, prefix: str = "seg") -> list[dict[str, Any]]:
    first = number * size
    return [
        segment(
            f"{prefix}-{first + i}",
            f"Segment {first + i}: the delegate of Kenya takes the floor.",
            (first + i) * 1500,
            speaker="Kenya",
        )
        for i in range(size)
    ]


def ack_ids(ack: Any) -> list[int]:
    assert isinstance(ack, dict) and ack.get("ok"), ack
    return [int(s["id"]) for s in ack["segments"]]


def assert_exactly_once_in_order(client: SessionClient, expected: list[int], who: str) -> None:
    ids = client.segment_ids()
    assert len(ids) == len(set(ids)), f"{who}: duplicates"
    assert ids == sorted(ids), f"{who}: out of order"
    missing = sorted(set(expected) - set(ids))
    assert not missing, f"{who}: missing {missing[:10]}"
    assert ids == expected, who


async def open_followers(url: str, sid: int, tokens: list[str | None]) -> list[SessionClient]:
    clients = [SessionClient(url, sid, token) for token in tokens]
    await asyncio.gather(*(c.connect() for c in clients))
    return clients


async def close_all(clients: list[SessionClient]) -> None:
    await asyncio.gather(*(c.close() for c in clients))


async def test_every_follower_gets_every_segment_once_in_order(
    server: RunningServer, api: Api, group: Group
) -> None:
    session = await live_session(api, group)
    sid = session["id"]
    tokens: list[str | None] = [
        group.token("follower"),
        group.token("observer"),
        group.token("member"),
        None,
    ] * (FOLLOWERS // 4) + [group.token("follower")] * (FOLLOWERS % 4)
    followers = await open_followers(server.url, sid, tokens)
    late: list[SessionClient] = []
    joining: list[asyncio.Task[None]] = []
    try:
        assert all(f.history == [] for f in followers)
        async with SessionClient(server.url, sid, group.token("captioner")) as captioner:
            acked: list[int] = []
            for number in range(BURSTS):
                if number % 2 == 0:
                    # Late joiners connect while bursts are in flight.
                    joiner = SessionClient(server.url, sid, group.token("follower"))
                    late.append(joiner)
                    joining.append(asyncio.ensure_future(joiner.connect()))
                acked += ack_ids(await captioner.append(burst(number)))
            await asyncio.gather(*joining)
            assert len(acked) == BURSTS * BURST_SIZE == len(set(acked))
            assert acked == sorted(acked)
            everyone = [*followers, *late, captioner]
            await asyncio.gather(*(c.wait_segments(len(acked)) for c in everyone))
            for index, follower in enumerate(followers):
                assert follower.history == []
                assert_exactly_once_in_order(follower, acked, f"follower {index}")
            for index, joiner in enumerate(late):
                assert_exactly_once_in_order(joiner, acked, f"late joiner {index}")
                # Seen in order: session-state, history, then only live events.
                assert joiner.names()[:2] == ["session-state", "transcript-history"]
                history = joiner.of("transcript-history")[0]
                assert history["upto"] == (
                    history["segments"][-1]["id"] if history["segments"] else 0
                )
            assert any(j.history and j.live_segments for j in late), "no joiner was mid-stream"
            assert_exactly_once_in_order(captioner, acked, "captioner")
            # The texts are the ones sent, the order is the append order.
            texts = [s["text"] for number in range(BURSTS) for s in burst(number)]
            assert [s["text"] for s in followers[0].segments] == texts
            stored = await api.ok("GET", f"/api/sessions/{sid}/transcript", group.token("chair"))
            assert [s["id"] for s in stored["segments"]] == acked
    finally:
        await close_all([*followers, *late])
        for task in joining:
            task.cancel()


async def test_pipelined_bursts_arrive_in_id_order(
    server: RunningServer, api: Api, group: Group
) -> None:
    """A feeder that does not wait for each ack before sending the next burst."""
    session = await live_session(api, group)
    sid = session["id"]
    followers = await open_followers(server.url, sid, [group.token("follower")] * 10)
    try:
        async with SessionClient(server.url, sid, group.token("captioner")) as captioner:
            acks = await asyncio.gather(*(captioner.append(burst(n)) for n in range(BURSTS)))
            acked = sorted(i for ack in acks for i in ack_ids(ack))
            assert len(acked) == BURSTS * BURST_SIZE == len(set(acked))
            await asyncio.gather(*(f.wait_segments(len(acked)) for f in followers))
            for index, follower in enumerate(followers):
                assert_exactly_once_in_order(follower, acked, f"follower {index}")
    finally:
        await close_all(followers)


async def test_late_joiners_racing_a_fast_feeder(
    server: RunningServer, api: Api, group: Group
) -> None:
    """Many joins land between commits and publishes: history + live is still exact."""
    session = await live_session(api, group)
    sid = session["id"]
    joiners: list[SessionClient] = []
    tasks: list[asyncio.Task[None]] = []
    try:
        async with SessionClient(server.url, sid, group.token("captioner")) as captioner:
            acked: list[int] = []
            for number in range(40):
                joiner = SessionClient(server.url, sid, group.token("observer"))
                joiners.append(joiner)
                tasks.append(asyncio.ensure_future(joiner.connect()))
                acked += ack_ids(await captioner.append(burst(number, size=3, prefix="fast")))
            await asyncio.gather(*tasks)
            await asyncio.gather(*(j.wait_segments(len(acked)) for j in joiners))
            for index, joiner in enumerate(joiners):
                assert_exactly_once_in_order(joiner, acked, f"joiner {index}")
            split = {len(j.history) for j in joiners}
            assert len(split) > 1, "every joiner saw the same history: no join raced the feed"
    finally:
        await close_all(joiners)


async def test_corrections_reach_followers_live(
    server: RunningServer, api: Api, group: Group
) -> None:
    session = await live_session(api, group)
    sid = session["id"]
    async with (
        SessionClient(server.url, sid, group.token("follower")) as follower,
        SessionClient(server.url, sid, group.token("captioner")) as captioner,
    ):
        ids = ack_ids(await captioner.append(burst(0, size=3)))
        await follower.wait_segments(3)
        assert [s["revision"] for s in follower.segments] == [1, 1, 1]

        fixed = await captioner.correct(ids[1], "Segment 1: the delegate of Kenya, corrected.")
        assert fixed["ok"] and fixed["segment"]["revision"] == 2
        (first,) = await follower.wait_event("transcript-correction")
        assert first["id"] == ids[1] and first["revision"] == 2
        assert first["text"] == "Segment 1: the delegate of Kenya, corrected."
        assert first["speaker"] == "Kenya"

        over_http = await api.call(
            "PATCH",
            f"/api/sessions/{sid}/transcript/{ids[1]}",
            group.token("secretariat"),
            {"text": "Segment 1: H.E. the Ambassador of Kenya.", "speaker": "Kenya (Amb.)"},
        )
        assert over_http.status == 200 and over_http.body["revision"] == 3, over_http.body
        corrections = await follower.wait_event("transcript-correction", 2)
        assert corrections[1] == over_http.body
        assert corrections[1]["speaker"] == "Kenya (Amb.)"

        # Refused corrections: wrong role, another session's segment, empty text.
        refused = await follower.correct(ids[0], "Hijacked.")
        assert refused["error"]["code"] == "forbidden"
        member = await api.call(
            "PATCH",
            f"/api/sessions/{sid}/transcript/{ids[0]}",
            group.token("member"),
            {"text": "x"},
        )
        assert (member.status, member.code) == (403, "forbidden")
        other = await live_session(api, group, number=2)
        foreign = await api.call(
            "PATCH",
            f"/api/sessions/{other['id']}/transcript/{ids[0]}",
            group.token("captioner"),
            {"text": "Wrong session."},
        )
        assert (foreign.status, foreign.code) == (404, "not_found")
        empty = await captioner.correct(ids[0], "   ")
        assert empty["error"]["code"] == "validation_failed"
        malformed = await captioner.call("transcript-correct", {"id": "one", "text": "x"})
        assert malformed["error"]["code"] == "bad_input"

        # A marker correction: nothing refused above reached the follower.
        marker = await captioner.correct(ids[2], "Segment 2: marker.")
        await follower.wait_event("transcript-correction", 3)
        assert [c["id"] for c in follower.of("transcript-correction")] == [ids[1], ids[1], ids[2]]
        assert follower.of("transcript-correction")[2] == marker["segment"]
        stored = await api.ok("GET", f"/api/sessions/{sid}/transcript", group.token("chair"))
        assert [(s["text"], s["revision"]) for s in stored["segments"]] == [
            (burst(0, size=3)[0]["text"], 1),
            ("Segment 1: H.E. the Ambassador of Kenya.", 3),
            ("Segment 2: marker.", 2),
        ]
        # A late joiner's history carries the corrected text and revision.
        async with SessionClient(server.url, sid, group.token("observer")) as late:
            assert [s["revision"] for s in late.history] == [1, 3, 2]


async def test_resends_are_recognised_not_duplicated(
    server: RunningServer, api: Api, group: Group
) -> None:
    session = await live_session(api, group)
    sid = session["id"]
    async with (
        SessionClient(server.url, sid, group.token("follower")) as follower,
        SessionClient(server.url, sid, group.token("captioner")) as captioner,
    ):
        first = ack_ids(await captioner.append(burst(0)))
        await follower.wait_segments(len(first))
        # The feeder lost the ack and resends: over Socket.IO, then over HTTP, then
        # mixed with new segments, and concurrently.
        assert ack_ids(await captioner.append(burst(0))) == first
        over_http = await api.ok(
            "POST",
            f"/api/sessions/{sid}/transcript",
            group.token("captioner"),
            {"segments": burst(0)},
        )
        assert [s["id"] for s in over_http["segments"]] == first
        mixed = burst(0)[5:] + burst(1)[:2]
        mixed_ids = ack_ids(await captioner.append(mixed))
        assert mixed_ids[:5] == first[5:] and mixed_ids[5] > first[-1]
        racing = await asyncio.gather(*(captioner.append(burst(2)) for _ in range(5)))
        assert len({tuple(ack_ids(a)) for a in racing}) == 1, "concurrent resends got other ids"
        marker = ack_ids(await captioner.append([segment("marker", "Marker.", 99_000)]))
        expected = [*first, *mixed_ids[5:], *ack_ids(racing[0]), *marker]
        await follower.wait_for(lambda: marker[0] in follower.segment_ids())
        assert_exactly_once_in_order(follower, expected, "follower")
        stored = await api.ok("GET", f"/api/sessions/{sid}/transcript", group.token("chair"))
        assert [s["id"] for s in stored["segments"]] == expected


async def test_who_may_append_and_when(server: RunningServer, api: Api, group: Group) -> None:
    meeting = await new_meeting(api, group)
    scheduled = await new_session(api, meeting, group.token("chair"))
    sid = scheduled["id"]
    path = f"/api/sessions/{sid}/transcript"
    one = {"segments": [segment("early", "Too early.", 0)]}

    early = await api.call("POST", path, group.token("captioner"), one)
    assert (early.status, early.code) == (409, "invalid_transition")
    async with SessionClient(server.url, sid, group.token("captioner")) as captioner:
        ack = await captioner.append(one["segments"])
        assert ack["error"]["code"] == "invalid_transition"
        assert ack["error"]["details"] == {"status": "scheduled"}
        assert (await set_status(api, sid, group.token("chair"), "live")).status == 200
        await captioner.wait_event("session-status")

        async with SessionClient(server.url, sid, group.token("follower")) as follower:
            for role in ("member", "observer", "follower"):
                refused = await api.call("POST", path, group.token(role), one)
                assert (refused.status, refused.code) == (403, "forbidden"), role
            assert (await api.call("POST", path, None, one)).status == 401
            refused_ack = await follower.append(one["segments"])
            assert refused_ack["error"]["code"] == "forbidden"
            (reported,) = await follower.wait_event("error")
            assert reported["code"] == "forbidden"
            async with SessionClient(server.url, sid) as anonymous:
                anonymous_ack = await anonymous.append(one["segments"])
                assert anonymous_ack["error"]["code"] == "forbidden"
            other = await build_group(api, group.operator, seed_text=None)
            cross = await api.call("POST", path, other.token("captioner"), one)
            assert (cross.status, cross.code) == (403, "forbidden")

            # Bad input is refused whole: one bad segment, nothing stored.
            bad_batch = [
                segment("ok-1", "Fine.", 0),
                segment("bad-1", "Ends before it starts.", 5000, 4000),
            ]
            invalid = await captioner.append(bad_batch)
            assert invalid["error"]["code"] == "validation_failed"
            assert "segments[1].end_ms" in invalid["error"]["details"]["fields"]
            for payload in (None, {"segments": []}, {"segments": [{"text": "no key"}]}, [1, 2]):
                malformed = await captioner.call("transcript-append", payload)
                assert malformed["error"]["code"] == "bad_input", payload
            too_long = await api.call(
                "POST", path, group.token("captioner"), {"segments": [segment("l", "x" * 5001, 0)]}
            )
            assert too_long.status == 422
            unknown = await captioner.call("transcript-delete", {"id": 1})
            assert unknown["error"]["code"] == "bad_input"

            good = ack_ids(await captioner.append(one["segments"]))
            await follower.wait_segments(1)
            assert follower.segment_ids() == good, "refused appends delivered nothing"
        assert (await set_status(api, sid, group.token("chair"), "ended")).status == 200
        late = await captioner.append([segment("late", "Too late.", 1000)])
        assert late["error"]["code"] == "invalid_transition"
        assert late["error"]["details"] == {"status": "ended"}
    stored = await api.ok("GET", path, group.token("chair"))
    assert [s["id"] for s in stored["segments"]] == good


async def test_acknowledged_segments_survive_a_restart(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", secret="restart-secret")
    async with serve_in_process(settings) as first, Api.open(first.url) as api:
        group = await build_group(api, first.token("chair", "op"), seed_text=None)
        session = await live_session(api, group)
        sid = session["id"]
        async with SessionClient(first.url, sid, group.token("captioner")) as captioner:
            acked = [i for n in range(5) for i in ack_ids(await captioner.append(burst(n)))]
    async with serve_in_process(settings) as second, Api.open(second.url) as api:
        async with SessionClient(second.url, sid, group.token("follower")) as follower:
            assert [s["id"] for s in follower.history] == acked
            assert follower.of("transcript-history")[0]["upto"] == acked[-1]
        async with SessionClient(second.url, sid, group.token("captioner")) as captioner:
            # The feeder resends everything after reconnecting: nothing is doubled.
            again = [i for n in range(5) for i in ack_ids(await captioner.append(burst(n)))]
            assert again == acked
