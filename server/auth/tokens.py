"""Signed, expiring bearer tokens: ``base64url(json).base64url(hmac-sha256)``.

Deliberately small and replaceable: the access-model issue ties tokens to
people; this module only proves who signed a claim and until when it holds.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from enum import StrEnum

from server.errors import TokenExpired, Unauthenticated


class Role(StrEnum):
    CHAIR = "chair"
    SECRETARIAT = "secretariat"
    MEMBER = "member"
    OBSERVER = "observer"
    FOLLOWER = "follower"
    CAPTIONER = "captioner"

    @property
    def can_edit_text(self) -> bool:
        return self in (Role.CHAIR, Role.SECRETARIAT, Role.MEMBER)


@dataclass(frozen=True)
class Identity:
    name: str
    role: Role
    expires_at: int

    @property
    def can_edit_text(self) -> bool:
        return self.role.can_edit_text


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TokenSigner:
    def __init__(self, secret: str) -> None:
        self._key = hashlib.sha256(b"rollingtext-token:" + secret.encode()).digest()

    def _mac(self, body: str) -> str:
        return _b64(hmac.new(self._key, body.encode("ascii"), hashlib.sha256).digest())

    def issue(self, name: str, role: Role, ttl_seconds: int, *, now: float | None = None) -> str:
        if ttl_seconds <= 0:
            raise ValueError("ttl must be positive")
        issued = int(time.time() if now is None else now)
        claims = {"sub": name, "role": role.value, "iat": issued, "exp": issued + ttl_seconds}
        body = _b64(json.dumps(claims, separators=(",", ":")).encode())
        return f"{body}.{self._mac(body)}"

    def verify(self, token: object, *, now: float | None = None) -> Identity:
        """The identity a token proves; ``Unauthenticated``/``TokenExpired`` otherwise."""
        if not isinstance(token, str) or not token:
            raise Unauthenticated("a token is required")
        body, sep, mac = token.partition(".")
        if not sep or not hmac.compare_digest(mac, self._mac(body)):
            raise Unauthenticated("the token is malformed or its signature is invalid")
        try:
            claims = json.loads(_unb64(body))
            identity = Identity(str(claims["sub"]), Role(claims["role"]), int(claims["exp"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise Unauthenticated("the token's claims are malformed") from exc
        if identity.expires_at <= (time.time() if now is None else now):
            raise TokenExpired("the token has expired")
        return identity
