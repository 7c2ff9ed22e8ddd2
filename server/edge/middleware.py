"""What every HTTP request and response passes through before and after its handler.

- ``origin_guard``: a request carrying the session cookie from a page of a foreign
  origin is refused (403 ``cross_origin``), whatever its method or path: HTTP API,
  ``/ws`` upgrades and Socket.IO handshakes alike. Clients that send a bearer token
  and no cookie (scripts, npm clients, other servers) are unaffected.
- ``body_limit_guard``: a body announced larger than its route accepts is refused
  (413 ``payload_too_large``) before it is read.
- ``security_headers``: every response (API, static files, errors, upgrades) says
  what the page may load and that it may not be framed or sniffed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.typedefs import Middleware

from server.auth.credentials import SESSION_COOKIE
from server.edge.bodies import refuse_if_announced_too_large, route_body_limit
from server.edge.origins import OriginPolicy
from server.errors import CrossOrigin

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# The web app loads only its own bundle; CodeMirror and the presence list set
# style attributes, hence 'unsafe-inline' for styles (never for scripts). The
# favicon is a data: URL. 'self' covers the same-origin ws:/wss: connections.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers without CSP 2
    # Not "no-referrer": browsers would then send "Origin: null" on the app's own
    # POSTs, and the origin check could no longer tell them from a foreign page.
    "Referrer-Policy": "same-origin",
}


def cross_site_without_origin(request: web.Request) -> bool:
    """An unsafe request a browser marked as coming from another site but sent
    without ``Origin`` (older browsers); ``Sec-Fetch-*`` cannot be set by pages."""
    site = request.headers.get("Sec-Fetch-Site")
    return request.method in UNSAFE_METHODS and site in ("cross-site", "same-site")


def foreign_origin(request: web.Request, policy: OriginPolicy) -> str | None:
    """The request's origin if a browser says it came from a page the policy does
    not allow ("null" included), else None."""
    origin = request.headers.get("Origin")
    if origin is None:
        return "(no Origin, Sec-Fetch-Site)" if cross_site_without_origin(request) else None
    return None if policy.allows(origin, request.scheme, request.headers) else origin


def forwarded_https(request: web.Request) -> bool:
    """A TLS-terminating proxy says the browser speaks https (cookies get ``Secure``)."""
    proto = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    return proto == "https"


def origin_guard(policy: OriginPolicy) -> Middleware:
    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        if SESSION_COOKIE in request.cookies:
            origin = foreign_origin(request, policy)
            if origin is not None:
                raise CrossOrigin(
                    "the session cookie is not accepted from pages of another origin; "
                    "send a bearer token",
                    origin=origin[:200],
                )
        return await handler(request)

    return guard


@web.middleware
async def body_limit_guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.body_exists:
        refuse_if_announced_too_large(request, route_body_limit(request))
    return await handler(request)


async def security_headers(request: web.BaseRequest, response: web.StreamResponse) -> None:
    """``on_response_prepare``: runs for every response, errors and static files too."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
