"""The HTTP JSON API under ``/api/`` (documents, for now) and its OpenAPI document."""

from __future__ import annotations

from aiohttp import web

from crdt import schema
from crdt.updates import doc_from_updates
from server.errors import NotFound, Unauthenticated
from server.keys import ROOMS, SIGNER, STORE
from server.transports.names import check_document_name
from server.views.openapi import OPENAPI


def _identity(request: web.Request) -> None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthenticated("send 'Authorization: Bearer <token>'")
    request.app[SIGNER].verify(token)


async def list_documents(request: web.Request) -> web.Response:
    _identity(request)
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
    _identity(request)
    name = check_document_name(request.match_info["document"])
    room = request.app[ROOMS].loaded(name)
    if room is not None:
        return web.json_response(schema.to_plain(room.doc))
    stored = await request.app[STORE].load(name)
    if stored is None:
        raise NotFound(f"no document named {name!r}")
    doc = doc_from_updates(([stored.snapshot] if stored.snapshot else []) + stored.updates)
    return web.json_response(schema.to_plain(doc))


async def openapi(request: web.Request) -> web.Response:
    return web.json_response(OPENAPI)


def routes() -> list[web.RouteDef]:
    return [
        web.get("/api/openapi.json", openapi),
        web.get("/api/documents", list_documents),
        web.get("/api/documents/{document}", document_content),
    ]
