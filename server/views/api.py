"""``/api/openapi.json``: the OpenAPI document of the HTTP API."""

from __future__ import annotations

from aiohttp import web

from server.views.openapi import OPENAPI


async def openapi(request: web.Request) -> web.Response:
    return web.json_response(OPENAPI)


def routes() -> list[web.RouteDef]:
    return [web.get("/api/openapi.json", openapi)]
