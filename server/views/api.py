"""The HTTP JSON API under ``/api/`` (documents, for now) and its OpenAPI document."""

from __future__ import annotations

from aiohttp import web

from crdt import schema
from server.errors import Forbidden, NotFound, Unauthenticated
from server.keys import ACCESS, ROOMS, STORE
from server.transports.names import check_document_name, request_token
from server.views.openapi import OPENAPI


async def list_documents(request: web.Request) -> web.Response:
    """Every stored document: an operator's view (groups list theirs under /api/groups)."""
    principal = await request.app[ACCESS].principal(request_token(request))
    if principal is None:
        raise Unauthenticated("send 'Authorization: Bearer <token>'")
    if not principal.is_operator:
        raise Forbidden("only operators list every document; see /api/groups/{id}/documents")
    infos = await request.app[STORE].list_documents()
    return web.json_response(
        {
            "documents": [
                {
                    "name": info.name,
                    "created_at": info.created_at.isoformat(),
                    "pending_updates": info.pending_updates,
                    "snapshot_bytes": info.snapshot_bytes,
                    "live": request.app[ROOMS].loaded(info.name) is not None,
                }
                for info in infos
            ]
        }
    )


async def document_content(request: web.Request) -> web.Response:
    """The document as plain JSON (metadata and paragraphs), as stored or live."""
    name = check_document_name(request.match_info["document"])
    await request.app[ACCESS].open_document(request_token(request), name)
    doc = await request.app[ROOMS].document(name)
    if doc is None:
        raise NotFound(f"no document named {name!r}")
    return web.json_response(schema.to_plain(doc))


async def openapi(request: web.Request) -> web.Response:
    return web.json_response(OPENAPI)


def routes() -> list[web.RouteDef]:
    return [
        web.get("/api/openapi.json", openapi),
        web.get("/api/documents", list_documents),
        web.get("/api/documents/{document}", document_content),
    ]
