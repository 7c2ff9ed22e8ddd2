"""Hand-written JSON Schemas of the HTTP API (``components.schemas`` of the OpenAPI
document) for the domains whose routes do not declare themselves yet; the others'
schemas are generated from their models (``server.contract``).
"""

from __future__ import annotations

from typing import Any

from server.errors import RollingTextError
from server.transports.names import SESSION_COOKIE

Schema = dict[str, Any]


def _error_codes() -> tuple[str, ...]:
    """Every code of the error hierarchy: the document cannot fall behind the code."""
    seen, todo = set(), [RollingTextError]
    while todo:
        cls = todo.pop()
        seen.add(cls.code)
        todo.extend(cls.__subclasses__())
    return tuple(sorted(seen - {"error"}))


ERROR_CODES = _error_codes()


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(required: tuple[str, ...] = (), **properties: Schema) -> Schema:
    schema: Schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    return schema


def nullable(type_: str, **extra: Any) -> Schema:
    return {"type": [type_, "null"], **extra}


def text(max_length: int = 200, **extra: Any) -> Schema:
    return {"type": "string", "minLength": 1, "maxLength": max_length, **extra}


def array_of(name: str) -> Schema:
    return {"type": "array", "items": ref(name)}


STRING: Schema = {"type": "string"}
INTEGER: Schema = {"type": "integer"}
ID: Schema = {"type": "integer", "minimum": 1}
BOOLEAN: Schema = {"type": "boolean"}
DATETIME: Schema = {"type": "string", "format": "date-time"}
EMAIL: Schema = {"type": "string", "format": "email", "maxLength": 320}


def _documents() -> dict[str, Schema]:
    return {
        # Anyone: status and database; an operator token also gets the rest.
        "Health": obj(
            ("status", "database"),
            status={"type": "string", "enum": ["ok", "degraded"]},
            database=obj(ok=BOOLEAN),
            version=STRING,
            process=INTEGER,
            rooms=INTEGER,
            connections=INTEGER,
        ),
    }


SCHEMAS: dict[str, Schema] = _documents()

SECURITY_SCHEMES: dict[str, Schema] = {
    "bearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "`rollingtext token`, or the token an invitation link returns",
    },
    "cookie": {
        "type": "apiKey",
        "in": "cookie",
        "name": SESSION_COOKIE,
        "description": "browser session set by an invitation link's sign-in page; "
        "refused (403 cross_origin) from pages of other origins",
    },
    "query": {"type": "apiKey", "in": "query", "name": "token"},
}
