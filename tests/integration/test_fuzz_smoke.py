"""A small run of the fuzzing campaign (``python -m bench.fuzz``) on every test run.

A few hundred malformed y-websocket and Socket.IO inputs and a handful of
schemathesis examples per API operation against a real server subprocess: no
crash, no 5xx, no traceback, every input answered, no refused-kind input
acknowledged, and stored documents changed only by acknowledged updates. The
full campaign (10,000 + 10,000 frames, every role) is marked ``fuzz`` and
excluded by default: ``pytest -m fuzz`` or ``python -m bench.fuzz``.
"""

from __future__ import annotations

import pytest

from bench.fuzz import Options, render, run_campaign


def _check(options: Options) -> None:
    import asyncio

    report = asyncio.run(run_campaign(options))
    summary = render(report)
    assert report.ws.sent > 0 and report.sio.sent > 0, summary
    assert report.crashes == 0, summary
    assert report.server_errors == [] and report.http_failures == 0, summary
    assert report.tracebacks == 0, summary
    assert report.ws.silent == [] and report.sio.silent == [], summary
    assert report.ws.wrongly_accepted == [] and report.sio.wrongly_accepted == [], summary
    assert report.unexpected_changes == 0, summary
    assert report.ok, summary


@pytest.mark.timeout(600)
def test_a_small_fuzzing_campaign_finds_nothing() -> None:
    _check(
        Options(
            seed=11,
            ws_frames=300,
            sio_frames=300,
            workers=2,
            examples=2,
            http_roles=("anonymous", "member", "chair"),
            max_seconds=240,
            http_seconds=60,
        )
    )


@pytest.mark.fuzz
@pytest.mark.timeout(3600)
def test_the_full_fuzzing_campaign_finds_nothing() -> None:
    _check(Options(seed=1))
