"""The document guard (server/rooms/guard.py) on pycrdt documents, without a server:
what a client may not change is put back, on every replica that receives the revert."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pycrdt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crdt import schema
from server.auth.principal import Principal
from server.auth.tokens import Role
from server.errors import RollingTextError
from server.rooms.guard import DocumentGuard, restore_text, same
from server.rooms.peer import Channel, Peer


class FakePeer(Peer):
    transport_name = "fake"

    def __init__(self, role: Role) -> None:
        super().__init__(Principal("someone", role))
        self.refusals: list[RollingTextError] = []

    @classmethod
    async def fanout(cls, peers: Sequence[Peer], channel: Channel, payload: bytes) -> None:
        raise NotImplementedError

    async def close(self, code: int, reason: str) -> None:
        raise NotImplementedError

    def refused(self, error: RollingTextError) -> None:
        self.refusals.append(error)


class Server:
    """A document with its guard, applying clients' updates as a room does."""

    def __init__(self, doc: pycrdt.Doc[Any]) -> None:
        self.doc = doc
        self.applying: object = None
        self.guard = DocumentGuard(
            doc, name="d", origin=lambda: self.applying, logger=logging.getLogger("test")
        )

    @contextmanager
    def as_server(self) -> Iterator[pycrdt.Doc[Any]]:
        yield self.doc
        self.guard.after_update(None)

    def receive(self, peer: FakePeer, update: bytes) -> bytes | None:
        self.applying = peer
        try:
            self.doc.apply_update(update)
        finally:
            self.applying = None
        return self.guard.after_update(peer)


def seeded() -> Server:
    doc: pycrdt.Doc[Any] = pycrdt.Doc()
    schema.init_document(doc, title="Rolling text", session=3)
    for spec in (
        schema.ParagraphSpec("OP1", "A", "recommendation", "Enhance 😀 co-op 中文.", id="op1"),
        schema.ParagraphSpec("OP2", "B", text="Build capacity.", id="op2", proposers=("Brazil",)),
    ):
        schema.add_paragraph(doc, spec)
    schema.put_opinion(doc, schema.Opinion("o1", "Divergent.", ("Kenya",), section="A"))
    return Server(doc)


def client_of(server: Server) -> pycrdt.Doc[Any]:
    doc: pycrdt.Doc[Any] = pycrdt.Doc()
    doc.apply_update(server.doc.get_update())
    return doc


def send(server: Server, client: pycrdt.Doc[Any], peer: FakePeer, change: Any) -> None:
    """The client changes its doc, the server receives it, the client gets the revert."""
    before = client.get_state()
    change(client)
    revert = server.receive(peer, client.get_update(before))
    if revert is not None:
        client.apply_update(revert)


def test_same_is_strict_about_kinds() -> None:
    assert same({"a": [1, "x"]}, {"a": [1.0, "x"]})
    assert not same(True, 1)
    assert not same({"a": 1}, {"a": 1, "b": 2})
    assert not same("1", 1)


@pytest.mark.parametrize(
    ("current", "wanted"),
    [
        ("abc", "abc"),
        ("aXbc", "abc"),
        ("", "😀中文"),
        ("😀 a 中文 b", "😀 中文 b"),
        ("x😀y", "x中y"),
        ("中中中", "中中"),
    ],
)
def test_restore_text_counts_code_points(current: str, wanted: str) -> None:
    doc: pycrdt.Doc[Any] = pycrdt.Doc()
    text = doc.get("p:x", type=pycrdt.Text)
    text.insert(0, current)
    restore_text(text, current, wanted)
    assert str(text) == wanted


def test_raw_writes_to_governed_roots_are_put_back() -> None:
    server = seeded()
    governed = schema.to_plain(server.doc)
    client = client_of(server)
    member = FakePeer(Role.MEMBER)

    def tamper(doc: pycrdt.Doc[Any]) -> None:
        with doc.transaction():
            index = schema.index(doc)
            for pid in list(index.keys()):
                index[pid] = {**index[pid], "label": "X", "status": "agreed", "proposers": ["Sw"]}
            del index["op2"]
            index["fake"] = {"order": "1", "label": "F", "section": "A"}
            schema.meta(doc)["title"] = "Hijacked"
            schema.meta(doc)["session"] = True
            schema.opinions_root(doc)["o2"] = {"text": "x", "delegations": [], "section": "A"}
            del schema.opinions_root(doc)["o1"]
            doc.get(schema.V1_PARAGRAPHS, type=pycrdt.Array).append("junk")

    send(server, client, member, tamper)
    assert schema.to_plain(server.doc) == governed
    assert schema.to_plain(client) == governed
    assert len(client.get(schema.V1_PARAGRAPHS, type=pycrdt.Array)) == 0
    assert [e.code for e in member.refusals] == ["governed_state"]
    # The guard's copy still says op1 is a draft: the tamper locked nothing.
    assert server.guard.locked == {}


def test_locked_text_is_put_back_and_untouched_characters_keep_their_ids() -> None:
    server = seeded()
    with server.as_server() as doc:
        schema.update_paragraph(doc, "op1", status=schema.Status.AGREED.value)
    locked = str(schema.text_root(server.doc, "op1"))
    client = client_of(server)
    member, chair = FakePeer(Role.MEMBER), FakePeer(Role.CHAIR)
    ids_before = _ids(server.doc, "op1")

    def edit(doc: pycrdt.Doc[Any]) -> None:
        text = schema.text_root(doc, "op1")
        value = str(text)
        at = len(value[: value.index("中")].encode())
        with doc.transaction():
            text.insert(at, "NOT ")
            del text[0 : len(b"Enhance ")]

    send(server, client, member, edit)
    assert str(schema.text_root(server.doc, "op1")) == locked
    assert str(schema.text_root(client, "op1")) == locked
    assert [e.code for e in member.refusals] == ["paragraph_locked"]
    assert member.refusals[0].details == {"paragraph": "op1"}
    # Only the deleted word got new ids; the rest is the same characters.
    after = _ids(server.doc, "op1")
    assert after[len("Enhance ") :] == ids_before[len("Enhance ") :]

    # An unlocked paragraph is free; an officer's edit to a locked one is kept.
    send(server, client, member, lambda d: schema.text_root(d, "op2").insert(0, "We "))
    assert str(schema.text_root(server.doc, "op2")) == "We Build capacity."
    send(server, client, chair, lambda d: schema.text_root(d, "op1").insert(0, "Chair: "))
    assert str(schema.text_root(server.doc, "op1")) == "Chair: " + locked
    assert len(member.refusals) == 1 and chair.refusals == []
    # ...and becomes the locked text a member cannot change.
    send(server, client, member, lambda d: schema.text_root(d, "op1").insert(0, "No"))
    assert str(schema.text_root(client, "op1")) == "Chair: " + locked

    # Reopened by the server: members edit it again.
    with server.as_server() as doc:
        schema.update_paragraph(doc, "op1", status=schema.Status.DRAFT.value)
    client.apply_update(server.doc.get_update(client.get_state()))
    send(server, client, member, lambda d: schema.text_root(d, "op1").insert(0, "Yes "))
    assert str(schema.text_root(server.doc, "op1")) == "Yes Chair: " + locked


def _ids(doc: pycrdt.Doc[Any], pid: str) -> list[tuple[int, int]]:
    from crdt.anchors import char_ids

    return char_ids(schema.text_root(doc, pid))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["insert", "delete"]),
            st.integers(0, 40),
            st.integers(1, 5),
            st.text(alphabet="ab😀中 ", min_size=1, max_size=4),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_any_edit_of_a_locked_text_is_put_back(edits: list[tuple[str, int, int, str]]) -> None:
    server = seeded()
    with server.as_server() as doc:
        schema.update_paragraph(doc, "op1", status=schema.Status.AGREED_AD_REF.value)
    locked = str(schema.text_root(server.doc, "op1"))
    client = client_of(server)

    def edit(doc: pycrdt.Doc[Any]) -> None:
        text = schema.text_root(doc, "op1")
        with doc.transaction():
            for kind, at, size, chars in edits:
                value = str(text)
                at = min(at, len(value))
                start = len(value[:at].encode())
                if kind == "insert":
                    text.insert(start, chars)
                elif at < len(value):
                    del text[start : start + len(value[at : at + size].encode())]

    send(server, client, FakePeer(Role.MEMBER), edit)
    assert str(schema.text_root(server.doc, "op1")) == locked
    assert str(schema.text_root(client, "op1")) == locked


def test_another_process_applies_the_change_and_its_revert_without_guarding_again() -> None:
    """Scale-out: process B receives A's client update and A's revert (origin remote):
    it reverts nothing itself, and its governed copy and locks follow A's."""
    a = seeded()
    with a.as_server() as doc:
        schema.update_paragraph(doc, "op1", status=schema.Status.AGREED.value)
    b = Server(client_of(a))
    remote = object()
    client = client_of(a)
    member = FakePeer(Role.MEMBER)

    def tamper(doc: pycrdt.Doc[Any]) -> None:
        with doc.transaction():
            schema.meta(doc)["title"] = "Hijacked"
            schema.text_root(doc, "op1").insert(0, "NOT ")

    before = client.get_state()
    tamper(client)
    update = client.get_update(before)
    revert = a.receive(member, update)
    assert revert is not None
    for change in (update, revert):
        b.applying = remote
        b.doc.apply_update(change)
        b.applying = None
        assert b.guard.after_update(None) is None
    assert schema.to_plain(b.doc) == schema.to_plain(a.doc)
    assert b.guard.locked == a.guard.locked
    # B's own clients are still held to the governed values.
    send(b, client, FakePeer(Role.MEMBER), lambda d: schema.meta(d).__setitem__("title", "X"))
    assert schema.document_meta(b.doc)["title"] == "Rolling text"
