"""``rollingtext questionnaire ...`` and ``rollingtext responses ...`` against a running
server: the secretariat's life cycle (create, import a breakout paragraph, publish,
extend), a member refused (exit 2, coded error), and the response views and an export
file that reads back."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from server.settings import Settings
from tests.support.groups import Api, Group
from tests.support.questionnaires import answer, response_body
from tests.support.servers import RunningServer, run_cli

pytestmark = pytest.mark.timeout(600)  # one CLI subprocess per step


async def test_questionnaire_commands_from_the_terminal(
    server: RunningServer, settings: Settings, api: Api, group: Group, tmp_path: Path
) -> None:
    where = ("--url", server.url)
    await api.ok(
        "POST", f"/api/documents/{group.private_document}/paragraphs", group.token("chair"),
        {"label": "P1", "section": "B", "text": "Which public policy issues remain open?"},
    )  # fmt: skip

    async def ok(noun: str, action: str, *args: str) -> Any:
        code, out, err = await run_cli(settings, noun, action, *where, "--json", *args)
        assert code == 0, err
        return json.loads(out)

    zoned = await run_cli(
        settings, "group", "update", group.slug, "--time-zone", "Europe/Zurich", "--json"
    )
    assert zoned[0] == 0 and json.loads(zoned[1])["time_zone"] == "Europe/Zurich", zoned[2]
    unknown = await run_cli(settings, "group", "update", group.slug, "--time-zone", "Mars/Olympus")
    assert unknown[0] == 2 and "time_zone" in unknown[2]
    made = await ok("questionnaire", "create", "--group", str(group.id), "--title", "Inputs")
    assert made["time_zone"] == "Europe/Zurich"
    qid = str(made["id"])
    imported = await ok(
        "questionnaire", "import", "--id", qid, "--document", group.private_document,
        "--paragraph", "P1",
    )  # fmt: skip
    assert [(x["number"], x["kind"], x["grouping"]) for x in imported["questions"]] == [
        (1, "stakeholder", None), (2, "text", "B"), (3, "comments", None),
    ]  # fmt: skip
    code, _, err = await run_cli(
        settings, "questionnaire", "publish", *where, "--id", qid, "--deadline",
        "2040-01-01T12:00", "--token", group.token("member"),
    )  # fmt: skip
    assert code == 2 and "error: forbidden:" in err
    bad = await run_cli(settings, "questionnaire", "publish", *where, "--id", qid,
                        "--deadline", "1 January")  # fmt: skip
    assert bad[0] == 2 and "deadline" in bad[2]
    published = await ok("questionnaire", "publish", "--id", qid, "--deadline", "2040-01-01T12:00")
    assert published["state"] == "published"
    extended = await ok(
        "questionnaire", "extend", "--id", qid, "--deadline", "2040-02-01T12:00",
        "--decision", "Extended by the plenary",
    )  # fmt: skip
    assert extended["deadline"] == "2040-02-01T12:00"
    listed = await ok("questionnaire", "list", "--group", str(group.id))
    assert [q["id"] for q in listed["questionnaires"]] == [made["id"]]
    code, out, _ = await run_cli(settings, "questionnaire", "show", *where, "--id", qid)
    assert code == 0 and "Which public policy issues remain open?" in out

    for stakeholder, text in (("government", "Spam and cybercrime."), ("business", "Spam.")):
        reply = await answer(api, made["id"], response_body(stakeholder, answers={2: text}))
        assert reply.status == 201
    assert (await ok("responses", "distribution", "--id", qid))["total"] == 2
    govs = await ok("responses", "list", "--id", qid, "--stakeholder", "government")
    assert [r["stakeholder"] for r in govs["responses"]] == ["government"]
    by_q = await ok("responses", "by-question", "--id", qid, "--grouping", "B")
    assert [len(x["answers"]) for x in by_q["questions"]] == [2]
    hits = await ok("responses", "search", "--id", qid, "--q", "cybercrime")
    assert hits["total"] == 1
    target = tmp_path / "by-question.csv"
    await ok("responses", "export", "--id", qid, "--format", "csv", "--output", str(target))
    with target.open(newline="") as f:
        rows = list(csv.reader(f))
    assert sorted(row[-1] for row in rows[1:] if row[0] == "2") == ["Spam and cybercrime.", "Spam."]
