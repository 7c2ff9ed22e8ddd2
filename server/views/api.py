"""``/api/openapi.json``: the OpenAPI document of the HTTP API."""

from __future__ import annotations

from aiohttp import web

from server.contract import Api, Call

api = Api("operations")


@api.get(
    "/api/openapi.json",
    auth="public",
    raw_content={"application/json": {"schema": {"type": "object"}}},
)
async def openapi_document(call: Call) -> web.Response:
    """This document (OpenAPI 3.1)"""
    from server.views.openapi import OPENAPI  # generated from every Api, this one too

    return web.json_response(OPENAPI)
