"""Random edit scripts by several people between two versions of a rolling text, and
what they did, for the diff's property tests.

Every character ever typed is unique (a fresh code point, some outside the BMP), so
the script knows exactly who inserted and who deleted each character whatever the
Yjs order: the diff must report precisely that. People edit their own replicas
(one Yjs client id each), sometimes without syncing first (concurrent edits), and
every edit is one update, sent in script order: "who deleted it" is the first
person whose update deleted it, as the storage records it.
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pycrdt
from hypothesis import strategies as st

from crdt import schema, updates
from server.storage import Author

PEOPLE = (
    Author(101, "Delegate of Brazil", "Brazil"),
    Author(102, "Delegate of Sweden", "Sweden"),
    Author(103, "Delegate of Kenya", "Kenya"),
    Author(104, "Second delegate of Brazil", "Brazil"),
)
PARAGRAPHS = 3

# (person, paragraph, position fraction, insert length or 0, delete length or 0, sync first)
Edit = tuple[int, int, float, int, int, bool]
edit = st.tuples(
    st.integers(0, len(PEOPLE) - 1),
    st.integers(0, PARAGRAPHS - 1),
    st.floats(0, 1),
    st.integers(0, 4),
    st.integers(0, 3),
    st.booleans(),
)
scripts = st.tuples(st.lists(edit, max_size=12), st.lists(edit, min_size=1, max_size=25))

Send = Callable[[bytes, Author], Awaitable[None]]


@dataclass
class Script:
    """Replays edits on each person's replica, sending each update; remembers who
    inserted and who (first) deleted every character."""

    send: Send
    sent: list[bytes] = field(default_factory=list)
    inserter: dict[str, Author] = field(default_factory=dict)
    deleter: dict[str, Author] = field(default_factory=dict)
    replicas: list[pycrdt.Doc[Any]] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    _next: int = 0

    def _fresh(self) -> str:
        # CJK and, every third character, a non-BMP code point (two UTF-16 units).
        self._next += 1
        return chr(0x20000 + self._next) if self._next % 3 == 0 else chr(0x4E00 + self._next)

    async def setup(self) -> None:
        server = updates.new_doc()
        with server.transaction():
            schema.init_document(server, title="Rolling text")
            for i in range(PARAGRAPHS):
                schema.add_paragraph(server, schema.ParagraphSpec(f"OP{i + 1}", "A"))
        self.ids = [p.id for p in schema.paragraph_records(server)]
        await self._send(server.get_update(), Author(None, "server"))
        self.replicas = [pycrdt.Doc(client_id=1000 + i) for i in range(len(PEOPLE))]
        for replica in self.replicas:
            replica.apply_update(self.state())

    def state(self) -> bytes:
        return updates.merge(self.sent)

    async def _send(self, update: bytes, author: Author) -> None:
        self.sent.append(update)
        await self.send(update, author)

    async def run(self, edits: list[Edit]) -> None:
        for person, paragraph, where, inserted, deleted, sync in edits:
            doc = self.replicas[person]
            if sync:
                doc.apply_update(self.state())
            text = schema.text_root(doc, self.ids[paragraph])
            value = str(text)
            at = int(where * len(value))
            before = doc.get_state()
            gone = value[at : at + deleted]
            new = "".join(self._fresh() for _ in range(inserted))
            with doc.transaction():
                if gone:
                    start = len(value[:at].encode())
                    del text[start : start + len(gone.encode())]
                if new:
                    text.insert(len(value[:at].encode()), new)
            if not gone and not new:
                continue
            for ch in gone:
                self.deleter.setdefault(ch, PEOPLE[person])
            for ch in new:
                self.inserter[ch] = PEOPLE[person]
            await self._send(doc.get_update(before), PEOPLE[person])


def texts(state: bytes, ids: list[str]) -> dict[str, str]:
    doc = updates.doc_from_updates([state])
    return {pid: str(schema.text_root(doc, pid)) for pid in ids}


def check_diff(script: Script, older: bytes, newer: bytes, paragraphs: list[Any]) -> None:
    """The diff's paragraphs (API shape: dicts or models with ``segments``) report
    exactly what the script did between ``older`` and ``newer``."""
    a, b = texts(older, script.ids), texts(newer, script.ids)
    seen = set()
    for para in paragraphs:
        p = para if isinstance(para, dict) else para.model_dump()
        seen.add(p["id"])
        segs = p["segments"]
        assert "".join(s["text"] for s in segs if s["op"] != "insert") == a[p["id"]]
        assert "".join(s["text"] for s in segs if s["op"] != "delete") == b[p["id"]]
        assert ("text" in p["changes"]) == (a[p["id"]] != b[p["id"]])
        for s in segs:
            if s["op"] == "equal":
                continue
            who = script.inserter if s["op"] == "insert" else script.deleter
            for ch in s["text"]:
                expected = who[ch]
                got = s["author"]
                assert got is not None, (s, ch)
                assert (got["person_id"], got["name"], got["delegation"]) == (
                    expected.person_id,
                    expected.name,
                    expected.delegation,
                ), (s["op"], ch)
        for left, right in itertools.pairwise(segs):
            assert (left["op"], left["author"]) != (right["op"], right["author"]), "not merged"
    assert seen == set(script.ids)
