"""Build a realistic working group over the real HTTP API, and drive its people.

Everything goes through the server's public surface: an operator creates the
group (WGEC seat quotas), adds delegations and people, an observer enters through
an admission request the group approves, and every person gets a session token by
opening a real invitation link (``GET /invite/<code>``), exactly like a delegate
clicking the link in an e-mail.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pycrdt

from client import DocumentClient, SyncError
from tests.support.docs import TEXT_ROOT
from tests.support.ywebsocket import YWebSocketClient

# The six roles of DESIGN.md section 5, each held by one person of a built group.
PERSON_ROLES = ("chair", "secretariat", "member", "observer", "follower", "captioner")

# What a built group's documents start with unless the caller says otherwise.
SEED_TEXT = "Draft recommendation: "

# A few seats of the WGEC structure: (delegation, stakeholder group key).
DELEGATIONS = (
    ("Brazil", "member_states"),
    ("Kenya", "member_states"),
    ("Internet Society", "civil_society"),
    ("International Chamber of Commerce", "business"),
    ("International Telecommunication Union", "international_organizations"),
)


@dataclass
class Reply:
    status: int
    body: Any
    headers: Any = None
    # What a test set up for this call (ids to check afterwards); never from the server.
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def code(self) -> str | None:
        """The error code of an error reply (``{"error": {"code": ...}}``)."""
        if isinstance(self.body, dict) and isinstance(self.body.get("error"), dict):
            code = self.body["error"].get("code")
            return code if isinstance(code, str) else None
        return None

    @property
    def error(self) -> dict[str, Any]:
        assert isinstance(self.body, dict) and "error" in self.body, self.body
        error: dict[str, Any] = self.body["error"]
        return error

    @property
    def fields(self) -> dict[str, str]:
        """Field-level messages of a 422 ``validation_failed`` reply."""
        fields: dict[str, str] = self.error.get("details", {}).get("fields", {})
        return fields


class Api:
    """A JSON client of the HTTP API; never keeps cookies (each call says who it is)."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str) -> None:
        self.session = session
        self.base_url = base_url.rstrip("/")

    @classmethod
    @asynccontextmanager
    async def open(cls, base_url: str) -> AsyncIterator[Api]:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
            yield cls(session, base_url)

    async def call(
        self,
        method: str,
        path: str,
        token: str | None = None,
        body: Any = None,
        *,
        raw: bytes | str | None = None,
        headers: dict[str, str] | None = None,
        allow_redirects: bool = True,
    ) -> Reply:
        hdrs = {"Accept": "application/json", **(headers or {})}
        if token is not None:
            hdrs["Authorization"] = f"Bearer {token}"
        kwargs: dict[str, Any] = {"headers": hdrs, "allow_redirects": allow_redirects}
        if raw is not None:
            kwargs["data"] = raw
            hdrs.setdefault("Content-Type", "application/json")
        elif body is not None:
            kwargs["json"] = body
        async with self.session.request(method, self.base_url + path, **kwargs) as resp:
            text = await resp.text()
            try:
                parsed: Any = json.loads(text) if text else None
            except json.JSONDecodeError:
                parsed = text
            return Reply(resp.status, parsed, resp.headers)

    async def ok(self, method: str, path: str, token: str | None = None, body: Any = None) -> Any:
        """The body of a 2xx reply; fails loudly with the server's answer otherwise."""
        reply = await self.call(method, path, token, body)
        assert 200 <= reply.status < 300, f"{method} {path} -> {reply.status} {reply.body}"
        return reply.body

    async def redeem(self, code: str) -> Reply:
        """Open an invitation link the way the web app's fetch does (JSON answer)."""
        return await self.call("GET", f"/invite/{code}")

    async def audit(self, gid: int, token: str) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = (await self.ok("GET", f"/api/groups/{gid}/audit", token))[
            "entries"
        ]
        return entries


@dataclass
class Person:
    id: int
    name: str
    role: str
    token: str
    invitation_id: int
    delegation_id: int | None = None


@dataclass
class Group:
    id: int
    slug: str
    operator: str  # an operator chair token (no person): acts in every group
    delegations: dict[str, int]
    people: dict[str, Person]
    document: str  # public: followers (and anonymous ones, with public_follow) read it
    private_document: str  # not public
    observer_request_id: int  # the approved admission request of people["observer"]
    extra: dict[str, Any] = field(default_factory=dict)

    def path(self, suffix: str = "") -> str:
        return f"/api/groups/{self.id}{suffix}"

    def token(self, role: str) -> str:
        return self.people[role].token


def observer_request_body(organization: str = "Access Now") -> dict[str, str]:
    return {
        "organization": organization,
        "ecosoc_status": "special",
        "contact_name": f"{organization} delegate",
        "contact_email": "observer@" + organization.lower().replace(" ", "-") + ".example.org",
        "justification": "Works on digital rights; wishes to follow the deliberations.",
    }


async def invite(
    api: Api, gid: int, person_id: int, token: str, *, ttl_seconds: int | None = None
) -> tuple[dict[str, Any], str]:
    """Issue an invitation and open its link: (the invitation, the session token)."""
    body: dict[str, Any] = {"person_id": person_id}
    if ttl_seconds is not None:
        body["ttl_seconds"] = ttl_seconds
    invitation = await api.ok("POST", f"/api/groups/{gid}/invitations", token, body)
    assert invitation["url"].endswith("/invite/" + invitation["code"])
    opened = await api.redeem(invitation["code"])
    assert opened.status == 200, opened.body
    assert opened.body["person_id"] == person_id
    return invitation, opened.body["token"]


async def add_person(
    api: Api,
    gid: int,
    token: str,
    *,
    name: str,
    role: str,
    delegation_id: int | None = None,
) -> Person:
    body: dict[str, Any] = {"name": name, "role": role}
    if delegation_id is not None:
        body["delegation_id"] = delegation_id
    person = await api.ok("POST", f"/api/groups/{gid}/people", token, body)
    invitation, session = await invite(api, gid, person["id"], token)
    return Person(person["id"], name, role, session, invitation["id"], delegation_id)


async def admit_observer(
    api: Api, gid: int, token: str, organization: str = "Access Now"
) -> tuple[int, Person]:
    """An organization asks (no token), the group approves at a meeting, it gets a link."""
    body = observer_request_body(organization)
    request = await api.ok("POST", f"/api/groups/{gid}/observer-requests", None, body)
    decided = await api.ok(
        "POST",
        f"/api/groups/{gid}/observer-requests/{request['id']}/decision",
        token,
        {"decision": "approved", "meeting": "WGEC-2 (2017-01-26), plenary"},
    )
    pid = decided["person_id"]
    invitation, session = await invite(api, gid, pid, token)
    return request["id"], Person(pid, body["contact_name"], "observer", session, invitation["id"])


async def build_group(
    api: Api,
    operator: str,
    *,
    slug: str | None = None,
    public_follow: bool = True,
    seed_text: str | None = SEED_TEXT,
) -> Group:
    """A working group with WGEC quotas, delegations, one person per role, two documents.

    ``operator`` is an operator chair/secretariat token (``RunningServer.token``).
    With ``seed_text``, the public and private documents start with that text.
    """
    slug = slug or f"wg-{uuid.uuid4().hex[:8]}"
    group = await api.ok(
        "POST",
        "/api/groups",
        operator,
        {
            "slug": slug,
            "name": f"Working Group on Enhanced Cooperation ({slug})",
            "mandate": "Develop recommendations on how to further implement enhanced "
            "cooperation as envisioned in the Tunis Agenda.",
            "public_follow": public_follow,
        },
    )
    gid = group["id"]
    delegations = {}
    for name, stakeholder in DELEGATIONS:
        made = await api.ok(
            "POST",
            f"/api/groups/{gid}/delegations",
            operator,
            {"name": name, "stakeholder_group": stakeholder},
        )
        delegations[name] = made["id"]
    people: dict[str, Person] = {}
    people["chair"] = await add_person(api, gid, operator, name=f"Chair of {slug}", role="chair")
    chair = people["chair"].token
    # From here on the group's own chair runs it.
    people["secretariat"] = await add_person(
        api, gid, chair, name="CSTD secretariat officer", role="secretariat"
    )
    people["member"] = await add_person(
        api,
        gid,
        chair,
        name="Delegate of Brazil",
        role="member",
        delegation_id=delegations["Brazil"],
    )
    request_id, people["observer"] = await admit_observer(api, gid, chair)
    people["follower"] = await add_person(
        api, gid, chair, name="Remote participant", role="follower"
    )
    people["captioner"] = await add_person(api, gid, chair, name="CART captioner", role="captioner")
    document, private = f"{slug}-rolling", f"{slug}-bureau"
    for name, public in ((document, True), (private, False)):
        await api.ok(
            "POST",
            f"/api/groups/{gid}/documents",
            chair,
            {"name": name, "title": f"Rolling text {name}", "kind": "rolling", "public": public},
        )
    built = Group(gid, slug, operator, delegations, people, document, private, request_id)
    if seed_text is not None:
        for name in (document, private):
            await write_text(api.base_url, name, chair, seed_text)
    return built


# -- live connections -------------------------------------------------------------


async def write_text(url: str, document: str, token: str, text: str) -> None:
    """Append ``text`` over Socket.IO and return once the server says it is durable."""
    async with DocumentClient(url, document, token, reconnection=False) as client:
        t = client.doc.get(TEXT_ROOT, type=pycrdt.Text)
        t.insert(len(t), text)
        await client.flush()
        assert not client.errors, client.errors


def watch_disconnect(client: DocumentClient) -> asyncio.Event:
    """An event set when the server disconnects ``client`` (keeps the client's handler)."""
    gone = asyncio.Event()
    original = client._on_disconnect

    def on_disconnect(*args: Any) -> None:
        original(*args)
        gone.set()

    client.sio.on("disconnect", on_disconnect, namespace=client.namespace)
    return gone


async def sio_refused(url: str, document: str, token: str | None) -> str | None:
    """Open ``document`` over Socket.IO expecting a refusal; the refusal's error code."""
    client = DocumentClient(url, document, token, reconnection=False)  # type: ignore[arg-type]
    try:
        await client.connect()
    except SyncError as refused:
        return refused.code
    await client.close()
    raise AssertionError(f"Socket.IO opened {document!r} although it should be refused")


async def ws_refused(ws_url: str, document: str, token: str | None) -> int | None:
    """Open ``document`` over y-websocket expecting a refusal; the close code.

    Returns as soon as the server either closes the socket or starts syncing, so
    a wrongly accepted connection fails at once instead of timing out.
    """
    async with YWebSocketClient(ws_url, document, token) as ws:
        closed = asyncio.ensure_future(ws.closed.wait())
        synced = asyncio.ensure_future(ws.synced.wait())
        try:
            await asyncio.wait([closed, synced], timeout=5, return_when=asyncio.FIRST_COMPLETED)
        finally:
            closed.cancel()
            synced.cancel()
        assert ws.closed.is_set(), f"y-websocket opened {document!r} although it should be refused"
        return ws.close_code
