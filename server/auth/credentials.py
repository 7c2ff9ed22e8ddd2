"""Where a request or a Socket.IO handshake carries its credentials (token or session cookie).

The transports and the HTTP views read them here; ``server.auth.access`` then resolves
the token to its current principal."""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie
from typing import Any

from aiohttp import web

# The browser session set by opening an invitation link (HttpOnly, SameSite=Lax).
SESSION_COOKIE = "rt_session"


def request_token(request: web.Request) -> str | None:
    """Bearer header, then ``?token=``, then the session cookie."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value:
        return value
    return request.query.get("token") or request.cookies.get(SESSION_COOKIE)


def handshake_token(auth: Any, environ: dict[str, Any]) -> str | None:
    """Socket.IO: ``auth.token``, then the session cookie of the handshake request."""
    if isinstance(auth, dict) and isinstance(auth.get("token"), str):
        token: str = auth["token"]
        return token
    try:
        cookie = SimpleCookie(environ.get("HTTP_COOKIE", ""))
    except CookieError:
        return None
    morsel = cookie.get(SESSION_COOKIE)
    return morsel.value if morsel is not None else None
