"""A proposal racing a status change never lands on a just-locked paragraph (issue 18).

Proposing takes the document's command lock, as every governance command does: the
chair's "agreed" is held at the point where it writes the text (the lock taken, the
paragraph still a draft) while a member proposes; the proposal must wait and then be
refused, or it would stay open on agreed language. No sleeps: the status change is
held by an event and released as soon as the proposal has either finished (the bug)
or is waiting for the lock (the fix).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from types import TracebackType
from typing import Any

import pycrdt
import pytest

from crdt import schema
from server.keys import PARAGRAPHS
from server.storage import SERVER, Author
from tests.support.amendments import amendments_path, propose
from tests.support.docs import seed_paragraphs
from tests.support.groups import Api, Group
from tests.support.paragraphs import doc_path
from tests.support.servers import RunningServer

pytestmark = [pytest.mark.timeout(120)]

OP1 = "Enhanced cooperation should enable governments, on an equal footing, to act."


@pytest.fixture
def seed_text() -> None:
    return None


class WatchedLock:
    """The document's lock, telling ``contended`` when a command has to wait for it."""

    def __init__(self, real: asyncio.Lock, contended: asyncio.Event) -> None:
        self._real = real
        self._contended = contended

    async def __aenter__(self) -> None:
        if self._real.locked():
            self._contended.set()
        await self._real.acquire()

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._real.release()


async def test_a_proposal_racing_a_status_change_is_refused_once_the_paragraph_is_agreed(
    server: RunningServer, api: Api, group: Group, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = schema.ParagraphSpec("OP1", "A", "recommendation", OP1, id="op1")
    await seed_paragraphs(server.rooms, group.document, (spec,))
    assert server.app is not None
    governance = server.app[PARAGRAPHS]
    writing, release, contended = asyncio.Event(), asyncio.Event(), asyncio.Event()
    real_lock = governance.lock
    real_apply = server.rooms.apply

    def watched(name: str) -> WatchedLock:
        return WatchedLock(real_lock(name), contended)

    async def held_apply(
        name: str, change: Callable[[pycrdt.Doc[Any]], None], author: Author = SERVER
    ) -> None:
        writing.set()
        await release.wait()
        await real_apply(name, change, author)

    monkeypatch.setattr(governance, "lock", watched)
    monkeypatch.setattr(server.rooms, "apply", held_apply)

    status = doc_path(group.document, "/paragraphs/op1/status")
    agreeing = asyncio.create_task(
        api.ok("POST", status, group.token("chair"), {"status": "agreed"})
    )
    async with asyncio.timeout(30):
        await writing.wait()
    proposing = asyncio.create_task(
        propose(api, group, "member", "op1", OP1, "should", text="shall")
    )
    waiting = asyncio.create_task(contended.wait())
    await asyncio.wait({proposing, waiting}, timeout=30, return_when=asyncio.FIRST_COMPLETED)
    waiting.cancel()
    release.set()
    async with asyncio.timeout(30):
        agreed = await agreeing
        refused = await proposing
    assert agreed["status"] == "agreed"
    assert refused.status == 409 and refused.code == "paragraph_locked", refused.body
    listed = await api.ok("GET", amendments_path(group), group.token("chair"))
    assert listed["amendments"] == []
