"""Reading request bodies: bounded per route, JSON only when labelled JSON, never a 500.

The app-wide ``client_max_size`` stays large because Socket.IO long-polling carries
whole documents; every other route reads at most its own limit (``body_limit``),
and a body announced larger is refused (413) before a byte of it is read.
Whatever a client sends ends as a coded 4xx: a wrong Content-Type or charset
(415), bytes that are not UTF-8, JSON that is malformed or nested deeper than
any API needs (Python's parser would raise RecursionError on 200,000 ``[``),
``NaN``, integers too long to convert, lone surrogates (``"\\ud800"`` decodes to a
string no database driver or encoder accepts) (400).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, TypeVar

from aiohttp import web

from server.errors import BadInput, PayloadTooLarge, UnsupportedMediaType

# A JSON API body: the largest is a 5,000-character text field in any script,
# even written as \u escapes (6 bytes a character); 64 KiB leaves room for that.
API_BODY_LIMIT = 64 * 1024
# Anonymous public routes (an observer request): one justification of 5,000
# characters, \u-escaped, plus the contact fields; nothing else is accepted.
PUBLIC_BODY_LIMIT = 32 * 1024
# Transcript imports and segment batches: a day of captions as WebVTT is ~300 KiB.
BULK_BODY_LIMIT = 512 * 1024
# No API body is nested deeper than a handful of levels; this bounds the walk below.
MAX_JSON_DEPTH = 32

_LIMIT_ATTRIBUTE = "rollingtext_body_limit"
_SURROGATE = re.compile("[\ud800-\udfff]")
_UTF8 = ("utf-8", "utf8")

Handler = TypeVar("Handler", bound=Callable[..., Any])


def body_limit(limit: int) -> Callable[[Handler], Handler]:
    """Declare the largest body (bytes) a route handler accepts (default API_BODY_LIMIT)."""

    def mark(handler: Handler) -> Handler:
        setattr(handler, _LIMIT_ATTRIBUTE, limit)
        return handler

    return mark


def route_body_limit(request: web.Request, default: int = API_BODY_LIMIT) -> int:
    """The limit the matched route declared, else ``default``."""
    declared = getattr(request.match_info.handler, _LIMIT_ATTRIBUTE, None)
    return declared if isinstance(declared, int) else default


def refuse_if_announced_too_large(request: web.Request, limit: int) -> None:
    length = request.content_length
    if length is not None and length > limit:
        raise PayloadTooLarge(
            f"this route accepts bodies up to {limit} bytes", limit=limit, length=length
        )


async def read_bytes(request: web.Request) -> bytes:
    """The whole body, refused (413) as soon as it passes the route's limit."""
    limit = route_body_limit(request)
    refuse_if_announced_too_large(request, limit)
    chunks: list[bytes] = []
    size = 0
    while chunk := await request.content.readany():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"this route accepts bodies up to {limit} bytes", limit=limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _check_charset(request: web.Request) -> None:
    charset = request.charset
    if charset is not None and charset.strip().lower() not in _UTF8:
        raise UnsupportedMediaType(
            f"bodies are UTF-8; charset={charset[:40]!r} is not supported", charset=charset[:40]
        )


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(
            f"the request body is not UTF-8 (byte {exc.start})", reason="encoding"
        ) from exc


async def read_text(request: web.Request) -> str:
    """A text body (a caption file): UTF-8, within the route's limit."""
    _check_charset(request)
    return _decode(await read_bytes(request))


def _refuse_constant(name: str) -> Any:
    raise BadInput(f"{name} is not JSON", reason="syntax")


def check_json_value(value: Any, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """``value`` if it is nested at most ``max_depth`` deep and has no lone surrogate
    in any string (keys included); BadInput otherwise. Iterative: no recursion."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                raise BadInput(
                    "a string holds a lone UTF-16 surrogate (\\ud800-\\udfff); send text",
                    reason="surrogate",
                )
            continue
        if not isinstance(item, dict | list):
            continue
        if depth > max_depth:
            raise BadInput(f"JSON nested deeper than {max_depth} levels", reason="depth")
        if isinstance(item, dict):
            stack.extend((k, depth) for k in item)
            stack.extend((v, depth + 1) for v in item.values())
        else:
            stack.extend((v, depth + 1) for v in item)
    return value


def parse_json(text: str) -> Any:
    """Strict JSON (no NaN/Infinity), bounded depth, no lone surrogates."""
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError as exc:
        raise BadInput(f"JSON nested deeper than {MAX_JSON_DEPTH} levels", reason="depth") from exc
    except json.JSONDecodeError as exc:
        raise BadInput(f"the request body is not valid JSON: {exc}", reason="syntax") from exc
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise BadInput(f"the request body is not valid JSON: {exc}", reason="syntax") from exc
    return check_json_value(value)


def is_json_type(mimetype: str) -> bool:
    mimetype = mimetype.lower()
    return mimetype == "application/json" or (
        mimetype.startswith("application/") and mimetype.endswith("+json")
    )


async def read_json_text(request: web.Request) -> str:
    """The JSON body's text (``{}`` when there is none), checked as ``read_json`` does,
    for a parser of one's own (the typed routes validate it straight into a model)."""
    if not request.body_exists:
        return "{}"
    if not is_json_type(request.content_type):
        raise UnsupportedMediaType(
            "send JSON with Content-Type: application/json",
            content_type=request.content_type[:80],
        )
    _check_charset(request)
    raw = await read_bytes(request)
    if not raw:
        return "{}"
    text = _decode(raw)
    parse_json(text)
    return text


async def read_json(request: web.Request) -> Any:
    """The JSON body (``{}`` when there is none), labelled ``application/json`` (or
    ``+json``): a page of another site cannot send that without a CORS preflight."""
    return parse_json(await read_json_text(request))
