"""``rollingtext issues ...`` and ``rollingtext correspondence ...`` against a running
server: each command works, a refusal prints its code (exit status 2), and the effect
is what the API shows."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from server.settings import Settings
from tests.support.groups import Api, Group
from tests.support.issues import table
from tests.support.servers import RunningServer, run_cli

pytestmark = pytest.mark.timeout(600)  # one CLI subprocess per step


@pytest.fixture
def seed_text() -> None:
    return None


async def test_issue_and_correspondence_commands_from_the_terminal(
    server: RunningServer, settings: Settings, api: Api, group: Group
) -> None:
    where = ("--url", server.url, "--group", str(group.id))

    async def ok(noun: str, action: str, *args: str, role: str | None = None) -> Any:
        extra = ("--token", group.token(role)) if role else ()
        code, out, err = await run_cli(settings, noun, action, *where, *extra, "--json", *args)
        assert code == 0, err
        return json.loads(out)

    a = await ok("issues", "add", "--issue", "Access", "--grouping", "B", role="member")
    b = await ok("issues", "add", "--issue", "Access to ICTs")
    status, _, err = await run_cli(settings, "issues", "add", *where, "--issue", "No",
                                   "--token", group.token("observer"))  # fmt: skip
    assert status == 2 and "error: forbidden:" in err
    merged = await ok("issues", "merge", "--into", str(a["number"]), str(b["number"]))
    assert merged["merged_from"] == [b["number"]]
    await api.ok("POST", f"/api/documents/{group.document}/paragraphs", group.token("chair"),
                 {"label": "OP1", "section": "A", "text": "Recommendation."})  # fmt: skip
    cited = await ok("issues", "cite", "--number", str(a["number"]), "--document",
                     group.document, "--paragraph", "OP1")  # fmt: skip
    assert cited["citations"][0]["label"] == "OP1"
    listed = await ok("issues", "list")
    assert listed == await table(api, group)
    assert listed["counts"] == {"items": 2, "merged": 1, "remaining": 1}
    code, out, err = await run_cli(settings, "issues", "export", *where, "--format", "csv")
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out, newline="")))
    assert rows[1][:4] == [str(a["number"]), "Access", "", "B"]
    code, out, _ = await run_cli(settings, "issues", "list", *where)
    assert "2 items, 1 merged, 1 remaining" in out

    cg = await ok("correspondence", "create", "--title", "Mapping exercise", "--members",
                  str(group.people["member"].id), "--deadline", "2014-02-28")  # fmt: skip
    assert cg["terms_document"] and cg["members"][0]["id"] == group.people["member"].id
    area = await ok("correspondence", "add-area", "--id", str(cg["id"]), "--area",
                    "Internet governance", "--gaps", "none", role="member")  # fmt: skip
    areas = await ok("correspondence", "areas", "--id", str(cg["id"]), role="observer")
    assert areas["areas"] == [area]
    status, _, err = await run_cli(settings, "correspondence", "add-area", *where, "--id",
                                   str(cg["id"]), "--area", "X", "--token",
                                   group.token("observer"))  # fmt: skip
    assert status == 2 and "error: forbidden:" in err
    listed_cg = await ok("correspondence", "list")
    assert [g["id"] for g in listed_cg["correspondence"]] == [cg["id"]]
