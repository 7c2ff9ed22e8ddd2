"""What validation shares: ids in their column's range, and the 422 that names each bad
field (raised by the typed models of ``server.contract`` and by the CLI)."""

from __future__ import annotations

import re

from server.errors import BadInput, NotFound

# Every id column is an INTEGER: 32-bit on PostgreSQL (64-bit on SQLite). A larger
# id names nothing, and handing it to the database is an error there, not a miss.
MAX_ID = 2**31 - 1
_ID = re.compile(r"^[0-9]{1,10}$")


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


class ValidationFailed(BadInput):
    code = "validation_failed"
    http_status = 422

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("some fields are invalid", fields=fields)
        self.fields = fields
