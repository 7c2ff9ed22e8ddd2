"""``GET /healthz``: is this process up and can it reach its database.

Anyone (a load balancer, an uptime probe) gets only that: ``status`` and
``database.ok``, 200 or 503. The process id, version and live room and
connection counts help an operator but also tell an attacker how busy the
server is and which worker answered, so they need an operator token
(``rollingtext token``, not bound to a person) as a bearer token.
"""

from __future__ import annotations

import os
from typing import Any

from aiohttp import web

from server import __version__
from server.auth.credentials import request_token
from server.errors import RollingTextError
from server.keys import ROOMS, SIGNER, STORE


def _is_operator(request: web.Request) -> bool:
    token = request_token(request)
    if token is None:
        return False
    try:
        claims = request.app[SIGNER].verify(token)
    except RollingTextError:
        return False  # a bad token never fails a health check; it just sees less
    return claims.person_id is None


async def healthz(request: web.Request) -> web.Response:
    database_ok = await request.app[STORE].ping()
    body: dict[str, Any] = {
        "status": "ok" if database_ok else "degraded",
        "database": {"ok": database_ok},
    }
    if _is_operator(request):
        rooms = request.app[ROOMS].rooms
        body |= {
            "version": __version__,
            "process": os.getpid(),
            "rooms": len(rooms),
            "connections": sum(len(room.peers) for room in rooms.values()),
        }
    return web.json_response(body, status=200 if database_ok else 503)


def routes() -> list[web.RouteDef]:
    return [web.get("/healthz", healthz)]
