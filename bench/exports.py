"""Export benchmark: a 2,000-paragraph, ~1 MB rolling text exported over HTTP.

    .venv/bin/python -m bench.exports                 # 5 rounds per format and part
    .venv/bin/python -m bench.exports --rounds 3 --json

The demo group (``rollingtext demo``) gets one more document: 2,000 paragraphs
spread over the report's sections, about 500 characters each (1 MB of text),
recommendations with What/How/Who, every status, bracketed language, 50 opinions.
A server (this process, a free port on 127.0.0.1, SQLite in a temporary directory)
answers ``GET /api/documents/<name>/export`` for each format and part; each request
is timed end to end (the issue's target: each format under 2 s). The same export is
then timed in its stages (state -> model, model -> blocks, blocks -> file) to show
where the time goes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from crdt import schema, updates
from server.app import create_app, server_options
from server.auth.tokens import Role, TokenSigner
from server.cli import demo
from server.groups import schemas as group_schemas
from server.groups.operator import open_operator, validated
from server.outputs import parts
from server.outputs.model import document_at
from server.outputs.service import render
from server.settings import Settings

NAME = "bench-large-report"
SECTIONS = ("intro", "method", "A", "B", "C", "D", "E", "conclusion")
STATUSES = ("draft", "agreed_ad_ref", "agreed", "to_be_revisited", "no_agreement", "deleted")
WORDS = (
    "enhanced cooperation governments stakeholders respective roles public policy "
    "Internet mechanisms capacity building developing countries barriers participation "
    "mapping exercise correspondence group Tunis Agenda recommendations implementation"
).split()


def big_document(paragraphs: int, chars: int, seed: int = 13) -> bytes:
    """The state of a rolling text of ``paragraphs`` paragraphs of ~``chars`` chars."""
    rnd = random.Random(seed)
    doc = updates.new_doc()
    schema.init_document(doc, title="Large rolling text (benchmark)", kind="rolling")
    per_section = paragraphs // len(SECTIONS)
    with doc.transaction():
        for s, section in enumerate(SECTIONS):
            for i in range(per_section if s < len(SECTIONS) - 1 else paragraphs - s * per_section):
                words: list[str] = []
                while sum(len(w) + 1 for w in words) < chars:
                    w = rnd.choice(WORDS)
                    words.append(f"[{w}]" if rnd.random() < 0.04 else w)
                kind = "recommendation" if section in parts.GROUPS else "statement"
                spec = schema.ParagraphSpec(
                    label=f"{section[:2].upper()}{i + 1}",
                    section=section,
                    kind=kind if i % 9 else "text",
                    text=" ".join(words).capitalize() + ".",
                    sequence=rnd.choice(("what", "how", "who"))
                    if kind == "recommendation"
                    else None,
                    proposers=(rnd.choice(demo.DELEGATIONS["member_states"]),),
                    status=rnd.choice(STATUSES),
                )
                pid = schema.add_paragraph(doc, spec)
                if i % 40 == 0:
                    schema.put_opinion(
                        doc,
                        schema.Opinion(
                            schema.new_id(), "Some delegations hold a divergent view.",
                            ("Sweden", "India"), paragraph=pid,
                        ),
                    )  # fmt: skip
    return doc.get_update()


async def seed(settings: Settings, content: bytes) -> None:
    async with open_operator(settings) as op:
        await demo.seed(op, base_url="http://127.0.0.1")
        gid = await op.group_id(demo.SLUG)
        new = validated(
            group_schemas.GroupDocumentCreate, name=NAME, title="Large rolling text",
            kind="rolling", public=True,
        )  # fmt: skip
        await op.documents.create_document(op.principal, gid, new)
        async with op.document_store() as store:
            await store.append(NAME, content)


def stages(content: bytes, part: str, fmt: str) -> dict[str, float]:
    """Milliseconds of each stage of one export, in this process."""
    t0 = time.perf_counter()
    model = document_at(NAME, content, version=None, label="now", at=demo_now())
    t1 = time.perf_counter()
    parts.blocks(model, part)
    t2 = time.perf_counter()
    render(model, part, fmt)
    t3 = time.perf_counter()
    return {"model_ms": (t1 - t0) * 1000, "blocks_ms": (t2 - t1) * 1000,
            "blocks_and_render_ms": (t3 - t1) * 1000}  # fmt: skip


def demo_now() -> datetime:
    return datetime(2014, 5, 2, tzinfo=UTC)


async def run(rounds: int, paragraphs: int, chars: int) -> dict[str, Any]:
    content = big_document(paragraphs, chars)
    model = document_at(NAME, content, version=None, label="now", at=demo_now())
    text_bytes = sum(len(p.text.encode()) for p in model.paragraphs)
    with tempfile.TemporaryDirectory(prefix="rt-bench-exports-") as tmp:
        settings = Settings(data_dir=Path(tmp), secret="bench-exports-secret")
        await seed(settings, content)
        log = logging.getLogger("bench.exports")
        app = create_app(settings, logger=log)
        runner = web.AppRunner(app, handle_signals=False, access_log=None,
                               **server_options(settings, log))  # fmt: skip
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        token = TokenSigner(settings.secret_resolved()).issue("bench", Role.SECRETARIAT, 3600)
        results: list[dict[str, Any]] = []
        try:
            async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http:
                url = f"http://127.0.0.1:{port}/api/documents/{NAME}/export"
                for fmt in ("md", "html", "docx"):
                    for part in parts.PARTS:
                        times, size = [], 0
                        for _ in range(rounds):
                            started = time.perf_counter()
                            async with http.get(url, params={"format": fmt, "part": part}) as r:
                                body = await r.read()
                                assert r.status == 200, (r.status, body[:300])
                            times.append((time.perf_counter() - started) * 1000)
                            size = len(body)
                        results.append({
                            "format": fmt, "part": part, "bytes": size,
                            "median_ms": statistics.median(times), "max_ms": max(times),
                            **stages(content, part, fmt),
                        })  # fmt: skip
        finally:
            await runner.cleanup()
    return {
        "paragraphs": len(model.paragraphs),
        "visible": len(model.visible),
        "opinions": len(model.opinions),
        "text_bytes": text_bytes,
        "state_bytes": len(content),
        "rounds": rounds,
        "results": results,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--paragraphs", type=int, default=2000)
    parser.add_argument("--chars", type=int, default=500, help="characters per paragraph")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report = asyncio.run(run(args.rounds, args.paragraphs, args.chars))
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(
        f"{report['paragraphs']} paragraphs ({report['visible']} not deleted), "
        f"{report['opinions']} opinions, text {report['text_bytes'] / 1e6:.2f} MB, "
        f"state {report['state_bytes'] / 1e6:.2f} MB; {report['rounds']} rounds each"
    )
    print(f"{'format':6} {'part':13} {'bytes':>9} {'median':>8} {'max':>8} "
          f"{'model':>7} {'render':>7}  (ms; model/render: in-process stages)")  # fmt: skip
    for r in report["results"]:
        print(
            f"{r['format']:6} {r['part']:13} {r['bytes']:>9} {r['median_ms']:>8.0f} "
            f"{r['max_ms']:>8.0f} {r['model_ms']:>7.0f} {r['blocks_and_render_ms']:>7.0f}"
        )
    worst = max(r["max_ms"] for r in report["results"])
    print(f"worst export: {worst:.0f} ms (target: each format under 2000 ms)")


if __name__ == "__main__":
    main()
