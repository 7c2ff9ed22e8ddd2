"""Many concurrent Python clients on one document converge, and the server agrees."""

from __future__ import annotations

import asyncio
import random

import pycrdt

from client import DocumentClient
from crdt import schema, updates
from tests.support.docs import seed_paragraphs, text_of
from tests.support.servers import RunningServer

CLIENTS = 12
EDITS = 40


async def edit_randomly(client: DocumentClient, index: int, seed: int) -> None:
    """Insert unique markers at word boundaries and delete spare spaces, concurrently."""
    rng = random.Random(seed)
    text = client.doc.get("t", type=pycrdt.Text)
    for n in range(EDITS):
        current = str(text)
        gaps = [i for i in range(1, len(current)) if current[i - 1] == " " and current[i] == " "]
        if gaps and rng.random() < 0.3:
            del text[rng.choice(gaps)]  # a spare space; markers stay whole
            current = str(text)
        bounds = [0, len(current)] + [
            i for i in range(1, len(current)) if current[i - 1] == " " and current[i] == " "
        ]
        text.insert(rng.choice(bounds), f" <c{index}e{n}> ")
        if n % 5 == 0:
            await asyncio.sleep(0)  # let other clients interleave on the loop


async def test_many_clients_converge(server: RunningServer) -> None:
    clients = [
        DocumentClient(server.url, "plenary", server.token("member", f"delegate-{i}"))
        for i in range(CLIENTS)
    ]
    # generous bounds: they catch hangs, not slowness (a busy machine took > 10 s)
    await asyncio.gather(*(c.connect(timeout=60) for c in clients))
    try:
        await asyncio.gather(*(edit_randomly(c, i, seed=i) for i, c in enumerate(clients)))
        await asyncio.gather(*(c.flush(timeout=60) for c in clients))
        room = server.rooms.loaded("plenary")
        assert room is not None
        for c in clients:
            await c.wait_for(lambda d: updates.same_state(d, room.doc), timeout=60)
        texts = {text_of(c.doc) for c in clients} | {text_of(room.doc)}
        assert len(texts) == 1, "replicas diverged"
        final = texts.pop()
        for i in range(CLIENTS):
            for n in range(EDITS):
                assert f"<c{i}e{n}>" in final
        assert all(not c.errors for c in clients)
    finally:
        await asyncio.gather(*(c.close() for c in clients))


async def test_structured_rolling_text_converges(server: RunningServer) -> None:
    """Concurrent edits from two delegations inside server-made paragraphs converge."""
    async with (
        DocumentClient(server.url, "rolling", server.token("member", "brazil")) as brazil,
        DocumentClient(server.url, "rolling", server.token("member", "india")) as india,
    ):
        pid, _ = await seed_paragraphs(
            server.rooms,
            "rolling",
            [
                schema.ParagraphSpec(label="OP1", section="A", text="Recommend [X]"),
                schema.ParagraphSpec(label="OP2", section="B", text="Y"),
            ],
        )
        for client in (brazil, india):
            await client.wait_for(lambda d: len(schema.paragraph_records(d)) == 2)
        schema.paragraph_text(india.doc, pid).insert(0, "We ")
        schema.paragraph_text(brazil.doc, pid).insert(len("Recommend [X]"), " now")
        await brazil.flush()
        await india.flush()
        await brazil.wait_for(lambda d: str(schema.paragraph_text(d, pid)).startswith("We "))
        await india.wait_for(lambda d: str(schema.paragraph_text(d, pid)).endswith("now"))
        assert schema.to_plain(brazil.doc) == schema.to_plain(india.doc)
        assert str(schema.paragraph_text(india.doc, pid)) == "We Recommend [X] now"
