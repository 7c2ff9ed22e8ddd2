"""Malformed input for the fuzzing campaign: Yjs payloads, y-protocols and Socket.IO frames.

Every generator takes a ``random.Random``, so one ``--seed`` reproduces a run
frame for frame. Each frame carries its ``kind`` (how it was made), so the
report can say which sort of input the server accepted, refused or choked on.
Sizes stay small (a few KiB at most): this finds parsing and validation bugs,
it is not a flood (floods are bench/fanout's and the rate limits' business).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pycrdt

from crdt import protocol
from crdt.encoding import write_var_bytes, write_var_string, write_var_uint

TEXT_ROOT = "t"
HUGE_INTS = (2**31, 2**32, 2**53 + 1, 2**63 - 1, 2**63, 2**64, 2**64 + 1, 10**20, 10**40)
WEIRD_STRINGS = (
    "",
    "\ud800",  # a lone surrogate: valid JSON escape, not encodable as UTF-8
    "\udfff\ud800",
    "\x00",
    "\u202e" + "x" * 5,
    "<script>alert(1)</script>",
    "a" * 5000,
    "💥" * 300,
    "../../etc/passwd",
    "%00",
)


@dataclass(frozen=True)
class Frame:
    """One fuzz input: ``kind`` says how it was made; ``data`` is what goes on the wire."""

    kind: str
    data: bytes | str


@dataclass
class Material:
    """Valid building blocks taken from the seeded document (mutated afterwards)."""

    state_vector: bytes
    updates: list[bytes]  # valid updates against the seeded document
    awareness: list[bytes]  # valid awareness updates
    comment_ids: list[int] = field(default_factory=list)
    segment_ids: list[int] = field(default_factory=list)


def make_material(rng: random.Random, full_state: bytes, count: int = 40) -> Material:
    """Valid updates from fresh replicas of the document (each a new client id)."""
    found: list[bytes] = []
    for n in range(count):
        doc: pycrdt.Doc[Any] = pycrdt.Doc(client_id=rng.randrange(1, 2**32))
        doc.apply_update(full_state)
        text = doc.get(TEXT_ROOT, type=pycrdt.Text)
        before = doc.get_state()
        if n % 4 == 3 and len(text) > 2:
            del text[0:1]
        else:
            text.insert(rng.randrange(len(text) + 1), f"[fuzz {n}]")
        found.append(doc.get_update(before))
    aw = [
        awareness_update([(rng.randrange(1, 2**32), rng.randrange(1, 100), {"user": {"n": n}})])
        for n in range(8)
    ]
    sv = pycrdt.Doc()
    sv.apply_update(full_state)
    return Material(sv.get_state(), found, aw)


def awareness_update(entries: list[tuple[int, int, Any]]) -> bytes:
    out = [write_var_uint(len(entries))]
    for client, clock, state in entries:
        out += [write_var_uint(client), write_var_uint(clock), write_var_string(json.dumps(state))]
    return b"".join(out)


def huge_varint(rng: random.Random) -> bytes:
    """A lib0 var-uint far beyond 64 bits, or one whose continuation never ends."""
    if rng.random() < 0.5:
        return write_var_uint(rng.choice(HUGE_INTS) * rng.randrange(1, 2**20))
    return b"\xff" * rng.randrange(9, 40)


# -- byte-level mutations ---------------------------------------------------------------


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data))] if data else data


def mutate(rng: random.Random, data: bytes) -> bytes:
    buf = bytearray(data or b"\x00")
    for _ in range(rng.randrange(1, 5)):
        op = rng.randrange(4)
        at = rng.randrange(len(buf))
        if op == 0:
            buf[at] ^= 1 << rng.randrange(8)
        elif op == 1:
            buf[at] = rng.choice((0x00, 0x7F, 0x80, 0xFF, rng.randrange(256)))
        elif op == 2:
            buf[at:at] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 8)))
        elif len(buf) > 1:
            del buf[at : at + rng.randrange(1, 4)]
    return bytes(buf)


def random_bytes(rng: random.Random) -> bytes:
    return rng.randbytes(rng.choice((0, 1, 2, 3, 7, 16, 64, 300, 2000)))


# -- Yjs payloads (what a sync or awareness message carries) -----------------------------


def update_payload(rng: random.Random, m: Material) -> tuple[str, bytes]:
    valid = rng.choice(m.updates)
    r = rng.random()
    if r < 0.05:
        return "valid", valid
    if r < 0.25:
        return "truncated", truncate(rng, valid)
    if r < 0.50:
        return "mutated", mutate(rng, valid)
    if r < 0.62:
        return "random", random_bytes(rng)
    if r < 0.75:
        # struct count / client id / clock replaced by an enormous var-uint
        return "huge-varint", huge_varint(rng) + valid[1:]
    return "trailing", valid + rng.randbytes(rng.randrange(1, 200))


def state_vector_payload(rng: random.Random, m: Material) -> tuple[str, bytes]:
    r = rng.random()
    if r < 0.1:
        return "valid", m.state_vector
    if r < 0.3:
        return "truncated", truncate(rng, m.state_vector)
    if r < 0.5:
        return "mutated", mutate(rng, m.state_vector)
    if r < 0.7:
        return "huge-varint", b"\x01" + huge_varint(rng) + huge_varint(rng)
    if r < 0.85:
        return "random", random_bytes(rng)
    return "sv-trailing", m.state_vector + rng.randbytes(rng.randrange(1, 50))


def awareness_payload(rng: random.Random, m: Material) -> tuple[str, bytes]:
    r = rng.random()
    client = rng.randrange(1, 2**32)
    if r < 0.08:
        return "valid", rng.choice(m.awareness)
    if r < 0.2:
        return "truncated", truncate(rng, rng.choice(m.awareness))
    if r < 0.35:
        return "mutated", mutate(rng, rng.choice(m.awareness))
    if r < 0.45:
        return "huge-varint", huge_varint(rng) + rng.choice(m.awareness)[1:]
    if r < 0.55:
        # a count that claims more entries than follow
        return "count-mismatch", write_var_uint(rng.randrange(2, 50)) + rng.choice(m.awareness)[1:]
    if r < 0.75:
        # states that are not JSON must be refused; odd but valid JSON may be taken
        kind, state = rng.choice(
            (
                ("not-json", b"not json"),
                ("not-json", b"\xff\xfe\x80"),  # not UTF-8
                ("not-json", b""),
                ("not-json", b"[" * rng.choice((100, 900, 5000))),
                ("odd-json", b'{"user":{"name":"\\ud800"}}'),  # lone surrogate escape
                ("odd-json", b'{"a":' * 200 + b"1" + b"}" * 200),
                ("odd-json", json.dumps({"user": {"name": rng.choice(WEIRD_STRINGS)}}).encode()),
                ("odd-json", b"1e999999"),
            )
        )
        body = write_var_uint(1) + write_var_uint(client) + write_var_uint(1)
        return kind, body + write_var_bytes(state)
    if r < 0.85:
        return "random", random_bytes(rng)
    return "trailing", rng.choice(m.awareness) + rng.randbytes(rng.randrange(1, 50))


# -- y-websocket frames -------------------------------------------------------------------


def ws_frame(rng: random.Random, m: Material) -> Frame:
    """One binary (rarely text) y-websocket frame."""
    r = rng.random()
    if r < 0.30:
        kind, payload = update_payload(rng, m)
        sync = rng.choice((protocol.SyncType.STEP2, protocol.SyncType.UPDATE))
        return Frame(f"sync-update/{kind}", bytes([0, sync]) + write_var_bytes(payload))
    if r < 0.40:
        kind, payload = state_vector_payload(rng, m)
        return Frame(f"sync-step-1/{kind}", protocol.sync_step1(payload))
    if r < 0.58:
        kind, payload = awareness_payload(rng, m)
        return Frame(f"awareness/{kind}", protocol.awareness(payload))
    valid = protocol.sync_update(rng.choice(m.updates))
    choices: list[Callable[[], Frame]] = [
        lambda: Frame("envelope/truncated", truncate(rng, valid)),
        lambda: Frame("envelope/mutated", mutate(rng, valid)),
        lambda: Frame("envelope/random", random_bytes(rng)),
        lambda: Frame("envelope/unknown-type", write_var_uint(rng.randrange(4, 300)) + valid[1:]),
        lambda: Frame("envelope/unknown-sync", b"\x00" + write_var_uint(rng.randrange(3, 99))),
        lambda: Frame("envelope/huge-varint", huge_varint(rng) + valid[1:]),
        lambda: Frame("envelope/huge-length", b"\x00\x02" + huge_varint(rng) + valid[3:]),
        lambda: Frame("envelope/trailing", valid + rng.randbytes(rng.randrange(1, 100))),
        lambda: Frame("envelope/auth", b"\x02" + random_bytes(rng)),
        lambda: Frame("envelope/query-awareness+junk", b"\x03" + random_bytes(rng)),
        lambda: Frame("envelope/empty", b""),
        lambda: Frame("text", rng.choice(("hello", '{"type":"sync"}', "\x00", "é" * 10))),
    ]
    return rng.choice(choices)()


# -- Socket.IO ----------------------------------------------------------------------------

PLACEHOLDER = {"_placeholder": True, "num": 0}
BINARY_EVENTS = ("sync-step-1", "sync-step-2", "sync-update", "awareness-update")
COMMENT_EVENTS = (
    "comment-list",
    "comment-create",
    "comment-reply",
    "comment-edit",
    "comment-resolve",
    "comment-reopen",
    "comment-delete",
    "comment-flag",
    "comment-decide",
    "comment-queue",
)
SESSION_EVENTS = ("transcript-append", "transcript-correct")


@dataclass(frozen=True)
class SioAction:
    """One Socket.IO fuzz input: packets to send (``{ack}`` replaced by the ack id)."""

    kind: str
    event: str
    packets: tuple[bytes | str, ...]  # str: text frame, bytes: binary frame
    acked: bool  # whether the packets ask for an ack (carry ``{ack}``)
    attachment: bytes | None = None  # the binary payload of a sync event


def _weird_value(rng: random.Random, depth: int = 0) -> Any:
    r = rng.random()
    if r < 0.2:
        return rng.choice(HUGE_INTS) * rng.choice((1, -1))
    if r < 0.35:
        return rng.choice(WEIRD_STRINGS)
    if r < 0.45:
        return rng.choice((None, True, False, 0, -1, 1.5, float("1e308")))
    if r < 0.55 and depth < 3:
        return [_weird_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    if r < 0.65 and depth < 3:
        return {rng.choice(("id", "body", "x")): _weird_value(rng, depth + 1)}
    if r < 0.75:
        return rng.randrange(-5, 50)
    return "x" * rng.randrange(0, 40)


def _comment_data(rng: random.Random, m: Material, event: str) -> Any:
    ids = m.comment_ids or [1]
    data: dict[str, Any] = {
        "id": rng.choice(ids),
        "parent_id": rng.choice(ids),
        "body": "a fuzzed comment",
        "anchor": {"paragraph": "p1"},
        "reason": "spam",
        "decision": "accepted",
        "ids": [rng.choice(ids)],
        "meeting": "m",
    }
    for key in rng.sample(sorted(data), rng.randrange(1, 4)):
        if rng.random() < 0.3:
            del data[key]
        else:
            data[key] = _weird_value(rng)
    if event == "comment-create" and rng.random() < 0.3:
        data["body"] = rng.choice(WEIRD_STRINGS)
    return data


def _session_data(rng: random.Random, m: Material, event: str) -> Any:
    if event == "transcript-correct":
        data: dict[str, Any] = {"id": rng.choice(m.segment_ids or [1]), "text": "corrected"}
    else:
        segment = {"client_key": f"k{rng.randrange(10**6)}", "text": "caption line",
                   "start_ms": 0, "end_ms": 1000, "speaker": "Chair"}  # fmt: skip
        key = rng.choice(sorted(segment))
        segment[key] = _weird_value(rng)
        return {"segments": [segment]}
    key = rng.choice(sorted(data))
    data[key] = _weird_value(rng)
    return data


def _json(value: Any) -> str:
    # ensure_ascii keeps lone surrogates as \\udXXX escapes: valid JSON text, as a
    # browser's JSON.stringify would send them.
    return json.dumps(value, ensure_ascii=True, allow_nan=True)


def sio_action(rng: random.Random, m: Material, ns: str, *, session: bool) -> SioAction:
    """One Socket.IO input for namespace ``ns`` (a document, or a session's with ``session``)."""
    r = rng.random()
    if r < 0.40:
        event = rng.choice(BINARY_EVENTS)
        if event == "sync-step-1":
            kind, payload = state_vector_payload(rng, m)
        elif event == "awareness-update":
            kind, payload = awareness_payload(rng, m)
        else:
            kind, payload = update_payload(rng, m)
        header = f"451-{ns},{{ack}}{_json([event, PLACEHOLDER])}"
        return SioAction(f"{event}/{kind}", event, (header, payload), True, payload)
    if r < 0.55:
        # a sync event with a value where raw bytes belong
        event = rng.choice(BINARY_EVENTS)
        body = _json([event, _weird_value(rng)])
        return SioAction(f"{event}/wrong-type", event, (f"42{ns},{{ack}}{body}",), True)
    if r < 0.78:
        events = SESSION_EVENTS if session else COMMENT_EVENTS
        event = rng.choice(events)
        make = _session_data if session else _comment_data
        data = make(rng, m, event) if rng.random() < 0.85 else _weird_value(rng)
        return SioAction(
            f"{event}/fuzzed-json", event, (f"42{ns},{{ack}}{_json([event, data])}",), True
        )
    return _packet_garbage(rng, m, ns)


def _packet_garbage(rng: random.Random, m: Material, ns: str) -> SioAction:
    """Engine.IO / Socket.IO framing errors (no ack can be expected)."""
    valid = f'42{ns},["comment-list",{{}}]'
    choices: list[tuple[str, tuple[bytes | str, ...]]] = [
        ("packet/truncated", (valid[: rng.randrange(1, len(valid))],)),
        ("packet/mutated", (mutate(rng, valid.encode()).decode("utf-8", "replace"),)),
        ("packet/random-text", (rng.randbytes(rng.randrange(1, 60)).decode("latin-1"),)),
        ("packet/unknown-type", (f"4{rng.randrange(7, 10)}{ns},[]",)),
        ("packet/engineio-unknown", (str(rng.randrange(7, 10)) + "garbage",)),
        ("packet/bad-json", (f"42{ns}," + rng.choice(("[", "{}", '["a"', "[1,2]", "null")),)),
        ("packet/huge-ack-id", (f'42{ns},{"9" * rng.randrange(20, 400)}["comment-list",{{}}]',)),
        ("packet/nested", (f"42{ns}," + "[" * rng.choice((500, 5000, 50000)),)),
        ("packet/stray-binary", (rng.randbytes(rng.randrange(1, 40)),)),
        (
            "packet/attachment-count",
            (
                f"4{rng.randrange(5, 7)}{rng.randrange(2, 9)}-{ns},"
                f'["sync-update",{_json(PLACEHOLDER)}]',
                m.updates[0],
            ),
        ),
        (
            "packet/placeholder-out-of-range",
            (
                f'451-{ns},["sync-update",{{"_placeholder":true,"num":{rng.choice(HUGE_INTS)}}}]',
                m.updates[0],
            ),
        ),
        ("packet/other-namespace", (f'42/yjs|{"x" * rng.randrange(1, 300)},["sync-step-1"]',)),
    ]
    kind, packets = rng.choice(choices)
    return SioAction(kind, "", packets, False)


def namespace_variant(rng: random.Random, document: str, session_id: int) -> str:
    """Namespaces to try connecting to (most must be refused with an error payload)."""
    return rng.choice(
        (
            f"/yjs|{document}",
            f"/yjs|{rng.choice(WEIRD_STRINGS)}",
            "/yjs|" + "d" * rng.randrange(100, 2000),
            f"/session|{rng.choice(HUGE_INTS)}",
            f"/session|{session_id}",
            f"/session|-{session_id}",
            "/session|1e9",
            "/nowhere",
            "/",
        )
    )
