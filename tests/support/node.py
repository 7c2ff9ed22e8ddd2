"""Node.js for the cross-client tests: install tests/node's npm packages, run a driver.

``ensure_node()`` runs ``npm ci`` in tests/node (or the given npm project, e.g.
client/web) when ``node_modules`` is missing or older than ``package-lock.json`` and
returns the ``node`` binary. Without Node or
npm the test fails when ``CI=true`` and is skipped loudly otherwise.
``NodeDriver`` runs one of the ``tests/node/*.mjs`` scripts as an asyncio
subprocess speaking JSON lines (events on stdout, commands on stdin).
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Any

import pytest

NODE_DIR = Path(__file__).resolve().parents[1] / "node"
WEB_DIR = Path(__file__).resolve().parents[2] / "client" / "web"


def _missing(what: str) -> None:
    reason = (
        f"!!! {what} — the Node.js tests (y-websocket, y-socket.io, the web app's types) "
        "CANNOT RUN; install Node.js >= 18 with npm to run them !!!"
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def _installed(project: Path) -> bool:
    stamp = project / "node_modules" / ".package-lock.json"  # written by npm on every install
    lock = project / "package-lock.json"
    return stamp.exists() and stamp.stat().st_mtime >= lock.stat().st_mtime


def ensure_node(project: Path = NODE_DIR) -> str:
    """Return the ``node`` binary with ``project``'s npm packages installed (``npm ci``)."""
    node = shutil.which("node")
    if node is None:
        _missing("`node` is not on PATH")
    assert node is not None
    if _installed(project):
        return node
    npm = shutil.which("npm")
    if npm is None:
        _missing("`npm` is not on PATH")
    assert npm is not None
    # Several pytest workers may get here at once: one installs, the others wait.
    lock_path = Path(tempfile.gettempdir()) / f"rollingtext-npm-{project.name}-{os.getuid()}.lock"
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _installed(project):
            done = subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund"],
                cwd=project,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            if done.returncode != 0:
                pytest.fail(
                    f"npm ci in {project} failed ({done.returncode}):\n"
                    f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}",
                    pytrace=False,
                )
            (project / "node_modules" / ".package-lock.json").touch()
    return node


class NodeDriver:
    """A ``tests/node/<script>`` process: JSON events on stdout, JSON commands on stdin."""

    def __init__(self, script: str, config: dict[str, Any], *, timeout: float = 30.0) -> None:
        self.script = NODE_DIR / script
        self.config = config
        self.timeout = timeout
        self.proc: asyncio.subprocess.Process | None = None
        self.events: list[dict[str, Any]] = []
        self._stderr: asyncio.Task[bytes] | None = None

    async def __aenter__(self) -> NodeDriver:
        node = ensure_node()
        self.proc = await asyncio.create_subprocess_exec(
            node,
            str(self.script),
            json.dumps(self.config),
            cwd=NODE_DIR,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            limit=64 * 1024 * 1024,
        )
        assert self.proc.stderr is not None
        self._stderr = asyncio.ensure_future(self.proc.stderr.read())
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        proc = self.proc
        assert proc is not None
        if proc.returncode is None:
            if exc is None:
                try:
                    await asyncio.wait_for(proc.wait(), self.timeout)
                except TimeoutError:
                    proc.kill()
            else:
                proc.kill()
        await proc.wait()
        if self._stderr is not None:
            await self._stderr
        if exc is None and proc.returncode != 0:
            raise AssertionError(
                f"{self.script.name} exited with {proc.returncode}; {await self.diagnostics()}"
            )

    async def diagnostics(self) -> str:
        stderr = b""
        if self._stderr is not None and self._stderr.done():
            stderr = self._stderr.result()
        return f"events so far: {self.events!r}\nstderr:\n{stderr.decode(errors='replace')[-4000:]}"

    async def send(self, cmd: str, **fields: Any) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        self.proc.stdin.write((json.dumps({"cmd": cmd, **fields}) + "\n").encode())
        await self.proc.stdin.drain()

    async def expect(self, event: str, timeout: float | None = None) -> dict[str, Any]:
        """The next event from the script, which must be ``event`` (not an error)."""
        assert self.proc is not None and self.proc.stdout is not None
        try:
            line = await asyncio.wait_for(self.proc.stdout.readline(), timeout or self.timeout)
        except TimeoutError:
            raise AssertionError(
                f"{self.script.name}: no {event!r} event within {timeout or self.timeout}s; "
                f"{await self.diagnostics()}"
            ) from None
        if not line:
            await self.proc.wait()
            if self._stderr is not None:
                await self._stderr
            raise AssertionError(
                f"{self.script.name} exited ({self.proc.returncode}) before {event!r}; "
                f"{await self.diagnostics()}"
            )
        message: dict[str, Any] = json.loads(line)
        self.events.append(message)
        if message.get("event") != event:
            raise AssertionError(
                f"{self.script.name}: expected {event!r}, got {message!r}; "
                f"{await self.diagnostics()}"
            )
        return message
