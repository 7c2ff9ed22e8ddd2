"""Meetings, sessions, stream links, transcript formats, search and the follow view.

Every group is built through the HTTP API (``tests.support.groups``), every
person acts with the token their invitation link gave them, and the live side
goes through real Socket.IO clients on ``/session|<id>`` and ``/yjs|<document>``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

import pycrdt
import pytest

from client import DocumentClient, FollowRefused, SessionClient
from crdt import schema, updates
from crdt.captions import NOTICE, parse
from server.rooms.manager import RoomManager
from tests.support.docs import seed_paragraphs, server_change, text_of
from tests.support.groups import TEXT_ROOT, Api, Group, build_group, invite, write_text
from tests.support.servers import RunningServer
from tests.support.sessions import (
    live_session,
    new_meeting,
    new_session,
    segment,
    session_body,
    set_status,
)

OTHER_ROLES = ("member", "observer", "follower", "captioner")


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value)


# -- 1. lifecycle and permissions ------------------------------------------------------


async def test_officers_create_meetings_and_sessions_others_cannot(api: Api, group: Group) -> None:
    meeting_body = {
        "number": 2,
        "title": "WGEC-2",
        "venue": "Geneva",
        "starts_on": "2017-01-26",
        "ends_on": "2017-01-27",
    }
    for role in OTHER_ROLES:
        refused = await api.call("POST", group.path("/meetings"), group.token(role), meeting_body)
        assert (refused.status, refused.code) == (403, "forbidden"), role
    anonymous = await api.call("POST", group.path("/meetings"), None, meeting_body)
    assert anonymous.status == 401
    assert (await api.ok("GET", group.path("/meetings"), group.token("member")))["meetings"] == []

    by_chair = await api.ok("POST", group.path("/meetings"), group.token("chair"), meeting_body)
    assert {k: by_chair[k] for k in meeting_body} == meeting_body
    assert by_chair["group_id"] == group.id
    again = await api.call("POST", group.path("/meetings"), group.token("chair"), meeting_body)
    assert (again.status, set(again.fields)) == (422, {"number"})
    backwards = await api.call(
        "POST",
        group.path("/meetings"),
        group.token("secretariat"),
        {**meeting_body, "number": 3, "starts_on": "2017-09-26", "ends_on": "2017-09-25"},
    )
    assert (backwards.status, set(backwards.fields)) == (422, {"ends_on"})
    bad = await api.call(
        "POST", group.path("/meetings"), group.token("chair"), {"number": "x", "starts_on": "soon"}
    )
    assert bad.status == 422
    assert {"number", "title", "starts_on", "ends_on"} <= set(bad.fields)

    by_secretariat = await new_meeting(api, group, 3)
    listed = await api.ok("GET", group.path("/meetings"), group.token("follower"))
    assert [m["number"] for m in listed["meetings"]] == [2, 3]

    sessions_path = f"/api/meetings/{by_secretariat['id']}/sessions"
    for role in OTHER_ROLES:
        refused = await api.call("POST", sessions_path, group.token(role), session_body())
        assert (refused.status, refused.code) == (403, "forbidden"), role
    lead = group.delegations["Kenya"]
    made = await new_session(
        api, by_secretariat, group.token("chair"), "breakout", lead_delegation_id=lead
    )
    assert made["status"] == "scheduled"
    assert made["lead_delegation_id"] == lead
    assert made["meeting_id"] == by_secretariat["id"] and made["group_id"] == group.id
    assert made["streams"] == []
    assert parse_time(made["scheduled_start"]) == parse_time("2017-01-26T09:00:00+00:00")
    informal = await new_session(api, by_secretariat, group.token("secretariat"), "informal")
    listed_sessions = await api.ok("GET", sessions_path, group.token("member"))
    assert [s["id"] for s in listed_sessions["sessions"]] == [made["id"], informal["id"]]

    invalid = await api.call(
        "POST",
        sessions_path,
        group.token("chair"),
        {
            "kind": "cocktail",
            "title": "",
            "scheduled_start": "2017-01-26T10:00:00",  # no time zone
            "scheduled_end": "tomorrow",
        },
    )
    assert invalid.status == 422
    assert set(invalid.fields) == {"kind", "title", "scheduled_start", "scheduled_end"}
    backwards_session = await api.call(
        "POST",
        sessions_path,
        group.token("chair"),
        session_body(scheduled_end="2017-01-26T08:00:00+01:00"),
    )
    assert (backwards_session.status, set(backwards_session.fields)) == (422, {"scheduled_end"})
    other = await build_group(api, group.operator, seed_text=None)
    foreign_lead = await api.call(
        "POST",
        sessions_path,
        group.token("chair"),
        session_body(lead_delegation_id=other.delegations["Brazil"]),
    )
    assert (foreign_lead.status, set(foreign_lead.fields)) == (422, {"lead_delegation_id"})
    # Officers of another group cannot touch this one's meetings.
    cross = await api.call("POST", sessions_path, other.token("chair"), session_body())
    assert (cross.status, cross.code) == (403, "forbidden")
    listed_after = await api.ok("GET", sessions_path, group.token("member"))
    assert len(listed_after["sessions"]) == 2, "refused requests created nothing"


async def test_transitions_are_recorded_and_illegal_ones_refused(api: Api, group: Group) -> None:
    meeting = await new_meeting(api, group)
    made = await new_session(api, meeting, group.token("secretariat"))
    sid = made["id"]
    transitions = f"/api/sessions/{sid}/transitions"
    assert (await api.ok("GET", transitions, group.token("member")))["transitions"] == []

    early_end = await set_status(api, sid, group.token("chair"), "ended")
    assert (early_end.status, early_end.code) == (409, "invalid_transition")
    assert early_end.error["details"] == {"status": "scheduled"}
    for role in OTHER_ROLES:
        refused = await set_status(api, sid, group.token(role), "live")
        assert (refused.status, refused.code) == (403, "forbidden"), role
    unknown = await set_status(api, sid, group.token("chair"), "paused")
    assert (unknown.status, set(unknown.fields)) == (422, {"status"})

    before = datetime.now().astimezone() - timedelta(seconds=5)
    live = await set_status(api, sid, group.token("chair"), "live")
    assert (live.status, live.body["status"]) == (200, "live")
    again = await set_status(api, sid, group.token("chair"), "live")
    assert (again.status, again.code) == (409, "invalid_transition")
    ended = await set_status(api, sid, group.token("secretariat"), "ended")
    assert (ended.status, ended.body["status"]) == (200, "ended")
    for to in ("live", "ended"):
        late = await set_status(api, sid, group.token("chair"), to)
        assert (late.status, late.code) == (409, "invalid_transition"), to
        assert late.error["details"] == {"status": "ended"}

    recorded = (await api.ok("GET", transitions, group.token("follower")))["transitions"]
    chair, secretariat = group.people["chair"], group.people["secretariat"]
    assert [(t["from"], t["to"], t["by"]) for t in recorded] == [
        ("scheduled", "live", f"person:{chair.id} {chair.name}"),
        ("live", "ended", f"person:{secretariat.id} {secretariat.name}"),
    ]
    after = datetime.now().astimezone() + timedelta(seconds=5)
    times = [parse_time(t["at"]) for t in recorded]
    assert all(before <= at <= after for at in times) and times[0] <= times[1]
    session = await api.ok("GET", f"/api/sessions/{sid}", group.token("observer"))
    assert session["status"] == "ended"
    audit = [e["action"] for e in await api.audit(group.id, group.token("chair"))]
    assert "session.live" in audit and "session.ended" in audit


async def test_ending_a_breakout_freezes_its_co_edited_draft(
    server: RunningServer, api: Api, group: Group
) -> None:
    meeting = await new_meeting(api, group)
    breakout = await new_session(api, meeting, group.token("chair"), "breakout")
    document = breakout["document"]
    assert document and document != group.document, "a breakout gets its own draft"
    docs = await api.ok("GET", group.path("/documents"), group.token("member"))
    assert document in [d["name"] for d in docs["documents"]]

    # Two members of the group co-edit the breakout draft live.
    second = await api.ok(
        "POST",
        group.path("/people"),
        group.token("chair"),
        {
            "name": "Delegate of Kenya",
            "role": "member",
            "delegation_id": group.delegations["Kenya"],
        },
    )
    _, kenya = await invite(api, group.id, second["id"], group.token("chair"))
    async with (
        DocumentClient(server.url, document, group.token("member"), reconnection=False) as a,
        DocumentClient(server.url, document, kenya, reconnection=False) as b,
    ):
        ta = a.doc.get(TEXT_ROOT, type=pycrdt.Text)
        ta.insert(0, "Brazil: enhanced cooperation. ")
        await a.flush()
        await b.wait_for(lambda d: "Brazil" in text_of(d))
        tb = b.doc.get(TEXT_ROOT, type=pycrdt.Text)
        tb.insert(len(tb), "Kenya: agreed.")
        await b.flush()
        await a.wait_for(lambda d: "Kenya" in text_of(d))
        assert text_of(a.doc) == text_of(b.doc) == "Brazil: enhanced cooperation. Kenya: agreed."
        assert not a.errors and not b.errors
        # An observer reads it but cannot write.
        async with DocumentClient(
            server.url, document, group.token("observer"), reconnection=False
        ) as observer:
            assert text_of(observer.doc) == text_of(a.doc)

        sid = breakout["id"]
        assert (await api.ok("GET", f"/api/sessions/{sid}/versions", group.token("chair"))) == {
            "versions": []
        }
        assert (await set_status(api, sid, group.token("chair"), "live")).status == 200
        assert (await set_status(api, sid, group.token("chair"), "ended")).status == 200
    versions = (await api.ok("GET", f"/api/sessions/{sid}/versions", group.token("member")))[
        "versions"
    ]
    assert len(versions) == 1
    (version,) = versions
    assert version["document"] == document
    assert version["number"] == 1, "the draft's first version"
    assert breakout["title"] in version["label"]
    assert version["bytes"] > len(updates.EMPTY_UPDATE)
    chair = group.people["chair"]
    assert version["created_by"] == f"person:{chair.id} {chair.name}"

    # A session with an empty draft still freezes a (small) version.
    empty = await new_session(api, meeting, group.token("chair"), "informal")
    assert (await set_status(api, empty["id"], group.token("chair"), "live")).status == 200
    assert (await set_status(api, empty["id"], group.token("chair"), "ended")).status == 200
    frozen = await api.ok("GET", f"/api/sessions/{empty['id']}/versions", group.token("chair"))
    assert [v["document"] for v in frozen["versions"]] == [empty["document"]]


async def test_plenary_works_on_an_existing_group_document(
    server: RunningServer, api: Api, group: Group
) -> None:
    meeting = await new_meeting(api, group)
    path = f"/api/meetings/{meeting['id']}/sessions"
    chair = group.token("chair")
    missing = await api.call("POST", path, chair, session_body("plenary"))
    assert (missing.status, set(missing.fields)) == (422, {"document"})
    unknown = await api.call("POST", path, chair, session_body("plenary", document="no-such-doc"))
    assert (unknown.status, set(unknown.fields)) == (422, {"document"})
    other = await build_group(api, group.operator, seed_text=None)
    foreign = await api.call("POST", path, chair, session_body("plenary", document=other.document))
    assert (foreign.status, set(foreign.fields)) == (422, {"document"})
    sessions = await api.ok("GET", path, chair)
    assert sessions["sessions"] == [], "refused plenaries created nothing"

    plenary = await new_session(api, meeting, chair, "plenary", document=group.document)
    assert plenary["document"] == group.document
    sid = plenary["id"]
    assert (await set_status(api, sid, chair, "live")).status == 200
    await write_text(server.url, group.document, group.token("member"), "Plenary text.")
    assert (await set_status(api, sid, chair, "ended")).status == 200
    (version,) = (await api.ok("GET", f"/api/sessions/{sid}/versions", chair))["versions"]
    assert version["document"] == group.document
    assert version["bytes"] > len(updates.EMPTY_UPDATE)
    # Numbered among the document's versions, and listed with them (kind session_end).
    listed = (await api.ok("GET", f"/api/documents/{group.document}/versions", chair))["versions"]
    assert [(v["number"], v["kind"], v["session_id"]) for v in listed][-1:] == [
        (version["number"], "session_end", sid)
    ]


# -- 2. stream links -----------------------------------------------------------------------


async def test_stream_links_reach_followers_live(
    server: RunningServer, api: Api, group: Group
) -> None:
    session = await live_session(api, group)
    sid, secretariat = session["id"], group.token("secretariat")
    streams = f"/api/sessions/{sid}/streams"
    video = {
        "kind": "video",
        "language": "floor",
        "url": "https://webtv.un.org/wgec-2",
        "mode": "live",
    }
    async with SessionClient(server.url, sid, group.token("follower")) as follower:
        assert follower.state["streams"] == []
        added = await api.call("POST", streams, secretariat, video)
        assert added.status == 201, added.body
        (link,) = added.body["streams"]
        assert {k: link[k] for k in video} == video
        (first,) = await follower.wait_event("stream-links")
        assert first == {"streams": added.body["streams"]}

        french = {
            "kind": "audio",
            "language": "fr",
            "url": "rtmp://media.un.org/fr",
            "mode": "live",
        }
        both = await api.ok("POST", streams, group.token("chair"), french)
        assert [s["language"] for s in both["streams"]] == ["floor", "fr"]
        await follower.wait_event("stream-links", 2)
        assert follower.of("stream-links")[1] == both

        changed = await api.call(
            "PATCH",
            f"{streams}/{link['id']}",
            secretariat,
            {"mode": "recording", "url": "https://webtv.un.org/wgec-2/recording"},
        )
        assert changed.status == 200, changed.body
        assert changed.body["streams"][0] == {
            **link,
            "mode": "recording",
            "url": "https://webtv.un.org/wgec-2/recording",
        }
        await follower.wait_event("stream-links", 3)
        assert follower.of("stream-links")[2] == changed.body

        removed = await api.call("DELETE", f"{streams}/{link['id']}", secretariat)
        assert removed.status == 200, removed.body
        assert [s["language"] for s in removed.body["streams"]] == ["fr"]
        await follower.wait_event("stream-links", 4)
        assert follower.of("stream-links")[3] == removed.body

        # Refused changes are not announced and change nothing.
        for role in OTHER_ROLES:
            refused = await api.call("POST", streams, group.token(role), video)
            assert (refused.status, refused.code) == (403, "forbidden"), role
            patch = await api.call(
                "PATCH",
                f"{streams}/{both['streams'][1]['id']}",
                group.token(role),
                {"mode": "live"},
            )
            assert (patch.status, patch.code) == (403, "forbidden"), role
            delete = await api.call(
                "DELETE", f"{streams}/{both['streams'][1]['id']}", group.token(role)
            )
            assert (delete.status, delete.code) == (403, "forbidden"), role
        bad = await api.call(
            "POST",
            streams,
            secretariat,
            {"kind": "hologram", "language": "la", "url": "ftp://files.example.org", "mode": "?"},
        )
        assert (bad.status, set(bad.fields)) == (422, {"kind", "language", "url", "mode"})
        missing = await api.call("POST", streams, secretariat, {"kind": "video"})
        assert (missing.status, set(missing.fields)) == (422, {"language", "url", "mode"})
        bad_patch = await api.call(
            "PATCH", f"{streams}/{both['streams'][1]['id']}", secretariat, {"url": "javascript:x"}
        )
        assert (bad_patch.status, set(bad_patch.fields)) == (422, {"url"})
        gone = await api.call("DELETE", f"{streams}/{link['id']}", secretariat)
        assert (gone.status, gone.code) == (404, "not_found")
        # A marker: the next announcement is the next event after the four above.
        await api.ok("POST", streams, secretariat, video)
        await follower.wait_event("stream-links", 5)
        assert len(follower.of("stream-links")) == 5, "refused changes announced nothing"
        assert [s["language"] for s in follower.of("stream-links")[4]["streams"]] == ["fr", "floor"]

    # A link of another session is not this session's to change.
    other = await live_session(api, group, number=2)
    foreign = await api.call(
        "PATCH",
        f"/api/sessions/{other['id']}/streams/{both['streams'][1]['id']}",
        secretariat,
        {"mode": "live"},
    )
    assert (foreign.status, foreign.code) == (404, "not_found")
    shown = await api.ok("GET", f"/api/sessions/{sid}", group.token("follower"))
    assert [s["language"] for s in shown["streams"]] == ["fr", "floor"]


# -- 4. transcript formats ----------------------------------------------------------------

HOUR = 3_600_000
CAPTIONS = [
    segment("c1", "Good morning, distinguished delegates.", 5_000, 9_250, speaker="Chair"),
    segment(
        "c2",
        "Brazil supports OP3\nwith the amendment proposed yesterday.",
        HOUR + 62_500,
        HOUR + 70_000,
        speaker="Brazil",
        delegation="Brazil",
    ),
    segment("c3", "[inaudible]", 2 * HOUR + 3_599_999, 3 * HOUR + 1, language="en"),
]


async def transcript_of(api: Api, sid: int, token: str | None) -> list[dict[str, Any]]:
    body = await api.ok("GET", f"/api/sessions/{sid}/transcript", token)
    segments: list[dict[str, Any]] = body["segments"]
    return segments


def cue_tuples(text: str) -> list[tuple[int, int, str, str]]:
    return [(c.start_ms, c.end_ms, c.text, c.speaker) for c in parse(text)]


async def test_export_vtt_srt_txt(api: Api, group: Group) -> None:
    session = await live_session(api, group)
    sid, captioner = session["id"], group.token("captioner")
    stored = await api.ok(
        "POST", f"/api/sessions/{sid}/transcript", captioner, {"segments": CAPTIONS}
    )
    assert [s["text"] for s in stored["segments"]] == [c["text"] for c in CAPTIONS]

    vtt = await api.call("GET", f"/api/sessions/{sid}/transcript.vtt", group.token("follower"))
    assert vtt.status == 200 and vtt.headers["Content-Type"].startswith("text/vtt")
    assert vtt.body.startswith("WEBVTT\n")
    assert NOTICE in vtt.body
    assert "00:00:05.000 --> 00:00:09.250\n<v Chair>Good morning, distinguished delegates." in (
        vtt.body
    )
    assert (
        "01:01:02.500 --> 01:01:10.000\n<v Brazil>Brazil supports OP3\n"
        "with the amendment proposed yesterday." in vtt.body
    )
    assert "02:59:59.999 --> 03:00:00.001\n[inaudible]" in vtt.body
    assert cue_tuples(vtt.body) == [
        (5_000, 9_250, "Good morning, distinguished delegates.", "Chair"),
        (HOUR + 62_500, HOUR + 70_000, CAPTIONS[1]["text"], "Brazil"),
        (2 * HOUR + 3_599_999, 3 * HOUR + 1, "[inaudible]", ""),
    ]

    srt = await api.call("GET", f"/api/sessions/{sid}/transcript.srt", group.token("member"))
    assert srt.status == 200 and srt.headers["Content-Type"].startswith("application/x-subrip")
    assert srt.body.startswith("1\n00:00:05,000 --> 00:00:09,250\n")
    assert (
        "2\n01:01:02,500 --> 01:01:10,000\nBrazil supports OP3\n"
        "with the amendment proposed yesterday.\n" in srt.body
    )
    assert "3\n02:59:59,999 --> 03:00:00,001\n[inaudible]\n" in srt.body
    assert [c[:3] for c in cue_tuples(srt.body)] == [c[:3] for c in cue_tuples(vtt.body)]

    txt = await api.call("GET", f"/api/sessions/{sid}/transcript.txt", group.token("observer"))
    assert txt.status == 200 and txt.headers["Content-Type"].startswith("text/plain")
    assert txt.body.splitlines()[0] == NOTICE
    assert "[00:00:05.000] Chair: Good morning, distinguished delegates." in txt.body
    assert "[01:01:02.500] Brazil: Brazil supports OP3\nwith the amendment" in txt.body
    assert "[02:59:59.999] [inaudible]" in txt.body

    unknown = await api.call("GET", f"/api/sessions/{sid}/transcript.docx", group.token("chair"))
    assert unknown.status == 404
    # Anonymous export follows the group's public_follow (on for this group).
    anonymous = await api.call("GET", f"/api/sessions/{sid}/transcript.vtt")
    assert anonymous.status == 200


async def test_export_of_a_segment_with_a_blank_line_round_trips(api: Api, group: Group) -> None:
    source = await live_session(api, group)
    target = await live_session(api, group, number=2)
    text = "First paragraph of the statement.\n\nSecond paragraph."
    await api.ok(
        "POST",
        f"/api/sessions/{source['id']}/transcript",
        group.token("captioner"),
        {"segments": [segment("p", text, 1000, 5000)]},
    )
    for fmt in ("vtt", "srt"):
        exported = await api.call(
            "GET", f"/api/sessions/{source['id']}/transcript.{fmt}", group.token("chair")
        )
        imported = await api.call(
            "POST",
            f"/api/sessions/{target['id']}/transcript/import",
            group.token("captioner"),
            raw=exported.body,
            headers={"Content-Type": "text/plain"},
        )
        assert imported.status == 201, (fmt, imported.body)
        assert imported.body["count"] == 1, (fmt, imported.body)


async def import_file(api: Api, sid: int, token: str, text: str) -> Any:
    return await api.call(
        "POST",
        f"/api/sessions/{sid}/transcript/import",
        token,
        raw=text.encode(),
        headers={"Content-Type": "text/vtt"},
    )


async def test_import_round_trip_is_all_or_nothing_and_idempotent(api: Api, group: Group) -> None:
    source = await live_session(api, group)
    await api.ok(
        "POST",
        f"/api/sessions/{source['id']}/transcript",
        group.token("captioner"),
        {"segments": CAPTIONS},
    )
    exported = (
        await api.call("GET", f"/api/sessions/{source['id']}/transcript.vtt", group.token("chair"))
    ).body

    # The recording of another session is captioned after it ended.
    meeting = await new_meeting(api, group, 2)
    target = await new_session(api, meeting, group.token("chair"))
    tid = target["id"]
    scheduled = await import_file(api, tid, group.token("captioner"), exported)
    assert (scheduled.status, scheduled.code) == (409, "invalid_transition")
    for status in ("live", "ended"):
        assert (await set_status(api, tid, group.token("chair"), status)).status == 200
    for role in ("member", "observer", "follower"):
        refused = await import_file(api, tid, group.token(role), exported)
        assert (refused.status, refused.code) == (403, "forbidden"), role
    assert (await import_file(api, tid, None, exported)).status == 401

    malformed = (
        "WEBVTT\n"
        "\n"
        "00:00:01.000 --> 00:00:02.000\n"
        "A good cue.\n"
        "\n"
        "00:00:03.000 --> 00:0x:04.000\n"
        "A cue with broken timing.\n"
    )
    refused = await import_file(api, tid, group.token("captioner"), malformed)
    assert (refused.status, refused.code) == (422, "validation_failed"), refused.body
    assert "line 6" in refused.fields["file"], refused.body
    assert "timestamp" in refused.fields["file"]
    backwards = "1\n00:00:05,000 --> 00:00:04,000\nEnds before it starts.\n"
    refused = await import_file(api, tid, group.token("captioner"), backwards)
    assert refused.status == 422 and "line 2" in refused.fields["file"], refused.body
    no_timing = "WEBVTT\n\nintro\nno timing here\n"
    refused = await import_file(api, tid, group.token("captioner"), no_timing)
    assert refused.status == 422 and "line 3" in refused.fields["file"], refused.body
    assert await transcript_of(api, tid, group.token("chair")) == [], "nothing stored"

    imported = await import_file(api, tid, group.token("captioner"), exported)
    assert imported.status == 201, imported.body
    assert imported.body["count"] == len(CAPTIONS)
    again = await import_file(api, tid, group.token("secretariat"), exported)
    assert again.status == 201, again.body
    assert [s["id"] for s in again.body["segments"]] == [s["id"] for s in imported.body["segments"]]
    stored = await transcript_of(api, tid, group.token("chair"))
    assert len(stored) == len(CAPTIONS), "importing the same file twice adds nothing"
    re_exported = (
        await api.call("GET", f"/api/sessions/{tid}/transcript.vtt", group.token("chair"))
    ).body
    assert cue_tuples(re_exported) == cue_tuples(exported)
    assert re_exported == exported

    # SRT imports too (no speakers in SRT).
    srt = (await api.call("GET", f"/api/sessions/{source['id']}/transcript.srt", None)).body
    third = await live_session(api, group, number=3)
    from_srt = await import_file(api, third["id"], group.token("captioner"), srt)
    assert from_srt.status == 201 and from_srt.body["count"] == len(CAPTIONS), from_srt.body
    assert [(s["start_ms"], s["end_ms"], s["text"]) for s in from_srt.body["segments"]] == [
        (c["start_ms"], c["end_ms"], c["text"]) for c in CAPTIONS
    ]


# -- 5. search ------------------------------------------------------------------------------


async def test_search_spans_the_groups_sessions_only(api: Api, group: Group) -> None:
    first = await live_session(api, group)
    second = await live_session(api, group, number=2, title="Breakout on capacity building")
    other = await build_group(api, group.operator, seed_text=None)
    foreign = await live_session(api, other)
    texts = {
        first["id"]: ["Enhanced cooperation requires capacity building.", "Tea break at 11."],
        second["id"]: ["Capacity building in developing countries; 100% agreed."],
    }
    for sid, lines in texts.items():
        await api.ok(
            "POST",
            f"/api/sessions/{sid}/transcript",
            group.token("captioner"),
            {"segments": [segment(f"k{i}", t, i * 1000) for i, t in enumerate(lines)]},
        )
    await api.ok(
        "POST",
        f"/api/sessions/{foreign['id']}/transcript",
        other.token("captioner"),
        {"segments": [segment("x", "Capacity building elsewhere.", 0)]},
    )

    def search(q: str) -> str:
        return group.path(f"/transcripts/search?q={quote(q)}")

    found = await api.ok("GET", search("CAPACITY building"), group.token("follower"))
    assert found["notice"] == NOTICE
    assert [(r["session_id"], r["text"]) for r in found["results"]] == [
        (first["id"], texts[first["id"]][0]),
        (second["id"], texts[second["id"]][0]),
    ]
    assert found["results"][1]["session_title"] == "Breakout on capacity building"
    both_words = await api.ok("GET", search("developing capacity"), group.token("member"))
    assert [r["session_id"] for r in both_words["results"]] == [second["id"]]
    percent = await api.ok("GET", search("100%"), group.token("member"))
    assert len(percent["results"]) == 1
    assert (await api.ok("GET", search("1_0"), group.token("member")))["results"] == []
    assert (await api.ok("GET", search("nothing-like-this"), group.token("chair")))["results"] == []
    empty = await api.call("GET", search("   "), group.token("member"))
    assert (empty.status, set(empty.fields)) == (422, {"q"})
    cross = await api.call("GET", search("capacity"), other.token("member"))
    assert (cross.status, cross.code) == (403, "forbidden")
    # The other group's search sees only its own segment.
    theirs = await api.ok("GET", other.path("/transcripts/search?q=capacity"), other.token("chair"))
    assert [r["session_id"] for r in theirs["results"]] == [foreign["id"]]


# -- 6. follow ------------------------------------------------------------------------------


async def write_paragraphs(rooms: RoomManager, document: str) -> None:
    """The rolling text, written server-side (clients may not write the index)."""

    def title(doc: Any) -> None:
        schema.init_document(doc, title="Rolling text", kind="rolling")

    await server_change(rooms, document, title)
    await seed_paragraphs(
        rooms,
        document,
        [
            schema.ParagraphSpec("OP1", "A", "recommendation", "Enhance cooperation [among all]."),
            schema.ParagraphSpec("OP2", "B", "recommendation", "Build capacity."),
        ],
    )


async def test_follow_gives_everything_http_and_socketio(
    server: RunningServer, api: Api, group: Group
) -> None:
    await write_paragraphs(server.rooms, group.document)
    session = await live_session(api, group, "plenary", document=group.document)
    sid = session["id"]
    stream = {"kind": "video", "language": "en", "url": "https://webtv.un.org/en", "mode": "live"}
    await api.ok("POST", f"/api/sessions/{sid}/streams", group.token("secretariat"), stream)
    await api.ok(
        "POST",
        f"/api/sessions/{sid}/transcript",
        group.token("captioner"),
        {"segments": CAPTIONS[:2]},
    )

    followed = await api.ok("GET", f"/api/sessions/{sid}/follow", group.token("follower"))
    assert followed["session"]["id"] == sid and followed["session"]["status"] == "live"
    assert [{k: s[k] for k in stream} for s in followed["streams"]] == [stream]
    assert followed["transcript"]["notice"] == NOTICE
    assert [s["text"] for s in followed["transcript"]["segments"]] == [
        c["text"] for c in CAPTIONS[:2]
    ]
    assert followed["transcript"]["upto"] == followed["transcript"]["segments"][-1]["id"]
    assert [(p["label"], p["text"]) for p in followed["draft"]["paragraphs"]] == [
        ("OP1", "Enhance cooperation [among all]."),
        ("OP2", "Build capacity."),
    ]
    assert followed["live"] == {"socketio_namespace": f"/session|{sid}"}

    async with SessionClient(server.url, sid, group.token("follower")) as follower:
        assert follower.names()[:2] == ["session-state", "transcript-history"]
        state = follower.state
        assert state["session"]["status"] == "live"
        assert state["transcript_notice"] == NOTICE
        assert [{k: s[k] for k in stream} for s in state["streams"]] == [stream]
        history = follower.of("transcript-history")[0]
        assert history == {
            "segments": followed["transcript"]["segments"],
            "upto": followed["transcript"]["upto"],
        }
        await follower.draft_synced.wait()
        # The document as synced is the draft served (the document-wide bracket
        # counts are the API's own summary).
        draft = {k: v for k, v in followed["draft"].items() if k != "brackets"}
        assert schema.to_plain(follower.doc) == draft

        # The draft stays live: a member's edit reaches the follow connection.
        async with DocumentClient(
            server.url, group.document, group.token("member"), reconnection=False
        ) as member:
            para_id = schema.to_plain(member.doc)["paragraphs"][1]["id"]
            text = schema.paragraph_text(member.doc, para_id)
            text.insert(len(text), " Now.")
            await member.flush()
        await follower.wait_draft(
            lambda d: schema.to_plain(d)["paragraphs"][1]["text"] == "Build capacity. Now."
        )
        assert (await set_status(api, sid, group.token("chair"), "ended")).status == 200
        (status,) = await follower.wait_event("session-status")
        assert status == {"status": "ended"}


async def test_anonymous_follow_needs_public_follow(
    server: RunningServer, api: Api, group: Group
) -> None:
    public = await live_session(api, group)
    closed_group = await build_group(api, group.operator, public_follow=False, seed_text=None)
    closed = await live_session(api, closed_group)
    for path in ("/follow", "", "/transcript", "/transcript.vtt", "/transitions", "/versions"):
        refused = await api.call("GET", f"/api/sessions/{closed['id']}{path}")
        assert (refused.status, refused.code) == (401, "unauthenticated"), path
        allowed = await api.call("GET", f"/api/sessions/{public['id']}{path}")
        assert allowed.status == 200, (path, allowed.body)
    refused = await api.call("GET", closed_group.path("/transcripts/search?q=x"))
    assert refused.status == 401
    assert (await api.call("GET", group.path("/transcripts/search?q=x"))).status == 200
    assert (await api.call("GET", closed_group.path("/meetings"))).status == 401

    with pytest.raises(FollowRefused) as anonymous_refused:
        await SessionClient(server.url, closed["id"]).connect()
    assert anonymous_refused.value.code == "unauthenticated"
    async with SessionClient(server.url, public["id"]) as anonymous:
        assert anonymous.state["session"]["id"] == public["id"]
    # A named follower of the closed group follows it; people of another group do not.
    async with SessionClient(server.url, closed["id"], closed_group.token("follower")) as named:
        assert named.state["session"]["id"] == closed["id"]
    with pytest.raises(FollowRefused) as foreign:
        await SessionClient(server.url, closed["id"], group.token("chair")).connect()
    assert foreign.value.code == "forbidden"
    for key in ("999999", "not-a-number"):
        with pytest.raises(FollowRefused) as unknown:
            await SessionClient(server.url, key, group.token("chair")).connect()
        assert unknown.value.code == "not_found", key

    # Turning public follow off takes effect for the next anonymous request.
    await api.ok("PATCH", group.path(), group.token("chair"), {"public_follow": False})
    late = await api.call("GET", f"/api/sessions/{public['id']}/follow")
    assert late.status == 401
    with pytest.raises(FollowRefused):
        await SessionClient(server.url, public["id"]).connect()


async def test_follow_connection_cannot_write_the_draft(
    server: RunningServer, api: Api, group: Group
) -> None:
    await write_paragraphs(server.rooms, group.document)
    session = await live_session(api, group, "plenary", document=group.document)
    sid = session["id"]
    before = await api.ok("GET", f"/api/documents/{group.document}", group.token("chair"))
    # Even a member (who may edit the document on /yjs|) is read-only on the follow view.
    for token in (group.token("follower"), group.token("member"), None):
        async with SessionClient(server.url, sid, token) as follower:
            await follower.draft_synced.wait()
            room = server.rooms.loaded(group.document)
            assert room is not None
            dropped = room.stats.dropped_writes
            with follower.doc.transaction():
                schema.add_paragraph(
                    follower.doc, schema.ParagraphSpec("OP9", "C", "recommendation", "Injected.")
                )
            update = follower.doc.get_update()
            for event in ("sync-update", "sync-step-2"):
                ack = await follower.call(event, update)
                assert isinstance(ack, dict) and ack["error"]["code"] == "read_only", (event, ack)
            assert room.stats.dropped_writes == dropped + 2
            after = await api.ok("GET", f"/api/documents/{group.document}", group.token("chair"))
            assert after == before, "the follow connection changed the draft"
    assert schema.to_plain(room.doc) == {k: v for k, v in before.items() if k != "brackets"}
    async with DocumentClient(
        server.url, group.document, group.token("member"), reconnection=False
    ) as member:
        assert "Injected." not in str(schema.to_plain(member.doc))


async def test_anonymous_follow_of_a_plenary_on_a_private_document(
    server: RunningServer, api: Api, group: Group
) -> None:
    await write_paragraphs(server.rooms, group.private_document)
    session = await live_session(api, group, "plenary", document=group.private_document)
    sid = session["id"]
    anonymous = await api.call("GET", f"/api/sessions/{sid}/follow")
    leaked_http = anonymous.status == 200 and anonymous.body["draft"]["paragraphs"] != []
    leaked_sio = False
    try:
        async with SessionClient(server.url, sid) as follower:
            await follower.draft_synced.wait()
            leaked_sio = schema.to_plain(follower.doc)["paragraphs"] != []
    except FollowRefused:
        pass
    assert not leaked_http, "GET /follow gave an anonymous caller a non-public draft"
    assert not leaked_sio, "/session|<id> synced a non-public draft to an anonymous follower"


async def test_anonymous_follower_can_list_a_public_meetings_sessions(
    api: Api, group: Group
) -> None:
    session = await live_session(api, group)
    meetings = await api.call("GET", group.path("/meetings"))
    assert meetings.status == 200
    listed = await api.call("GET", f"/api/meetings/{session['meeting_id']}/sessions")
    assert listed.status == 200, listed.body
    assert [s["id"] for s in listed.body["sessions"]] == [session["id"]]


async def test_private_plenary_transcripts_are_not_searchable_by_readers_of_public_only(
    api: Api, group: Group
) -> None:
    private = await live_session(
        api, group, kind="plenary", number=7, document=group.private_document
    )
    await api.ok(
        "POST",
        f"/api/sessions/{private['id']}/transcript",
        group.token("captioner"),
        {"segments": [segment("p", "Bureau discusses the draft budget.", 0)]},
    )
    path = group.path("/transcripts/search?q=budget")
    for role in ("chair", "member"):
        found = await api.ok("GET", path, group.token(role))
        assert [r["session_id"] for r in found["results"]] == [private["id"]], role
    for role in ("observer", "follower"):
        found = await api.ok("GET", path, group.token(role))
        assert found["results"] == [], role
    anonymous = await api.ok("GET", path)  # the group follows publicly
    assert anonymous["results"] == []


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"speaker": "x" * 201}, "speaker"),
        ({"delegation": "y" * 201}, "delegation"),
        ({"language": "klingon"}, "language"),
        ({"end_ms": 2**31}, "end_ms"),
    ],
)
async def test_out_of_range_segment_fields_are_refused(
    api: Api, group: Group, extra: dict[str, Any], field: str
) -> None:
    session = await live_session(api, group)
    reply = await api.call(
        "POST",
        f"/api/sessions/{session['id']}/transcript",
        group.token("captioner"),
        {"segments": [segment("k", "Fine text.", 0, **extra)]},
    )
    assert reply.status == 422, reply.body
    assert f"segments[0].{field}" in reply.body["error"]["details"]["fields"]
    history = await api.ok("GET", f"/api/sessions/{session['id']}/transcript", group.token("chair"))
    assert history["segments"] == []
