"""The issue table over HTTP (tag "issues", in the OpenAPI document); live on Socket.IO
``/group|<gid>`` (``server.issuetable.live``). Thin: caller, validated input, service."""

from __future__ import annotations

from aiohttp import web

from server.contract import Api, Call
from server.contract.types import DocumentName, Id
from server.errors import Forbidden, InvalidTransition, StaleRevision, Unauthenticated
from server.issuetable import schemas as s
from server.issuetable.service import DOCX
from server.keys import ISSUES

api = Api("issues")

G = "/api/groups/{gid}/issues"
ONE = G + "/{number}"
PARAMS = {"gid": "working group id", "number": "the item's number in its group"}
READ = (Unauthenticated, Forbidden)
WRITE = (*READ, InvalidTransition)
TEXT = {"schema": {"type": "string"}}
MEDIA = {"md": "text/markdown", "html": "text/html", "csv": "text/csv", "docx": DOCX}
BINARY = {"schema": {"type": "string", "format": "binary"}}

LIVE_DESCRIPTION = (
    " The issue table and the correspondence groups' mapping tables are live on "
    "Socket.IO namespace `/group|<gid>` (members, observers, officers): group-state "
    "{group_id, seq, issues, correspondence} first (and after every reconnect), then "
    "issue-item {seq, action, items, counts}, mapping-area {seq, correspondence_id, action, "
    "area} and correspondence-changed {seq, correspondence}, consecutive in seq; "
    "group-resync answers the state again."
)


@api.get(G, errors=READ, params=PARAMS)
async def list_issues(call: Call, gid: Id, query: s.IssueQuery) -> s.IssueTable:
    """The issue table: remaining items (merged ones too with include_merged), counts

    Each item lists its own sources and every merged item's, recursively, and the
    paragraphs citing it. Filter by grouping A-E and by words (q)."""
    return await call.app[ISSUES].table(await call.signed_in(), gid, query)


@api.post(G, status=201, errors=READ, params=PARAMS)
async def create_issue(call: Call, gid: Id, body: s.IssueCreate) -> s.IssueItem:
    """Add an item, optionally from a passage of an answer (members, officers)

    The passage (exact, with prefix/suffix context) must be in that answer: 422
    naming `source.exact` otherwise, and nothing is made."""
    return await call.app[ISSUES].create(await call.signed_in(), gid, body)


@api.get(G + "/export", errors=READ, params=PARAMS, raw_content={m: TEXT for m in MEDIA.values()})
async def export_issues(call: Call, gid: Id, query: s.ExportQuery) -> web.StreamResponse:
    """The issue table as Markdown, HTML, CSV or .docx (the CSV reads back identically)"""
    content, media = await call.app[ISSUES].export(
        await call.signed_in(), gid, query.format, query.include_merged
    )
    headers = {"Content-Disposition": f'attachment; filename="issues-{gid}.{query.format}"'}
    if isinstance(content, bytes):
        return web.Response(body=content, content_type=media, headers=headers)
    return web.Response(text=content, content_type=media, charset="utf-8", headers=headers)


@api.post(G + "/merge", errors=WRITE, params=PARAMS)
async def merge_issues(call: Call, gid: Id, body: s.IssueMerge) -> s.IssueItem:
    """Merge duplicates into one item, which keeps every source (merges of merges too)

    Not into itself, not into an item that was merged, not an item merged already:
    409 `invalid_transition`."""
    return await call.app[ISSUES].merge(await call.signed_in(), gid, body)


@api.get(ONE, errors=READ, params=PARAMS)
async def get_issue(call: Call, gid: Id, number: Id) -> s.IssueItem:
    """One item with all its sources and citations"""
    return await call.app[ISSUES].item(await call.signed_in(), gid, number)


@api.patch(ONE, errors=(*WRITE, StaleRevision), params=PARAMS)
async def edit_issue(call: Call, gid: Id, number: Id, body: s.IssuePatch) -> s.IssueItem:
    """Edit an item's fields, naming the revision you edited

    Someone changed it since: 409 `stale_revision` with the item as it is now in
    `error.details.current`, and nothing changed."""
    return await call.app[ISSUES].patch(await call.signed_in(), gid, number, body)


@api.post(ONE + "/sources", errors=WRITE, params=PARAMS)
async def add_issue_source(call: Call, gid: Id, number: Id, body: s.SourceAdd) -> s.IssueItem:
    """Add a passage of another answer to an item (422 if the passage is not there)"""
    return await call.app[ISSUES].add_source(await call.signed_in(), gid, number, body)


@api.post(ONE + "/citations", errors=WRITE, params=PARAMS)
async def cite_issue(call: Call, gid: Id, number: Id, body: s.CitationIn) -> s.IssueItem:
    """A paragraph of the group's document (a recommendation) cites this item"""
    return await call.app[ISSUES].cite(await call.signed_in(), gid, number, body, on=True)


@api.delete(ONE + "/citations", errors=WRITE, params=PARAMS)
async def uncite_issue(call: Call, gid: Id, number: Id, body: s.CitationIn) -> s.IssueItem:
    """The paragraph no longer cites this item"""
    return await call.app[ISSUES].cite(await call.signed_in(), gid, number, body, on=False)


@api.get("/api/documents/{document}/citations", errors=READ, params={"document": "its name"})
async def document_citations(call: Call, document: DocumentName) -> s.DocumentCitations:
    """Which paragraphs of the document cite which issue items"""
    return await call.app[ISSUES].document_citations(await call.signed_in(), document)
