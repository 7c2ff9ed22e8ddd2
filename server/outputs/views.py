"""Exports over HTTP: ``GET /api/documents/{document}/export`` (in the OpenAPI
document, as a file response per format).

Thin: whoever may read the document (the same rule as every document route: a
private breakout draft only for those who may read private documents), the validated
query (``server.outputs.schemas.ExportQuery``: a bad parameter is a 422 naming it),
then ``OutputService``.
"""

from __future__ import annotations

from aiohttp import web

from server.auth.credentials import request_token
from server.contract import Api, Call
from server.contract.files import attachment, attachment_headers, file_content
from server.contract.types import DocumentName
from server.errors import Forbidden, Unauthenticated
from server.keys import ACCESS, OUTPUTS
from server.outputs.schemas import MEDIA_TYPES, ExportQuery

api = Api("exports")

# An exported page is the group's text, not the app: it may style itself, nothing else.
HTML_POLICY = {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox"}


@api.get(
    "/api/documents/{document}/export",
    auth="optional",
    errors=(Unauthenticated, Forbidden),
    raw_content=file_content({media: fmt == "docx" for fmt, media in MEDIA_TYPES.items()}),
    responses=attachment_headers(),
    params={"document": "the document's name"},
)
async def export_document(
    call: Call, document: DocumentName, query: ExportQuery
) -> web.StreamResponse:
    """Export the report, a compilation or the status table (Markdown, HTML, Word)

    Of the version `version` (omitted: the current text). `part`: `report` (the agreed
    structure: introduction, meetings and methodology, recommendations for groups A-E
    with status and What/How/Who sequencing, opinions, conclusion), the compilations
    `statements`, `agreed`, `revisit`, `no-agreement`, or `status-table`. HTML is one
    self-contained page with a print stylesheet; docx uses Word's heading, list and
    table styles. Sent as an attachment named `<document>-<part>-v<N|now>.<ext>`, or
    with `disposition=inline` shown in the browser (the printable page in a tab); HTML
    always under a policy that lets it style itself and nothing else (sandboxed)."""
    grant = await call.app[ACCESS].open_document(request_token(call.request), document)
    done = await call.app[OUTPUTS].export(grant.principal, document, query)
    headers = HTML_POLICY if query.format == "html" else None
    inline = query.disposition == "inline"
    return attachment(done.body, done.media_type, done.filename, headers=headers, inline=inline)
