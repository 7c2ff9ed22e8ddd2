"""Versions of a document (issue 13): issued by officers, numbered, read back exactly
whatever happens later (edits, compaction), restored from paragraph by paragraph,
announced live (version-issued) to whoever may read the document; bad input refused
without changing anything."""

from __future__ import annotations

import asyncio
import functools
from typing import Any

import pycrdt
import pytest

from client import DocumentClient, SyncError
from crdt import schema
from tests.support.groups import Api, Group, add_person
from tests.support.live import EventRecorder
from tests.support.paragraphs import by_label, content, decisions, doc_path, seed
from tests.support.sessions import new_meeting, new_session, set_status


@pytest.fixture
def seed_text() -> None:
    return None


def versions_path(group: Group, suffix: str = "", document: str | None = None) -> str:
    return doc_path(document or group.document, "/versions" + suffix)


async def type_into(url: str, document: str, token: str, pid: str, at: int, words: str) -> None:
    """Insert ``words`` at code point ``at`` of a paragraph as a real client; durable."""
    async with DocumentClient(url, document, token, reconnection=False) as client:
        text = client.doc.get(schema.text_name(pid), type=pycrdt.Text)
        text.insert(len(str(text)[:at].encode()), words)
        await client.flush()
        assert not client.errors, client.errors


def visible(detail: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(p["label"], p["status"], p["text"]) for p in detail["paragraphs"]]


async def test_issue_list_show_reads_back_exactly(server: Any, api: Api, group: Group) -> None:
    ids = await seed(api, group)
    before = await content(api, group)
    secretariat = group.token("secretariat")
    made = await api.call("POST", versions_path(group), secretariat, {"label": " Rev.1 "})
    assert made.status == 201, made.body
    rev1 = made.body
    assert (rev1["number"], rev1["label"], rev1["kind"]) == (1, "Rev.1", "issued")
    assert rev1["paragraphs"] == len(ids) and rev1["bytes"] > 0
    officer = group.people["secretariat"]
    assert rev1["created_by"] == f"person:{officer.id} {officer.name}"

    # Later: words typed, a status changed, a paragraph deleted, an opinion, compaction.
    await type_into(server.url, group.document, group.token("member"), ids["OP1"], 0, "Brazil: ")
    chair = group.token("chair")
    await api.ok("POST", doc_path(group.document, f"/paragraphs/{ids['OP3']}/status"), chair,
                 {"status": "agreed"})  # fmt: skip
    await api.ok("POST", doc_path(group.document, f"/paragraphs/{ids['OP5']}/delete"), chair, {})
    rev2 = await api.ok("POST", versions_path(group), chair, {"label": "Rev.2"})
    assert rev2["number"] == 2 and rev2["paragraphs"] == len(ids) - 1
    await server.store.compact(group.document)

    for role in ("chair", "member", "observer", "follower"):
        one = await api.ok("GET", versions_path(group, "/1"), group.token(role))
        assert visible(one) == [
            (p["label"], p["status"], p["text"]) for p in before["paragraphs"]
        ], role
    one = await api.ok("GET", versions_path(group, "/1"), chair)
    assert (one["number"], one["version_kind"], one["kind"]) == (1, "issued", "rolling")
    assert [p["position"] for p in one["paragraphs"]] == list(range(1, len(ids) + 1))
    two = await api.ok("GET", versions_path(group, "/2"), chair)
    got = {label: (status, text) for label, status, text in visible(two)}
    assert got["OP1"][1].startswith("Brazil: ")
    assert got["OP3"][0] == "agreed" and got["OP5"][0] == "deleted"

    listed = await api.ok("GET", versions_path(group), group.token("follower"))
    assert [(v["number"], v["label"]) for v in listed["versions"]] == [(1, "Rev.1"), (2, "Rev.2")]
    entries = await api.audit(group.id, chair)
    issued = [e for e in entries if e["action"] == "version.issue"]
    assert len(issued) == 2


async def test_versions_are_numbered_once_under_concurrency(
    server: Any, api: Api, group: Group
) -> None:
    await seed(api, group)
    chair = group.token("chair")
    replies = await asyncio.gather(
        *(api.call("POST", versions_path(group), chair, {"label": f"Rev.{i}"}) for i in range(6))
    )
    assert all(r.status == 201 for r in replies), [r.body for r in replies]
    assert sorted(r.body["number"] for r in replies) == [1, 2, 3, 4, 5, 6]


async def test_restore_a_paragraph_from_a_version(server: Any, api: Api, group: Group) -> None:
    ids = await seed(api, group)
    chair, member = group.token("chair"), group.token("member")
    original = by_label(await content(api, group))["OP2"]["text"]
    await api.ok("POST", versions_path(group), chair, {"label": "Rev.1"})
    await type_into(server.url, group.document, member, ids["OP2"], 0, "Kenya: ")
    await api.ok("POST", doc_path(group.document, f"/paragraphs/{ids['OP2']}/delete"), chair, {})
    await api.ok("POST", versions_path(group), chair, {"label": "Rev.2"})
    async with DocumentClient(server.url, group.document, member, reconnection=False) as watcher:
        text = watcher.doc.get(schema.text_name(ids["OP2"]), type=pycrdt.Text)
        assert str(text).startswith("Kenya: ")
        body = {"paragraph_id": ids["OP2"]}
        for role in ("member", "observer", "follower"):
            refused = await api.call("POST", versions_path(group, "/1/restore"), group.token(role),
                                     body)  # fmt: skip
            assert (refused.status, refused.code) == (403, "forbidden"), role
        done = await api.ok("POST", versions_path(group, "/1/restore"), group.token("secretariat"),
                            body)  # fmt: skip
        assert done == {"paragraph_id": ids["OP2"], "version": 1, "status": "draft"}
        # The connected client sees the restored words live.
        await watcher.wait_for(lambda d: str(d.get(schema.text_name(ids["OP2"]), type=pycrdt.Text))
                               == original)  # fmt: skip
    after = by_label(await content(api, group))["OP2"]
    assert (after["text"], after["status"]) == (original, "draft")
    # A minimal edit: the words that were there stay (with their authors); only what
    # the member typed went, deleted by the restorer; a second restore changes nothing.
    since = await api.ok("GET", doc_path(group.document, "/diff?from=2&changed_only=true"), chair)
    (para,) = since["paragraphs"]
    assert para["id"] == ids["OP2"] and para["changes"] == ["restored", "text"]
    assert [
        (s["op"], s["text"], s["author"] and s["author"]["name"]) for s in para["segments"]
    ] == [
        ("delete", "Kenya: ", group.people["secretariat"].name),
        ("equal", original, None),
    ]
    await api.ok("POST", versions_path(group, "/1/restore"), chair, body)
    again = await api.ok("GET", doc_path(group.document, "/diff?from=2&changed_only=true"), chair)
    assert again["paragraphs"][0]["segments"] == para["segments"]
    made, twice = [d for d in await decisions(api, group) if d["action"] == "restore_text"]
    assert twice["before"] == {"text": original, "status": "draft"}
    assert made["paragraph"] == ids["OP2"] and made["after"]["version"] == 1
    assert made["by"]["name"] == group.people["secretariat"].name
    entries = await api.audit(group.id, chair)
    assert any(e["action"] == "paragraph.restore_text" for e in entries)


async def test_bad_input_is_refused_and_changes_nothing(api: Api, group: Group) -> None:
    ids = await seed(api, group)
    chair = group.token("chair")
    await api.ok("POST", versions_path(group), chair, {"label": "Rev.1"})
    for body in ({}, {"label": ""}, {"label": "x" * 201}, {"label": 3}, {"label": "a", "x": 1}):
        reply = await api.call("POST", versions_path(group), chair, body)
        assert reply.status == 422, (body, reply.body)
    assert (await api.call("GET", versions_path(group, "/7"), chair)).status == 404
    assert (await api.call("GET", versions_path(group, "/0"), chair)).status == 404
    assert (await api.call("GET", versions_path(group, "/x"), chair)).status == 404
    missing = await api.call("GET", doc_path(group.document, "/diff?from=1&to=9"), chair)
    assert missing.status == 404
    backwards = await api.call("GET", doc_path(group.document, "/diff?from=2&to=1"), chair)
    assert (backwards.status, set(backwards.fields)) == (422, {"from"})
    for query, field in (("from=x", "from"), ("to=0", "to"), ("from=1&changed_only=maybe",
                                                                "changed_only")):  # fmt: skip
        bad = await api.call("GET", doc_path(group.document, f"/diff?{query}"), chair)
        assert (bad.status, set(bad.fields)) == (422, {field}), (query, bad.body)
    restore = versions_path(group, "/1/restore")
    for body in ({}, {"paragraph_id": ""}, {"paragraph_id": 5}):
        assert (await api.call("POST", restore, chair, body)).status == 422, body
    unknown = await api.call("POST", restore, chair, {"paragraph_id": "nope"})
    assert unknown.status == 404
    gone = await api.call("POST", versions_path(group, "/9/restore"), chair,
                          {"paragraph_id": ids["OP1"]})  # fmt: skip
    assert gone.status == 404
    listed = await api.ok("GET", versions_path(group), chair)
    assert [v["number"] for v in listed["versions"]] == [1]
    assert not [d for d in await decisions(api, group) if d["action"] == "restore_text"]


async def delete_words(url: str, document: str, token: str, pid: str, words: str) -> None:
    """Delete the first occurrence of ``words`` in a paragraph as a real client; durable."""
    async with DocumentClient(url, document, token, reconnection=False) as client:
        text = client.doc.get(schema.text_name(pid), type=pycrdt.Text)
        value = str(text)
        at = value.index(words)
        start = len(value[:at].encode())
        del text[start : start + len(words.encode())]
        await client.flush()
        assert not client.errors, client.errors


def changed(segments: list[dict[str, Any]]) -> list[tuple[str, str, str | None]]:
    return [
        (s["op"], s["text"], s["author"] and s["author"]["delegation"])
        for s in segments
        if s["op"] != "equal"
    ]


async def test_diff_over_http_says_what_changed_and_who(
    server: Any, api: Api, group: Group
) -> None:
    ids = await seed(api, group)
    chair = group.token("chair")
    kenya = await add_person(api, group.id, chair, name="Delegate of Kenya", role="member",
                             delegation_id=group.delegations["Kenya"])  # fmt: skip
    await api.ok("POST", versions_path(group), chair, {"label": "Rev.1"})
    p = functools.partial(doc_path, group.document)
    await type_into(server.url, group.document, group.token("member"), ids["OP1"], 4, "Brazil ")
    await delete_words(server.url, group.document, kenya.token, ids["OP2"], "[consider] ")
    await api.ok("POST", p(f"/paragraphs/{ids['OP3']}/status"), chair, {"status": "agreed"})
    await api.ok("POST", p(f"/paragraphs/{ids['OP4']}/move"), chair, {"after": ids["OP6"]})
    await api.ok("POST", p(f"/paragraphs/{ids['OP5']}/delete"), chair, {})
    added = await api.ok("POST", p("/paragraphs"), chair,
                         {"label": "OP7", "section": "E", "text": "New words."})  # fmt: skip
    await api.ok("POST", versions_path(group), chair, {"label": "Rev.2"})

    for role in ("follower", "observer", "member"):
        got = await api.ok("GET", p("/diff?from=1&to=2"), group.token(role))
        assert (got["from"]["number"], got["to"]["number"]) == (1, 2), role
    paras = {x["id"]: x for x in got["paragraphs"]}
    assert changed(paras[ids["OP1"]]["segments"]) == [("insert", "Brazil ", "Brazil")]
    assert paras[ids["OP1"]]["changes"] == ["text"]
    assert changed(paras[ids["OP2"]]["segments"]) == [("delete", "[consider] ", "Kenya")]
    op3 = paras[ids["OP3"]]
    assert (op3["changes"], op3["status_before"], op3["status_after"]) == (
        ["status"], "draft", "agreed"
    )  # fmt: skip
    assert [(d["action"], d["after"]) for d in op3["decisions"]] == [("status", "agreed")]
    assert paras[ids["OP4"]]["changes"] == ["moved"]
    assert (paras[ids["OP4"]]["position_before"], paras[ids["OP4"]]["position_after"]) == (4, 6)
    assert paras[ids["OP5"]]["changes"] == ["deleted"]
    assert paras[added["id"]]["changes"] == ["added", "text"]
    assert paras[ids["OP6"]]["changes"] == []
    assert got["summary"] == {
        "inserted": len("Brazil ") + len("New words."), "deleted": len("[consider] "),
        "added": 1, "removed": 1, "restored": 0, "moved": 1, "status_changed": 1, "changed": 6,
    }  # fmt: skip
    # `from` omitted: the version before `to`; `to` omitted: now; changed_only.
    assert (await api.ok("GET", p("/diff?to=2"), chair))["paragraphs"] == got["paragraphs"]
    await api.ok("POST", p(f"/paragraphs/{ids['OP5']}/restore"), chair, {})
    now = await api.ok("GET", p("/diff?changed_only=true"), chair)
    assert (now["from"]["number"], now["to"]["number"]) == (2, None)
    assert [(x["id"], x["changes"]) for x in now["paragraphs"]] == [(ids["OP5"], ["restored"])]
    assert [d["action"] for d in now["paragraphs"][0]["decisions"]] == ["restore"]
    # After compaction, the same answer.
    await server.store.compact(group.document)
    assert (await api.ok("GET", p("/diff?from=1&to=2"), chair)) == got


async def test_a_new_version_is_announced_live_to_the_documents_readers(
    server: Any, api: Api, group: Group
) -> None:
    # A breakout draft, private to the group's members: an observer may not even
    # connect to its namespace, so the event reaches only those who may read it.
    meeting = await new_meeting(api, group)
    session = await new_session(
        api, meeting, group.token("secretariat"), "breakout", public_draft=None
    )
    draft: str = session["document"]
    assert (await set_status(api, session["id"], group.token("chair"), "live")).status == 200
    with pytest.raises(SyncError) as refused:
        observer = DocumentClient(server.url, draft, group.token("observer"), reconnection=False)
        await observer.connect()
    assert refused.value.code == "forbidden"
    member = DocumentClient(server.url, draft, group.token("member"), reconnection=False)
    live = EventRecorder(member.sio, member.namespace, ["version-issued"])
    async with member:
        issued = await api.ok(
            "POST", versions_path(group, document=draft), group.token("chair"), {"label": "Rev.1"}
        )
        await live.wait_until(lambda r: len(r.events) == 1)
        assert live.events == [("version-issued", issued)]
        # A session's end freezes one: announced the same way, as the list shows it.
        ended = await set_status(api, session["id"], group.token("chair"), "ended")
        assert ended.status == 200, ended.body
        await live.wait_until(lambda r: len(r.events) == 2)
        listed = await api.ok("GET", versions_path(group, document=draft), group.token("member"))
        assert [data for _, data in live.events] == listed["versions"]
        assert listed["versions"][1]["kind"] == "session_end"
        assert listed["versions"][1]["session_id"] == session["id"]
