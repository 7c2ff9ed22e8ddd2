"""Revisions over HTTP (``/api/documents/{document}/versions`` and ``/diff``, in the
OpenAPI document), and live: ``version-issued`` on the document's namespace
(``server.revisions.live``). Thin: the caller (whoever may read the document; the
service checks the command's own permission), the validated input, then
``RevisionService``.
"""

from __future__ import annotations

from server.auth.credentials import request_token
from server.auth.principal import Principal
from server.contract import Api, Call
from server.contract.types import DocumentName
from server.errors import Forbidden, NotFound, Unauthenticated
from server.keys import ACCESS, REVISIONS
from server.live.events import LiveEvents
from server.revisions import schemas as s
from server.revisions.live import topic

api = Api("revisions")

VERSIONS = "/api/documents/{document}/versions"
ONE = VERSIONS + "/{number}"
PARAMS = {"document": "the document's name", "number": "the version's number (1, 2, 3...)"}
READ = (Unauthenticated, Forbidden, NotFound)

LIVE_DESCRIPTION = (
    " A new version is live on the document's namespace: version-issued {number, label, "
    "kind, session_id, created_by, created_at, bytes, paragraphs} (the VersionSummary) when "
    "one is issued or frozen at a session's end, to every connection of the document "
    "(whoever may read it); after a reconnect, read GET /api/documents/{document}/versions "
    "again for what was missed."
)


async def _caller(call: Call, document: str) -> Principal:
    """Whoever may read the document (the command then checks its own permission)."""
    grant = await call.app[ACCESS].open_document(request_token(call.request), document)
    return grant.principal


@api.get(VERSIONS, auth="optional", errors=READ, params=PARAMS)
async def list_document_versions(call: Call, document: DocumentName) -> s.VersionList:
    """The document's versions, oldest first (issued ones and those frozen at a
    session's end)"""
    actor = await _caller(call, document)
    return await call.app[REVISIONS].list_versions(actor, document)


@api.post(VERSIONS, status=201, errors=READ, params=PARAMS)
async def issue_version(
    call: Call, document: DocumentName, body: s.VersionCreate
) -> s.VersionSummary:
    """Issue the next version of the document as it is now, e.g. "Rev.2" (chair,
    secretariat); audited"""
    actor = await _caller(call, document)
    return await call.app[REVISIONS].issue(actor, document, body)


@api.get(ONE, auth="optional", errors=READ, params=PARAMS)
async def get_version(call: Call, document: DocumentName, number: s.Number) -> s.VersionDetail:
    """A version in full, exactly as the document was: every paragraph's record and
    text (deleted ones with status deleted), the opinions"""
    actor = await _caller(call, document)
    return await call.app[REVISIONS].show(actor, document, number)


@api.post(ONE + "/restore", errors=READ, params=PARAMS)
async def restore_from_version(
    call: Call, document: DocumentName, number: s.Number, body: s.ParagraphRestore
) -> s.RestoreResult:
    """Make a paragraph's text what it was in this version (chair, secretariat):
    a minimal edit made as you, un-deleting the paragraph if it is deleted; recorded
    as a paragraph decision (restore_text) and audited; everyone sees it live"""
    actor = await _caller(call, document)
    return await call.app[REVISIONS].restore(actor, document, number, body)


@api.get("/api/documents/{document}/diff", auth="optional", errors=READ, params=PARAMS)
async def diff_versions(call: Call, document: DocumentName, query: s.DiffQuery) -> s.DocumentDiff:
    """What changed between two versions (or a version and now), paragraph by
    paragraph: words inserted and deleted with who did it, paragraphs added, moved,
    deleted, restored, governed changes and the decisions taken in between"""
    actor = await _caller(call, document)
    return await call.app[REVISIONS].diff(actor, document, query)


def register(events: LiveEvents) -> None:
    """Every document connection follows its document's versions (``version-issued``)."""
    events.on_document({}, topic=topic)
