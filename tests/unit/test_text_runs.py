"""``crdt.items.text_runs`` rebuilds each root text's items in the order Yrs holds them.

Several pycrdt replicas edit the same texts concurrently (ASCII, accented letters,
emoji outside the BMP), exchange updates in random orders over several rounds,
and for every replica's full state, every root text: the runs' live characters are
the text, and the runs' ids are exactly the ids of that text's structs, each once.
"""

from __future__ import annotations

import base64
import itertools
import json
import random
import subprocess
from typing import Any

import pycrdt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crdt.encoding import DecodeError
from crdt.items import Run, slice16, text_runs
from crdt.update_v1 import delete_set
from crdt.updates import decode_state_vector, new_doc
from tests.support.node import NODE_DIR, ensure_node

ROOTS = ("p:a", "p:b", "p:c")
ALPHABET = "ab cdé ñ😀🇫🇷x\n"


def texts(doc: pycrdt.Doc[Any]) -> dict[str, str]:
    return {name: str(doc.get(name, type=pycrdt.Text)) for name in ROOTS}


def byte_offset(s: str, chars: int) -> int:
    """pycrdt's Text indexes by UTF-8 bytes."""
    return len(s[:chars].encode("utf-8"))


def check(doc: pycrdt.Doc[Any]) -> dict[str, list[Run]]:
    update = doc.get_update()
    runs = text_runs(update, lambda n: n.startswith("p:"))
    expected = texts(doc)
    for name in ROOTS:
        got = runs.get(name, [])
        assert "".join(r.text or "" for r in got if not r.deleted) == expected[name]
        for r in got:
            assert r.length > 0
            if r.text is not None:
                assert len(r.text.encode("utf-16-le")) // 2 == r.length
            if not r.deleted:
                assert r.text is not None
    # Ids: no (client, clock) twice across all texts; together with the other roots'
    # ids they are exactly the state vector's ranges.
    seen: dict[int, list[tuple[int, int]]] = {}
    for got in runs.values():
        for r in got:
            seen.setdefault(r.client, []).append((r.clock, r.clock + r.length))
    for spans in seen.values():
        spans.sort()
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert end <= start, "a clock appears in two runs"
    # Deleted: every run reported deleted lies in the delete set, every live one outside it.
    deleted: dict[int, list[tuple[int, int]]] = {}
    for client, clock, length in delete_set(update):
        deleted.setdefault(client, []).append((clock, clock + length))
    for got in runs.values():
        for r in got:
            inside = any(
                s <= r.clock and r.clock + r.length <= e for s, e in deleted.get(r.client, [])
            )
            assert inside == r.deleted
    return runs


class Replicas:
    """Replicas with a log of which ids each one created in which root text."""

    def __init__(self, count: int, seed: int) -> None:
        self.rng = rng = random.Random(seed)
        # Some replicas keep deleted characters (skip_gc): their states carry deleted
        # strings, the others' carry garbage-collected (content-less) items.
        self.docs = [
            pycrdt.Doc(client_id=rng.getrandbits(32), skip_gc=rng.random() < 0.5)
            for _ in range(count)
        ]
        self.orders: list[dict[str, list[tuple[int, int]]]] = [{} for _ in range(count)]
        self.ids: dict[str, set[tuple[int, int]]] = {name: set() for name in ROOTS}
        self.gone: set[tuple[int, int]] = set()

    def edit(self, doc: pycrdt.Doc[Any], ops: int) -> None:
        rng = self.rng
        for _ in range(ops):
            name = rng.choice(ROOTS)
            t = doc.get(name, type=pycrdt.Text)
            s = str(t)
            if s and rng.random() < 0.35:
                start = rng.randrange(len(s))
                end = min(len(s), start + rng.randint(1, 4))
                known = set(delete_set(doc.get_update()))
                del t[byte_offset(s, start) : byte_offset(s, end)]
                for c, k, n in set(delete_set(doc.get_update())) - known:
                    self.gone |= {(c, k + i) for i in range(n)}
            else:
                word = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 6)))
                clock = self.clock(doc)
                t.insert(byte_offset(s, rng.randint(0, len(s))), word)
                units = len(word.encode("utf-16-le")) // 2
                assert self.clock(doc) == clock + units
                self.ids[name] |= {(doc.client_id, clock + i) for i in range(units)}
            if rng.random() < 0.2:
                doc.get("index", type=pycrdt.Map)[rng.choice("xyz")] = rng.random()

    @staticmethod
    def clock(doc: pycrdt.Doc[Any]) -> int:
        return decode_state_vector(doc.get_state()).get(doc.client_id, 0)

    def sync(self) -> None:
        """Exchange updates between random pairs in a random order (some stay behind)."""
        rng = self.rng
        n = len(self.docs)
        pairs = [(a, b) for a in range(n) for b in range(n) if a != b]
        rng.shuffle(pairs)
        for a, b in pairs[: rng.randint(1, len(pairs))]:
            src, dst = self.docs[a], self.docs[b]
            dst.apply_update(src.get_update(dst.get_state()))

    def converge(self) -> None:
        for dst in self.docs:
            for src in self.docs:
                if src is not dst:
                    dst.apply_update(src.get_update(dst.get_state()))


def check_ids(runs: dict[str, list[Run]], replicas: Replicas, doc: pycrdt.Doc[Any]) -> None:
    """Each text's runs cover exactly the ids created in it that ``doc`` has seen."""
    known = decode_state_vector(doc.get_state())
    for name in ROOTS:
        covered: list[tuple[int, int]] = []
        for r in runs.get(name, []):
            covered.extend((r.client, r.clock + i) for i in range(r.length))
        assert len(covered) == len(set(covered)), f"{name}: an id appears twice"
        expected = {(c, k) for c, k in replicas.ids[name] if k < known.get(c, 0)}
        assert set(covered) == expected, name


def ids_in_order(runs: list[Run]) -> list[tuple[int, int]]:
    return [(r.client, r.clock + i) for r in runs for i in range(r.length)]


def units(runs: dict[str, list[Run]]) -> dict[str, list[tuple[int, int, bool]]]:
    return {
        name: [(r.client, r.clock + i, r.deleted) for r in got for i in range(r.length)]
        for name, got in runs.items()
    }


def check_stable(runs: dict[str, list[Run]], replicas: Replicas, index: int) -> None:
    """Items never move: the order a replica had (deleted items included) is kept.

    Live characters' order is checked against the text itself; this checks where
    deleted ones sit too, since each was live, and checked, at some earlier round.
    """
    before = replicas.orders[index]
    for name in ROOTS:
        now = ids_in_order(runs.get(name, []))
        it = iter(now)
        assert all(i in it for i in before.get(name, [])), f"{name}: an item moved"
        before[name] = now


@settings(max_examples=150, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    count=st.integers(2, 4),
    rounds=st.integers(1, 6),
    ops=st.integers(1, 8),
)
def test_runs_match_every_replica(seed: int, count: int, rounds: int, ops: int) -> None:
    replicas = Replicas(count, seed)
    for _ in range(rounds):
        for doc in replicas.docs:
            replicas.edit(doc, replicas.rng.randint(0, ops))
        replicas.sync()
        for index, doc in enumerate(replicas.docs):
            runs = check(doc)
            check_ids(runs, replicas, doc)
            check_stable(runs, replicas, index)
    replicas.converge()
    final = [check(doc) for doc in replicas.docs]
    for index, runs in enumerate(final):
        check_stable(runs, replicas, index)
    for name, runs in final[0].items():  # converged: every deletion made is seen
        for r in runs:
            ids = {(r.client, r.clock + i) for i in range(r.length)}
            assert r.deleted == (ids <= replicas.gone), f"{name}: {r}"
            assert r.deleted or not ids & replicas.gone
    for runs in final[1:]:  # deleted text is kept or not: compare ids and flags only
        assert units(runs) == units(final[0]), "converged replicas disagree on the items' order"


def test_deleted_characters_are_reported_deleted() -> None:
    doc = new_doc()
    t = doc.get("p:x", type=pycrdt.Text)
    t += "keep gone😀 keep"
    del t[byte_offset(str(t), 5) : byte_offset(str(t), 10)]
    runs = text_runs(doc.get_update())["p:x"]
    assert [(r.text, r.deleted) for r in runs] == [("keep ", False), (None, True), (" keep", False)]
    assert runs[1].clock == 5 and runs[1].length == 6  # "gone😀" is 6 UTF-16 units


def test_slice16_counts_utf16_units() -> None:
    s = "a😀é🇫🇷b"
    assert slice16(s, 0, 3) == "a😀"
    assert slice16(s, 3, 4) == "é"
    assert slice16(s, 4, 8) == "🇫🇷"
    assert slice16(s, 8, 9) == "b"
    assert slice16("plain", 1, 3) == "la"


def test_refuses_garbage_and_partial_state() -> None:
    a = new_doc()
    a.get("p:x", type=pycrdt.Text).insert(0, "hello")
    before = a.get_state()
    a.get("p:x", type=pycrdt.Text).insert(5, " world")
    with pytest.raises(DecodeError):
        text_runs(a.get_update()[:-3])
    with pytest.raises(DecodeError):
        text_runs(a.get_update(before))  # refers to items it lacks


YJS_STRING, YJS_DELETED = 4, 1  # Yjs content refs of characters and of collected ones


@pytest.mark.node
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_runs_match_real_yjs_item_order(seed: int) -> None:
    """Real Yjs replicas (tests/node/runs.mjs) edit, format and exchange updates;
    every round, one replica's full state read by ``text_runs`` gives the very
    items Yjs holds, in its order, deleted or not, and the same text."""
    node = ensure_node()
    config = {"seed": seed, "replicas": 2 + seed, "rounds": 12, "ops": 6}
    done = subprocess.run(
        [node, str(NODE_DIR / "runs.mjs"), json.dumps(config)],
        cwd=NODE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    reports = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(reports) == config["rounds"] + 1
    formats = 0
    for report in reports:
        runs = text_runs(base64.b64decode(report["state"]), lambda n: n.startswith("p:"))
        for name, expected in report["texts"].items():
            got = runs.get(name, [])
            assert "".join(r.text or "" for r in got if not r.deleted) == expected
            yjs = [
                (client, clock + i, deleted)
                for client, clock, length, deleted, ref in report["items"][name]
                if ref in (YJS_STRING, YJS_DELETED)
                for i in range(length)
            ]
            formats += sum(
                1 for *_, ref in report["items"][name] if ref not in (YJS_STRING, YJS_DELETED)
            )
            assert units({name: got})[name] == yjs, name
    assert formats > 0, "the script made no formatting marks: the test checks less than it says"


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_damaged_states_are_refused_cleanly(data: st.DataObject) -> None:
    """Flipped, cut or inserted bytes anywhere in a real state: ``text_runs`` either
    reads it or raises ``DecodeError``, never anything else (nor hangs)."""
    replicas = Replicas(2, data.draw(st.integers(0, 2**16)))
    for doc in replicas.docs:
        replicas.edit(doc, 6)
    replicas.converge()
    state = bytearray(replicas.docs[0].get_update())
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(state) - 1))
        action = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        if action == "flip":
            state[at] = data.draw(st.integers(0, 255))
        elif action == "cut":
            del state[at:]
            if not state:
                state.append(0)
        else:
            state.insert(at, data.draw(st.integers(0, 255)))
    try:
        text_runs(bytes(state))
    except DecodeError:
        pass
