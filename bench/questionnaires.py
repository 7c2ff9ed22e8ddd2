"""Questionnaire benchmark: reading 1,000 responses x 18 answers, and 200 respondents
answering within one minute, against a fresh ``rollingtext serve`` (SQLite).

    .venv/bin/python -m bench.questionnaires            # the issue's figures
    .venv/bin/python -m bench.questionnaires --responses 200 --respondents 50 --window 10

1. Load: ``--responses`` responses, each answering the 17 text questions (about 500
   words a response: ~500,000 words for 1,000), through the public HTTP route.
2. Read: by-question (JSON), its exports (md, html, csv, docx) and search (a rare
   word, a common one, two words), each the median of ``--repeat`` runs. Target: the
   by-question view and its export under 2 s, search under 200 ms.
3. Answer: ``--respondents`` respondents submit at evenly spread moments over
   ``--window`` seconds, each from its own address (``X-Forwarded-For`` through a
   trusted proxy: the per-address rate limit stays on), one in ten sending its
   request twice (same Idempotency-Key). Target: no error, no duplicate, p99 of the
   submissions under 200 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import time
import uuid
from typing import Any

import aiohttp

from bench.server import BenchServer
from bench.stats import summary

SECTIONS = "AABCCCBBDEEECDEC"  # questions 2-17 (the seed's A-E grouping)
STAKEHOLDERS = (
    "government", "civil_society", "business", "technical_academic",
    "international_organization", "other",
)  # fmt: skip
VOCABULARY = (
    "enhanced cooperation governments stakeholders equal footing public policy internet "
    "mechanism capacity building developing countries multistakeholder transparency "
    "cybersecurity spam privacy domain names critical resources participation barriers "
    "language remote access funding tunis agenda roles responsibilities intergovernmental "
    "coordination management human rights development openness inclusiveness forum"
).split()


def words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(VOCABULARY) for _ in range(n)).capitalize() + "."


class Client:
    def __init__(self, http: aiohttp.ClientSession, url: str, token: str) -> None:
        self.http, self.url, self.token = http, url, token

    async def json(self, method: str, path: str, body: Any = None, token: bool = True) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"} if token else {}
        async with self.http.request(method, self.url + path, json=body, headers=headers) as r:
            data = await r.json()
            if r.status >= 300:
                raise SystemExit(f"{method} {path}: {r.status} {data}")
            return data

    async def timed(self, path: str) -> tuple[float, int]:
        start = time.perf_counter()
        async with self.http.get(
            self.url + path, headers={"Authorization": f"Bearer {self.token}"}
        ) as r:
            body = await r.read()
            assert r.status == 200, (path, r.status, body[:300])
        return time.perf_counter() - start, len(body)


async def setup(c: Client) -> int:
    group = await c.json("POST", "/api/groups", {"slug": f"bench-{uuid.uuid4().hex[:8]}",
                                                 "name": "Questionnaire benchmark"})  # fmt: skip
    made = await c.json("POST", f"/api/groups/{group['id']}/questionnaires", {"title": "Bench"})
    after = "stakeholder"
    for number, section in enumerate(SECTIONS, 2):
        body = {"label": f"Q{number}", "section": section, "after": after,
                "text": f"Question {number}: what do you think about topic {number}?"}  # fmt: skip
        await c.json("POST", f"/api/documents/{made['draft_document']}/paragraphs", body)
        after = f"Q{number}"
    published = await c.json(
        "POST", f"/api/questionnaires/{made['id']}/publish", {"deadline": "2040-01-01T00:00"}
    )
    assert len(published["questions"]) == 18, published["questions"]
    return int(made["id"])


def response(rng: random.Random, i: int, per_answer: int) -> dict[str, Any]:
    return {
        "stakeholder": STAKEHOLDERS[i % len(STAKEHOLDERS)],
        "respondent": {"name": f"Respondent {i}", "organisation": f"Organisation {i}",
                       "country": "Switzerland"},
        "answers": [{"number": n, "text": words(rng, per_answer)} for n in range(2, 19)],
        "submit": True,
    }  # fmt: skip


async def submit(
    c: Client, qid: int, body: dict[str, Any], key: str, address: str
) -> tuple[float, int, int]:
    headers = {"Idempotency-Key": key, "X-Forwarded-For": address}
    start = time.perf_counter()
    async with c.http.post(
        c.url + f"/api/questionnaires/{qid}/responses", json=body, headers=headers
    ) as r:
        data = await r.json(content_type=None)
    elapsed = time.perf_counter() - start
    return elapsed, r.status, int(data.get("id", 0)) if isinstance(data, dict) else 0


async def load(c: Client, qid: int, n: int, per_answer: int, concurrency: int = 8) -> float:
    rng = random.Random(14)
    bodies = [response(rng, i, per_answer) for i in range(n)]
    queue = list(enumerate(bodies))
    start = time.perf_counter()

    async def worker() -> None:
        while queue:
            i, body = queue.pop()
            _, status, _ = await submit(c, qid, body, f"load-{i:06d}", f"10.1.{i // 250}.{i % 250}")
            assert status == 201, status

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - start


async def read(c: Client, qid: int, repeat: int) -> dict[str, Any]:
    q = f"/api/questionnaires/{qid}"
    paths = {
        "by_question_json": q + "/by-question",
        "by_respondent_json": q + "/responses",
        "export_by_question_md": q + "/export?view=by-question&format=md",
        "export_by_question_html": q + "/export?view=by-question&format=html",
        "export_by_question_csv": q + "/export?view=by-question&format=csv",
        "export_by_question_docx": q + "/export?view=by-question&format=docx",
        "search_rare": q + "/search?q=tunis+agenda",
        "search_common": q + "/search?q=internet",
        "search_filter_by_question": q + "/by-question?q=spam&grouping=C",
    }
    out: dict[str, Any] = {}
    for name, path in paths.items():
        runs = [await c.timed(path) for _ in range(repeat)]
        out[name] = {
            "median_ms": round(statistics.median(t for t, _ in runs) * 1000, 1),
            "max_ms": round(max(t for t, _ in runs) * 1000, 1),
            "bytes": runs[0][1],
        }
    return out


async def answer_window(
    c: Client, qid: int, respondents: int, window: float, per_answer: int
) -> dict[str, Any]:
    rng = random.Random(200)
    interval = window / respondents
    results: list[tuple[float, int, int]] = []
    resent: list[tuple[int, int]] = []

    async def one(i: int) -> None:
        await asyncio.sleep(i * interval)
        body, key, address = (
            response(rng, 10_000 + i, per_answer),
            uuid.uuid4().hex,
            f"10.2.{i // 250}.{i % 250}",
        )
        first = await submit(c, qid, body, key, address)
        results.append(first)
        if i % 10 == 0:
            again = await submit(c, qid, body, key, address)
            results.append(again)
            resent.append((first[2], again[2]))

    start = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(respondents)))
    took = time.perf_counter() - start
    latencies = [t * 1000 for t, _, _ in results]
    errors = [s for _, s, _ in results if s not in (200, 201)]
    return {
        "respondents": respondents,
        "window_s": window,
        "took_s": round(took, 1),
        "requests": len(results),
        "errors": len(errors),
        "resends_same_id": all(a == b and a > 0 for a, b in resent),
        "latency_ms": {k: round(v, 1) for k, v in summary(latencies).items()},
    }


async def main(args: argparse.Namespace) -> dict[str, Any]:
    server = BenchServer(env={"ROLLINGTEXT_TRUSTED_PROXIES": "127.0.0.1"})
    await server.start()
    try:
        async with aiohttp.ClientSession() as http:
            c = Client(http, server.url, server.token("chair", "bench"))
            qid = await setup(c)
            loaded = await load(c, qid, args.responses, args.words)
            total_words = args.responses * 17 * args.words
            reads = await read(c, qid, args.repeat)
            answered = await answer_window(c, qid, args.respondents, args.window, args.words)
            distribution = await c.json("GET", f"/api/questionnaires/{qid}/distribution")
    except BaseException:
        print(server.log_tail(), file=sys.stderr)
        raise
    finally:
        server.stop()
    expected = args.responses + args.respondents
    view = reads["by_question_json"]["median_ms"]
    exports = {k: v["median_ms"] for k, v in reads.items() if k.startswith("export")}
    search = max(reads["search_rare"]["median_ms"], reads["search_common"]["median_ms"])
    return {
        "responses": args.responses,
        "answers": args.responses * 18,
        "words": total_words,
        "load_s": round(loaded, 1),
        "read": reads,
        "answer_window": answered,
        "stored_responses": distribution["total"],
        "verdict": {
            "by_question_view_under_2s": view < 2000,
            "exports_under_2s": {k: v < 2000 for k, v in exports.items()},
            "search_under_200ms": search < 200,
            "no_error": answered["errors"] == 0,
            "no_duplicate": distribution["total"] == expected and answered["resends_same_id"],
            "p99_under_200ms": answered["latency_ms"]["p99"] < 200,
        },
    }


def parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--responses", type=int, default=1000)
    p.add_argument("--words", type=int, default=29, help="words per answer (17 a response)")
    p.add_argument("--respondents", type=int, default=200)
    p.add_argument("--window", type=float, default=60.0, help="seconds the respondents spread over")
    p.add_argument("--repeat", type=int, default=5)
    return p.parse_args()


if __name__ == "__main__":
    json.dump(asyncio.run(main(parse())), sys.stdout, indent=2)
    print()
