"""Two Python clients on one document converge; a follower reads but cannot write."""

from __future__ import annotations

import pycrdt

from client import DocumentClient
from tests.support.docs import text_of as text
from tests.support.servers import RunningServer


async def test_two_members_converge(server: RunningServer) -> None:
    async with (
        DocumentClient(server.url, "smoke", server.token("member", "a")) as a,
        DocumentClient(server.url, "smoke", server.token("member", "b")) as b,
    ):
        a.doc.get("t", type=pycrdt.Text).insert(0, "alpha ")
        b.doc.get("t", type=pycrdt.Text).insert(0, "beta ")
        await a.flush()
        await b.flush()
        await a.wait_for(lambda d: "beta" in text(d))
        await b.wait_for(lambda d: "alpha" in text(d))
        assert text(a.doc) == text(b.doc)
        assert not a.errors and not b.errors
