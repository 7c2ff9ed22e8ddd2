"""Comments over the real API: anchors, threads, edits, deletion, moderation, limits, events.

Every group is built over HTTP (``tests.support.groups``); every person acts with
the token their invitation gave them, over HTTP and over Socket.IO.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pycrdt
import pytest

from client import DocumentClient
from crdt import schema
from server.keys import COMMENTS
from tests.support.groups import Api, Group, build_group
from tests.support.servers import RunningServer

OP1 = "The Working Group recommends that all stakeholders cooperate in good faith."
MEETING = "WGEC-3 (2017-05-09), plenary"


@pytest.fixture
async def api(server: RunningServer) -> AsyncIterator[Api]:
    async with Api.open(server.url) as client:
        yield client


@pytest.fixture
async def group(server: RunningServer, api: Api) -> Group:
    built = await build_group(api, server.token("chair", "op"), seed_text=None)
    for document in (built.document, built.private_document):
        built.extra[document] = await add_paragraphs(server.url, document, built.token("chair"))
    return built


async def add_paragraphs(url: str, document: str, token: str) -> list[str]:
    """The rolling text's first paragraphs, written live by the chair."""
    async with DocumentClient(url, document, token, reconnection=False) as client:
        schema.init_document(client.doc, title="Rolling text")
        ids = [
            schema.add_paragraph(client.doc, schema.ParagraphSpec("OP1", "A", "recommendation", OP1)),
            schema.add_paragraph(client.doc, schema.ParagraphSpec("OP2", "A", text="Second.")),
        ]
        await client.flush()
    return ids


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
        self._arrived = asyncio.Event()
        for event in self.EVENTS:
            self.client.sio.on(event, self._recorder(event), namespace=self.client.namespace)

    def _recorder(self, event: str) -> Any:
        def record(data: dict[str, Any]) -> None:
            self.events.append((event, data))
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
    made = await post(api, group, "member", "Too vague.", paragraph_id=op1, **word(OP1, "cooperate"))
    anchor = made["anchor"]
    assert anchor["kind"] == "range" and anchor["attached"] and anchor["text"] == "cooperate"
    assert anchor["quote"]["exact"] == "cooperate"
    assert anchor["quote"]["prefix"].endswith("all stakeholders ")
    assert anchor["sticky"]["start"] and anchor["sticky"]["end"]

    async with DocumentClient(server.url, group.document, group.token("member")) as editor:
        text = schema.paragraph_text(editor.doc, op1)
        at = len(str(text)[: str(text).index("cooperate")].encode())
        text.insert(at, "fully ")  # just before: stays outside
        text.insert(at + len("fully co".encode()), "-")  # inside: part of it
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
