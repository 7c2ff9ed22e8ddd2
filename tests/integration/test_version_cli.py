"""``rollingtext version ...`` against a running server: issue, list, show, diff and
restore, each allowed and refused once (wrong role through --token), with coded
errors and exit status 2, and its effect visible over the API."""

from __future__ import annotations

import json
from typing import Any

import pytest

from server.settings import Settings
from tests.integration.test_revisions import type_into
from tests.support.groups import Api, Group
from tests.support.paragraphs import by_label, content, seed
from tests.support.servers import RunningServer, run_cli

pytestmark = pytest.mark.timeout(600)  # one CLI subprocess per step


@pytest.fixture
def seed_text() -> None:
    return None


async def test_version_commands_from_the_terminal(
    server: RunningServer, settings: Settings, api: Api, group: Group
) -> None:
    ids = await seed(api, group)
    where = ("--url", server.url, "--document", group.document)

    async def ok(action: str, *args: str, role: str | None = None, raw: bool = False) -> Any:
        extra = ("--token", group.token(role)) if role else ()
        flags = () if raw else ("--json",)
        code, out, err = await run_cli(settings, "version", action, *where, *extra, *flags, *args)
        assert code == 0, err
        return out if raw else json.loads(out)

    async def refused(action: str, *args: str, role: str | None, code: str) -> None:
        extra = ("--token", group.token(role)) if role else ()
        status, _, err = await run_cli(settings, "version", action, *where, *extra, *args)
        assert status == 2 and f"error: {code}:" in err, (action, status, err)

    await refused("issue", "--label", "Rev.1", role="member", code="forbidden")
    await refused("issue", "--label", "", role=None, code="validation_failed")
    made = await ok("issue", "--label", "Rev.1")
    assert (made["number"], made["label"], made["kind"]) == (1, "Rev.1", "issued")
    original = by_label(await content(api, group))["OP1"]["text"]
    await type_into(server.url, group.document, group.token("member"), ids["OP1"], 0, "Brazil: ")
    listed = await ok("list", role="follower")
    assert [v["number"] for v in listed["versions"]] == [1]
    shown = await ok("show", "--number", "1", role="observer")
    assert by_label(shown)["OP1"]["text"] == original
    await refused("show", "--number", "4", role=None, code="not_found")
    readable = await ok("diff", "--from", "1", raw=True)
    assert "{+Brazil: +}<Brazil>" in readable, readable
    diff = await ok("diff", "--from", "1")
    assert diff["summary"]["inserted"] == len("Brazil: ")
    await refused("restore", "--number", "1", "--paragraph", ids["OP1"], role="member",
                  code="forbidden")  # fmt: skip
    done = await ok("restore", "--number", "1", "--paragraph", ids["OP1"])
    assert done["status"] == "draft"
    assert by_label(await content(api, group))["OP1"]["text"] == original
