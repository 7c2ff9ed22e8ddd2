"""Exports for the tests: fetch one (bytes, headers), seed the demo group with the
seed deck's meetings, read a .docx back."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import docx

from server.cli import demo
from server.groups.operator import open_operator
from server.keys import OUTPUTS
from server.settings import Settings
from tests.support.groups import Api
from tests.support.servers import RunningServer, serve_in_process

# "Now" for exports of the current text: the last day of the 4th meeting.
NOW = datetime(2014, 5, 2, 17, 30, tzinfo=UTC)


@dataclass(frozen=True)
class Exported:
    status: int
    body: bytes
    headers: Any

    @property
    def text(self) -> str:
        return self.body.decode()


async def export(api: Api, document: str, token: str | None, **params: Any) -> Exported:
    """``GET /api/documents/<document>/export?<params>`` as ``token`` (None: anonymous)."""
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    query = {k: str(v) for k, v in params.items() if v is not None}
    async with api.session.get(
        f"{api.base_url}/api/documents/{document}/export", params=query, headers=headers
    ) as resp:
        return Exported(resp.status, await resp.read(), resp.headers)


# The seed deck's meetings: (number, title, starts, ends, sessions); a session is
# (kind, title, day, lead delegation or None).
MEETINGS = (
    (1, "WGEC 1st meeting", "2013-05-30", "2013-05-31", (
        ("plenary", "Agenda and procedural issues", "2013-05-30", None),
        ("breakout", "Breakout group 1: categories of the questionnaire", "2013-05-31", "Brazil"),
        ("breakout", "Breakout group 2: developing countries and barriers", "2013-05-31", "India"),
        ("plenary", "Finalization of the questionnaire", "2013-05-31", None),
    )),
    (2, "WGEC 2nd meeting", "2013-11-06", "2013-11-08", (
        ("plenary", "Responses to the questionnaire", "2013-11-06", None),
    )),
    (3, "WGEC 3rd meeting", "2014-02-24", "2014-02-28", (
        ("plenary", "Draft recommendations in groups A to D", "2014-02-24", None),
    )),
    (4, "WGEC 4th meeting", "2014-04-30", "2014-05-02", (
        ("plenary", "Recommendations in groups D and E", "2014-04-30", None),
        ("correspondence", "Correspondence group: mapping exercise", "2014-05-01", None),
    )),
)  # fmt: skip


async def add_meetings(api: Api, gid: int, token: str) -> None:
    """The four meetings of the seed deck and their sessions, in Geneva."""
    delegations = {
        d["name"]: d["id"]
        for d in (await api.ok("GET", f"/api/groups/{gid}/delegations", token))["delegations"]
    }
    for number, title, starts, ends, sessions in MEETINGS:
        meeting = await api.ok(
            "POST",
            f"/api/groups/{gid}/meetings",
            token,
            {"number": number, "title": title, "venue": "Geneva", "starts_on": starts,
             "ends_on": ends},
        )  # fmt: skip
        for kind, name, day, lead in sessions:
            body: dict[str, Any] = {
                "kind": kind,
                "title": name,
                "scheduled_start": f"{day}T10:00:00+02:00",
                "scheduled_end": f"{day}T13:00:00+02:00",
            }
            if kind == "plenary":
                body["document"] = demo.ROLLING
            if lead is not None:
                body["lead_delegation_id"] = delegations[lead]
            await api.ok("POST", f"/api/meetings/{meeting['id']}/sessions", token, body)


@dataclass
class Demo:
    server: RunningServer
    api: Api
    gid: int
    token: str  # an operator secretariat token

    async def export(self, **params: Any) -> Exported:
        got = await export(self.api, demo.ROLLING, self.token, **params)
        assert got.status == 200, (params, got.status, got.body[:500])
        return got


@asynccontextmanager
async def demo_server(settings: Settings) -> AsyncIterator[Demo]:
    """``rollingtext demo``'s group (seeded through the services, as the CLI does) on a
    running server, with the seed deck's meetings, exports dated ``NOW``."""
    async with open_operator(settings) as op:
        seeded = await demo.seed(op, base_url="http://127.0.0.1")
    async with serve_in_process(settings) as server, Api.open(server.url) as api:
        assert server.app is not None
        server.app[OUTPUTS].clock = lambda: NOW
        token = server.token("secretariat", "exporter")
        gid = seeded["group"].id
        await add_meetings(api, gid, token)
        yield Demo(server, api, gid, token)


def docx_paragraphs(data: bytes) -> list[tuple[str, str]]:
    """(style name, text) of each paragraph of a .docx, in order (tables left out)."""
    document = docx.Document(io.BytesIO(data))
    return [(p.style.name if p.style is not None else "", p.text) for p in document.paragraphs]


def docx_tables(data: bytes) -> list[list[list[str]]]:
    document = docx.Document(io.BytesIO(data))
    return [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
