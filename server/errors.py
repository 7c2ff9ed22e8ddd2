"""The error hierarchy: a small set of coded errors raised anywhere in the server.

They are mapped to HTTP statuses, Socket.IO error payloads and WebSocket close
codes only at the edge (``server/transports``, ``server/views``).
"""

from __future__ import annotations

from typing import Any


class RollingTextError(Exception):
    """Base class: a stable machine-readable ``code`` and a human message."""

    code = "error"
    http_status = 500
    ws_close_code = 1011

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details:
            body["details"] = self.details
        return body


class BadInput(RollingTextError):
    code = "bad_input"
    http_status = 400
    ws_close_code = 4400


class MalformedUpdate(BadInput):
    code = "malformed_update"


class PresenceTooLarge(BadInput):
    """An awareness message over a bound: entries, bytes, or states per connection."""

    code = "presence_too_large"


class BadPresence(BadInput):
    """An awareness state the server does not accept (not an object, bad name or colour)."""

    code = "bad_presence"


class Unauthenticated(RollingTextError):
    code = "unauthenticated"
    http_status = 401
    ws_close_code = 4401


class TokenExpired(Unauthenticated):
    code = "token_expired"


class Forbidden(RollingTextError):
    code = "forbidden"
    http_status = 403
    ws_close_code = 4403


class ReadOnly(Forbidden):
    code = "read_only"


class NotFound(RollingTextError):
    code = "not_found"
    http_status = 404
    ws_close_code = 4404


class Unavailable(RollingTextError):
    """A dependency (database) cannot make a write durable right now."""

    code = "unavailable"
    http_status = 503
    ws_close_code = 1013


class Conflict(RollingTextError):
    """The request is well-formed but contradicts the current state."""

    code = "conflict"
    http_status = 409
    ws_close_code = 4409


class QuotaExceeded(Conflict):
    code = "seat_quota_full"


class InvalidTransition(Conflict):
    code = "invalid_transition"


class ParagraphLocked(Conflict):
    """The paragraph is agreed (or agreed ad ref): reopen it before changing it."""

    code = "paragraph_locked"


class AmendmentOutdated(Conflict):
    """The words an amendment targets changed since it was made: the chair confirms
    against the current text (details: ``quote``, ``current``) before accepting it."""

    code = "amendment_outdated"


class StaleRevision(Conflict):
    """A write named a revision of a row (an issue item, a mapping area) that someone
    changed since: nothing changed; details ``current`` carry the row as it is now."""

    code = "stale_revision"


class GovernedState(Forbidden):
    """A raw CRDT write tried to change governed state (it was put back)."""

    code = "governed_state"


class Gone(RollingTextError):
    """The thing existed and was used up: asking again cannot succeed."""

    code = "gone"
    http_status = 410
    ws_close_code = 4410


class InvitationUsed(Gone):
    code = "invitation_used"


class QueueFull(Conflict):
    """A queue others must work through (pending observer requests) is full."""

    code = "queue_full"


class RateLimited(RollingTextError):
    """Too many requests of one kind from one person in a short time."""

    code = "rate_limited"
    http_status = 429
    ws_close_code = 4429


class CrossOrigin(Forbidden):
    """A browser request from a page of another origin carried the session cookie."""

    code = "cross_origin"


class UnsupportedMediaType(BadInput):
    """The body's Content-Type (or its charset) is not one this route reads."""

    code = "unsupported_media_type"
    http_status = 415


class PayloadTooLarge(BadInput):
    """The body is larger than this route accepts; refused before it is read."""

    code = "payload_too_large"
    http_status = 413
    ws_close_code = 1009


class QuestionsFrozen(Conflict):
    """A questionnaire's wording is frozen once a response exists: publish a new version."""

    code = "questions_frozen"


class IdempotencyKeyReused(Conflict):
    """An ``Idempotency-Key`` already used for a different request body."""

    code = "idempotency_key_reused"
