"""Per-address limits at the HTTP edge, before any handler reads a body or a database.

What costs an anonymous client nothing is limited by client address:

- ``POST /api/groups/{gid}/observer-requests`` (public): a few at once, then a few an hour;
- ``/invite/<code>``: failed redemptions (unknown, used or expired codes), so guessing
  is slowed while a room of delegates opening their own links is never refused;
- new WebSocket (``/ws/...``) and Socket.IO connections (handshakes without ``sid``);
- requests in progress at once (each open WebSocket and long-poll is one).

Refusals are ``RateLimited`` (HTTP 429, code ``rate_limited``, ``Retry-After``).
Per-person limits (comments, comment edits) live in the services.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiohttp import web
from aiohttp.typedefs import Middleware

from server.errors import RateLimited, RollingTextError
from server.ratelimit import ClientAddress, RateLimiter, address_key
from server.settings import Settings

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
OBSERVER_REQUESTS = "/api/groups/{gid}/observer-requests"


@dataclass
class EdgeLimits:
    addresses: ClientAddress
    observer_requests: RateLimiter
    invite_failures: RateLimiter
    connections: RateLimiter
    max_requests_per_address: int
    in_progress: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Settings) -> EdgeLimits:
        return cls(
            addresses=ClientAddress(settings.trusted_proxies),
            observer_requests=RateLimiter(
                settings.observer_requests_per_minute,
                settings.observer_requests_burst,
                what="observer requests from your address",
            ),
            invite_failures=RateLimiter(
                settings.invite_failures_per_minute,
                settings.invite_failures_burst,
                what="invalid invitation links from your address",
            ),
            connections=RateLimiter(
                settings.connections_per_minute,
                settings.connections_burst,
                what="new connections from your address",
            ),
            max_requests_per_address=settings.max_requests_per_address,
        )

    def client(self, request: web.Request) -> str:
        """The rate-limit key of the request's client (see ``ClientAddress``)."""
        return address_key(
            self.addresses.of(request.remote, request.headers.get("X-Forwarded-For"))
        )

    def middleware(self) -> Middleware:
        @web.middleware
        async def limits(request: web.Request, handler: Handler) -> web.StreamResponse:
            key = self.client(request)
            cap = self.max_requests_per_address
            if cap > 0 and self.in_progress.get(key, 0) >= cap:
                raise RateLimited(
                    f"more than {cap} requests in progress from your address", retry_after=5
                )
            if _opens_connection(request):
                self.connections.take(key)
            elif request.method == "POST" and _route(request) == OBSERVER_REQUESTS:
                self.observer_requests.take(key)
            elif request.path.startswith("/invite/"):
                return await self._invite(request, handler, key)
            self.in_progress[key] = self.in_progress.get(key, 0) + 1
            try:
                return await handler(request)
            finally:
                left = self.in_progress[key] - 1
                if left:
                    self.in_progress[key] = left
                else:
                    del self.in_progress[key]

        return limits

    async def _invite(self, request: web.Request, handler: Handler, key: str) -> web.StreamResponse:
        """Only failures count: a room of delegates behind one address opening their
        own links is never refused; a guesser runs out of tries."""
        self.invite_failures.check(key)
        try:
            response = await handler(request)
        except RollingTextError as exc:
            if 400 <= exc.http_status < 500:
                self.invite_failures.allows(key)
            raise
        if 400 <= response.status < 500:
            self.invite_failures.allows(key)
        return response


def _route(request: web.Request) -> str | None:
    info = request.match_info.route.resource
    return info.canonical if info is not None else None


def _opens_connection(request: web.Request) -> bool:
    """A y-websocket connection, or a Socket.IO handshake (later polls carry ``sid``)."""
    if request.path.startswith("/ws/"):
        return True
    return request.path.startswith("/socket.io/") and "sid" not in request.query
