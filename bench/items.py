"""How long ``crdt.items.text_runs`` takes on a large document's full state.

Four replicas build a rolling text of 2,000 paragraphs (about 1 MB): each paragraph
is drafted by one replica in a few chunks, then the others edit it concurrently
(insert words, delete spans) and the replicas exchange updates, as a working
session would. ``text_runs`` then reads the merged state; the figures are the best
and the median of a few runs (wall clock), and the best CPU time (less sensitive
to a busy machine).

    .venv/bin/python -m bench.items [--paragraphs 2000] [--chars 500] [--repeat 5]
"""

from __future__ import annotations

import argparse
import random
import statistics
import string
import time
from typing import Any

import pycrdt

from crdt.items import text_runs
from crdt.schema import TEXT_PREFIX

WORDS = ["".join(random.Random(i).choices(string.ascii_lowercase, k=2 + i % 8)) for i in range(400)]
WORDS += ["réunion", "délégation", "🇫🇷", "naïve", "😀"]


def words(rng: random.Random, chars: int) -> str:
    out: list[str] = []
    size = 0
    while size < chars:
        word = rng.choice(WORDS)
        out.append(word)
        size += len(word) + 1
    return " ".join(out) + " "


def offset(s: str, chars: int) -> int:
    """pycrdt's Text indexes by UTF-8 bytes."""
    return len(s[:chars].encode("utf-8"))


def sync(docs: list[pycrdt.Doc[Any]]) -> None:
    for dst in docs:
        for src in docs:
            if src is not dst:
                dst.apply_update(src.get_update(dst.get_state()))


def build(paragraphs: int, chars: int, replicas: int = 4, seed: int = 1) -> bytes:
    """The full state of a document drafted and then edited concurrently."""
    rng = random.Random(seed)
    docs = [pycrdt.Doc(client_id=rng.getrandbits(32)) for _ in range(replicas)]
    names = [f"{TEXT_PREFIX}{i:05d}" for i in range(paragraphs)]
    for n, name in enumerate(names):  # drafting: one author per paragraph, a few chunks
        t = docs[n % replicas].get(name, type=pycrdt.Text)
        for _ in range(4):
            s = str(t)
            t.insert(offset(s, rng.randint(0, len(s))), words(rng, chars // 4))
    sync(docs)
    for _ in range(4):  # concurrent edits by everyone, then an exchange
        for doc in docs:
            for name in rng.sample(names, len(names) // 3):
                t = doc.get(name, type=pycrdt.Text)
                s = str(t)
                if rng.random() < 0.4 and len(s) > 20:
                    start = rng.randrange(len(s) - 10)
                    del t[offset(s, start) : offset(s, start + rng.randint(1, 10))]
                else:
                    t.insert(offset(s, rng.randint(0, len(s))), words(rng, 12))
        sync(docs)
    return docs[0].get_update()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--paragraphs", type=int, default=2000)
    parser.add_argument("--chars", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    state = build(args.paragraphs, args.chars)
    times, cpu = [], []
    for _ in range(args.repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        runs = text_runs(state, lambda name: name.startswith(TEXT_PREFIX))
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    count = sum(len(r) for r in runs.values())
    text = sum(len(r.text or "") for rs in runs.values() for r in rs if not r.deleted)
    print(
        f"state {len(state) / 1e6:.2f} MB, {len(runs)} texts, {text} live characters, "
        f"{count} runs: text_runs best {min(times):.0f} ms, "
        f"median {statistics.median(times):.0f} ms (CPU time: best {min(cpu):.0f} ms)"
    )


if __name__ == "__main__":
    main()
