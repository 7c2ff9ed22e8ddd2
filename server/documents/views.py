"""``/api/documents``: every stored document (operators), one document's content, and
who wrote it (the Yjs client ids of its characters mapped to people and colours)."""

from __future__ import annotations

from server.auth.credentials import request_token
from server.contract import Api, Call
from server.contract.types import DocumentName
from server.documents.schemas import (
    Author,
    DelegationColour,
    DocumentAuthors,
    DocumentContent,
    DocumentInfo,
    DocumentList,
)
from server.errors import BadInput, Forbidden, NotFound, Unauthenticated
from server.groups.colours import NEUTRAL
from server.keys import ACCESS, COLOURS, ROOMS, STORE

api = Api("documents")


@api.get("/api/documents", errors=(Forbidden,))
async def list_documents(call: Call) -> DocumentList:
    """Every stored document (operators)

    Groups list their own documents under `/api/groups/{gid}/documents`."""
    principal = await call.signed_in()
    if not principal.is_operator:
        raise Forbidden("only operators list every document; see /api/groups/{id}/documents")
    rooms = call.app[ROOMS]
    return DocumentList(
        documents=[
            DocumentInfo(
                name=info.name,
                created_at=info.created_at,
                pending_updates=info.pending_updates,
                snapshot_bytes=info.snapshot_bytes,
                live=rooms.loaded(info.name) is not None,
            )
            for info in await call.app[STORE].list_documents()
        ]
    )


@api.get(
    "/api/documents/{document}",
    auth="optional",
    errors=(BadInput, Forbidden),
    params={"document": "the document's name"},
)
async def document_content(call: Call, document: DocumentName) -> DocumentContent:
    """A document's content: metadata, paragraphs, opinions, bracket counts

    Model v2: paragraphs in order, deleted ones too (status `deleted`). Anonymous
    callers may read public documents of groups with public follow on."""
    await call.app[ACCESS].open_document(request_token(call.request), document)
    doc = await call.app[ROOMS].document(document)
    if doc is None:
        raise NotFound(f"no document named {document!r}")
    return DocumentContent.of(doc)


@api.get(
    "/api/documents/{document}/authors",
    auth="optional",
    errors=(BadInput, Unauthenticated, Forbidden),
    params={"document": "the document's name"},
)
async def document_authors(call: Call, document: DocumentName) -> DocumentAuthors:
    """Who typed the document: each Yjs client id's person, delegation and colour

    Every character carries the client id of the replica that typed it; this map
    survives compaction, so any character can be attributed at any time. Readers
    of the document (anonymous ones too, for public documents) may read it."""
    grant = await call.app[ACCESS].open_document(request_token(call.request), document)
    records = await call.app[STORE].clients(document)
    if records is None:
        raise NotFound(f"no document named {document!r}")
    colours = await call.app[COLOURS].of_group(grant.group_id) if grant.group_id else {}
    return DocumentAuthors(
        authors=[
            Author(
                client_id=record.client_id,
                person_id=record.person_id,
                name=record.name,
                delegation=record.delegation,
                colour=colours.get(record.delegation, NEUTRAL) if record.delegation else NEUTRAL,
            )
            for record in records
        ],
        delegations=[
            DelegationColour(delegation=name, colour=colour) for name, colour in colours.items()
        ],
    )
