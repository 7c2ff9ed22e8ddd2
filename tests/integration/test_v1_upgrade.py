"""Stored model-v1 documents are upgraded to model v2 when their room loads.

tests/fixtures/v1_rolling_text.bin was written by the release before model v2: every
paragraph, label and character survives, once, and comments anchored in v1 text stay
on their words (server/rooms/manager.py, server/comments/reanchor.py).
"""

from __future__ import annotations

import asyncio
import itertools
import json
from pathlib import Path
from typing import Any

import pycrdt
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from client import DocumentClient
from crdt import anchors, schema
from server.comments.models import Comment
from server.keys import ENGINE
from server.storage.models import Document, utcnow
from tests.support.groups import Api
from tests.support.servers import RunningServer


def labels_and_texts(doc: pycrdt.Doc[Any]) -> list[tuple[str, str, str]]:
    return [
        (p.id, p.label, str(schema.text_root(doc, p.id))) for p in schema.paragraph_records(doc)
    ]


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


async def test_a_stored_v1_document_is_upgraded_once_when_loaded(server: RunningServer) -> None:
    """tests/fixtures/v1_rolling_text.bin, written by the release before model v2, as a
    stored document: read before and after its room loads, every paragraph, label and
    character is there, in order; a client syncing sees model v2; a reload does not
    upgrade it again."""
    v1 = json.loads((FIXTURES / "v1_rolling_text.json").read_text())
    expected = [(p["id"], p["label"], p["text"]) for p in v1["paragraphs"]]
    name = "wgec-v1-rolling-text"
    await server.store.ensure(name)
    await server.store.append(name, (FIXTURES / "v1_rolling_text.bin").read_bytes())
    operator = server.token("chair", "operator")

    async def served() -> list[tuple[str, str, str]]:
        async with Api.open(server.url) as api:
            body = await api.ok("GET", f"/api/documents/{name}", operator)
        assert body["meta"]["title"] == v1["meta"]["title"]
        return [(p["id"], p["label"], p["text"]) for p in body["paragraphs"]]

    assert await served() == expected  # not loaded: read from storage, as v2
    for _ in range(2):  # load, unload, load again
        async with DocumentClient(server.url, name, operator) as client:
            assert labels_and_texts(client.doc) == expected
            assert schema.document_meta(client.doc)["model"] == 2
            assert not schema.is_v1(client.doc)
            assert await served() == expected
            proposers = [p.proposers for p in schema.paragraph_records(client.doc)]
            assert proposers == [
                (p["proposer"],) if p["proposer"] else () for p in v1["paragraphs"]
            ]
        await _unloaded(server, name)
        stored = await server.store.load(name)
        assert stored is not None
        doc: pycrdt.Doc[Any] = pycrdt.Doc()
        for part in stored.parts:
            doc.apply_update(part)
        assert labels_and_texts(doc) == expected
        assert not schema.is_v1(doc)


async def _unloaded(server: RunningServer, name: str) -> None:
    """Wait (bounded) for the room to unload after its last client left."""
    for _ in range(500):
        if server.rooms.loaded(name) is None:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"room {name} still loaded")


async def test_comments_on_a_v1_document_stay_on_their_words_after_the_upgrade(
    server: RunningServer,
) -> None:
    """A comment anchored in v1 text (its characters' Yjs ids, and its quote) is
    anchored again on the same words of the upgraded text when the room loads."""
    name = "wgec-v1-commented"
    data = (FIXTURES / "v1_rolling_text.bin").read_bytes()
    await server.store.ensure(name)
    await server.store.append(name, data)
    v1_doc: pycrdt.Doc[Any] = pycrdt.Doc()
    v1_doc.apply_update(data)
    op1 = v1_doc.get(schema.V1_PARAGRAPHS, type=pycrdt.Array)[1]
    text, pid = op1["text"], op1["id"]
    value = str(text)
    start = value.index("governments")
    end = start + len("governments")
    ids = anchors.char_ids(text)[start:end]
    assert all(b == (a[0], a[1] + 1) for a, b in itertools.pairwise(ids))  # one run
    sessions = async_sessionmaker(server.app[ENGINE], expire_on_commit=False)  # type: ignore[index]
    async with sessions.begin() as db:
        document_id = await db.scalar(select(Document.id).where(Document.name == name))
        comment = Comment(
            document_id=document_id,
            author_key="operator",
            author_name="Operator",
            author_role="chair",
            body="Which governments?",
            moderation="visible",
            state="open",
            created_at=utcnow(),
            anchor_kind="range",
            paragraph_id=pid,
            start_sticky=b"",
            end_sticky=b"",
            anchor_chars=json.dumps([[ids[0][0], ids[0][1], len(ids)]]),
            quote_exact=value[start:end],
            quote_prefix=value[max(0, start - 32) : start],
            quote_suffix=value[end : end + 32],
        )
        db.add(comment)
    operator = server.token("chair", "operator")
    async with DocumentClient(server.url, name, operator):
        pass
    async with Api.open(server.url) as api:
        listed = await api.ok("GET", f"/api/documents/{name}/comments", operator)
    [seen] = listed["comments"]
    assert seen["anchor"]["attached"], seen["anchor"]
    assert (seen["anchor"]["start"], seen["anchor"]["end"]) == (start, end)
    assert seen["anchor"]["text"] == "governments"
