"""Model v2 under random interleavings: three replicas type (sometimes offline) while the
server moves, deletes, restores and re-statuses paragraphs. Every replica converges, no
character a user did not delete is lost, and no paragraph or word ever shows twice.

Replicas talk to the server the way the transports do: online, each local change goes to
the server and on to the other online replicas; offline, changes queue; on reconnect the
replica and the server exchange what the other lacks (sync steps 1 and 2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pycrdt import Doc

from crdt import schema
from crdt.schema import ParagraphSpec, Status

SEED = [ParagraphSpec(f"OP{i}", "A", text=f"Paragraph {i} text.", id=f"p{i}") for i in range(1, 6)]
UNLOCKED = [s for s in schema.STATUSES if s not in schema.LOCKED and s != Status.DELETED]


def _utf8(value: str, index: int) -> int:
    """pycrdt 0.14 indexes a Y.Text in UTF-8 bytes."""
    return len(value[:index].encode())


@dataclass
class Replica:
    name: str
    doc: Doc[Any]
    online: bool = True
    outbox: list[bytes] = field(default_factory=list)


class Network:
    def __init__(self) -> None:
        self.server: Doc[Any] = Doc()
        schema.init_document(self.server, title="Convergence")
        for spec in SEED:
            schema.add_paragraph(self.server, spec)
        self.replicas = [Replica(f"r{i}", Doc()) for i in range(3)]
        for replica in self.replicas:
            replica.doc.apply_update(self.server.get_update())
        self.typed: dict[str, str] = {}  # token -> paragraph it was typed into
        self.deleted_tokens: set[str] = set()
        self._count = 0

    # -- transport ---------------------------------------------------------------

    def _broadcast(self, update: bytes, source: Replica | None) -> None:
        for replica in self.replicas:
            if replica is not source and replica.online:
                replica.doc.apply_update(update)

    def local_change(self, replica: Replica, change: Any) -> None:
        before = replica.doc.get_state()
        change(replica.doc)
        update = replica.doc.get_update(before)
        if replica.online:
            self.server.apply_update(update)
            self._broadcast(update, replica)
        else:
            replica.outbox.append(update)

    def server_change(self, change: Any) -> None:
        before = self.server.get_state()
        change(self.server)
        self._broadcast(self.server.get_update(before), None)

    def go_offline(self, replica: Replica) -> None:
        replica.online = False

    def reconnect(self, replica: Replica) -> None:
        replica.online = True
        missing = self.server.get_update(replica.doc.get_state())
        replica.doc.apply_update(missing)
        for update in replica.outbox:
            self.server.apply_update(update)
            self._broadcast(update, replica)
        replica.outbox.clear()

    # -- users -------------------------------------------------------------------

    def type_into(self, replica: Replica, pid: str, where: float) -> None:
        self._count += 1
        token = f"«{replica.name}.{self._count}»"
        self.typed[token] = pid

        def change(doc: Doc[Any]) -> None:
            text = schema.paragraph_text(doc, pid)
            value = str(text)
            at = round(where * len(value))
            # Between words, as a user types: never inside another user's token.
            for other in self.typed:
                found = value.find(other)
                if 0 <= found < at < found + len(other):
                    at = found + len(other)
            text.insert(_utf8(value, at), token)

        self.local_change(replica, change)

    def delete_from(self, replica: Replica, pid: str, where: float, length: int) -> None:
        text = schema.paragraph_text(replica.doc, pid)
        value = str(text)
        if not value:
            return
        start = min(round(where * len(value)), len(value) - 1)
        end = min(len(value), start + length)
        # Every token the deletion touches may be (partly) gone: the user deleted it.
        for token in self.typed:
            at = value.find(token)
            if at >= 0 and at < end and at + len(token) > start:
                self.deleted_tokens.add(token)

        def change(doc: Doc[Any]) -> None:
            del schema.paragraph_text(doc, pid)[_utf8(value, start) : _utf8(value, end)]

        self.local_change(replica, change)


operation = st.one_of(
    st.tuples(st.just("type"), st.integers(0, 2), st.integers(1, 5), st.floats(0, 1)),
    st.tuples(
        st.just("delete"), st.integers(0, 2), st.integers(1, 5), st.floats(0, 1), st.integers(1, 4)
    ),
    st.tuples(st.just("offline"), st.integers(0, 2)),
    st.tuples(st.just("online"), st.integers(0, 2)),
    st.tuples(st.just("move"), st.integers(1, 5), st.integers(0, 5)),
    st.tuples(st.just("remove"), st.integers(1, 5)),
    st.tuples(st.just("restore"), st.integers(1, 5)),
    st.tuples(st.just("status"), st.integers(1, 5), st.sampled_from(UNLOCKED)),
)


def _run(net: Network, op: tuple[Any, ...]) -> None:
    kind = op[0]
    if kind == "type":
        net.type_into(net.replicas[op[1]], f"p{op[2]}", op[3])
    elif kind == "delete":
        net.delete_from(net.replicas[op[1]], f"p{op[2]}", op[3], op[4])
    elif kind == "offline":
        net.go_offline(net.replicas[op[1]])
    elif kind == "online":
        if not net.replicas[op[1]].online:
            net.reconnect(net.replicas[op[1]])
    elif kind == "move":
        pid, after = f"p{op[1]}", f"p{op[2]}" if op[2] else None
        if after != pid:
            net.server_change(lambda doc: schema.move_paragraph(doc, pid, after=after))
    elif kind == "remove":
        pid = f"p{op[1]}"
        para = schema.get_paragraph(net.server, pid)
        if not para.deleted:
            net.server_change(
                lambda doc: schema.update_paragraph(
                    doc, pid, status=Status.DELETED.value, previous_status=para.status
                )
            )
    elif kind == "restore":
        pid = f"p{op[1]}"
        para = schema.get_paragraph(net.server, pid)
        if para.deleted:
            back = para.previous_status or Status.DRAFT.value
            net.server_change(
                lambda doc: schema.update_paragraph(doc, pid, status=back, previous_status="")
            )
    elif kind == "status":
        pid = f"p{op[1]}"
        if not schema.get_paragraph(net.server, pid).deleted:
            net.server_change(lambda doc: schema.update_paragraph(doc, pid, status=op[2]))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operation, min_size=1, max_size=60))
def test_replicas_converge_and_keep_every_word(ops: list[tuple[Any, ...]]) -> None:
    net = Network()
    for op in ops:
        _run(net, op)
    for replica in net.replicas:
        if not replica.online:
            net.reconnect(replica)

    expected = schema.to_plain(net.server)
    for replica in net.replicas:
        assert schema.to_plain(replica.doc) == expected, replica.name

    ids = [p["id"] for p in expected["paragraphs"]]
    assert sorted(ids) == [f"p{i}" for i in range(1, 6)], "a paragraph was lost or duplicated"
    texts = {p["id"]: p["text"] for p in expected["paragraphs"]}
    everything = "\n".join(texts.values())
    for token, pid in net.typed.items():
        if token in net.deleted_tokens:
            assert everything.count(token) <= 1, f"{token} shows twice"
            continue
        assert texts[pid].count(token) == 1, f"{token} typed into {pid} was lost or doubled"
