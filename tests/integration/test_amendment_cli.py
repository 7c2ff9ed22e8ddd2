"""``rollingtext amendment ...`` against a running server: each command allowed once and
refused once (wrong role through --token, or a hidden amendment), with coded errors and
exit status 2, and its effect visible over the API."""

from __future__ import annotations

import json
from typing import Any

import pytest

from server.settings import Settings
from tests.support.amendments import amendments_path
from tests.support.groups import Api, Group
from tests.support.paragraphs import by_label, content, seed
from tests.support.servers import RunningServer, run_cli
from tests.support.sessions import live_session

pytestmark = pytest.mark.timeout(600)  # one CLI subprocess per step


@pytest.fixture
def seed_text() -> None:
    return None


async def test_amendment_commands_from_the_terminal(
    server: RunningServer, settings: Settings, api: Api, group: Group
) -> None:
    await seed(api, group)
    session = await live_session(api, group, "plenary", document=group.document)
    where = ("--url", server.url, "--document", group.document)

    async def ok(action: str, *args: str, role: str | None = None) -> Any:
        extra = ("--token", group.token(role)) if role else ()
        code, out, err = await run_cli(
            settings, "amendment", action, *where, *extra, "--json", *args
        )
        assert code == 0, err
        return json.loads(out)

    async def refused(action: str, *args: str, role: str | None, code: str) -> None:
        extra = ("--token", group.token(role)) if role else ()
        status, _, err = await run_cli(settings, "amendment", action, *where, *extra, *args)
        assert status == 2 and f"error: {code}:" in err, (action, status, err)

    # OP1: "The Working Group recommends cooperation." -> "recommends" is [18, 28)
    words = ("--paragraph", "OP1", "--start", "18", "--end", "28")
    observed = await ok("propose", *words, "--kind", "replace", "--text", "urges",
                        role="observer")  # fmt: skip
    assert observed["moderation"] == "pending" and observed["current"] == "recommends"
    await refused("propose", *words, "--kind", "delete", role="follower", code="forbidden")
    oid = str(observed["id"])
    await refused("show", "--id", oid, role="member", code="not_found")
    assert (await ok("show", "--id", oid))["proposer"]["delegation"] == "Access Now"
    await refused("admit", "--id", oid, role="member", code="forbidden")
    assert (await ok("admit", "--id", oid))["moderation"] == "visible"
    await refused("support", "--id", oid, role="observer", code="forbidden")
    assert (await ok("support", "--id", oid, role="member"))["support"] == ["Brazil"]
    await refused("oppose", "--id", oid, role="follower", code="forbidden")
    assert (await ok("oppose", "--id", oid, role="member"))["oppose"] == ["Brazil"]
    listed = await ok("list", "--paragraph", "OP1", role="follower")
    assert [a["id"] for a in listed["amendments"]] == [observed["id"]]
    status, _, err = await run_cli(
        settings, "amendment", "list", "--url", server.url, "--document",
        group.private_document, "--token", group.token("follower"),
    )  # fmt: skip
    assert status == 2 and "error: forbidden:" in err, err

    await refused("decide", "--id", oid, "--decision", "accept", role="member", code="forbidden")
    decided = await ok("decide", "--id", oid, "--decision", "accept", "--session",
                       str(session["id"]))  # fmt: skip
    assert decided["state"] == "accepted" and decided["decision"]["session"] == session["id"]
    assert by_label(await content(api, group))["OP1"]["text"] == (
        "The Working Group urges cooperation."
    )

    mine = await ok("propose", "--paragraph", "OP6", "--start", "0", "--end", "3",
                    "--kind", "delete", role="member")  # fmt: skip
    await refused("withdraw", "--id", str(mine["id"]), role="observer", code="forbidden")
    assert (await ok("withdraw", "--id", str(mine["id"]), role="member"))["state"] == "withdrawn"
    # A person reads a one-line summary without --json.
    status, out, _ = await run_cli(settings, "amendment", "show", *where, "--id", oid)
    assert status == 0 and f"amendment {oid}: replace 'recommends'" in out and "accepted" in out
    gone = await api.ok("GET", amendments_path(group, "?state=withdrawn"), group.token("member"))
    assert [a["id"] for a in gone["amendments"]] == [mine["id"]]
