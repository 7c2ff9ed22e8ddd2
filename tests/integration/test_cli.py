"""The operator CLI, run as a real subprocess against a SQLite data directory.

It acts through the services (quotas, validation, audit), prints one clear error
line and exits 2 on refusal, and ``demo`` seeds a group whose printed links and
rolling text work against a real server started on the same data directory.
"""

from __future__ import annotations

import asyncio
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from client import DocumentClient
from crdt import schema
from server.auth.tokens import TokenSigner
from server.settings import Settings
from tests.support.servers import REPO, ServerProcess, process_env

SECRET = "cli-test-secret"
# Each step is a fresh CLI subprocess: allow for a busy machine (a hang guard only).
pytestmark = pytest.mark.timeout(300)

LINK = re.compile(r"^(chair|secretariat|member|observer|captioner)\s+(\S+/invite/(\S+))", re.M)


class Cli:
    """``rollingtext`` as a subprocess; a command is one shell-quoted string."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.env = process_env(Settings(data_dir=data_dir, secret=SECRET))

    def __call__(self, command: str, expect: int = 0) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "server.cli", *shlex.split(command)],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == expect, (command, done.stdout, done.stderr)
        return done

    def json(self, command: str) -> Any:
        return json.loads(self(command + " --json").stdout)


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "data")


def test_group_seats_members_observers_and_audit(cli: Cli) -> None:
    group = cli.json('group create --slug wgec --name "CSTD WGEC" --public-follow')
    assert group["slug"] == "wgec" and group["public_follow"] is True
    seats = {s["key"]: s["seats"] for s in group["stakeholder_groups"]}
    assert seats == {
        "member_states": 22,
        "civil_society": 5,
        "business": 5,
        "academia_technical": 5,
        "international_organizations": 5,
    }

    bad = cli('group create --slug "Bad Slug" --name " "', expect=2)
    assert bad.stderr.startswith("error: validation_failed: ")
    assert "slug (--slug): must be" in bad.stderr and "name (--name)" in bad.stderr

    cli("delegation add --group wgec --name Brazil --stakeholder member_states")
    for n in range(1, 6):
        cli(f"delegation add --group wgec --name CS{n} --stakeholder civil_society")
    full = cli("delegation add --group wgec --name CS6 --stakeholder civil_society", expect=2)
    assert full.stdout == ""
    assert full.stderr.splitlines()[0] == (
        "error: seat_quota_full: Civil Society has 5 seats and all are taken; 'CS6' cannot join"
    )
    assert "5/5 seats" in cli("group show wgec").stdout

    added = cli(
        'member add --group wgec --name "Delegate of Brazil" --role member --delegation brazil '
        "--email brazil@example.org --invite --base-url https://wgec.example.org"
    )
    assert "for Brazil" in added.stdout
    assert re.search(r"^https://wgec\.example\.org/invite/\S+$", added.stdout, re.M)
    orphan = cli("member add --group wgec --name X --role member", expect=2)
    assert "a member sits for a delegation" in orphan.stderr

    request = cli.json(
        'observer request --group wgec --organization "Digital Rights NGO" --ecosoc special '
        '--contact-name "A. Observer" --contact-email obs@ngo.example '
        '--justification "Follows WSIS since 2003"'
    )
    assert request["status"] == "pending"
    pending = cli.json("observer list --group wgec --status pending")["requests"]
    assert [r["id"] for r in pending] == [request["id"]]
    decide = f"--group wgec --request {request['id']} --meeting"
    approved = cli.json(f'observer approve {decide} "WGEC 2nd meeting"')
    assert approved["status"] == "approved"
    assert approved["decision"]["meeting"] == "WGEC 2nd meeting"
    again = cli(f"observer reject {decide} later", expect=2)
    assert again.stderr.startswith("error: invalid_transition: ")
    link = cli(f"invite --group wgec --person {approved['person_id']}").stdout
    assert link.strip().splitlines()[-1].startswith("http://127.0.0.1:8080/invite/")

    audit = cli("audit --group wgec").stdout
    for action in (
        "group.create",
        "delegation.add",
        "person.add",
        "invitation.issue",
        "observer.request",
        "observer.admit",
        "observer.approved",
    ):
        assert action in audit, action
    entries = cli.json("audit --group wgec")["entries"]
    assert all(e["actor"] == "operator:cli" for e in entries)
    assert sum(e["action"] == "delegation.add" for e in entries) == 6  # the refused one is not

    person = added.stdout.split("(person ")[1].split(")")[0]
    issued = cli.json(f"token --person {person}")
    claims = TokenSigner(SECRET).verify(issued["token"])
    assert (claims.person_id, claims.group_id, claims.version) == (int(person), group["id"], 1)
    cli(f"member revoke --group wgec --person {person}")
    revoked = cli(f"token --person {person}", expect=2)
    assert revoked.stderr.startswith("error: conflict: ")
    assert cli("token --role member --name bot").stdout.count(".") == 1


async def test_demo_is_idempotent_and_its_links_and_text_work(cli: Cli) -> None:
    first = (await asyncio.to_thread(cli, "demo")).stdout
    second = (await asyncio.to_thread(cli, "demo")).stdout
    assert "created" in first.splitlines()[0] and "already there" in second.splitlines()[0]
    links = [dict((role, code) for role, _, code in LINK.findall(out)) for out in (first, second)]
    for printed in links:
        assert sorted(printed) == ["captioner", "chair", "member", "observer", "secretariat"]
    assert set(links[0].values()).isdisjoint(links[1].values()), "fresh invitations"
    assert re.search(r"^follower\s+.*public follow", first, re.M)
    groups = (await asyncio.to_thread(cli.json, "group list"))["groups"]
    assert [g["slug"] for g in groups] == ["wgec-demo"]
    shown = await asyncio.to_thread(cli.json, "group show wgec-demo")
    names = [d["name"] for d in shown["documents"]]
    assert names[:3] == ["wgec-rolling-text", "wgec-breakout-brazil", "wgec-breakout-india"]
    # The questionnaire's draft and the correspondence group's terms of reference (one
    # each: seeding again adds none).
    assert len(names) == 5 and names[3].startswith("questionnaire-")
    assert names[4] == "wgec-demo-cg1-terms"
    assert {r["status"] for r in shown["observer_requests"]} == {"pending", "approved", "rejected"}
    assert len(shown["people"]) == len({p["id"] for p in shown["people"]})

    settings = Settings(data_dir=cli.data_dir, secret=SECRET)
    async with ServerProcess(settings) as server, aiohttp.ClientSession() as http:
        tokens = {}
        for role, code in links[1].items():
            async with http.get(
                f"{server.url}/invite/{code}", headers={"Accept": "application/json"}
            ) as resp:
                assert resp.status == 200, await resp.text()
                body = await resp.json()
                # A script gets a token, not a browser session (no cookie).
                assert body["role"] == role and "rt_session" not in resp.cookies
                tokens[role] = body["token"]
        async with DocumentClient(server.url, "wgec-rolling-text", tokens["chair"]) as chair:
            plain = schema.to_plain(chair.doc)
        assert plain["meta"]["kind"] == "rolling"
        labels = [p["label"] for p in plain["paragraphs"]]
        assert {"OP1", "OP2", "OP3", "OP3bis", "OP7", "PP1"} <= set(labels)
        assert {p["section"] for p in plain["paragraphs"]} == set(schema.SECTIONS)
        assert any("[" in p["text"] for p in plain["paragraphs"] if p["kind"] == "recommendation")
        async with DocumentClient(server.url, "wgec-breakout-india", tokens["member"]) as member:
            assert "led by India" in schema.to_plain(member.doc)["meta"]["title"]
        gid = shown["id"]
        async with http.get(f"{server.url}/api/groups/{gid}/questionnaires") as resp:
            (questionnaire,) = (await resp.json())["questionnaires"]  # public: no sign-in
        assert questionnaire["state"] == "published" and len(questionnaire["questions"]) == 18
        assert questionnaire["deadline"] == "2013-09-17T23:59"
        assert questionnaire["time_zone"] == "Europe/Zurich"
        grouped: dict[str, list[int]] = {}
        for question in questionnaire["questions"]:
            grouped.setdefault(question["grouping"] or "-", []).append(question["number"])
        assert grouped == {
            "-": [1, 18], "A": [2, 3], "B": [4, 8, 9], "C": [5, 6, 7, 14, 17], "D": [10, 15],
            "E": [11, 12, 13, 16],
        }  # fmt: skip
        async with http.get(
            f"{server.url}/api/questionnaires/{questionnaire['id']}/distribution",
            headers={"Authorization": f"Bearer {tokens['member']}"},
        ) as resp:
            distribution = await resp.json()
        assert set(distribution["by_stakeholder"]) == {
            "government", "civil_society", "business", "technical_academic",
            "international_organization",
        }  # fmt: skip
        assert distribution["late"] == 1
        member = {"Authorization": f"Bearer {tokens['member']}"}
        async with http.get(f"{server.url}/api/groups/{gid}/issues", headers=member) as resp:
            issues = await resp.json()
        # Issues quoted by several respondents were merged: each row keeps every source.
        assert issues["counts"]["merged"] > 0
        assert issues["counts"]["remaining"] == len(issues["items"]) >= 5
        assert any(len(i["sources"]) > 1 for i in issues["items"])
        assert issues["items"][0]["issue"] == "Allocation of domain names"
        async with http.get(
            f"{server.url}/api/groups/{gid}/correspondence", headers=member
        ) as resp:
            (cg,) = (await resp.json())["correspondence"]
        async with http.get(
            f"{server.url}/api/correspondence/{cg['id']}/areas", headers=member
        ) as resp:
            assert len((await resp.json())["areas"]) == 5
