"""``rollingtext paragraph ...`` against a running server: each command allowed and
refused (wrong role through --token, or an illegal transition), with coded errors and
exit status 2, and its effect visible over the API."""

from __future__ import annotations

import json
from typing import Any

import pytest

from server.settings import Settings
from tests.support.groups import Api, Group
from tests.support.paragraphs import by_label, content, seed
from tests.support.servers import RunningServer, run_cli
from tests.support.sessions import live_session

pytestmark = pytest.mark.timeout(600)  # one CLI subprocess per step


@pytest.fixture
def seed_text() -> None:
    return None


async def test_paragraph_commands_from_the_terminal(
    server: RunningServer, settings: Settings, api: Api, group: Group
) -> None:
    await seed(api, group)
    session = await live_session(api, group, "plenary", document=group.document)
    where = ("--url", server.url, "--document", group.document)

    async def ok(action: str, *args: str, token: str | None = None) -> Any:
        extra = ("--token", token) if token else ()
        code, out, err = await run_cli(
            settings, "paragraph", action, *where, *extra, "--json", *args
        )
        assert code == 0, err
        return json.loads(out) if out.strip() else None

    async def refused(action: str, *args: str, role: str | None, code: str) -> None:
        extra = ("--token", group.token(role)) if role else ()
        status, _, err = await run_cli(settings, "paragraph", action, *where, *extra, *args)
        assert status == 2 and f"error: {code}:" in err, (action, status, err)

    member = group.token("member")
    # status: the operator (secretariat) or a chair's token; a member is refused.
    await refused("status", "--paragraph", "OP3", "--status", "agreed", role="member",
                  code="forbidden")  # fmt: skip
    agreed = await ok(
        "status", "--paragraph", "OP3", "--status", "agreed", "--session", str(session["id"])
    )
    assert agreed["status"] == "agreed" and agreed["locked"]
    await refused("status", "--paragraph", "OP3", "--status", "agreed", role=None,
                  code="invalid_transition")  # fmt: skip
    # add / move / delete / restore
    added = await ok("add", "--label", "OP7", "--section", "D", "--text", "New words.",
                     "--after", "OP1", token=member)  # fmt: skip
    await refused("add", "--label", "OP8", "--section", "D", role="observer", code="forbidden")
    await ok("move", "--paragraph", "OP7", "--first", token=member)
    await refused("move", "--paragraph", "OP7", "--first", role="follower", code="forbidden")
    await refused("delete", "--paragraph", "OP3", role="member", code="paragraph_locked")
    await ok("delete", "--paragraph", "OP7", token=member)
    await refused("restore", "--paragraph", "OP2", role=None, code="invalid_transition")
    await refused("restore", "--paragraph", added["id"], role="observer", code="forbidden")
    restored = await ok("restore", "--paragraph", added["id"])
    assert restored["status"] == "draft"
    # propose / accept / decline
    await refused("propose", "--paragraph", "OP5", "--status", "agreed", role="observer",
                  code="forbidden")  # fmt: skip
    first = await ok("propose", "--paragraph", "OP5", "--status", "agreed", token=member)
    second = await ok("propose", "--paragraph", "OP6", "--status", "no_agreement", token=member)
    await refused("accept", "--proposal", str(first["id"]), role="member", code="forbidden")
    assert (await ok("accept", "--proposal", str(first["id"])))["state"] == "accepted"
    await refused("decline", "--proposal", str(first["id"]), role=None,
                  code="invalid_transition")  # fmt: skip
    assert (await ok("decline", "--proposal", str(second["id"])))["state"] == "declined"
    # meta of a paragraph and of the document
    await refused("meta", "--paragraph", "OP1", "--label", "OP1bis", role="member",
                  code="forbidden")  # fmt: skip
    await ok("meta", "--paragraph", "OP1", "--label", "OP1bis", "--proposer", "Brazil")
    meta = await ok("meta", "--title", "Rolling text", "--session", str(session["id"]))
    assert meta == {**meta, "title": "Rolling text", "session": session["id"]}
    # opinions and options
    opinion = await ok("opinion", "--text", "Divergent views.", "--delegation", "Sweden",
                       "--section", "B")  # fmt: skip
    await refused("opinion", "--remove", opinion["id"], role="member", code="forbidden")
    await ok("opinion", "--remove", opinion["id"])
    option = await ok("option", "--paragraph", "OP2", "--label", "Alt 1", "--text", "Other.")
    await refused("option", "--paragraph", "OP2", "--label", "Alt 2", "--text", "More.",
                  role="member", code="forbidden")  # fmt: skip
    await ok("option", "--paragraph", "OP2", "--remove", option["options"][0]["id"])
    bracketed = await ok("bracket", "--paragraph", "OP4", "--start", "0", "--end", "8",
                         token=member)  # fmt: skip
    assert bracketed["text"].startswith("[Capacité]")
    await refused("bracket", "--paragraph", "OP3", "--start", "0", "--end", "3", role="member",
                  code="paragraph_locked")  # fmt: skip

    shown = by_label(await content(api, group))
    assert shown["OP5"]["status"] == "agreed" and shown["OP6"]["status"] == "draft"
    assert shown["OP1bis"]["proposers"] == ["Brazil"] and shown["OP2"]["options"] == []
    code, out, _ = await run_cli(settings, "paragraph", "list", *where)
    assert code == 0 and "OP1bis" in out and "agreed" in out
    decisions = await ok("decisions", "--paragraph", "OP3")
    assert decisions["decisions"][-1]["session"] == session["id"]
