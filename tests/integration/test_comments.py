"""Comments over the real API: anchors, threads, edits, deletion, moderation, limits, events.

Every group is built over HTTP (``tests.support.groups``); every person acts with
the token their invitation gave them, over HTTP and over Socket.IO.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from client import DocumentClient
from crdt import schema
from server.keys import COMMENTS
from server.rooms.manager import RoomManager
from tests.support.docs import seed_paragraphs, server_change
from tests.support.groups import Api, Group
from tests.support.servers import RunningServer

OP1 = "The Working Group recommends that all stakeholders cooperate in good faith."
MEETING = "WGEC-3 (2017-05-09), plenary"


@pytest.fixture
def seed_text() -> None:
    """The documents start empty: each gets its own numbered paragraphs."""
    return None


@pytest.fixture
async def group(server: RunningServer, group: Group) -> Group:
    """The shared group, each of its two documents given its numbered paragraphs."""
    for document in (group.document, group.private_document):
        group.extra[document] = await add_paragraphs(server.rooms, document)
    return group


async def add_paragraphs(rooms: RoomManager, document: str) -> list[str]:
    """The rolling text's first paragraphs, written server-side as the commands do."""

    def title(doc: Any) -> None:
        schema.init_document(doc, title="Rolling text")

    await server_change(rooms, document, title)
    return await seed_paragraphs(
        rooms,
        document,
        [
            schema.ParagraphSpec("OP1", "A", "recommendation", OP1),
            schema.ParagraphSpec("OP2", "A", text="Second."),
        ],
    )


def comments_path(group: Group, document: str | None = None, suffix: str = "") -> str:
    return f"/api/documents/{document or group.document}/comments{suffix}"


async def post(
    api: Api, group: Group, role: str, body: str = "A comment.", **anchor: Any
) -> dict[str, Any]:
    payload: dict[str, Any] = {"body": body}
    if anchor:
        payload["anchor"] = anchor
    made: dict[str, Any] = await api.ok("POST", comments_path(group), group.token(role), payload)
    return made


def word(text: str, needle: str) -> dict[str, int]:
    start = text.index(needle)
    return {"start": start, "end": start + len(needle)}


async def until(predicate: Callable[[], Awaitable[bool]], timeout: float = 5.0) -> None:
    """Poll server-side state that has no event of its own (bounded)."""
    for _ in range(int(timeout / 0.02)):
        if await predicate():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition not reached")


class LiveComments:
    """A Socket.IO client of a document that records every comment event it receives."""

    EVENTS = ("comment-created", "comment-updated", "comment-removed")

    def __init__(self, url: str, document: str, token: str | None) -> None:
        self.client = DocumentClient(url, document, token, reconnection=False)  # type: ignore[arg-type]
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.history: list[tuple[str, dict[str, Any]]] = []  # never cleared
        self._arrived = asyncio.Event()
        for event in self.EVENTS:
            self.client.sio.on(event, self._recorder(event), namespace=self.client.namespace)

    def _recorder(self, event: str) -> Any:
        def record(data: dict[str, Any]) -> None:
            self.events.append((event, data))
            self.history.append((event, data))
            self._arrived.set()

        return record

    async def __aenter__(self) -> LiveComments:
        await self.client.connect()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.client.close()

    async def call(self, event: str, data: dict[str, Any] | None = None) -> Any:
        return await self.client.send_raw(event, data or {})

    async def wait_for(self, event: str, comment_id: int, timeout: float = 10.0) -> dict[str, Any]:
        async def wait() -> dict[str, Any]:
            while True:
                for name, data in self.events:
                    if name == event and data["id"] == comment_id:
                        return data
                self._arrived.clear()
                await self._arrived.wait()

        return await asyncio.wait_for(wait(), timeout)

    def about(self, comment_id: int) -> list[str]:
        return [name for name, data in self.events if data["id"] == comment_id]


# -- anchors ----------------------------------------------------------------------------


async def test_range_anchor_follows_live_edits_and_detaches_when_deleted(
    server: RunningServer, api: Api, group: Group
) -> None:
    op1 = group.extra[group.document][0]
    made = await post(
        api, group, "member", "Too vague.", paragraph_id=op1, **word(OP1, "cooperate")
    )
    anchor = made["anchor"]
    assert anchor["kind"] == "range" and anchor["attached"] and anchor["text"] == "cooperate"
    assert anchor["quote"]["exact"] == "cooperate"
    assert anchor["quote"]["prefix"].endswith("all stakeholders ")
    assert anchor["sticky"]["start"] and anchor["sticky"]["end"]

    async with DocumentClient(server.url, group.document, group.token("member")) as editor:
        text = schema.text_root(editor.doc, op1)
        at = len(str(text)[: str(text).index("cooperate")].encode())
        text.insert(at, "fully ")  # just before: stays outside
        text.insert(at + len(b"fully co"), "-")  # inside: part of it
        await editor.flush()
        listed = await api.ok("GET", comments_path(group), group.token("follower"))
        (seen,) = listed["comments"]
        assert seen["anchor"]["text"] == "co-operate"
        assert str(text)[seen["anchor"]["start"] : seen["anchor"]["end"]] == "co-operate"

        s = str(text)
        start = s.index("co-operate")
        del text[len(s[:start].encode()) : len(s[: start + len("co-operate ")].encode())]
        await editor.flush()
    listed = await api.ok("GET", comments_path(group), group.token("chair"))
    (seen,) = listed["comments"]
    assert seen["anchor"]["detached"] and seen["anchor"]["reason"] == "its text was deleted"
    assert seen["anchor"]["quote"]["exact"] == "cooperate" and seen["body"] == "Too vague."

    # Once the room is unloaded, the stored document gives the same answer.
    async def unloaded() -> bool:
        return server.rooms.loaded(group.document) is None

    await until(unloaded)
    again = await api.ok("GET", comments_path(group, suffix=f"/{made['id']}"), group.token("chair"))
    assert again["anchor"]["detached"]


async def test_paragraph_and_document_anchors(api: Api, group: Group) -> None:
    op2 = group.extra[group.document][1]
    whole = await post(api, group, "chair", "On the whole text.")
    para = await post(api, group, "secretariat", "On OP2.", paragraph_id=op2)
    assert whole["anchor"]["kind"] == "document" and whole["anchor"]["attached"]
    assert para["anchor"] == {**para["anchor"], "kind": "paragraph", "paragraph_id": op2}
    assert para["anchor"]["attached"]


@pytest.mark.parametrize(
    ("anchor", "field"),
    [
        ({"paragraph_id": "no-such-paragraph"}, "anchor.paragraph_id"),
        ({"paragraph_id": "OP1", "start": 10, "end": 500}, "anchor"),
        ({"paragraph_id": "OP1", "start": 12, "end": 12}, "anchor"),
        ({"paragraph_id": "OP1", "start": 3}, "anchor"),
        ({"paragraph_id": "OP1", "start": -1, "end": 4}, "anchor.start"),
        ({"paragraph_id": "OP1", "start": "a", "end": 4}, "anchor.start"),
        ({"start": 0, "end": 4}, "anchor.paragraph_id"),
        ("OP1", "anchor"),
    ],
)
async def test_bad_anchors_are_refused_and_nothing_is_written(
    api: Api, group: Group, anchor: Any, field: str
) -> None:
    op1 = group.extra[group.document][0]
    if isinstance(anchor, dict) and anchor.get("paragraph_id") == "OP1":
        anchor = {**anchor, "paragraph_id": op1}
    audit_before = await api.audit(group.id, group.token("chair"))
    refused = await api.call(
        "POST", comments_path(group), group.token("member"), {"body": "x", "anchor": anchor}
    )
    assert refused.status == 422 and refused.code == "validation_failed", refused.body
    assert field in refused.fields, refused.fields
    assert (await api.ok("GET", comments_path(group), group.token("chair")))["comments"] == []
    assert await api.audit(group.id, group.token("chair")) == audit_before


# -- threads, states, edits, deletion ---------------------------------------------------------


async def test_threads_resolve_reopen_edit_history_and_soft_delete(api: Api, group: Group) -> None:
    chair, member, observer = (group.token(r) for r in ("chair", "member", "observer"))
    thread = await post(api, group, "member", "Should this say 'all'?")
    path = comments_path(group, suffix=f"/{thread['id']}")
    reply = await api.ok("POST", path + "/replies", group.token("secretariat"), {"body": "Yes."})
    assert reply["parent_id"] == thread["id"] and reply["anchor"] is None
    # A reply to a reply joins the thread.
    nested = await api.ok(
        "POST", comments_path(group, suffix=f"/{reply['id']}/replies"), member, {"body": "OK."}
    )
    assert nested["parent_id"] == thread["id"]

    for role in ("follower", "captioner", "observer"):
        refused = await api.call("POST", path + "/resolve", group.token(role))
        assert (refused.status, refused.code) == (403, "forbidden"), role
    resolved = await api.ok("POST", path + "/resolve", member)
    assert resolved["state"] == "resolved" and resolved["resolved_by"].startswith("person:")
    again = await api.call("POST", path + "/resolve", chair)
    assert (again.status, again.code) == (409, "invalid_transition")
    assert (await api.ok("POST", path + "/reopen", chair))["state"] == "open"
    not_thread = await api.call(
        "POST", comments_path(group, suffix=f"/{reply['id']}/resolve"), chair
    )
    assert not_thread.status == 409

    # Only the author edits; every earlier body is kept.
    refused = await api.call("PATCH", path, chair, {"body": "Hijacked."})
    assert (refused.status, refused.code) == (403, "forbidden")
    await api.ok("PATCH", path, member, {"body": "Should this say 'all stakeholders'?"})
    edited = await api.ok("PATCH", path, member, {"body": "Should OP1 say 'all'?"})
    assert edited["body"] == "Should OP1 say 'all'?" and edited["edited_at"]
    history = (await api.ok("GET", path, observer))["history"]
    assert [h["previous_body"] for h in history] == [
        "Should this say 'all'?",
        "Should this say 'all stakeholders'?",
    ]

    # Deletion: the author or the chair, never someone else; soft, audited.
    other = await post(api, group, "secretariat", "Secretariat note.")
    other_path = comments_path(group, suffix=f"/{other['id']}")
    for role in ("member", "observer", "follower"):
        refused = await api.call("DELETE", other_path, group.token(role))
        assert refused.status == 403, role
    assert (await api.ok("DELETE", other_path, group.token("secretariat")))["deleted"]
    assert (await api.ok("DELETE", path, chair))["deleted"]
    listed = await api.ok("GET", comments_path(group), chair)
    assert listed["comments"] == [], "a deleted thread takes its replies with it"
    gone = await api.call("GET", path, chair)
    assert gone.status == 404
    entries = await api.audit(group.id, chair)
    deletions = {e["target"]: e for e in entries if e["action"] == "comment.delete"}
    assert set(deletions) == {f"comment:{thread['id']}", f"comment:{other['id']}"}
    assert deletions[f"comment:{thread['id']}"]["actor"].endswith(group.people["chair"].name)
    actions = [e["action"] for e in entries]
    for action in ("comment.create", "comment.reply", "comment.resolve", "comment.reopen"):
        assert action in actions
    assert actions.count("comment.edit") == 2


async def test_followers_and_captioners_cannot_comment(
    server: RunningServer, api: Api, group: Group
) -> None:
    for role in ("follower", "captioner"):
        refused = await api.call("POST", comments_path(group), group.token(role), {"body": "Hi"})
        assert (refused.status, refused.code) == (403, "forbidden"), role
        async with LiveComments(server.url, group.document, group.token(role)) as live:
            ack = await live.call("comment-create", {"body": "Hi"})
            assert ack["error"]["code"] == "forbidden"
    anonymous = await api.call("POST", comments_path(group), None, {"body": "Hi"})
    assert anonymous.status == 403
    assert (await api.ok("GET", comments_path(group), group.token("chair")))["comments"] == []


# -- limits -------------------------------------------------------------------------------


async def test_length_bound_bad_input_and_rate_limit(
    server: RunningServer, api: Api, group: Group
) -> None:
    member = group.token("member")
    for body, field in (({"body": "x" * 5001}, "body"), ({"body": "  "}, "body"), ({}, "body")):
        refused = await api.call("POST", comments_path(group), member, body)
        assert refused.status == 422 and field in refused.fields
    not_json = await api.call("POST", comments_path(group), member, raw=b"{nope")
    assert (not_json.status, not_json.code) == (400, "bad_input")
    missing = await api.call(
        "POST", comments_path(group, "no-such-document"), member, {"body": "x"}
    )
    assert missing.status in (403, 404)
    assert (await api.ok("GET", comments_path(group), member))["comments"] == []

    await post(api, group, "member", "x" * 5000)  # exactly at the bound
    for n in range(9):
        await post(api, group, "member", f"Comment {n}")
    limited = await api.call("POST", comments_path(group), member, {"body": "One too many"})
    assert (limited.status, limited.code) == (429, "rate_limited")
    assert limited.error["details"]["retry_after"] > 0
    async with LiveComments(server.url, group.document, member) as live:
        ack = await live.call("comment-create", {"body": "Still too many"})
        assert ack["error"]["code"] == "rate_limited"
    assert len((await api.ok("GET", comments_path(group), member))["comments"]) == 10
    # The limit is per person: the secretariat still may comment.
    await post(api, group, "secretariat", "Not limited.")
    # Six seconds later one more comment is allowed (10 a minute); time is moved,
    # not waited for.
    limiter = server.app[COMMENTS].limiter  # type: ignore[index]
    real_clock = limiter.clock
    limiter.clock = lambda: real_clock() + 6.0
    await post(api, group, "member", "Later.")
    refused_again = await api.call("POST", comments_path(group), member, {"body": "Again"})
    assert refused_again.code == "rate_limited"


# -- moderation ---------------------------------------------------------------------------


async def test_moderation_decisions_are_recorded_and_audited(api: Api, group: Group) -> None:
    chair, secretariat = group.token("chair"), group.token("secretariat")
    pending = [await post(api, group, "observer", f"Observer view {n}") for n in range(4)]
    assert {c["moderation"] for c in pending} == {"pending"}
    queue = await api.ok("GET", group.path("/comments/queue"), secretariat)
    assert [c["id"] for c in queue["comments"]] == [c["id"] for c in pending]
    for role in ("member", "observer", "follower"):
        refused = await api.call("GET", group.path("/comments/queue"), group.token(role))
        assert refused.status == 403, role

    one = comments_path(group, suffix=f"/{pending[0]['id']}/decision")
    refused = await api.call(
        "POST", one, group.token("member"), {"decision": "approved", "meeting": MEETING}
    )
    assert refused.status == 403
    no_reason = await api.call("POST", one, chair, {"decision": "rejected", "meeting": MEETING})
    assert no_reason.status == 422 and "reason" in no_reason.fields
    no_meeting = await api.call("POST", one, chair, {"decision": "approved"})
    assert no_meeting.status == 422 and "meeting" in no_meeting.fields
    approved = await api.ok("POST", one, chair, {"decision": "approved", "meeting": MEETING})
    assert approved["moderation"] == "visible"
    assert approved["decision"]["meeting"] == MEETING and approved["decision"]["at"]
    twice = await api.call("POST", one, chair, {"decision": "approved", "meeting": MEETING})
    assert (twice.status, twice.code) == (409, "invalid_transition")

    # Bulk: all or nothing.
    bulk = group.path("/comments/decisions")
    ids = [c["id"] for c in pending[1:]]
    mixed = await api.call(
        "POST",
        bulk,
        chair,
        {"ids": [*ids, pending[0]["id"]], "decision": "approved", "meeting": MEETING},
    )
    assert mixed.status == 409
    unknown = await api.call(
        "POST", bulk, chair, {"ids": [*ids, 999], "decision": "approved", "meeting": MEETING}
    )
    assert unknown.status == 404
    assert len((await api.ok("GET", group.path("/comments/queue"), chair))["comments"]) == 3
    bad = await api.call(
        "POST", bulk, chair, {"ids": [], "decision": "approved", "meeting": MEETING}
    )
    assert bad.status == 422 and "ids" in bad.fields
    rejected = await api.ok(
        "POST",
        bulk,
        secretariat,
        {"ids": ids[:2], "decision": "rejected", "meeting": MEETING, "reason": "Off the agenda."},
    )
    assert [c["moderation"] for c in rejected["comments"]] == ["rejected", "rejected"]
    assert rejected["comments"][0]["decision"]["reason"] == "Off the agenda."
    await api.ok(
        "POST", bulk, secretariat, {"ids": ids[2:], "decision": "approved", "meeting": MEETING}
    )
    assert (await api.ok("GET", group.path("/comments/queue"), chair))["comments"] == []

    # Flagging puts a visible comment back to review.
    flag_path = comments_path(group, suffix=f"/{pending[0]['id']}/flag")
    assert (
        await api.call("POST", flag_path, group.token("observer"), {"reason": "spam"})
    ).status == 403
    bad_reason = await api.call("POST", flag_path, group.token("member"), {"reason": "boring"})
    assert bad_reason.status == 422 and "reason" in bad_reason.fields
    flagged = await api.ok(
        "POST", flag_path, group.token("member"), {"reason": "off-topic", "note": "OP9"}
    )
    assert (flagged["moderation"], flagged["flag_reason"]) == ("flagged", "off-topic")
    queued = (await api.ok("GET", group.path("/comments/queue"), chair))["comments"]
    assert [c["id"] for c in queued] == [pending[0]["id"]]
    detail = await api.ok("GET", comments_path(group, suffix=f"/{pending[0]['id']}"), chair)
    assert [d["decision"] for d in detail["decisions"]] == ["approved", "flagged"]

    entries = await api.audit(group.id, chair)
    decisions = [e for e in entries if e["action"] in ("comment.approve", "comment.reject")]
    assert len(decisions) == 4, [(e["action"], e["target"]) for e in entries]
    for entry in decisions:
        assert entry["details"]["meeting"] == MEETING and entry["at"]
        assert entry["actor"].startswith("person:")
    rejects = [e for e in decisions if e["action"] == "comment.reject"]
    assert {e["details"]["reason"] for e in rejects} == {"Off the agenda."}
    assert any(
        e["action"] == "comment.flag" and e["details"]["reason"] == "off-topic" for e in entries
    )


# -- Socket.IO commands -------------------------------------------------------------------


async def test_socketio_commands_answer_through_acks(server: RunningServer, group: Group) -> None:
    op1 = group.extra[group.document][0]
    async with (
        LiveComments(server.url, group.document, group.token("member")) as member,
        LiveComments(server.url, group.document, group.token("chair")) as chair,
    ):
        made = await member.call(
            "comment-create",
            {"body": "Live.", "anchor": {"paragraph_id": op1, **word(OP1, "good faith")}},
        )
        assert made["ok"] and made["comment"]["anchor"]["text"] == "good faith"
        cid = made["comment"]["id"]
        assert (await chair.wait_for("comment-created", cid))["body"] == "Live."
        reply = await chair.call("comment-reply", {"parent_id": cid, "body": "Agreed."})
        await member.wait_for("comment-created", reply["comment"]["id"])
        assert (await member.call("comment-edit", {"id": cid, "body": "Live!"}))["comment"][
            "body"
        ] == "Live!"
        assert (await chair.wait_for("comment-updated", cid))["body"] == "Live!"
        assert (await chair.call("comment-resolve", {"id": cid}))["comment"]["state"] == "resolved"
        assert (await chair.call("comment-reopen", {"id": cid}))["comment"]["state"] == "open"
        listed = await member.call("comment-list")
        assert [c["id"] for c in listed["comments"]] == [cid, reply["comment"]["id"]]
        bad = await member.call("comment-create", {"body": "", "anchor": {"paragraph_id": "nope"}})
        assert bad["error"]["code"] == "validation_failed"
        assert "body" in bad["error"]["details"]["fields"]
        unknown = await member.call("comment-edit", {"id": 999, "body": "x"})
        assert unknown["error"]["code"] == "not_found"
        assert (await chair.call("comment-delete", {"id": cid}))["deleted"]
        await member.wait_for("comment-removed", cid)
        await member.wait_for("comment-removed", reply["comment"]["id"])


# -- one contract for both transports -------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"body": "A misspelt option.", "anchr": {"paragraph_id": "x"}}, "anchr"),
        ({"body": "Quote", "anchor": {"paragraph_id": "x", "quote": "good faith"}}, "anchor.quote"),
        ({"body": 5}, "body"),
        ({"body": "x", "anchor": {"paragraph_id": "x", "start": True, "end": 3}}, "anchor.start"),
    ],
)
async def test_http_and_socketio_refuse_the_same_comment_with_the_same_fields(
    server: RunningServer, api: Api, group: Group, payload: dict[str, Any], field: str
) -> None:
    """Both transports check a new comment with one model: an unknown field (a typo
    that used to be dropped without a word) is named, nothing is written."""
    member = group.token("member")
    refused = await api.call("POST", comments_path(group), member, payload)
    assert (refused.status, refused.code) == (422, "validation_failed"), refused.body
    async with LiveComments(server.url, group.document, member) as live:
        ack = await live.call("comment-create", payload)
    assert ack["error"]["code"] == "validation_failed", ack
    assert set(ack["error"]["details"]["fields"]) == set(refused.fields) == {field}
    assert (await api.ok("GET", comments_path(group), group.token("chair")))["comments"] == []


async def test_responses_match_the_generated_document(
    server: RunningServer, api: Api, group: Group
) -> None:
    """What the server sends (a range anchor's optional keys, a detail's history,
    the officers' decisions) is exactly what the OpenAPI document describes."""
    jsonschema = pytest.importorskip("jsonschema")
    document = await api.ok("GET", "/api/openapi.json", None)

    def check(name: str, value: Any) -> None:
        schema_ = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
        jsonschema.validate(value, schema_)

    op1 = group.extra[group.document][0]
    ranged = await post(api, group, "member", "Range.", paragraph_id=op1, **word(OP1, "good faith"))
    assert {"start", "end", "text"} <= set(ranged["anchor"])
    whole = await post(api, group, "observer", "Pending.")
    chair = group.token("chair")
    one = comments_path(group, suffix=f"/{ranged['id']}")
    await api.ok("PATCH", one, group.token("member"), {"body": "Range, reworded."})
    detail = await api.ok("GET", one, chair)
    assert detail["history"] and "decisions" in detail
    assert "decisions" not in await api.ok("GET", one, group.token("member"))
    for name, value in (("Comment", ranged), ("Comment", whole), ("CommentDetail", detail)):
        check(name, value)
    check("CommentList", await api.ok("GET", group.path("/comments/queue"), chair))
    check("Health", await api.ok("GET", "/healthz", None))
    check("Health", await api.ok("GET", "/healthz", server.token("chair", "op")))
