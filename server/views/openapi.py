"""The OpenAPI 3.1 document of the HTTP API, served at ``/api/openapi.json``.

Generated, never written by hand: every domain's routes declare themselves
(``server.contract.Api``) with the models they validate with, and ``APIS`` lists
them, for the app to mount and for this document to describe. Live text and live
events do not go through HTTP; ``info.description`` says where they are.
"""

from __future__ import annotations

from typing import Any

from server import __version__
from server.amendments.views import LIVE_DESCRIPTION as AMENDMENTS_LIVE
from server.amendments.views import api as amendments_api
from server.comments.views import LIVE_DESCRIPTION as COMMENTS_LIVE
from server.comments.views import api as comments_api
from server.contract import Api
from server.contract.openapi import document
from server.correspondence.views import api as correspondence_api
from server.documents.views import api as documents_api
from server.errors import RollingTextError
from server.groups.views import api as groups_api
from server.issuetable.views import LIVE_DESCRIPTION as ISSUES_LIVE
from server.issuetable.views import api as issues_api
from server.paragraphs.views import LIVE_DESCRIPTION as PARAGRAPHS_LIVE
from server.paragraphs.views import api as paragraphs_api
from server.questionnaires.views import api as questionnaires_api
from server.sessions.views import LIVE_DESCRIPTION as SESSIONS_LIVE
from server.sessions.views import api as sessions_api
from server.views import api as document_api
from server.views import health

APIS: tuple[Api, ...] = (
    groups_api,
    documents_api,
    sessions_api,
    comments_api,
    paragraphs_api,
    amendments_api,
    questionnaires_api,
    issues_api,
    correspondence_api,
    health.api,
    document_api.api,
)


def error_codes() -> tuple[str, ...]:
    """Every code of the error hierarchy: the document cannot fall behind the code."""
    seen, todo = set(), [RollingTextError]
    while todo:
        cls = todo.pop()
        seen.add(cls.code)
        todo.extend(cls.__subclasses__())
    return tuple(sorted(seen - {"error"}))


DESCRIPTION = (
    "HTTP API of rollingtext. Live co-editing uses Socket.IO (namespace "
    "`/yjs|<document>`, events sync-step-1, sync-step-2, sync-update, awareness-update; "
    "token in the handshake auth) or y-websocket (`/ws/<document>?token=`). Errors are "
    '`{"error": {"code", "message", "details"}}` with codes: '
    + ", ".join(error_codes())
    + ". Bodies are JSON sent as application/json (415 otherwise), bounded per route "
    "(413). A request carrying the rt_session cookie from a page of another origin is "
    "refused (403 cross_origin); bearer tokens are unaffected."
    + SESSIONS_LIVE
    + COMMENTS_LIVE
    + PARAGRAPHS_LIVE
    + AMENDMENTS_LIVE
    + ISSUES_LIVE
)

OPENAPI: dict[str, Any] = document(
    (op for api in APIS for op in api.operations),
    info={"title": "rollingtext", "version": __version__, "description": DESCRIPTION},
    tags=[{"name": name} for name in dict.fromkeys(op.tag for a in APIS for op in a.operations)],
)
