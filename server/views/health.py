"""``GET /healthz``: is this process up and can it reach its database.

Anyone (a load balancer, an uptime probe) gets only that: ``status`` and
``database.ok``, 200 or 503. The process id, version and live room and
connection counts help an operator but also tell an attacker how busy the
server is and which worker answered, so they need an operator token
(``rollingtext token``, not bound to a person) as a bearer token.
"""

from __future__ import annotations

import os
from typing import Literal

from aiohttp import web
from pydantic.json_schema import SkipJsonSchema

from server import __version__
from server.auth.credentials import request_token
from server.contract import Api, Call
from server.contract.types import Model, optional
from server.errors import RollingTextError
from server.keys import ROOMS, SIGNER, STORE

api = Api("operations")


class DatabaseHealth(Model):
    ok: bool


class Health(Model):
    """Anyone: status and database; an operator token also gets the rest."""

    status: Literal["ok", "degraded"]
    database: DatabaseHealth
    version: str | SkipJsonSchema[None] = optional("operators only")
    process: int | SkipJsonSchema[None] = optional("operators only: the answering process")
    rooms: int | SkipJsonSchema[None] = optional("operators only: documents loaded here")
    connections: int | SkipJsonSchema[None] = optional("operators only: live connections here")


def _is_operator(request: web.Request) -> bool:
    token = request_token(request)
    if token is None:
        return False
    try:
        claims = request.app[SIGNER].verify(token)
    except RollingTextError:
        return False  # a bad token never fails a health check; it just sees less
    return claims.person_id is None


@api.get(
    "/healthz",
    auth="public",
    responses={
        503: {
            "description": "Up, database unreachable: the same body",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}},
        }
    },
)
async def healthz(call: Call) -> Health:
    """Liveness and database reachability (detail for operator tokens)

    200 while the database is reachable; 503, with the same body, while it is not."""
    database_ok = await call.app[STORE].ping()
    health = Health(
        status="ok" if database_ok else "degraded", database=DatabaseHealth(ok=database_ok)
    )
    if _is_operator(call.request):
        rooms = call.app[ROOMS].rooms
        health = health.model_copy(
            update={
                "version": __version__,
                "process": os.getpid(),
                "rooms": len(rooms),
                "connections": sum(len(room.peers) for room in rooms.values()),
            }
        )
    if not database_ok:
        # The same body with another status (documented as the 503 of this route).
        return web.json_response(health.model_dump(mode="json"), status=503)  # type: ignore[return-value]
    return health
