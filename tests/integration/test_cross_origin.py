"""A page of another origin cannot act with a signed-in browser's session cookie.

The attack of issue 11, point 3: a page served from another port of the same
host (same *site*, so ``SameSite=Lax`` still sends the cookie) posts a comment as
the chair, approves an observer as the chair, reads a private draft over ``/ws``
and Socket.IO. Each is refused with 403 ``cross_origin`` and changes nothing;
the same requests from the server's own origin, and bearer-token scripts that
send no Origin, keep working.
"""

from __future__ import annotations

from typing import Any

import aiohttp
import pycrdt
import pytest
import socketio

from server.settings import Settings
from tests.support.docs import text_of
from tests.support.groups import Api, Group, build_group, observer_request_body
from tests.support.servers import RunningServer, free_port, serve_in_process

SEED = "Draft recommendation: "


def evil_origin() -> str:
    """A page on another port of the same host: same site, another origin."""
    return f"http://127.0.0.1:{free_port()}"


def cookie_of(token: str) -> str:
    return f"rt_session={token}"


@pytest.fixture
def seed_text() -> str:
    return SEED


def comments_path(document: str) -> str:
    return f"/api/documents/{document}/comments"


async def comment_bodies(api: Api, group: Group) -> list[str]:
    listed = await api.ok("GET", comments_path(group.document), group.token("chair"))
    return [c["body"] for c in listed["comments"]]


async def test_foreign_page_cannot_comment_as_the_chair(
    server: RunningServer, api: Api, group: Group
) -> None:
    chair = cookie_of(group.token("chair"))
    before = await comment_bodies(api, group)
    for origin in (evil_origin(), "null", "https://127.0.0.1:" + str(server.port)):
        forged = await api.call(
            "POST",
            comments_path(group.document),
            body={"body": "Forged by another site."},
            headers={"Cookie": chair, "Origin": origin},
        )
        assert (forged.status, forged.code) == (403, "cross_origin"), (origin, forged.body)
    assert await comment_bodies(api, group) == before

    # The app's own pages (same origin, with the cookie) and scripts (bearer, no Origin) work.
    own = await api.call(
        "POST",
        comments_path(group.document),
        body={"body": "From the app."},
        headers={"Cookie": chair, "Origin": server.url},
    )
    assert own.status == 201, own.body
    script = await api.call(
        "POST", comments_path(group.document), group.token("chair"), {"body": "From a script."}
    )
    assert script.status == 201, script.body
    assert await comment_bodies(api, group) == [*before, "From the app.", "From a script."]


async def test_foreign_page_cannot_approve_an_observer_as_the_chair(
    server: RunningServer, api: Api, group: Group
) -> None:
    pending = await api.ok(
        "POST", group.path("/observer-requests"), None, observer_request_body("Evil Org")
    )
    decision = group.path(f"/observer-requests/{pending['id']}/decision")
    approve = {"decision": "approved", "meeting": "WGEC-3, plenary"}
    chair = cookie_of(group.token("chair"))
    forged = await api.call(
        "POST", decision, body=approve, headers={"Cookie": chair, "Origin": evil_origin()}
    )
    assert (forged.status, forged.code) == (403, "cross_origin"), forged.body
    listed = await api.ok("GET", group.path("/observer-requests?status=pending"), group.operator)
    assert pending["id"] in [r["id"] for r in listed["requests"]]

    # An older browser that sends no Origin still marks the request as cross-site.
    no_origin = await api.call(
        "POST", decision, body=approve, headers={"Cookie": chair, "Sec-Fetch-Site": "same-site"}
    )
    assert (no_origin.status, no_origin.code) == (403, "cross_origin"), no_origin.body

    own = await api.call(
        "POST", decision, body=approve, headers={"Cookie": chair, "Origin": server.url}
    )
    assert own.status == 200 and own.body["status"] == "approved", own.body


async def test_foreign_page_cannot_read_a_private_draft_over_ws(
    server: RunningServer, api: Api, group: Group
) -> None:
    chair = cookie_of(group.token("chair"))
    url = f"{server.ws_url}/{group.private_document}"
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        async with api.session.ws_connect(url, headers={"Cookie": chair, "Origin": evil_origin()}):
            pass
    assert refused.value.status == 403

    # From the server's own origin the cookie opens the draft (first frame: sync step 1).
    async with api.session.ws_connect(url, headers={"Cookie": chair, "Origin": server.url}) as ws:
        first = await ws.receive(timeout=10)
        assert first.type is aiohttp.WSMsgType.BINARY


async def read_over_socketio(
    url: str, document: str, headers: dict[str, str], transport: str
) -> str:
    """Connect with ``headers`` (cookie, origin), ask for the whole document, its text."""
    client = socketio.AsyncClient(reconnection=False)
    namespace = f"/yjs|{document}"
    await client.connect(url, headers=headers, namespaces=[namespace], transports=[transport])
    try:
        update = await client.call("sync-step-1", b"\x00", namespace=namespace, timeout=10)
        doc: pycrdt.Doc[Any] = pycrdt.Doc()
        doc.apply_update(update)
        return text_of(doc)
    finally:
        await client.disconnect()


@pytest.mark.parametrize("transport", ["websocket", "polling"])
async def test_foreign_page_cannot_read_a_private_draft_over_socketio(
    server: RunningServer, group: Group, transport: str
) -> None:
    chair = cookie_of(group.token("chair"))
    with pytest.raises(socketio.exceptions.ConnectionError):
        await read_over_socketio(
            server.url,
            group.private_document,
            {"Cookie": chair, "Origin": evil_origin()},
            transport,
        )
    own = {"Cookie": chair, "Origin": server.url}
    assert await read_over_socketio(server.url, group.private_document, own, transport) == SEED


async def test_configured_origins_and_proxies_are_allowed(tmp_path: Any) -> None:
    """ROLLINGTEXT_ALLOWED_ORIGINS adds origins; a proxy's forwarded origin is the server's."""
    front = "https://wgec.example.org"
    settings = Settings(data_dir=tmp_path / "d", secret="s", allowed_origins=(front,))
    async with serve_in_process(settings) as running, Api.open(running.url) as api:
        group = await build_group(api, running.token("chair", "op"), seed_text=None)
        chair = cookie_of(group.token("chair"))
        for headers in (
            {"Origin": front},
            {"Origin": "https://rt.example.net", "X-Forwarded-Host": "rt.example.net",
             "X-Forwarded-Proto": "https"},
        ):  # fmt: skip
            made = await api.call(
                "POST",
                comments_path(group.document),
                body={"body": "Through the proxy."},
                headers={"Cookie": chair, **headers},
            )
            assert made.status == 201, (headers, made.body)
        other = await api.call(
            "POST",
            comments_path(group.document),
            body={"body": "Forged."},
            headers={"Cookie": chair, "Origin": "https://evil.example.org"},
        )
        assert (other.status, other.code) == (403, "cross_origin")


def test_allowed_origins_setting_is_read_and_checked() -> None:
    settings = Settings.from_env(
        {"ROLLINGTEXT_ALLOWED_ORIGINS": "https://A.example.org:443/, http://b.example.org:8080"}
    )
    assert settings.allowed_origins == ("https://a.example.org", "http://b.example.org:8080")
    with pytest.raises(ValueError, match="not an origin"):
        Settings.from_env({"ROLLINGTEXT_ALLOWED_ORIGINS": "example.org"})
