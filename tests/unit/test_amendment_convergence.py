"""Amendments decided while three replicas edit concurrently converge, and no
proposal is ever applied twice (hypothesis, in-process: ``server.amendments.edits``).

Three replicas type and delete filler in two paragraphs, going out of sync with the
server at random; meanwhile proposals are made on the server's text and decided
(accept, reject, bracket; deciding a decided one again is refused by the state
check the service makes in one transaction), outdated ones only with the chair's
confirmation. Each proposal's words carry a unique marker ``<n>``. At the end every
replica equals the server, an accepted or bracketed proposal's marker is in the text
exactly once (its words applied once, as its proposer's client), and a rejected or
refused one's nowhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pycrdt
from hypothesis import given, settings
from hypothesis import strategies as st

from crdt import anchors, schema, updates
from server.amendments import edits

PIDS = ("p0", "p1")
SPECIAL = set("<>[] 0123456789")
MARKER = re.compile(r"<(\d+)>")


@dataclass
class Replica:
    doc: pycrdt.Doc[Any]
    pending: list[bytes] = field(default_factory=list)
    applying: bool = False

    def __post_init__(self) -> None:
        self.doc.observe(self._local)

    def _local(self, event: Any) -> None:
        if not self.applying:
            self.pending.append(event.update)

    def sync(self, server: pycrdt.Doc[Any]) -> None:
        for update in self.pending:
            server.apply_update(update)
        self.pending.clear()
        self.applying = True
        try:
            self.doc.apply_update(server.get_update(self.doc.get_state()))
        finally:
            self.applying = False


@dataclass
class Proposal:
    anchor: anchors.Anchor
    kind: str
    words: str
    state: str = "open"
    applied: int = 0
    client: int | None = None


class World:
    def __init__(self) -> None:
        self.server: pycrdt.Doc[Any] = updates.new_doc()
        for i, pid in enumerate(PIDS):
            spec = schema.ParagraphSpec(f"OP{i}", "A", text="abcdefghij", id=pid)
            schema.add_paragraph(self.server, spec)
        self.replicas = []
        for _ in range(3):
            doc = updates.new_doc()
            doc.apply_update(self.server.get_update())
            self.replicas.append(Replica(doc))
        self.proposals: list[Proposal] = []

    def edit(self, who: int, pid: str, at: int, delete: bool, letter: str) -> None:
        text = schema.text_root(self.replicas[who].doc, pid)
        value = str(text)
        if delete:
            # Filler only: proposals' markers and brackets stay, so they can be counted.
            spots = [i for i, ch in enumerate(value) if ch not in SPECIAL]
            if spots:
                i = spots[at % len(spots)]
                del text[len(value[:i].encode()) : len(value[: i + 1].encode())]
        else:
            # Not inside a marker it has seen (markers count the proposals' words).
            spots = [
                i for i in range(len(value) + 1) if i == 0 or value[i - 1] not in "<0123456789"
            ]
            i = spots[at % len(spots)]
            text.insert(len(value[:i].encode()), letter)

    def propose(self, pid: str, at: int, length: int, kind: str) -> None:
        value = str(schema.text_root(self.server, pid))
        start = at % max(1, len(value))
        end = min(len(value), start + 1 + length)
        if not value or any(ch in SPECIAL for ch in value[start:end]):
            return  # only words without markers: what a proposal replaces is filler
        n = len(self.proposals)
        words = "" if kind == "delete" else f"<{n}>"
        anchor = anchors.create(self.server, pid, start, end)
        self.proposals.append(Proposal(anchor, kind, words))

    def decide(self, n: int, verdict: str, confirm: bool) -> None:
        """What the service does under the document's lock, after its state check."""
        if not self.proposals:
            return
        proposal = self.proposals[n % len(self.proposals)]
        if proposal.state != "open":  # check-and-set: a decided proposal stays decided
            return
        if verdict == "reject":
            proposal.state = "rejected"
            return
        target = edits.locate(self.server, proposal.anchor)
        if target is None or (edits.outdated(proposal.anchor, target) and not confirm):
            return  # refused: amendment_outdated, it stays open
        if verdict == "accept":
            proposal.client = edits.fresh_client(self.server)
            edits.accept(self.server, target, proposal.kind, proposal.words, proposal.client)
        else:
            edits.bracket(self.server, target, proposal.kind, proposal.words)
        proposal.state = verdict
        proposal.applied += 1


edit = st.tuples(
    st.just("edit"), st.integers(0, 2), st.sampled_from(PIDS), st.integers(0, 40),
    st.booleans(), st.sampled_from("xyz"),
)  # fmt: skip
sync = st.tuples(st.just("sync"), st.integers(0, 2))
propose = st.tuples(
    st.just("propose"), st.sampled_from(PIDS), st.integers(0, 40), st.integers(0, 3),
    st.sampled_from(("replace", "insert", "delete")),
)  # fmt: skip
decide = st.tuples(
    st.just("decide"), st.integers(0, 20), st.sampled_from(("accept", "reject", "bracket")),
    st.booleans(),
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(edit, sync, propose, decide), max_size=40))
def test_amendments_and_concurrent_edits_converge_and_apply_once(ops: list[Any]) -> None:
    world = World()
    for op in ops:
        if op[0] == "edit":
            world.edit(*op[1:])
        elif op[0] == "sync":
            world.replicas[op[1]].sync(world.server)
        elif op[0] == "propose":
            world.propose(*op[1:])
        else:
            world.decide(*op[1:])
    for replica in world.replicas:
        replica.sync(world.server)
    for replica in world.replicas:  # a second round: everyone has everyone's edits
        replica.sync(world.server)

    plain = schema.to_plain(world.server)
    for replica in world.replicas:
        assert updates.same_state(replica.doc, world.server)
        assert schema.to_plain(replica.doc) == plain
    text = "".join(str(schema.text_root(world.server, pid)) for pid in PIDS)
    found = [int(m) for m in MARKER.findall(text)]
    for n, proposal in enumerate(world.proposals):
        assert proposal.applied <= 1
        expected = 1 if proposal.state in ("accept", "bracket") and proposal.words else 0
        assert found.count(n) == expected, (n, proposal.state, text)
        if proposal.state == "accept" and proposal.words:
            # Its words were typed by its own client id, nobody else's.
            pid = proposal.anchor.paragraph_id or ""
            value = str(schema.text_root(world.server, pid))
            ids = anchors.char_ids(schema.text_root(world.server, pid))
            at = value.find(proposal.words)
            owners = {ids[i][0] for i in range(at, at + len(proposal.words))}
            assert owners == {proposal.client}
