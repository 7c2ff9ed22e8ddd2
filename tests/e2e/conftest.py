"""Browser tests: Playwright (Python) driving Debian's Chromium against a real server.

Never downloads a browser: Chromium comes from ``apt-get install chromium``
(/usr/bin/chromium). Without it (or without the playwright package) these tests
are skipped with a printed reason, and under ``CI=true`` they fail instead.
"""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from server.views.web import DIST

CHROMIUM = Path(os.environ.get("ROLLINGTEXT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests cannot run under CI: {reason}")
    print(f"\n*** SKIPPING browser tests: {reason} ***", file=sys.stderr)
    pytest.skip(reason)


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install playwright)")
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    if not (DIST / "index.html").exists():
        _unavailable("client/web/dist is not built (make web)")
    async with async_playwright() as pw:
        launched = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
def seed_text() -> None:
    """The browser tests' group documents start empty."""
    return None


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
