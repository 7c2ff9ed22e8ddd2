"""Responses that are files (exports): how a route declares them and sends them.

A route answering with a file declares ``raw_content=file_content(...)`` and
``responses=ATTACHMENT`` and returns ``attachment(...)``; the OpenAPI document then
states each media type (text as a string, binary as ``format: binary``) and the
``Content-Disposition`` header, like a JSON model's response.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from aiohttp import web


def file_content(media_types: Mapping[str, bool]) -> dict[str, Any]:
    """OpenAPI ``content`` of a file response: media type -> whether it is binary."""
    return {
        media: {"schema": {"type": "string", "format": "binary"} if binary else {"type": "string"}}
        for media, binary in media_types.items()
    }


def attachment_headers(status: int = 200) -> dict[int, dict[str, Any]]:
    """The ``responses`` entry stating the ``Content-Disposition`` header."""
    return {
        status: {
            "headers": {
                "Content-Disposition": {
                    "description": (
                        'attachment (or inline); filename="<name>": the suggested file name'
                    ),
                    "schema": {"type": "string"},
                }
            }
        }
    }


def attachment(
    body: bytes,
    media_type: str,
    filename: str,
    *,
    headers: Mapping[str, str] | None = None,
    inline: bool = False,
) -> web.Response:
    """``body`` as a download named ``filename`` (ASCII fallback and RFC 5987 form), or
    with ``inline`` shown by the browser (the name then is the one "Save as" suggests);
    text media types are labelled UTF-8."""
    ascii_name = filename.encode("ascii", "replace").decode().replace('"', "_")
    kind = "inline" if inline else "attachment"
    disposition = f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    text = media_type.startswith("text/")
    return web.Response(
        body=body,
        content_type=media_type,
        charset="utf-8" if text else None,
        headers={"Content-Disposition": disposition, **(headers or {})},
    )
