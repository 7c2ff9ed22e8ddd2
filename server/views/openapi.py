"""The OpenAPI 3.1 description of the HTTP API, served at ``/api/openapi.json``.

Every route the app registers is described here (a test checks both directions);
body schemas live in ``server.views.openapi_schemas``. Live text does not go
through HTTP: see the Socket.IO namespace ``/yjs|<document>`` and the y-websocket
endpoint ``/ws/<document>`` (described in ``info.description``).
"""

from __future__ import annotations

import re
from typing import Any

from server import __version__
from server.contract import Api
from server.contract.openapi import document
from server.documents.views import api as documents_api
from server.groups.views import api as groups_api
from server.views.openapi_comments import LIVE_DESCRIPTION as COMMENTS_LIVE
from server.views.openapi_comments import comment_paths, comment_schemas
from server.views.openapi_schemas import (
    ERROR_CODES,
    SCHEMAS,
    SECURITY_SCHEMES,
    Schema,
    array_of,
    obj,
    ref,
)
from server.views.openapi_sessions import LIVE_DESCRIPTION, SESSION_SCHEMAS, session_paths
from server.views.openapi_sessions import TAGS as SESSION_TAGS

# Any of the three ways to present a token (``server.transports.names.request_token``).
SIGNED_IN: list[dict[str, list[str]]] = [{"bearer": []}, {"cookie": []}, {"query": []}]
# The same, or nobody: the handler decides what an anonymous caller gets.
OPTIONAL = [{}, *SIGNED_IN]

ERRORS = {
    "400": ("Error", "The body is not a JSON object, or a name is malformed"),
    "401": ("Error", "Not signed in, or the token is invalid, expired or revoked"),
    "403": ("Error", "Your role may not do this in this working group"),
    "404": ("Error", "No such working group, or no such item in it"),
    "409": ("Error", "Contradicts the current state"),
    "410": ("Error", "Used up: asking again cannot succeed"),
    "413": ("Error", "`payload_too_large`: the body is larger than this route accepts"),
    "415": ("Error", "`unsupported_media_type`: send JSON as application/json, UTF-8"),
    "422": ("ValidationError", "Some fields are invalid: `error.details.fields` says which"),
    "429": (
        "Error",
        "Too many requests (`rate_limited`); the `Retry-After` header and "
        "`error.details.retry_after` say in how many seconds to try again",
    ),
    "503": ("Error", "The database is unreachable"),
}


def _json(schema: Schema) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _response(description: str, schema: Schema | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"description": description}
    if schema is not None:
        out["content"] = _json(schema)
    return out


def _path_param(name: str, description: str, schema: Schema | None = None) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": schema or {"type": "integer", "minimum": 1},
    }


GID = _path_param("gid", "working group id")


def operation(
    summary: str,
    tag: str,
    ok: tuple[str, str, Schema | None],
    *,
    errors: str = "",
    security: list[dict[str, list[str]]] | None = None,
    params: tuple[dict[str, Any], ...] = (GID,),
    body: str | None = None,
    description: str | None = None,
    notes: dict[str, str] | None = None,
) -> dict[str, Any]:
    """One operation: ``ok`` is (status, description, schema); ``errors`` e.g. "401 404".

    ``notes`` overrides an error status's description for this operation.
    """
    status, ok_description, schema = ok
    responses = {status: _response(ok_description, schema)}
    for code in errors.split():
        name, default = ERRORS[code]
        responses[code] = _response((notes or {}).get(code, default), ref(name))
    op: dict[str, Any] = {
        "summary": summary,
        "tags": [tag],
        "security": SIGNED_IN if security is None else security,
        "responses": responses,
    }
    if description:
        op["description"] = description
    if params:
        op["parameters"] = list(params)
    if body:
        op["requestBody"] = {"required": True, "content": _json(ref(body))}
        # Every body is read by server.edge.bodies: labelled JSON, bounded per route.
        for code in ("413", "415"):
            name, default = ERRORS[code]
            op["responses"][code] = _response(default, ref(name))
    return op


def _list(key: str, item: str) -> Schema:
    return obj((key,), **{key: array_of(item)})


def _other_paths() -> dict[str, dict[str, Any]]:
    health = operation(
        "Liveness and database reachability (detail for operator tokens)",
        "operations",
        ("200", "Up, database reachable", ref("Health")),
        security=[],
        params=(),
    )
    health["responses"]["503"] = _response("Up, database unreachable", ref("Health"))
    return {
        "/healthz": {"get": health},
        "/api/openapi.json": {
            "get": operation(
                "This document",
                "operations",
                ("200", "OpenAPI 3.1", {"type": "object"}),
                security=[],
                params=(),
            ),
        },
    }


def _operation_id(method: str, path: str) -> str:
    """``GET /api/groups/{gid}/observer-requests`` -> ``getGroupsByGidObserverRequests``."""
    words = []
    for segment in path.split("/"):
        if segment in ("", "api"):
            continue
        if segment.startswith("{"):
            words.append("By" + segment.strip("{}").title())
        else:
            words.extend(w.title() for w in re.split(r"[^A-Za-z0-9]+", segment) if w)
    return method + "".join(words)


def _with_operation_ids(paths: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    for path, item in paths.items():
        for method, op in item.items():
            op["operationId"] = _operation_id(method, path)
    return paths


SESSION_PATHS = session_paths(operation, _path_param, OPTIONAL)
TAGS = ("groups", "people", "observers", "invitations", "documents", *SESSION_TAGS, "operations")

OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "rollingtext",
        "version": __version__,
        "description": (
            "HTTP API of rollingtext. Live co-editing uses Socket.IO (namespace "
            "`/yjs|<document>`, events sync-step-1, sync-step-2, sync-update, "
            "awareness-update; token in the handshake auth) or y-websocket "
            '(`/ws/<document>?token=`). Errors are `{"error": {"code", "message", '
            '"details"}}` with codes: ' + ", ".join(ERROR_CODES) + ". Bodies are JSON sent as "
            "application/json (415 otherwise), bounded per route (413). A request carrying "
            "the rt_session cookie from a page of another origin is refused (403 "
            "cross_origin); bearer tokens are unaffected." + LIVE_DESCRIPTION
        ),
    },
    "tags": [{"name": name} for name in TAGS],
    "components": {"securitySchemes": SECURITY_SCHEMES, "schemas": SCHEMAS | SESSION_SCHEMAS},
    "paths": _with_operation_ids({**_other_paths(), **SESSION_PATHS}),
}

# Comments (``server.comments``), described in ``server.views.openapi_comments``.
OPENAPI["info"]["description"] += COMMENTS_LIVE
OPENAPI["tags"].insert(-1, {"name": "comments"})
OPENAPI["components"]["schemas"] = {**OPENAPI["components"]["schemas"], **comment_schemas()}
OPENAPI["paths"].update(_with_operation_ids(comment_paths(operation, _path_param, OPTIONAL)))

# Domains whose routes declare themselves (``server.contract``): their operations and
# schemas are generated from the models they validate with. The hand-written parts
# above shrink as each domain moves over.
APIS: tuple[Api, ...] = (documents_api, groups_api)
_GENERATED = document((op for api in APIS for op in api.operations), info=OPENAPI["info"], tags=[])
OPENAPI["paths"].update(_GENERATED["paths"])
OPENAPI["components"]["schemas"].update(_GENERATED["components"]["schemas"])
