"""Random interleavings on three replicas and a guarded server converge (hypothesis).

Two members and the chair type and delete in paragraphs on three replicas that go
offline and come back at random; meanwhile the server moves, deletes, restores paragraphs and sets
their status (locking and reopening them). Afterwards every replica equals the
server, no paragraph appears twice, and every character the server accepted is
there exactly once: only a locked paragraph's guard refuses words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pycrdt
from hypothesis import given, settings
from hypothesis import strategies as st

from crdt import schema
from server.auth.tokens import Role
from tests.unit.test_guard import FakePeer, Server

PIDS = ("p0", "p1", "p2", "p3")
MARKER = re.compile(r"<[^<>]*>")


@dataclass
class Replica:
    name: str
    doc: pycrdt.Doc[Any]
    peer: FakePeer
    online: bool = True
    pending: list[bytes] = field(default_factory=list)
    applying: bool = False

    def __post_init__(self) -> None:
        self.doc.observe(self._local)

    def _local(self, event: Any) -> None:
        if not self.applying:
            self.pending.append(event.update)

    def pull(self, server: Server) -> None:
        self.applying = True
        try:
            self.doc.apply_update(server.doc.get_update(self.doc.get_state()))
        finally:
            self.applying = False


class World:
    def __init__(self) -> None:
        doc: pycrdt.Doc[Any] = pycrdt.Doc()
        schema.init_document(doc, title="Rolling text")
        for i, pid in enumerate(PIDS):
            schema.add_paragraph(doc, schema.ParagraphSpec(f"OP{i}", "A", text="ab", id=pid))
        self.server = Server(doc)
        self.replicas = []
        # Two members and the chair (whose edits of locked text are kept).
        for name, role in (("A", Role.MEMBER), ("B", Role.MEMBER), ("C", Role.CHAIR)):
            replica_doc: pycrdt.Doc[Any] = pycrdt.Doc()
            replica_doc.apply_update(doc.get_update())
            self.replicas.append(Replica(name, replica_doc, FakePeer(role)))
        self.accepted: set[str] = set()
        self.typed = 0

    def texts(self, doc: pycrdt.Doc[Any]) -> str:
        return "".join(str(schema.text_root(doc, pid)) for pid in PIDS)

    def deliver(self) -> None:
        """Online replicas send what they have, then everyone online catches up."""
        for replica in self.replicas:
            if replica.online:
                while replica.pending:
                    self.server.receive(replica.peer, replica.pending.pop(0))
        self.accepted |= set(MARKER.findall(self.texts(self.server.doc)))
        for replica in self.replicas:
            if replica.online:
                replica.pull(self.server)

    def type(self, r: int, pid: str, at: int, kind: str) -> None:
        replica = self.replicas[r]
        text = schema.text_root(replica.doc, pid)
        value = str(text)
        inside = {i for m in MARKER.finditer(value) for i in range(m.start() + 1, m.end())}
        if kind == "delete":
            fillers = [i for i, ch in enumerate(value) if ch in "ab" and i not in inside]
            if fillers:
                del text[fillers[at % len(fillers)]]
            return
        safe = [i for i in range(len(value) + 1) if i not in inside]
        where = safe[at % len(safe)]
        if kind == "marker":
            self.typed += 1
            text.insert(where, f"<{replica.name}{self.typed}>")
        else:
            text.insert(where, "ab")

    def govern(self, op: str, pid: str, arg: int) -> None:
        with self.server.as_server() as doc:
            para = schema.get_paragraph(doc, pid)
            if op == "move":
                others = [p for p in PIDS if p != pid]
                after = None if arg % 4 == 3 else others[arg % 3]
                schema.move_paragraph(doc, pid, after=after)
            elif op == "delete" and not para.deleted and not para.locked:
                schema.update_paragraph(
                    doc, pid, status=schema.Status.DELETED.value, previous_status=para.status
                )
            elif op == "restore" and para.deleted:
                schema.update_paragraph(
                    doc, pid, status=para.previous_status or "draft", previous_status=""
                )
            elif op == "status" and not para.deleted:
                status = ("draft", "agreed", "agreed_ad_ref", "to_be_revisited")[arg % 4]
                if status != para.status:
                    schema.update_paragraph(doc, pid, status=status)


replica_ops = st.tuples(
    st.just("type"),
    st.integers(0, 2),
    st.sampled_from(PIDS),
    st.integers(0, 1000),
    st.sampled_from(["marker", "filler", "delete"]),
)
server_ops = st.tuples(
    st.just("govern"),
    st.sampled_from(["move", "delete", "restore", "status"]),
    st.sampled_from(PIDS),
    st.integers(0, 100),
)
link_ops = st.tuples(st.sampled_from(["offline", "online"]), st.integers(0, 2))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(replica_ops, server_ops, link_ops), min_size=1, max_size=60))
def test_random_interleavings_converge_without_loss_or_duplicates(ops: list[Any]) -> None:
    world = World()
    for op in ops:
        if op[0] == "type":
            world.type(op[1], op[2], op[3], op[4])
        elif op[0] == "govern":
            world.govern(op[1], op[2], op[3])
        else:
            world.replicas[op[1]].online = op[0] == "online"
        world.deliver()
    for replica in world.replicas:
        replica.online = True
    world.deliver()
    world.deliver()  # reverts of the last updates reach everyone
    server_plain = schema.to_plain(world.server.doc)
    ids = [p["id"] for p in server_plain["paragraphs"]]
    assert sorted(ids) == sorted(PIDS)  # every paragraph once, none lost
    for replica in world.replicas:
        assert schema.to_plain(replica.doc) == server_plain
    markers = MARKER.findall(world.texts(world.server.doc))
    assert len(markers) == len(set(markers))  # no character twice
    assert set(markers) == world.accepted  # none the server accepted is lost
    # Locked paragraphs read what they read when they were locked (or an officer set).
    for pid, words in world.server.guard.locked.items():
        assert str(schema.text_root(world.server.doc, pid)) == words
