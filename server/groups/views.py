"""HTTP API of the access model under ``/api/groups`` and the invitation links.

Thin: parse and validate the body, resolve the caller, call the service. Errors
are mapped to HTTP by the app's middleware.
"""

from __future__ import annotations

import time
from typing import Any

from aiohttp import web

from crdt.schema import DOCUMENT_KINDS
from server.auth.credentials import SESSION_COOKIE
from server.auth.permissions import capabilities
from server.auth.principal import Principal
from server.auth.tokens import Role
from server.edge.bodies import PUBLIC_BODY_LIMIT, body_limit
from server.edge.middleware import foreign_origin, forwarded_https
from server.edge.origins import OriginPolicy
from server.errors import BadInput, CrossOrigin, RollingTextError
from server.groups import invitation_page
from server.groups.presets import ECOSOC_STATUSES
from server.keys import DOCUMENTS, GROUPS, INVITATIONS, OBSERVERS, SETTINGS, SIGNER
from server.rooms.names import check_document_name
from server.views.common import body, caller, path_id, signed_in

ROLES = [r.value for r in Role]


def _json(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status)


async def me(request: web.Request) -> web.Response:
    principal = await caller(request)
    if principal is None:
        return _json({"signed_in": False, "can": []})
    return _json(
        {
            "signed_in": True,
            "name": principal.name,
            "role": principal.role.value,
            "group_id": principal.group_id,
            "person_id": principal.person_id,
            # What this caller may do: the web app shows controls from this, never
            # from role lists of its own.
            "can": capabilities(principal),
            # Shown beside the name in presence lists ("Delegate of Brazil, Brazil").
            "delegation": await request.app[GROUPS].affiliation(principal.person_id)
            if principal.person_id is not None
            else None,
        }
    )


async def create_group(request: web.Request) -> web.Response:
    actor = await signed_in(request)
    f = await body(request)
    slug, name = f.slug("slug"), f.text("name")
    mandate = f.text("mandate", required=False, max_len=5000, default="")
    public_follow = f.boolean("public_follow", default=False)
    f.check()
    assert slug and name is not None
    group = await request.app[GROUPS].create_group(
        actor,
        slug=slug,
        name=name,
        mandate=mandate or "",
        public_follow=public_follow,
    )
    return _json(group, 201)


async def list_groups(request: web.Request) -> web.Response:
    actor = await signed_in(request)
    return _json({"groups": await request.app[GROUPS].list_groups(actor)})


async def get_group(request: web.Request) -> web.Response:
    actor = await signed_in(request)
    return _json(await request.app[GROUPS].get_group(actor, path_id(request, "gid")))


async def update_group(request: web.Request) -> web.Response:
    actor = await signed_in(request)
    f = await body(request)
    public_follow = None
    if f.raw("public_follow") is not None:
        public_follow = f.boolean("public_follow", default=False)
    f.check()
    group = await request.app[GROUPS].update_group(
        actor, path_id(request, "gid"), public_follow=public_follow
    )
    return _json(group)


async def delegations(request: web.Request) -> web.Response:
    actor = await signed_in(request)
    service, gid = request.app[GROUPS], path_id(request, "gid")
    if request.method == "GET":
        return _json({"delegations": await service.list_delegations(actor, gid)})
    f = await body(request)
    name, stakeholder = f.text("name"), f.text("stakeholder_group", max_len=64)
    f.check()
    assert name and stakeholder
    return _json(await service.add_delegation(actor, gid, name=name, stakeholder=stakeholder), 201)


async def people(request: web.Request) -> web.Response:
    actor = await signed_in(request)
    service, gid = request.app[GROUPS], path_id(request, "gid")
    if request.method == "GET":
        return _json({"people": await service.list_people(actor, gid)})
    f = await body(request)
    name, role = f.text("name"), f.choice("role", ROLES)
    delegation_id = f.integer("delegation_id", required=False)
    email = f.email("email", required=False)
    f.check()
    assert name and role
    person = await service.add_person(
        actor, gid, name=name, role=Role(role), delegation_id=delegation_id, email=email
    )
    return _json(person, 201)


async def update_person(request: web.Request) -> web.Response:
    actor = await signed_in(request)
    f = await body(request)
    role = f.choice("role", ROLES, required=False)
    active = f.boolean("active", default=True) if f.raw("active") is not None else None
    f.check()
    person = await request.app[GROUPS].update_person(
        actor,
        path_id(request, "gid"),
        path_id(request, "pid"),
        role=Role(role) if role else None,
        active=active,
    )
    return _json(person)


@body_limit(PUBLIC_BODY_LIMIT)  # anyone may submit one, signed in or not
async def observer_requests(request: web.Request) -> web.Response:
    gid = path_id(request, "gid")
    if request.method == "GET":
        actor = await signed_in(request)
        status = request.query.get("status")
        return _json({"requests": await request.app[OBSERVERS].list(actor, gid, status=status)})
    f = await body(request)
    values = {
        "organization": f.text("organization"),
        "ecosoc_status": f.choice("ecosoc_status", ECOSOC_STATUSES),
        "contact_name": f.text("contact_name"),
        "contact_email": f.email("contact_email"),
        "justification": f.text("justification", max_len=5000),
    }
    f.check()
    who = await caller(request) or Principal("public", Role.FOLLOWER, anonymous=True)
    submitted_by = who.actor
    assert all(isinstance(v, str) for v in values.values())
    created = await request.app[OBSERVERS].submit(gid, submitted_by=submitted_by, **values)  # type: ignore[arg-type]
    return _json(created, 201)


async def decide_observer(request: web.Request) -> web.Response:
    actor = await signed_in(request)
    f = await body(request)
    to = f.choice("decision", ("approved", "rejected", "revoked"))
    meeting = f.text("meeting")
    note = f.text("note", required=False, max_len=2000)
    f.check()
    assert to and meeting
    decided = await request.app[OBSERVERS].decide(
        actor,
        path_id(request, "gid"),
        path_id(request, "rid"),
        to=to,
        meeting_ref=meeting,
        note=note,
    )
    return _json(decided)


async def invitations(request: web.Request) -> web.Response:
    actor = await signed_in(request)
    service, gid = request.app[INVITATIONS], path_id(request, "gid")
    if request.method == "GET":
        return _json({"invitations": await service.list_invitations(actor, gid)})
    f = await body(request)
    person_id = f.integer("person_id")
    ttl = f.integer("ttl_seconds", required=False, maximum=90 * 86400)
    f.check()
    assert person_id is not None
    settings = request.app[SETTINGS]
    issued = await service.issue_invitation(
        actor, gid, person_id, ttl_seconds=ttl or settings.invitation_ttl_seconds
    )
    issued["url"] = str(request.url.with_path(f"/invite/{issued['code']}").with_query(None))
    return _json(issued, 201)


async def revoke_invitation(request: web.Request) -> web.Response:
    actor = await signed_in(request)
    revoked = await request.app[INVITATIONS].revoke_invitation(
        actor, path_id(request, "gid"), path_id(request, "iid")
    )
    return _json(revoked)


async def documents(request: web.Request) -> web.Response:
    actor = await signed_in(request)
    service, gid = request.app[DOCUMENTS], path_id(request, "gid")
    if request.method == "GET":
        return _json({"documents": await service.list_documents(actor, gid)})
    f = await body(request)
    name, title = f.text("name", max_len=128), f.text("title")
    kind = f.choice("kind", DOCUMENT_KINDS, required=False) or "rolling"
    public = f.boolean("public", default=True)
    if name is not None:
        try:
            check_document_name(name)
        except BadInput as exc:
            f.error("name", exc.message)
    f.check()
    assert name and title and kind
    created = await service.create_document(
        actor, gid, name=name, title=title, kind=kind, public=public
    )
    return _json(created, 201)


async def audit_log(request: web.Request) -> web.Response:
    actor = await signed_in(request)
    return _json(
        {"entries": await request.app[DOCUMENTS].audit_log(actor, path_id(request, "gid"))}
    )


def _sign_in_token(request: web.Request, person: Any, invitation: Any) -> str:
    settings = request.app[SETTINGS]
    # A session never outlives the invitation it came from.
    ttl = max(1, int(invitation.expires_at.timestamp() - time.time()))
    token: str = request.app[SIGNER].issue(
        person.name,
        Role(person.role),
        min(ttl, settings.session_ttl_seconds),
        person_id=person.id,
        group_id=person.group_id,
        version=person.token_version,
        invitation_id=invitation.id,
    )
    return token


async def open_invitation(request: web.Request) -> web.StreamResponse:
    """``GET /invite/<code>``: a browser gets a confirmation page and is *not* signed
    in (a page of another site could send it here: login CSRF); a script asking for
    JSON redeems the link and gets a bearer token (no cookie)."""
    if "application/json" not in request.headers.get("Accept", ""):
        return invitation_page.confirmation()
    person, invitation = await request.app[INVITATIONS].redeem_invitation(
        request.match_info["code"]
    )
    return _json(
        {
            "token": _sign_in_token(request, person, invitation),
            "person_id": person.id,
            "group_id": person.group_id,
            "role": person.role,
            "name": person.name,
        }
    )


async def sign_in_with_invitation(request: web.Request) -> web.StreamResponse:
    """``POST /invite/<code>`` (the confirmation page's form): only a page of this
    server's origin may start a browser session; then on to the app."""
    origin = foreign_origin(request, OriginPolicy(request.app[SETTINGS].allowed_origins))
    if origin is not None:
        raise CrossOrigin("sign in from this server's own invitation page", origin=origin[:200])
    try:
        person, invitation = await request.app[INVITATIONS].redeem_invitation(
            request.match_info["code"]
        )
    except RollingTextError as exc:
        if "application/json" in request.headers.get("Accept", ""):
            raise
        return invitation_page.refusal(exc)
    response = web.Response(status=303, headers={"Location": f"/?group={person.group_id}"})
    response.set_cookie(
        SESSION_COOKIE,
        _sign_in_token(request, person, invitation),
        httponly=True,
        samesite="Lax",
        path="/",
        max_age=request.app[SETTINGS].session_ttl_seconds,
        secure=request.secure or forwarded_https(request),
    )
    return response


def routes() -> list[web.RouteDef]:
    g = "/api/groups/{gid}"
    table: list[tuple[str, str, Any]] = [
        ("GET", "/api/me", me),
        ("GET", "/api/groups", list_groups),
        ("POST", "/api/groups", create_group),
        ("GET", g, get_group),
        ("PATCH", g, update_group),
        ("GET", g + "/delegations", delegations),
        ("POST", g + "/delegations", delegations),
        ("GET", g + "/people", people),
        ("POST", g + "/people", people),
        ("PATCH", g + "/people/{pid}", update_person),
        ("GET", g + "/observer-requests", observer_requests),
        ("POST", g + "/observer-requests", observer_requests),
        ("POST", g + "/observer-requests/{rid}/decision", decide_observer),
        ("GET", g + "/invitations", invitations),
        ("POST", g + "/invitations", invitations),
        ("DELETE", g + "/invitations/{iid}", revoke_invitation),
        ("GET", g + "/documents", documents),
        ("POST", g + "/documents", documents),
        ("GET", g + "/audit", audit_log),
        ("GET", "/invite/{code}", open_invitation),
        ("POST", "/invite/{code}", sign_in_with_invitation),
    ]
    return [web.route(method, path, handler) for method, path, handler in table]
