"""The caption feeder streams a file into a live session and survives a dropped link."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from client.captions import CaptionFeeder, segments_of_file
from crdt.captions import Cue, render_webvtt
from tests.support.groups import Api, Group, build_group
from tests.support.servers import REPO, RunningServer
from tests.support.tcpproxy import TcpProxy

CUES = [
    Cue(i * 1500, i * 1500 + 1400, f"Intervention {i}:\nwe support OP{i}.", f"Delegate {i % 4}")
    for i in range(30)
]
VTT = render_webvtt(CUES)


async def live_session(api: Api, group: Group) -> int:
    chair = group.token("chair")
    meeting = await api.ok(
        "POST",
        group.path("/meetings"),
        chair,
        {
            "number": 2,
            "title": "Second meeting",
            "venue": "Geneva",
            "starts_on": "2013-11-06",
            "ends_on": "2013-11-08",
        },
    )
    session = await api.ok(
        "POST",
        f"/api/meetings/{meeting['id']}/sessions",
        chair,
        {
            "kind": "plenary",
            "title": "Plenary",
            "document": group.document,
            "scheduled_start": "2013-11-06T10:00:00+01:00",
            "scheduled_end": "2013-11-06T13:00:00+01:00",
        },
    )
    await api.ok("POST", f"/api/sessions/{session['id']}/status", chair, {"status": "live"})
    return int(session["id"])


async def transcript(api: Api, group: Group, session_id: int) -> list[dict[str, Any]]:
    body = await api.ok("GET", f"/api/sessions/{session_id}/transcript", group.token("member"))
    segments: list[dict[str, Any]] = body["segments"]
    return segments


@pytest.mark.timeout(60)
async def test_feeder_resumes_after_a_dropped_link_without_duplicates(
    server: RunningServer,
) -> None:
    async with Api.open(server.url) as api:
        group = await build_group(api, server.token("chair", "operator"))
        session_id = await live_session(api, group)
        segments = segments_of_file(VTT)
        async with TcpProxy("127.0.0.1", server.port) as proxy:
            feeder = CaptionFeeder(
                f"http://127.0.0.1:{proxy.port}", session_id, group.token("captioner")
            )
            await feeder.connect()
            for segment in segments[:10]:
                await feeder.send(segment)
            await proxy.cut()  # the venue's network drops
            pending = asyncio.create_task(feeder.send(segments[10]))
            done, _ = await asyncio.wait({pending}, timeout=0.5)
            assert not done, "nothing can be acknowledged while the link is down"
            await proxy.restore()
            await pending
            for segment in segments[11:]:
                await feeder.send(segment)
            await feeder.close()
        stored = await transcript(api, group, session_id)
        assert [s["text"] for s in stored] == [c.text for c in CUES]
        assert [s["speaker"] for s in stored] == [c.speaker for c in CUES]
        assert [s["id"] for s in stored] == sorted({s["id"] for s in stored})
        assert feeder.resends >= 1


async def test_restarting_the_feeder_on_the_same_file_adds_nothing(
    server: RunningServer, tmp_path: Path
) -> None:
    async with Api.open(server.url) as api:
        group = await build_group(api, server.token("chair", "operator"))
        session_id = await live_session(api, group)
        path = tmp_path / "plenary.vtt"
        path.write_text(VTT, encoding="utf-8")
        env = {**os.environ, "ROLLINGTEXT_TOKEN": group.token("captioner")}
        command = [
            sys.executable,
            "-m",
            "server.cli",
            "captions",
            "--url",
            server.url,
            "--session",
            str(session_id),
            "--from",
            str(path),
            "--fast",
        ]
        for _ in range(2):  # a crashed feeder restarted by the operator
            done = await asyncio.create_subprocess_exec(
                *command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
            out, err = await done.communicate()
            assert done.returncode == 0, err.decode()
            assert b"30 segments acknowledged" in out
        stored = await transcript(api, group, session_id)
        assert len(stored) == 30
        assert [s["start_ms"] for s in stored] == [c.start_ms for c in CUES]
