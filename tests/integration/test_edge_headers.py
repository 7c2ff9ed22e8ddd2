"""Every response carries the security headers; ``/healthz`` tells strangers little.

Issue 11, point 8: no Content-Security-Policy, ``X-Content-Type-Options``,
frame-ancestors or Referrer-Policy anywhere, and ``/healthz`` showed anyone the
process id and how many rooms and connections the server holds.
"""

from __future__ import annotations

import os
from typing import Any

from server.views.web import DIST
from tests.support.groups import Api, build_group
from tests.support.servers import RunningServer, free_port


def assert_secured(headers: Any, what: str) -> None:
    csp = {
        d.strip().split(" ")[0]: d.strip() for d in headers["Content-Security-Policy"].split(";")
    }
    assert csp["default-src"] == "default-src 'self'", what
    assert csp["script-src"] == "script-src 'self'", what  # no inline script, no eval
    assert csp["frame-ancestors"] == "frame-ancestors 'none'", what
    assert csp["object-src"] == "object-src 'none'", what
    assert headers["X-Content-Type-Options"] == "nosniff", what
    assert headers["Referrer-Policy"] == "same-origin", what
    assert headers["X-Frame-Options"] == "DENY", what


async def test_security_headers_on_every_kind_of_response(server: RunningServer, api: Api) -> None:
    operator = server.token("chair", "op")
    group = await build_group(api, operator, seed_text=None)
    replies = {
        "api": await api.call("GET", "/api/me", operator),
        "app page": await api.call("GET", "/"),
        "not found": await api.call("GET", "/api/no-such-route"),
        "missing asset": await api.call("GET", "/assets/no-such-file.js"),
        "refused": await api.call("GET", group.path("/people")),
        "unsupported body": await api.call(
            "POST", "/api/groups", operator, raw=b"{}", headers={"Content-Type": "text/plain"}
        ),
        "cross origin": await api.call(
            "POST",
            "/api/groups",
            body={},
            headers={"Cookie": f"rt_session={operator}", "Origin": f"http://x:{free_port()}"},
        ),
        "health": await api.call("GET", "/healthz"),
        "socket.io": await api.call("GET", "/socket.io/?EIO=4&transport=carrier-pigeon"),
        "invitation page": await api.call("GET", "/invite/abc", headers={"Accept": "text/html"}),
    }
    if (DIST / "assets" / "app.css").exists():
        replies["static"] = await api.call("GET", "/assets/app.css")
    statuses = {what: reply.status for what, reply in replies.items()}
    assert statuses["not found"] == 404 and statuses["refused"] == 401, statuses
    assert statuses["socket.io"] == 400, statuses
    for what, reply in replies.items():
        assert_secured(reply.headers, what)


async def test_anonymous_healthz_is_minimal(server: RunningServer, api: Api) -> None:
    group = await build_group(api, server.token("chair", "op"), seed_text=None)
    for token in (None, group.token("member"), "forged.token"):
        reply = await api.call("GET", "/healthz", token)
        assert reply.status == 200
        assert reply.body == {"status": "ok", "database": {"ok": True}}, token

    detailed = await api.call("GET", "/healthz", server.token("follower", "monitoring"))
    assert detailed.status == 200
    assert detailed.body["status"] == "ok" and detailed.body["database"] == {"ok": True}
    assert detailed.body["process"] == os.getpid()  # the in-process server
    assert isinstance(detailed.body["connections"], int)
    assert isinstance(detailed.body["rooms"], int) and detailed.body["version"]
