"""Governance across server processes (Redis and PostgreSQL): a command on one process
reaches the document and the live events of connections on every other."""

from __future__ import annotations

from pathlib import Path

import pytest

from client import DocumentClient
from crdt import schema
from tests.integration.test_scaleout import cluster
from tests.support.groups import Api
from tests.support.paragraphs import Recorder
from tests.support.services import require_redis

pytestmark = [pytest.mark.timeout(120), pytest.mark.postgres]


async def test_commands_on_one_process_reach_connections_on_another(
    tmp_path: Path, postgres_url: str
) -> None:
    redis_url = await require_redis()
    async with cluster(tmp_path, postgres_url, redis_url, 2) as (a, b):
        chair = a.token("chair", "chair")
        writer = DocumentClient(a.url, "plenary", chair, reconnection=False)
        reader = DocumentClient(b.url, "plenary", b.token("member", "reader"), reconnection=False)
        on_a, on_b = Recorder(writer.sio, writer.namespace), Recorder(reader.sio, reader.namespace)
        async with writer, reader, Api.open(a.url) as api_a, Api.open(b.url) as api_b:
            await on_b.wait_for(lambda r: bool(r.of("paragraphs-state")))
            made = await api_a.ok(
                "POST", "/api/documents/plenary/paragraphs", chair,
                {"label": "OP1", "section": "A", "text": "Agreed language."},
            )  # fmt: skip
            path = f"/api/documents/plenary/paragraphs/{made['id']}/status"
            await api_b.ok("POST", path, b.token("chair", "chair2"), {"status": "agreed"})
            decided = await api_a.ok("GET", "/api/documents/plenary/decisions", chair)
            last = decided["decisions"][-1]["id"]
            for recorder in (on_a, on_b):
                await recorder.wait_decision(last)
                statuses = [c["paragraph"]["status"] for c in recorder.of("paragraph-changed")]
                assert statuses == ["draft", "agreed"]
            for client in (writer, reader):
                await client.wait_for(
                    lambda doc: (
                        schema.has_paragraph(doc, made["id"])
                        and schema.get_paragraph(doc, made["id"]).status == "agreed"
                    )
                )
