"""The session commands drive a running server, and followers see their effects live."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from server.settings import Settings
from tests.support.servers import ServerProcess, free_port, run_cli
from tests.support.session_client import SessionClient

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
        assert code == 2 and "invalid_transition" in err
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
        assert code == 2 and "ends_on" in err
