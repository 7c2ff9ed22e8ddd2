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
from server.comments.views import LIVE_DESCRIPTION as COMMENTS_LIVE
from server.comments.views import api as comments_api
from server.contract import Api
from server.contract.openapi import document
from server.documents.views import api as documents_api
from server.sessions.views import api as sessions_api
from server.views import api as document_api
from server.views import health
from server.views.openapi_schemas import (
    ERROR_CODES,
    SCHEMAS,
    SECURITY_SCHEMES,
    Schema,
    array_of,
    obj,
    ref,
)
from server.views.openapi_sessions import LIVE_DESCRIPTION
from server.views.openapi_sessions import TAGS as SESSION_TAGS

# Any of the three ways to present a token (``server.auth.credentials.request_token``).
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


READ = "401 403 404"
WRITE = "400 401 403 404 422"


def _group_paths() -> dict[str, dict[str, Any]]:
    g = "/api/groups/{gid}"
    pid = _path_param("pid", "person id")
    rid = _path_param("rid", "observer request id")
    iid = _path_param("iid", "invitation id")
    status = {
        "name": "status",
        "in": "query",
        "required": False,
        "schema": ref("ObserverStatus"),
    }
    quota = "The stakeholder group's seats are all taken (`seat_quota_full`)"
    return {
        "/api/groups": {
            "get": operation(
                "Working groups visible to the caller",
                "groups",
                ("200", "The groups", _list("groups", "Group")),
                errors="401",
                params=(),
            ),
            "post": operation(
                "Create a working group with the WGEC seat presets (operators)",
                "groups",
                ("201", "Created", ref("Group")),
                errors="400 401 403 422",
                params=(),
                body="GroupCreate",
            ),
        },
        g: {
            "get": operation(
                "A working group with its seats",
                "groups",
                ("200", "The group", ref("Group")),
                errors=READ,
            ),
            "patch": operation(
                "Turn public follow on or off",
                "groups",
                ("200", "Updated", ref("Group")),
                errors=WRITE,
                body="GroupUpdate",
            ),
        },
        g + "/delegations": {
            "get": operation(
                "Delegations holding seats",
                "groups",
                ("200", "The delegations", _list("delegations", "Delegation")),
                errors=READ,
            ),
            "post": operation(
                "Seat a delegation in a stakeholder group (within its quota)",
                "groups",
                ("201", "Seated", ref("Delegation")),
                errors=WRITE + " 409",
                body="DelegationCreate",
                notes={"409": quota},
            ),
        },
        g + "/people": {
            "get": operation(
                "People of the group",
                "people",
                ("200", "The people", _list("people", "Person")),
                errors=READ,
            ),
            "post": operation(
                "Add a person with a role",
                "people",
                ("201", "Added", ref("Person")),
                errors=WRITE,
                body="PersonCreate",
            ),
        },
        g + "/people/{pid}": {
            "patch": operation(
                "Change a person's role, revoke or reinstate their access",
                "people",
                ("200", "Updated", ref("Person")),
                errors=WRITE,
                params=(GID, pid),
                body="PersonUpdate",
            ),
        },
        g + "/observer-requests": {
            "get": operation(
                "Observer admission requests",
                "observers",
                ("200", "The requests", _list("requests", "ObserverRequest")),
                errors=READ,
                params=(GID, status),
            ),
            "post": operation(
                "Ask to observe (anyone; nothing is granted until the group decides)",
                "observers",
                ("201", "Recorded, pending", ref("ObserverRequest")),
                errors="400 401 404 409 422 429",
                security=OPTIONAL,
                body="ObserverRequestCreate",
                notes={
                    "409": "The group has too many requests to decide (`queue_full`)",
                    "429": "Too many requests from your address (`rate_limited`, `Retry-After`)",
                },
            ),
        },
        g + "/observer-requests/{rid}/decision": {
            "post": operation(
                "Record the group's decision on a request",
                "observers",
                ("200", "Decided", ref("ObserverRequest")),
                errors=WRITE + " 409",
                params=(GID, rid),
                body="ObserverDecision",
                notes={"409": "Not allowed from the request's status (`invalid_transition`)"},
            ),
        },
        g + "/invitations": {
            "get": operation(
                "Invitations (login links) issued",
                "invitations",
                ("200", "The invitations", _list("invitations", "Invitation")),
                errors=READ,
            ),
            "post": operation(
                "Issue a login link for one person",
                "invitations",
                ("201", "Issued; `code` and `url` are shown only now", ref("InvitationIssued")),
                errors=WRITE + " 409",
                body="InvitationCreate",
                notes={"409": "The person's access is revoked"},
            ),
        },
        g + "/invitations/{iid}": {
            "delete": operation(
                "Revoke a login link and the sessions it opened",
                "invitations",
                ("200", "Revoked", ref("Invitation")),
                errors=READ,
                params=(GID, iid),
            ),
        },
        g + "/documents": {
            "get": operation(
                "The group's drafting documents (followers see public ones)",
                "documents",
                ("200", "The documents", _list("documents", "GroupDocument")),
                errors=READ,
            ),
            "post": operation(
                "Create a drafting document in the group",
                "documents",
                ("201", "Created", ref("GroupDocument")),
                errors=WRITE,
                body="GroupDocumentCreate",
            ),
        },
        g + "/audit": {
            "get": operation(
                "The audit log, newest first (latest 200)",
                "groups",
                ("200", "The entries", _list("entries", "AuditEntry")),
                errors=READ,
            ),
        },
    }


def _other_paths() -> dict[str, dict[str, Any]]:
    code = _path_param("code", "the invitation's secret code", {"type": "string"})
    cookie = {
        "Set-Cookie": {
            "description": "rt_session=<token>; HttpOnly; SameSite=Lax; Path=/ (Secure over https)",
            "schema": {"type": "string"},
        }
    }
    page = {"text/html": {"schema": {"type": "string"}}}
    redeem = operation(
        "Open an invitation link: a confirmation page, or a token as JSON",
        "invitations",
        ("200", "With `Accept: application/json`: the session token", ref("Session")),
        errors="401 410 429",
        security=[],
        params=(code,),
        notes={
            "401": "The link is invalid, expired or revoked, or the person's access is",
            "410": "`invitation_used`: a single-use link that was opened before",
            "429": "Too many failed links from your address (`rate_limited`, `Retry-After`)",
        },
        description="A browser gets an HTML page asking to sign in; nothing is redeemed "
        "and no cookie is set (a page of another site may open any link). Scripts ask for "
        "JSON and get a bearer token, no cookie.",
    )
    redeem["responses"]["200"]["content"].update(page)
    sign_in = operation(
        "Sign in with an invitation (the confirmation page's form)",
        "invitations",
        ("303", "To `/?group=<id>`, with the session cookie", None),
        errors="401 403",
        security=[],
        params=(code,),
        notes={
            "401": "The link cannot be used (an HTML page unless JSON is asked for)",
            "403": "`cross_origin`: the form was posted by a page of another origin",
        },
        description="Only the server's own pages (same Origin) may start a browser session.",
    )
    sign_in["responses"]["303"]["headers"] = {**cookie, "Location": {"schema": {"type": "string"}}}
    sign_in["responses"]["401"]["content"].update(page)
    return {
        "/api/me": {
            "get": operation(
                "Who the caller is (signed_in false without a token)",
                "people",
                ("200", "The caller", ref("Me")),
                errors="401",
                security=OPTIONAL,
                params=(),
            ),
        },
        "/invite/{code}": {"get": redeem, "post": sign_in},
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
    "components": {"securitySchemes": SECURITY_SCHEMES, "schemas": SCHEMAS},
    "paths": _with_operation_ids({**_other_paths(), **_group_paths()}),
}

# Comments (``server.comments``): their live events are described here, their routes below.
OPENAPI["info"]["description"] += COMMENTS_LIVE
OPENAPI["tags"].insert(-1, {"name": "comments"})

# Domains whose routes declare themselves (``server.contract``): their operations and
# schemas are generated from the models they validate with. The hand-written parts
# above shrink as each domain moves over.
APIS: tuple[Api, ...] = (
    documents_api,
    sessions_api,
    comments_api,
    health.api,
    document_api.api,
)
_GENERATED = document((op for api in APIS for op in api.operations), info=OPENAPI["info"], tags=[])
OPENAPI["paths"].update(_GENERATED["paths"])
OPENAPI["components"]["schemas"].update(_GENERATED["components"]["schemas"])
# /healthz answers 503 with its usual body (not an error) while the database is down.
OPENAPI["paths"]["/healthz"]["get"]["responses"]["503"] = {
    "description": "Up, database unreachable",
    "content": OPENAPI["paths"]["/healthz"]["get"]["responses"]["200"]["content"],
}
