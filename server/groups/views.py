"""HTTP API of the access model under ``/api/groups``, ``/api/me`` and the invitation links.

Thin: each route declares its body, response and errors (``server.contract``), resolves
the caller and calls the service; the models in ``server.groups.schemas`` validate.
"""

from __future__ import annotations

import time

from aiohttp import web

from server.auth.credentials import SESSION_COOKIE
from server.auth.permissions import Action, capabilities
from server.auth.principal import Principal
from server.auth.tokens import Role
from server.contract import Api, Call
from server.contract.types import Id
from server.edge.bodies import PUBLIC_BODY_LIMIT
from server.edge.middleware import foreign_origin, forwarded_https
from server.edge.origins import OriginPolicy
from server.errors import (
    Conflict,
    CrossOrigin,
    Forbidden,
    InvalidTransition,
    InvitationUsed,
    QueueFull,
    QuotaExceeded,
    RateLimited,
    RollingTextError,
    Unauthenticated,
)
from server.groups import invitation_page
from server.groups.models import Invitation, Person
from server.groups.schemas import (
    AuditLog,
    Delegation,
    DelegationCreate,
    DelegationList,
    Group,
    GroupCreate,
    GroupDocument,
    GroupDocumentCreate,
    GroupDocumentList,
    GroupList,
    GroupUpdate,
    InvitationCreate,
    InvitationIssued,
    InvitationList,
    InvitationToken,
    Me,
    ObserverDecision,
    ObserverQuery,
    ObserverRequest,
    ObserverRequestCreate,
    ObserverRequestList,
    PersonCreate,
    PersonList,
    PersonUpdate,
)
from server.groups.schemas import Invitation as InvitationOut
from server.groups.schemas import Person as PersonOut
from server.keys import DOCUMENTS, GROUPS, INVITATIONS, OBSERVERS, SETTINGS, SIGNER

api = Api("groups")

G = "/api/groups/{gid}"
PARAMS = {
    "gid": "working group id",
    "pid": "person id",
    "rid": "observer request id",
    "iid": "invitation id",
    "code": "the invitation's secret code",
}
HTML = {"text/html": {"schema": {"type": "string"}}}


@api.get("/api/me", auth="optional", tag="people")
async def me(call: Call) -> Me:
    """Who the caller is (signed_in false without a token)"""
    principal = await call.caller()
    if principal is None:
        return Me(signed_in=False, can=[])
    return Me(
        signed_in=True,
        name=principal.name,
        role=principal.role,
        group_id=principal.group_id,
        person_id=principal.person_id,
        can=[Action(name) for name in capabilities(principal)],
        delegation=await call.app[GROUPS].affiliation(principal.person_id)
        if principal.person_id is not None
        else None,
    )


# -- groups and delegations ------------------------------------------------------------------


@api.get("/api/groups")
async def list_groups(call: Call) -> GroupList:
    """Working groups visible to the caller"""
    return GroupList(groups=await call.app[GROUPS].list_groups(await call.signed_in()))


@api.post("/api/groups", status=201, errors=(Forbidden,))
async def create_group(call: Call, body: GroupCreate) -> Group:
    """Create a working group with the WGEC seat presets (operators)"""
    return await call.app[GROUPS].create_group(await call.signed_in(), body)


@api.get(G, errors=(Forbidden,), params=PARAMS)
async def get_group(call: Call, gid: Id) -> Group:
    """A working group with its seats"""
    return await call.app[GROUPS].get_group(await call.signed_in(), gid)


@api.patch(G, errors=(Forbidden,), params=PARAMS)
async def update_group(call: Call, gid: Id, body: GroupUpdate) -> Group:
    """Turn public follow on or off, set the time zone the group meets in"""
    return await call.app[GROUPS].update_group(await call.signed_in(), gid, body)


@api.get(G + "/delegations", errors=(Forbidden,), params=PARAMS)
async def list_delegations(call: Call, gid: Id) -> DelegationList:
    """Delegations holding seats"""
    service = call.app[GROUPS]
    return DelegationList(delegations=await service.list_delegations(await call.signed_in(), gid))


@api.post(G + "/delegations", status=201, errors=(Forbidden, QuotaExceeded), params=PARAMS)
async def add_delegation(call: Call, gid: Id, body: DelegationCreate) -> Delegation:
    """Seat a delegation in a stakeholder group (within its quota)"""
    return await call.app[GROUPS].add_delegation(await call.signed_in(), gid, body)


# -- people ----------------------------------------------------------------------------------


@api.get(G + "/people", errors=(Forbidden,), params=PARAMS, tag="people")
async def list_people(call: Call, gid: Id) -> PersonList:
    """People of the group"""
    return PersonList(people=await call.app[GROUPS].list_people(await call.signed_in(), gid))


@api.post(G + "/people", status=201, errors=(Forbidden,), params=PARAMS, tag="people")
async def add_person(call: Call, gid: Id, body: PersonCreate) -> PersonOut:
    """Add a person with a role"""
    return await call.app[GROUPS].add_person(await call.signed_in(), gid, body)


@api.patch(G + "/people/{pid}", errors=(Forbidden,), params=PARAMS, tag="people")
async def update_person(call: Call, gid: Id, pid: Id, body: PersonUpdate) -> PersonOut:
    """Change a person's role, revoke or reinstate their access"""
    return await call.app[GROUPS].update_person(await call.signed_in(), gid, pid, body)


# -- observer admission ----------------------------------------------------------------------


@api.get(G + "/observer-requests", errors=(Forbidden,), params=PARAMS, tag="observers")
async def list_observer_requests(call: Call, gid: Id, query: ObserverQuery) -> ObserverRequestList:
    """Observer admission requests"""
    actor = await call.signed_in()
    return ObserverRequestList(
        requests=await call.app[OBSERVERS].list(actor, gid, status=query.status)
    )


@api.post(
    G + "/observer-requests",
    status=201,
    auth="public",
    # Anyone may submit one, signed in or not: a smaller body than the API's.
    body_limit=PUBLIC_BODY_LIMIT,
    errors=(QueueFull, RateLimited),
    params=PARAMS,
    tag="observers",
)
async def request_observer_status(
    call: Call, gid: Id, body: ObserverRequestCreate
) -> ObserverRequest:
    """Ask to observe (anyone; nothing is granted until the group decides)

    A caller who is signed in is named in the audit log; anyone else is `public`."""
    who = await call.caller() or Principal("public", Role.FOLLOWER, anonymous=True)
    return await call.app[OBSERVERS].submit(gid, body, submitted_by=who.actor)


@api.post(
    G + "/observer-requests/{rid}/decision",
    errors=(Forbidden, InvalidTransition),
    params=PARAMS,
    tag="observers",
)
async def decide_observer_request(
    call: Call, gid: Id, rid: Id, body: ObserverDecision
) -> ObserverRequest:
    """Record the group's decision on a request"""
    return await call.app[OBSERVERS].decide(await call.signed_in(), gid, rid, body)


# -- invitations -----------------------------------------------------------------------------


@api.get(G + "/invitations", errors=(Forbidden,), params=PARAMS, tag="invitations")
async def list_invitations(call: Call, gid: Id) -> InvitationList:
    """Invitations (login links) issued"""
    service = call.app[INVITATIONS]
    return InvitationList(invitations=await service.list_invitations(await call.signed_in(), gid))


@api.post(
    G + "/invitations",
    status=201,
    errors=(Forbidden, Conflict),
    params=PARAMS,
    tag="invitations",
)
async def issue_invitation(call: Call, gid: Id, body: InvitationCreate) -> InvitationIssued:
    """Issue a login link for one person

    `code` and `url` are shown only now. 409: the person's access is revoked."""
    ttl = body.ttl_seconds or call.app[SETTINGS].invitation_ttl_seconds
    issued = await call.app[INVITATIONS].issue_invitation(
        await call.signed_in(), gid, body.person_id, ttl_seconds=ttl
    )
    url = call.request.url.with_path(f"/invite/{issued.code}").with_query(None)
    return InvitationIssued(**dict(issued), url=str(url))


@api.delete(G + "/invitations/{iid}", errors=(Forbidden,), params=PARAMS, tag="invitations")
async def revoke_invitation(call: Call, gid: Id, iid: Id) -> InvitationOut:
    """Revoke a login link and the sessions it opened"""
    return await call.app[INVITATIONS].revoke_invitation(await call.signed_in(), gid, iid)


# -- documents and the audit log -------------------------------------------------------------


@api.get(G + "/documents", errors=(Forbidden,), params=PARAMS, tag="documents")
async def list_group_documents(call: Call, gid: Id) -> GroupDocumentList:
    """The group's drafting documents (followers see public ones)"""
    service = call.app[DOCUMENTS]
    return GroupDocumentList(documents=await service.list_documents(await call.signed_in(), gid))


@api.post(G + "/documents", status=201, errors=(Forbidden,), params=PARAMS, tag="documents")
async def create_group_document(call: Call, gid: Id, body: GroupDocumentCreate) -> GroupDocument:
    """Create a drafting document in the group"""
    return await call.app[DOCUMENTS].create_document(await call.signed_in(), gid, body)


@api.get(G + "/audit", errors=(Forbidden,), params=PARAMS)
async def audit_log(call: Call, gid: Id) -> AuditLog:
    """The audit log, newest first (latest 200)"""
    return AuditLog(entries=await call.app[DOCUMENTS].audit_log(await call.signed_in(), gid))


# -- invitation links ------------------------------------------------------------------------


def _sign_in_token(call: Call, person: Person, invitation: Invitation) -> str:
    settings = call.app[SETTINGS]
    # A session never outlives the invitation it came from.
    ttl = max(1, int(invitation.expires_at.timestamp() - time.time()))
    token: str = call.app[SIGNER].issue(
        person.name,
        Role(person.role),
        min(ttl, settings.session_ttl_seconds),
        person_id=person.id,
        group_id=person.group_id,
        version=person.token_version,
        invitation_id=invitation.id,
    )
    return token


def _wants_json(call: Call) -> bool:
    return "application/json" in call.request.headers.get("Accept", "")


@api.get(
    "/invite/{code}",
    auth="public",
    errors=(Unauthenticated, InvitationUsed, RateLimited),
    params=PARAMS,
    raw_content=HTML,
    tag="invitations",
)
async def open_invitation(call: Call, code: str) -> InvitationToken | web.StreamResponse:
    """Open an invitation link: a confirmation page, or a token as JSON

    A browser gets an HTML page asking to sign in; nothing is redeemed and no cookie
    is set (a page of another site may open any link: login CSRF). Scripts ask for
    JSON (`Accept: application/json`) and get a bearer token, no cookie. 401: the link
    is invalid, expired or revoked, or the person's access is; 410: a single-use link
    opened before; 429: too many failed links from your address."""
    if not _wants_json(call):
        # Checked, not used: a spent or revoked link says so now, not after "Sign in".
        try:
            await call.app[INVITATIONS].invitation_holder(code)
        except RollingTextError as exc:
            return invitation_page.refusal(exc)
        return invitation_page.confirmation()
    person, invitation = await call.app[INVITATIONS].redeem_invitation(code)
    return InvitationToken(
        token=_sign_in_token(call, person, invitation),
        person_id=person.id,
        group_id=person.group_id,
        role=Role(person.role),
        name=person.name,
    )


SIGNED_IN_HEADERS = {
    "Set-Cookie": {
        "description": "rt_session=<token>; HttpOnly; SameSite=Lax; Path=/ (Secure over https)",
        "schema": {"type": "string"},
    },
    "Location": {"schema": {"type": "string"}},
}


@api.post(
    "/invite/{code}",
    status=303,
    auth="public",
    errors=(Unauthenticated, InvitationUsed, CrossOrigin, RateLimited),
    params=PARAMS,
    tag="invitations",
    responses={
        303: {
            "description": "To `/?group=<id>`, with the session cookie",
            "headers": SIGNED_IN_HEADERS,
        },
        401: {"content": HTML},
        410: {"content": HTML},
    },
)
async def sign_in_with_invitation(call: Call, code: str) -> web.StreamResponse:
    """Sign in with an invitation (the confirmation page's form)

    Only the server's own pages (same Origin) may start a browser session (403
    `cross_origin` otherwise). A link that cannot be used answers with an HTML page
    unless JSON is asked for."""
    request = call.request
    origin = foreign_origin(request, OriginPolicy(call.app[SETTINGS].allowed_origins))
    if origin is not None:
        raise CrossOrigin("sign in from this server's own invitation page", origin=origin[:200])
    try:
        person, invitation = await call.app[INVITATIONS].redeem_invitation(code)
    except RollingTextError as exc:
        if _wants_json(call):
            raise
        return invitation_page.refusal(exc)
    response = web.Response(status=303, headers={"Location": f"/?group={person.group_id}"})
    response.set_cookie(
        SESSION_COOKIE,
        _sign_in_token(call, person, invitation),
        httponly=True,
        samesite="Lax",
        path="/",
        max_age=call.app[SETTINGS].session_ttl_seconds,
        secure=request.secure or forwarded_https(request),
    )
    return response
