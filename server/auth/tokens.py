"""Signed, expiring bearer tokens: ``base64url(json claims).base64url(hmac-sha256)``.

A token proves who signed a claim and until when; whether the person it names is
still active, and in which role, is checked against the database on every use
(``server.auth.access``), so revocation does not wait for expiry.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from server.errors import TokenExpired, Unauthenticated


class Role(StrEnum):
    CHAIR = "chair"
    SECRETARIAT = "secretariat"
    MEMBER = "member"
    OBSERVER = "observer"
    FOLLOWER = "follower"
    CAPTIONER = "captioner"


@dataclass(frozen=True)
class Claims:
    name: str
    role: Role
    expires_at: int
    person_id: int | None = None  # None: an operator token (`rollingtext token`)
    group_id: int | None = None  # None with no person: valid in every group
    version: int | None = None  # the person's token_version when issued
    invitation_id: int | None = None  # the invitation this session came from


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


class TokenSigner:
    def __init__(self, secret: str) -> None:
        self._key = hashlib.sha256(b"rollingtext-token:" + secret.encode()).digest()

    def _mac(self, body: str) -> str:
        return _b64(hmac.new(self._key, body.encode("ascii"), hashlib.sha256).digest())

    def issue(
        self,
        name: str,
        role: Role,
        ttl_seconds: int,
        *,
        now: float | None = None,
        person_id: int | None = None,
        group_id: int | None = None,
        version: int | None = None,
        invitation_id: int | None = None,
    ) -> str:
        if ttl_seconds <= 0:
            raise ValueError("ttl must be positive")
        issued = int(time.time() if now is None else now)
        claims: dict[str, Any] = {
            "sub": name,
            "role": role.value,
            "iat": issued,
            "exp": issued + ttl_seconds,
        }
        extra = {"pid": person_id, "gid": group_id, "ver": version, "inv": invitation_id}
        claims.update({k: v for k, v in extra.items() if v is not None})
        body = _b64(json.dumps(claims, separators=(",", ":")).encode())
        return f"{body}.{self._mac(body)}"

    def verify(self, token: object, *, now: float | None = None) -> Claims:
        """The claims a token proves; ``Unauthenticated``/``TokenExpired`` otherwise."""
        if not isinstance(token, str) or not token:
            raise Unauthenticated("a token is required")
        if not token.isascii():
            raise Unauthenticated("the token is malformed or its signature is invalid")
        body, sep, mac = token.partition(".")
        if not sep or not hmac.compare_digest(mac, self._mac(body)):
            raise Unauthenticated("the token is malformed or its signature is invalid")
        try:
            raw = json.loads(_unb64(body))
            claims = Claims(
                name=str(raw["sub"]),
                role=Role(raw["role"]),
                expires_at=int(raw["exp"]),
                person_id=_optional_int(raw.get("pid")),
                group_id=_optional_int(raw.get("gid")),
                version=_optional_int(raw.get("ver")),
                invitation_id=_optional_int(raw.get("inv")),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise Unauthenticated("the token's claims are malformed") from exc
        if claims.expires_at <= (time.time() if now is None else now):
            raise TokenExpired("the token has expired")
        return claims
