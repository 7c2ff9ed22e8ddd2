"""Cold sync: how long a fresh client takes to get a large document's full state.

A member builds a rolling text of ``paragraphs`` paragraphs from ``updates``
separate updates of ``chars`` characters each (about 1 MB), sent over Socket.IO
with acknowledgements, so every one is durable before measuring. Then fresh
followers connect one after another, over each transport: the time from opening
the TCP connection to holding the full state (step 2 received, then applied into
a pycrdt ``Doc``). The builder stays connected, so the room is loaded ("warm");
one more join per transport after the room was unloaded measures a load from
the database too.
"""

from __future__ import annotations

import asyncio
import random
import string
import time
from collections.abc import Callable
from typing import Any

import pycrdt

from bench.peers import YClient
from bench.stats import summary
from crdt import schema

MakeClient = Callable[..., YClient]

_WORDS = [
    "".join(random.Random(i).choices(string.ascii_lowercase, k=random.Random(-i).randint(2, 9)))
    for i in range(500)
]


def _chunk(rng: random.Random, chars: int) -> str:
    words: list[str] = []
    size = 0
    while size < chars:
        word = rng.choice(_WORDS)
        words.append(word)
        size += len(word) + 1
    return (" ".join(words))[:chars]


async def build(builder: YClient, cfg: dict[str, Any]) -> float:
    """Create the document; return once every update is acknowledged as durable."""
    assert builder.doc is not None
    doc = builder.doc
    rng = random.Random(7)
    t0 = time.monotonic()
    pending: list[asyncio.Future[float]] = []

    def send(update: bytes) -> None:
        pending.append(builder.send_update_acked(update))

    before = doc.get_state()
    schema.init_document(doc, title="Cold sync benchmark")
    ids = []
    for i in range(cfg["paragraphs"]):
        ids.append(
            schema.add_paragraph(
                doc, schema.ParagraphSpec(label=f"OP{i + 1}", section=schema.SECTIONS[i % 8])
            )
        )
    send(doc.get_update(before))
    texts = [schema.paragraph_text(doc, pid) for pid in ids]
    for _ in range(cfg["updates"]):
        text = rng.choice(texts)
        before = doc.get_state()
        text.insert(rng.randint(0, len(text)), _chunk(rng, cfg["chars"]))
        send(doc.get_update(before))
        if len(pending) >= 200:  # bounded window of unacknowledged updates
            await asyncio.gather(*pending)
            pending.clear()
    await asyncio.gather(*pending)
    return time.monotonic() - t0


async def join_once(make: MakeClient, transport: str, expected_state: bytes) -> dict[str, float]:
    client = make(transport=transport)
    t0 = time.monotonic()
    t_state = await client.connect(60)
    assert client.state is not None
    a0 = time.monotonic()
    doc: pycrdt.Doc[Any] = pycrdt.Doc()
    doc.apply_update(client.state)
    a1 = time.monotonic()
    client.close()
    if doc.get_state() != expected_state:
        raise RuntimeError("a fresh join did not get the whole document")
    return {
        "received_ms": (t_state - t0) * 1000,
        "apply_ms": (a1 - a0) * 1000,
        "total_ms": (t_state - t0 + a1 - a0) * 1000,
        "bytes": float(len(client.state)),
    }


async def run(
    cfg: dict[str, Any], client: Callable[..., YClient], phase: Callable[[str], None]
) -> dict[str, Any]:
    def make(transport: str, role: str = "follower", replica: bool = False) -> YClient:
        return client({**cfg, "transport": transport}, role, "cold", replica=replica)

    builder = make("sio", "member", replica=True)
    await builder.connect(30)
    phase("build-start")
    build_s = await build(builder, cfg)
    phase("build-end")
    assert builder.doc is not None
    expected = builder.doc.get_state()
    result: dict[str, Any] = {
        "build_seconds": build_s,
        "updates": cfg["updates"],
        "paragraphs": cfg["paragraphs"],
        "text_chars": sum(len(p["text"]) for p in schema.to_plain(builder.doc)["paragraphs"]),
        "state_bytes": len(builder.doc.get_update()),
    }
    for transport in cfg["transports"]:
        phase(f"warm-{transport}-start")
        runs = [await join_once(make, transport, expected) for _ in range(cfg["samples"])]
        phase(f"warm-{transport}-end")
        result[f"warm_{transport}"] = {
            key: summary([r[key] for r in runs]) for key in ("received_ms", "apply_ms", "total_ms")
        }
        result[f"warm_{transport}"]["first_total_ms"] = runs[0]["total_ms"]
    builder.close()
    # Unloaded room: nobody connected for longer than room_linger_seconds (5 s).
    for transport in cfg["transports"]:
        await asyncio.sleep(cfg["unload_wait"])
        result[f"unloaded_{transport}"] = await join_once(make, transport, expected)
    return result
