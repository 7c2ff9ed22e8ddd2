"""Who may export what: the export route follows the document's read rule, for the
current text and for every version, in every format and part.

A breakout group's draft is private to the group's members (DESIGN.md section 5):
its exports are refused to observers, followers and anonymous callers, allowed to
members and officers. The group's public rolling text: everyone, anonymous followers
too (the group is publicly followed). Bad parameters are a 422 naming the field and
change nothing.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support.exports import export
from tests.support.groups import Api, Group, build_group
from tests.support.matrix import ROLES
from tests.support.servers import RunningServer
from tests.support.sessions import new_meeting, new_session, set_status

READERS_OF_PRIVATE = frozenset({"chair", "secretariat", "member"})
# Refusals: who is signed in is forbidden; who is not must sign in.
REFUSED = {"anonymous": 401}


async def private_breakout(api: Api, group: Group) -> str:
    """A breakout session's draft (private by default), with text and one version
    frozen at the session's end."""
    meeting = await new_meeting(api, group)
    session = await new_session(
        api, meeting, group.token("secretariat"), "breakout", public_draft=None
    )
    document: str = session["document"]
    await api.ok(
        "POST",
        f"/api/documents/{document}/paragraphs",
        group.token("chair"),
        {"label": "Q1", "section": "method", "text": "Which [topics] matter?"},
    )
    for status in ("live", "ended"):
        went = await set_status(api, session["id"], group.token("chair"), status)
        assert went.status == 200, went.body
    return document


def token(group: Group, role: str) -> str | None:
    return None if role == "anonymous" else group.token(role)


@pytest.mark.parametrize("fmt", ["md", "html", "docx"])
async def test_private_breakout_exports_follow_the_read_rule(
    api: Api, group: Group, fmt: str
) -> None:
    document = await private_breakout(api, group)
    verdicts: dict[tuple[str, Any], int] = {}
    for role in ROLES:
        for version in (None, 1):
            got = await export(
                api, document, token(group, role), format=fmt, part="report", version=version
            )
            verdicts[(role, version)] = got.status
            if got.status == 200:
                assert b"Q1" in got.body or fmt == "docx"
            else:
                assert got.headers["Content-Type"].startswith("application/json")
                assert b"Which" not in got.body
    expected = {
        (role, version): 200 if role in READERS_OF_PRIVATE else REFUSED.get(role, 403)
        for role in ROLES
        for version in (None, 1)
    }
    assert verdicts == expected


async def test_public_rolling_text_exports_serve_everyone(api: Api, group: Group) -> None:
    for role in ROLES:
        for part in ("report", "status-table"):
            got = await export(api, group.document, token(group, role), format="md", part=part)
            assert got.status == 200, (role, part, got.body)


async def test_an_unknown_version_is_not_found_but_only_for_readers(api: Api, group: Group) -> None:
    document = await private_breakout(api, group)
    member = await export(api, document, group.token("member"), format="md", version=9)
    assert member.status == 404
    observer = await export(api, document, group.token("observer"), format="md", version=9)
    assert observer.status == 403  # the read rule first: no hint of which versions exist


BAD = (
    ({"format": "pdf"}, "format"),
    ({}, "format"),
    ({"format": "md", "part": "minutes"}, "part"),
    ({"format": "md", "version": "0"}, "version"),
    ({"format": "md", "version": "two"}, "version"),
    ({"format": "md", "version": str(2**31)}, "version"),
    ({"format": "md", "versoin": "1"}, "versoin"),
    ({"format": "html", "disposition": "download"}, "disposition"),
)


@pytest.mark.parametrize(("params", "field"), BAD)
async def test_bad_parameters_are_a_422_naming_the_field_and_change_nothing(
    api: Api, group: Group, params: dict[str, str], field: str
) -> None:
    chair = group.token("chair")
    before = await api.ok("GET", f"/api/documents/{group.document}", chair)
    versions = await api.ok("GET", f"/api/documents/{group.document}/versions", chair)
    audit = await api.audit(group.id, chair)
    got = await export(api, group.document, chair, **params)
    assert got.status == 422, got.body
    fields = json.loads(got.body)["error"]["details"]["fields"]
    assert field in fields, fields
    assert await api.ok("GET", f"/api/documents/{group.document}", chair) == before
    assert await api.ok("GET", f"/api/documents/{group.document}/versions", chair) == versions
    assert await api.audit(group.id, chair) == audit


@pytest.mark.postgres
async def test_private_breakout_exports_on_postgres(pg_server: RunningServer) -> None:
    async with Api.open(pg_server.url) as api:
        group = await build_group(api, pg_server.token("chair", "op"), seed_text=None)
        document = await private_breakout(api, group)
        for role, status in (("member", 200), ("observer", 403), ("anonymous", 401)):
            for fmt in ("md", "docx"):
                got = await export(api, document, token(group, role), format=fmt, version=1)
                assert got.status == status, (role, fmt, got.body[:300])


async def test_a_download_link_carries_its_token_in_the_query(api: Api, group: Group) -> None:
    document = await private_breakout(api, group)
    link = {"format": "md", "token": group.token("member")}
    member = await export(api, document, None, **link)
    assert member.status == 200 and b"Q1" in member.body
    link["token"] = group.token("observer")
    assert (await export(api, document, None, **link)).status == 403
