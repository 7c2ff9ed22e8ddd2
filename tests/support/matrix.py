"""What the permission-matrix tests share (paragraph and amendment commands): the roles
tried, one connected Socket.IO client per role, and reading an HTTP reply or a Socket.IO
ack as allowed or refused (with its error code)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from client import DocumentClient
from tests.support.groups import Group, Reply
from tests.support.servers import RunningServer

ROLES = ("chair", "secretariat", "member", "observer", "follower", "anonymous")


@asynccontextmanager
async def role_clients(
    server: RunningServer, group: Group
) -> AsyncIterator[dict[str, DocumentClient]]:
    """A connected client of ``group``'s document per role (anonymous: no token); on
    leaving, checks every connection stayed open after the refusals, then closes them."""
    clients: dict[str, DocumentClient] = {}
    try:
        for role in ROLES:
            token = None if role == "anonymous" else group.token(role)
            clients[role] = DocumentClient(server.url, group.document, token, reconnection=False)  # type: ignore[arg-type]
            await clients[role].connect()
        yield clients
        # Connections stay open after refusals.
        assert all(c.sio.connected for c in clients.values())
    finally:
        for client in clients.values():
            await client.close()


def http_verdict(reply: Reply, status: int, what: Any) -> tuple[bool, str | None]:
    """Allowed (with the command's ``status``) or refused with 403 and its code."""
    if reply.status < 300:
        assert reply.status == status, (what, reply.body)
        return True, None
    assert reply.status == 403, (what, reply.status, reply.body)
    return False, reply.code


def ack_verdict(ack: dict[str, Any]) -> tuple[bool, str | None]:
    """Allowed (the ack carries a result) or refused with its error code."""
    if ack.get("ok"):
        assert "result" in ack, ack
        return True, None
    return False, ack["error"]["code"]
