"""The session commands drive a running server, and followers see their effects live."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from client import FollowRefused, SessionClient
from server.settings import Settings
from tests.support.servers import ServerProcess, free_port, run_cli

pytestmark = pytest.mark.timeout(300)  # one CLI subprocess per step: slow when busy


async def ok(settings: Settings, *args: str) -> Any:
    code, out, err = await run_cli(settings, *args)
    assert code == 0, err
    try:
        return json.loads(out)
    except json.JSONDecodeError:
        return out


async def test_running_a_session_from_the_terminal(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", secret="cli-secret", port=free_port())
    await ok(settings, "demo")  # seeds wgec-demo with its rolling text; public follow on
    async with ServerProcess(settings) as server:
        url = ("--url", server.url)
        meeting = await ok(
            settings,
            "meeting",
            "create",
            *url,
            "--group",
            "wgec-demo",
            "--number",
            "3",
            "--title",
            "Third meeting",
            "--venue",
            "Geneva",
            "--starts",
            "2014-02-24",
            "--ends",
            "2014-02-28",
        )
        session = await ok(
            settings,
            "session",
            "create",
            *url,
            "--meeting",
            str(meeting["id"]),
            "--kind",
            "plenary",
            "--title",
            "Plenary on recommendations",
            "--start",
            "2014-02-24T10:00:00+01:00",
            "--end",
            "2014-02-24T13:00:00+01:00",
            "--document",
            "wgec-rolling-text",
        )
        sid = str(session["id"])
        async with SessionClient(server.url, sid) as follower:  # anonymous, public follow
            await ok(settings, "session", "start", *url, "--session", sid)
            status = await follower.wait_event("session-status")
            assert status[-1]["status"] == "live"
            await ok(
                settings,
                "stream",
                "add",
                *url,
                "--session",
                sid,
                "--kind",
                "video",
                "--language",
                "fr",
                "--link-url",
                "https://webtv.example/fr",
            )
            links = await follower.wait_event("stream-links")
            assert links[-1]["streams"][0]["language"] == "fr"
            vtt = tmp_path / "floor.vtt"
            vtt.write_text("WEBVTT\n\n00:00.000 --> 00:03.000\n<v Chair>The meeting is open.\n")
            await ok(settings, "transcript", "import", *url, "--session", sid, "--file", str(vtt))
            segment = (await follower.wait_segments(1))[0]
            assert (segment["speaker"], segment["text"]) == ("Chair", "The meeting is open.")
        exported = await ok(settings, "transcript", "export", *url, "--session", sid)
        assert "The meeting is open." in exported and "Rough transcript" in exported
        await ok(settings, "session", "end", *url, "--session", sid)
        code, _, err = await run_cli(settings, "session", "start", *url, "--session", sid)
        assert code == 2 and err.startswith("error: invalid_transition: "), err
        code, _, err = await run_cli(
            settings,
            "meeting",
            "create",
            *url,
            "--group",
            "wgec-demo",
            "--number",
            "4",
            "--title",
            "x",
            "--starts",
            "2014-05-02",
            "--ends",
            "2014-04-30",
        )
        # Refusals from the server print like every other command's: the code, the
        # message, then each bad field with the flag that sets it.
        assert code == 2 and err.startswith("error: validation_failed: "), err
        assert "\n  ends_on (--ends): " in err, err

        # A breakout's draft is private unless created with --public.
        async def breakout(*public: str) -> Any:
            when = ("--start", "2014-02-25T10:00:00+01:00", "--end", "2014-02-25T12:00:00+01:00")
            return await ok(
                settings, "session", "create", *url, "--meeting", str(meeting["id"]),
                "--kind", "breakout", "--title", "Group A", *when, *public,
            )  # fmt: skip

        private, public = await breakout(), await breakout("--public")
        assert (private["public_draft"], public["public_draft"]) == (False, True)
        assert private["document"].startswith("wgec-demo-draft-m3-")
        async with SessionClient(server.url, str(public["id"])) as anonymous:
            await anonymous.draft_synced.wait()
        try:
            async with SessionClient(server.url, str(private["id"])):
                raise AssertionError("an anonymous follower followed a private breakout")
        except FollowRefused as refused:
            assert refused.code == "unauthenticated"


@pytest.mark.parametrize(
    ("command", "field"),
    [
        (
            "meeting create --group wgec-demo --number 4 --title x "
            "--starts 2014-05-02 --ends 2014-04-30",
            "ends_on",
        ),
        (
            "meeting create --group wgec-demo --number 1001 --title x "
            "--starts 2014-05-02 --ends 2014-05-03",
            "number",
        ),
        (
            "session create --meeting 1 --kind breakout --title A "
            "--start 2014-02-25T10:00:00 --end 2014-02-25T12:00:00+01:00",
            "scheduled_start",
        ),
        (
            "session create --meeting 1 --kind plenary --title P "
            "--start 2014-02-25T10:00:00Z --end 2014-02-25T12:00:00Z",
            "document",
        ),
        (
            "stream add --session 1 --kind video --language fr "
            "--link-url ftp://files.example.org/fr",
            "url",
        ),
    ],
)
async def test_bad_values_are_refused_locally_with_the_servers_field_names(
    tmp_path: Path, command: str, field: str
) -> None:
    """No server is listening: the request model refuses the value before any request."""
    settings = Settings(data_dir=tmp_path / "data", secret="cli-secret", port=free_port())
    url = f"http://127.0.0.1:{settings.port}"
    noun, action, *options = command.split()
    code, out, err = await run_cli(settings, noun, action, "--url", url, *options)
    assert code == 2, err
    assert "validation_failed" in err and f"  {field} (--" in err, err
    assert "Value error" not in err, err
    assert "not reachable" not in err and out == ""
