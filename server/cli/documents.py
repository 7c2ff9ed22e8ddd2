"""What the commands on one document of a running server share (``rollingtext
paragraph``, ``rollingtext amendment``): their options and the authenticated call.

They go over the server's HTTP API, so every change is made by that server, audited
and announced live. They act as the operator ``cli`` (the secretariat) unless
``--token`` (or ``ROLLINGTEXT_TOKEN``) names a person's token.
"""

from __future__ import annotations

import argparse
import os
from typing import Any
from urllib.parse import quote

import aiohttp

from server.auth.tokens import Role, TokenSigner
from server.cli.sessions import ServerError
from server.settings import Settings


def document_options() -> argparse.ArgumentParser:
    """The options every document command takes: the server, the document, who acts."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--url", default="http://127.0.0.1:8080", help="the running server")
    common.add_argument("--document", required=True, help="the document's name")
    common.add_argument("--token", help="act as this person (default: the operator cli)")
    common.add_argument("--json", action="store_true", help="print machine-readable JSON")
    return common


def cli_token(args: argparse.Namespace) -> str:
    """Who a command acts as: ``--token``, else ``$ROLLINGTEXT_TOKEN``, else the operator
    cli (a five-minute secretariat token signed with the server's secret)."""
    token = args.token or os.environ.get("ROLLINGTEXT_TOKEN")
    if not token:
        settings = Settings.from_env()
        token = TokenSigner(settings.secret_resolved()).issue("cli", Role.SECRETARIAT, 300)
    return token


async def document_call(args: argparse.Namespace, method: str, path: str, body: Any = None) -> Any:
    """``method`` on ``path`` below the document (``/api/documents/<document>``) of the
    server at ``--url``; the JSON answer, or ``ServerError`` with the server's error."""
    token = cli_token(args)
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    url = args.url.rstrip("/") + f"/api/documents/{quote(args.document, safe='')}" + path
    kwargs: dict[str, Any] = {} if body is None else {"json": body}
    async with (
        aiohttp.ClientSession(headers=headers) as http,
        http.request(method, url, **kwargs) as resp,
    ):
        answer = await resp.json() if resp.content_type == "application/json" else None
        if resp.status >= 400:
            raise ServerError(resp.status, answer if answer is not None else await resp.text())
        return answer
