"""Field-level validation of JSON bodies: every problem reported at once, nothing written."""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from server.errors import BadInput, NotFound

# Every id column is an INTEGER: 32-bit on PostgreSQL (64-bit on SQLite). A larger
# id names nothing, and handing it to the database is an error there, not a miss.
MAX_ID = 2**31 - 1
_ID = re.compile(r"^[0-9]{1,10}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")


def parse_id(value: object, name: str = "id") -> int:
    """An id from a path, a namespace or an event: a whole number in 1..``MAX_ID``.

    Anything else (text, signs, spaces, non-ASCII digits, a number past the column's
    range) is ``NotFound``: no such thing exists, whatever the database.
    """
    if isinstance(value, bool):
        number = -1
    elif isinstance(value, int):
        number = value
    elif isinstance(value, str) and _ID.match(value):
        number = int(value)
    else:
        raise NotFound(f"{name} must be a whole number")
    if not 1 <= number <= MAX_ID:
        raise NotFound(f"no such {name}: ids run from 1 to {MAX_ID}")
    return number


def is_unicode(text: str) -> bool:
    """Whether ``text`` can be stored and sent: JSON's ``\\ud800`` escapes decode to
    lone surrogates, which no UTF-8 database column or encoder accepts."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class ValidationFailed(BadInput):
    code = "validation_failed"
    http_status = 422

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("some fields are invalid", fields=fields)
        self.fields = fields


class Fields:
    """Read typed fields out of a JSON object, collecting errors per field."""

    def __init__(self, body: Any) -> None:
        if not isinstance(body, dict):
            raise BadInput("the request body must be a JSON object")
        self._body = body
        self.errors: dict[str, str] = {}

    def _fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def text(
        self, name: str, *, required: bool = True, max_len: int = 200, default: str | None = None
    ) -> str | None:
        value = self._body.get(name)
        if value is None:
            if required:
                self._fail(name, "is required")
            return default
        if not isinstance(value, str) or not value.strip():
            self._fail(name, "must be a non-empty string")
            return default
        if not is_unicode(value):
            self._fail(name, "must be Unicode text (a lone surrogate is not)")
            return default
        value = value.strip()
        if len(value) > max_len:
            self._fail(name, f"must be at most {max_len} characters")
        return value

    def choice(self, name: str, options: Collection[str], *, required: bool = True) -> str | None:
        value = self.text(name, required=required, max_len=64)
        if value is not None and value not in options:
            self._fail(name, f"must be one of: {', '.join(sorted(options))}")
            return None
        return value

    def email(self, name: str, *, required: bool = True) -> str | None:
        value = self.text(name, required=required, max_len=320)
        if value is not None and not _EMAIL.match(value):
            self._fail(name, "must be an e-mail address")
        return value

    def slug(self, name: str, *, required: bool = True) -> str | None:
        value = self.text(name, required=required, max_len=63)
        if value is not None and not _SLUG.match(value):
            self._fail(name, "must be 2-63 lowercase letters, digits or '-'")
        return value

    def integer(
        self, name: str, *, required: bool = True, minimum: int = 1, maximum: int = 10**9
    ) -> int | None:
        value = self._body.get(name)
        if value is None:
            if required:
                self._fail(name, "is required")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self._fail(name, "must be an integer")
            return None
        if not minimum <= value <= maximum:
            self._fail(name, f"must be between {minimum} and {maximum}")
            return None
        return value

    def boolean(self, name: str, *, default: bool) -> bool:
        value = self._body.get(name, default)
        if not isinstance(value, bool):
            self._fail(name, "must be true or false")
            return default
        return value

    def raw(self, name: str) -> Any:
        return self._body.get(name)

    def error(self, name: str, message: str) -> None:
        self._fail(name, message)

    def check(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)
