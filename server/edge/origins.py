"""Which web origins may act with a browser session (the ``rt_session`` cookie).

A browser attaches the cookie to requests that pages of *other* origins make
(another port of the same host is even "same-site", so ``SameSite=Lax`` does not
help), and WebSocket handshakes are not subject to CORS at all. What a browser
does not let a page forge is the ``Origin`` header, so that is what is checked.

The server's own origin is always allowed and is derived from each request: the
``Host`` it was addressed to (or ``X-Forwarded-Host``/``-Proto`` from a proxy)
with its scheme. That works on any port and behind a proxy without configuration,
and it is safe because a page of another origin cannot choose the ``Host`` (or
any ``X-Forwarded-*`` header) of a request its visitor's browser sends (and a page
that rebinds its own host name to this server gets only that host's cookies, never
this server's). Operators
add other origins (a front end served elsewhere, a proxy that rewrites ``Host``)
with ``ROLLINGTEXT_ALLOWED_ORIGINS``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


def normalize(origin: str) -> str | None:
    """``scheme://host[:port]`` in canonical form (lower case, no default port), or None
    for anything that is not an http(s) origin (``null``, paths, junk)."""
    try:
        parts = urlsplit(origin.strip())
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if scheme not in ("http", "https") or not host:
        return None
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        return None
    if ":" in host:  # IPv6 literal: urlsplit drops the brackets
        host = f"[{host}]"
    if port is None or port == _DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def parse_allowed(value: str) -> tuple[str, ...]:
    """The comma-separated ``ROLLINGTEXT_ALLOWED_ORIGINS``; ValueError names a bad entry."""
    out: list[str] = []
    for item in (v.strip() for v in value.split(",")):
        if not item:
            continue
        canonical = normalize(item)
        if canonical is None:
            raise ValueError(f"not an origin (scheme://host[:port]): {item!r}")
        out.append(canonical)
    return tuple(out)


class OriginPolicy:
    """Answers "may a page of this origin use this server's browser session?"."""

    def __init__(self, allowed: Iterable[str] = ()) -> None:
        self._allowed = frozenset(c for c in (normalize(o) for o in allowed) if c)

    @staticmethod
    def own_origins(scheme: str, headers: Mapping[str, str]) -> set[str]:
        """The origins this request was addressed to (direct and as a proxy forwarded it)."""
        host = headers.get("Host", "")
        own = {f"{scheme}://{host}"}
        forwarded_host = headers.get("X-Forwarded-Host", "").split(",")[0].strip()
        forwarded_proto = headers.get("X-Forwarded-Proto", "").split(",")[0].strip()
        if forwarded_host or forwarded_proto:
            own.add(f"{forwarded_proto or scheme}://{forwarded_host or host}")
        return {c for c in (normalize(o) for o in own) if c}

    def allows(self, origin: str, scheme: str, headers: Mapping[str, str]) -> bool:
        canonical = normalize(origin)
        if canonical is None:
            return False  # "null" (sandboxed frames, file://) and junk are never trusted
        return canonical in self._allowed or canonical in self.own_origins(scheme, headers)
