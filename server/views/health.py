"""``GET /healthz``: is this process up and can it reach its database."""

from __future__ import annotations

import os

from aiohttp import web

from server import __version__
from server.keys import ROOMS, STORE


async def healthz(request: web.Request) -> web.Response:
    database_ok = await request.app[STORE].ping()
    rooms = request.app[ROOMS].rooms
    body = {
        "status": "ok" if database_ok else "degraded",
        "version": __version__,
        "process": os.getpid(),
        "database": {"ok": database_ok},
        "rooms": len(rooms),
        "connections": sum(len(room.peers) for room in rooms.values()),
    }
    return web.json_response(body, status=200 if database_ok else 503)


def routes() -> list[web.RouteDef]:
    return [web.get("/healthz", healthz)]
