"""``rollingtext export``: a document's report, compilations or status table as a file.

Over the running server's HTTP API (``GET /api/documents/<document>/export``), like
``rollingtext paragraph``, as the operator ``cli`` (the secretariat) unless
``--token`` (or ``ROLLINGTEXT_TOKEN``) names a person's token: the server checks the
document's read rule. The options are checked locally first by the server's own
model; errors print ``error: <code>: <message>`` (exit status 2). The file is written
whole or not at all.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import aiohttp

from server.cli.common import Result, execute, reaching
from server.cli.documents import cli_token, document_options
from server.cli.sessions import ServerError, checked_body
from server.outputs.parts import PARTS
from server.outputs.schemas import FORMATS, ExportQuery

_FILENAME = re.compile(r'filename="([^"/\\]+)"')


async def fetch(args: argparse.Namespace, query: dict[str, Any]) -> tuple[bytes, str]:
    """The exported file's bytes and the name the server suggests for it."""
    token = cli_token(args)
    url = (
        args.url.rstrip("/")
        + f"/api/documents/{quote(args.document, safe='')}/export?"
        + urlencode(query)
    )
    async with (
        aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http,
        http.get(url) as resp,
    ):
        body = await resp.read()
        if resp.status >= 400:
            answer = await resp.json() if resp.content_type == "application/json" else None
            raise ServerError(resp.status, answer if answer is not None else body.decode())
        named = _FILENAME.search(resp.headers.get("Content-Disposition", ""))
        return body, named.group(1) if named else f"export.{query['format']}"


def _write(path: Path, body: bytes) -> None:
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(body)
    partial.replace(path)


def run(args: argparse.Namespace) -> int:
    async def work() -> Result:
        query = checked_body(ExportQuery, format=args.format, part=args.part, version=args.version)
        body, suggested = await reaching(args.url, fetch(args, query))
        out = Path(args.out) if args.out else Path(suggested)
        _write(out, body)
        done = {"file": str(out), "bytes": len(body), **query}
        return Result(done, f"wrote {out} ({len(body)} bytes)")

    return execute(work, as_json=args.json)


def register(sub: Any) -> None:
    """Add ``rollingtext export`` to the parser."""
    parser = sub.add_parser(
        "export",
        help="the report, a compilation or the status table as Markdown, HTML or Word",
        parents=[document_options()],
    )
    parser.set_defaults(func=run)
    parser.add_argument("--format", required=True, choices=FORMATS)
    parser.add_argument("--part", default="report", choices=PARTS)
    parser.add_argument("--version", type=int, help="the version's number (default: now)")
    parser.add_argument("--out", help="the file to write (default: the server's file name)")
