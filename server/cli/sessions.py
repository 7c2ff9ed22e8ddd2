"""``rollingtext meeting|session|stream|transcript``: run sessions from a terminal.

Unlike the administration commands, which open the database and call the services
directly, these act on the *running* server over its HTTP API (as the operator ``cli``,
with a token signed by the server's secret). They must: a session going live, a stream
link added or a transcript imported is announced by that server's live hub to the
followers connected to it, which a second process writing the database could not reach.
Errors come back as the server's coded error body and are raised as the same
:class:`RollingTextError` shape, so they print exactly like every other command's.
A body is checked locally first, by the request model the server checks it with, so
a bad value is reported with the server's field messages before anything is sent.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path
from typing import Any

import aiohttp
from pydantic import BaseModel

from server.auth.tokens import Role, TokenSigner
from server.cli.common import Result, Unreachable, execute
from server.contract import validated
from server.errors import NotFound, RollingTextError
from server.sessions.models import SESSION_KINDS, STREAM_KINDS, STREAM_LANGUAGES, STREAM_MODES
from server.sessions.schemas import (
    MeetingCreate,
    MeetingSessionCreate,
    SessionStatusChange,
    StreamLinkCreate,
)
from server.settings import Settings

# API field names that a session command's flag spells differently.
FLAGS = {
    "starts_on": "--starts",
    "ends_on": "--ends",
    "scheduled_start": "--start",
    "scheduled_end": "--end",
    "lead_delegation_id": "--lead-delegation",
    "public_draft": "--public",
    "url": "--link-url",
}


class ServerError(RollingTextError):
    """A coded error the server answered with (its HTTP status kept for reference)."""

    def __init__(self, status: int, body: Any) -> None:
        error = body.get("error", {}) if isinstance(body, dict) else {}
        details = error.get("details")
        super().__init__(
            str(error.get("message", body)), **(details if isinstance(details, dict) else {})
        )
        self.code = str(error.get("code", status))
        self.http_status = status


async def _call(args: argparse.Namespace, method: str, path: str, **kwargs: Any) -> Any:
    settings = Settings.from_env()
    token = TokenSigner(settings.secret_resolved()).issue("cli", Role.SECRETARIAT, 300)
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    async with (
        aiohttp.ClientSession(headers=headers) as http,
        http.request(method, args.url.rstrip("/") + path, **kwargs) as resp,
    ):
        text = await resp.text()
        body = json.loads(text) if resp.content_type == "application/json" else text
        if resp.status >= 400:
            raise ServerError(resp.status, body)
        return body


async def _group_id(args: argparse.Namespace, slug: str) -> int:
    for group in (await _call(args, "GET", "/api/groups"))["groups"]:
        if group["slug"] == slug:
            return int(group["id"])
    raise NotFound(f"no working group {slug!r}")


def checked_body(model: type[BaseModel], **values: Any) -> dict[str, Any]:
    """The options given (None: left out), checked by ``model`` (ValidationFailed)."""
    body = {name: value for name, value in values.items() if value is not None}
    validated(model, body)
    return body


async def _dispatch(args: argparse.Namespace) -> Any:
    what = (args.noun, args.action)
    if what == ("meeting", "create"):
        body = checked_body(
            MeetingCreate,
            number=args.number,
            title=args.title,
            venue=args.venue,
            starts_on=args.starts,
            ends_on=args.ends,
        )
        gid = await _group_id(args, args.group)
        return await _call(args, "POST", f"/api/groups/{gid}/meetings", json=body)
    if what == ("meeting", "list"):
        gid = await _group_id(args, args.group)
        return await _call(args, "GET", f"/api/groups/{gid}/meetings")
    if what == ("session", "create"):
        body = checked_body(
            MeetingSessionCreate,
            kind=args.kind,
            title=args.title,
            scheduled_start=args.start,
            scheduled_end=args.end,
            document=args.document,
            lead_delegation_id=args.lead_delegation,
            public_draft=True if args.public else None,
        )
        return await _call(args, "POST", f"/api/meetings/{args.meeting}/sessions", json=body)
    if what == ("session", "list"):
        return await _call(args, "GET", f"/api/meetings/{args.meeting}/sessions")
    if args.noun == "session" and args.action in ("start", "end"):
        status = "live" if args.action == "start" else "ended"
        body = checked_body(SessionStatusChange, status=status)
        return await _call(args, "POST", f"/api/sessions/{args.session}/status", json=body)
    if what == ("stream", "add"):
        body = checked_body(
            StreamLinkCreate,
            kind=args.kind,
            language=args.language,
            url=args.link_url,
            mode=args.mode,
        )
        return await _call(args, "POST", f"/api/sessions/{args.session}/streams", json=body)
    if what == ("stream", "remove"):
        return await _call(args, "DELETE", f"/api/sessions/{args.session}/streams/{args.link}")
    if what == ("transcript", "export"):
        return await _call(args, "GET", f"/api/sessions/{args.session}/transcript.{args.format}")
    if what == ("transcript", "import"):
        text = await asyncio.to_thread(Path(args.file).read_text, encoding="utf-8")
        return await _call(
            args,
            "POST",
            f"/api/sessions/{args.session}/transcript/import",
            data=text.encode(),
            headers={"Content-Type": "text/plain"},
        )
    raise AssertionError(what)


def run(args: argparse.Namespace) -> int:
    async def work() -> Result:
        try:
            body = await _dispatch(args)
        except aiohttp.ClientError as exc:
            raise Unreachable(f"the server at {args.url} is not reachable: {exc}") from exc
        # The server's answer as it came: its JSON, or the text of a transcript export.
        return Result(body, body if isinstance(body, str) else None)

    return execute(work, as_json=False, flags=FLAGS)


def register(sub: Any) -> None:
    """Add the session commands to the ``rollingtext`` parser."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--url", default="http://127.0.0.1:8080", help="the running server")

    def command(noun_sub: Any, noun: str, action: str, help_text: str) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = noun_sub.add_parser(
            action, help=help_text, parents=[common]
        )
        parser.set_defaults(func=run, noun=noun, action=action)
        return parser

    meeting = sub.add_parser("meeting", help="meetings of a working group").add_subparsers(
        dest="action", required=True
    )
    create = command(meeting, "meeting", "create", "create a meeting")
    create.add_argument("--group", required=True, help="group slug")
    create.add_argument("--number", required=True, type=int)
    create.add_argument("--title", required=True)
    create.add_argument("--venue")
    create.add_argument("--starts", required=True, help="YYYY-MM-DD")
    create.add_argument("--ends", required=True, help="YYYY-MM-DD")
    command(meeting, "meeting", "list", "list meetings").add_argument("--group", required=True)

    session = sub.add_parser("session", help="plenary and breakout sessions").add_subparsers(
        dest="action", required=True
    )
    screate = command(session, "session", "create", "schedule a session")
    screate.add_argument("--meeting", required=True, type=int)
    screate.add_argument("--kind", required=True, choices=SESSION_KINDS)
    screate.add_argument("--title", required=True)
    screate.add_argument("--start", required=True, help="ISO 8601 with time zone")
    screate.add_argument("--end", required=True, help="ISO 8601 with time zone")
    screate.add_argument("--document", help="plenary: the group document it works on")
    screate.add_argument("--lead-delegation", type=int, help="delegation id leading it")
    screate.add_argument(
        "--public",
        action="store_true",
        help="not plenary: followers and observers may read the draft and follow the session "
        "(default: the draft is private to the group's members)",
    )
    command(session, "session", "list", "list a meeting's sessions").add_argument(
        "--meeting", required=True, type=int
    )
    for action, help_text in (("start", "go live"), ("end", "end it (freezes its draft)")):
        command(session, "session", action, help_text).add_argument(
            "--session", required=True, type=int
        )

    stream = sub.add_parser("stream", help="stream links of a session").add_subparsers(
        dest="action", required=True
    )
    add = command(stream, "stream", "add", "add a stream link")
    add.add_argument("--session", required=True, type=int)
    add.add_argument("--kind", required=True, choices=STREAM_KINDS)
    add.add_argument("--language", required=True, choices=STREAM_LANGUAGES)
    add.add_argument("--link-url", required=True, help="the stream's URL")
    add.add_argument("--mode", default="live", choices=STREAM_MODES)
    remove = command(stream, "stream", "remove", "remove a stream link")
    remove.add_argument("--session", required=True, type=int)
    remove.add_argument("--link", required=True, type=int)

    transcript = sub.add_parser("transcript", help="a session's transcript").add_subparsers(
        dest="action", required=True
    )
    export = command(transcript, "transcript", "export", "print the transcript")
    export.add_argument("--session", required=True, type=int)
    export.add_argument("--format", default="vtt", choices=("vtt", "srt", "txt"))
    imported = command(transcript, "transcript", "import", "import a WebVTT/SRT file")
    imported.add_argument("--session", required=True, type=int)
    imported.add_argument("--file", required=True)
