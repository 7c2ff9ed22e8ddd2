"""Run a real rollingtext server: in this process (fast) or as a subprocess (kill -9)."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from client.health import wait_until_healthy
from server.app import create_app, server_options
from server.auth.tokens import Role, TokenSigner
from server.keys import ROOMS, STORE
from server.rooms.manager import RoomManager
from server.settings import Settings
from server.storage import DocumentStore

REPO = Path(__file__).resolve().parents[2]


def process_env(settings: Settings) -> dict[str, str]:
    """The environment a ``rollingtext`` subprocess needs to act on ``settings``' data:
    same data dir, secret and database, whatever the caller's environment says."""
    env = {**os.environ}
    env["ROLLINGTEXT_DATA_DIR"] = str(settings.data_dir)
    env["ROLLINGTEXT_SECRET"] = settings.secret_resolved()
    env.pop("DATABASE_URL", None)
    if settings.database_url:
        env["DATABASE_URL"] = settings.database_url
    return env


async def run_cli(settings: Settings, *args: str, timeout: float = 60) -> tuple[int, str, str]:
    """``rollingtext ARGS`` on ``settings``' data; (exit code, stdout, stderr)."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "server.cli",
        *args,
        cwd=REPO,
        env=process_env(settings),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout)
    except TimeoutError:
        proc.kill()
        raise
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class RunningServer:
    settings: Settings
    port: int
    app: web.Application | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    def token(self, role: str = "member", name: str = "tester", ttl: int = 3600) -> str:
        return TokenSigner(self.settings.secret_resolved()).issue(name, Role(role), ttl)

    @property
    def rooms(self) -> RoomManager:
        assert self.app is not None
        return self.app[ROOMS]

    @property
    def store(self) -> DocumentStore:
        assert self.app is not None
        return self.app[STORE]


@asynccontextmanager
async def serve_in_process(
    settings: Settings, *, logger: logging.Logger | None = None
) -> AsyncIterator[RunningServer]:
    """``create_app`` served as ``rollingtext serve`` serves it (same connection
    options); ``logger`` receives the server's log and that of its libraries."""
    app = create_app(settings, logger=logger)
    runner = web.AppRunner(
        app,
        handle_signals=False,
        access_log=None,
        shutdown_timeout=5,
        **server_options(settings, logger),
    )
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield RunningServer(settings, port, app)
    finally:
        await runner.cleanup()


class ServerProcess:
    """``rollingtext serve`` in a subprocess, for crash (kill -9) and cross-language tests."""

    def __init__(
        self,
        settings: Settings,
        env: dict[str, str] | None = None,
        args: tuple[str, ...] = (),
    ) -> None:
        """``env`` adds to the environment ``process_env(settings)`` sets up; ``args`` to
        ``rollingtext serve --port PORT`` (e.g. ``("--workers", "2")``)."""
        self.settings = settings
        self.port = settings.port if settings.port != 8080 else free_port()
        self._env = env or {}
        self._args = args
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = settings.data_dir / f"server-{self.port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def token(self, role: str = "member", name: str = "tester", ttl: int = 3600) -> str:
        return TokenSigner(self.settings.secret_resolved()).issue(name, Role(role), ttl)

    async def start(self, timeout: float = 90.0) -> None:
        # The bound only catches a server that never comes up: on a busy machine a
        # fresh interpreter plus migrations took over 20 s.
        env = {**process_env(self.settings), **self._env}
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "serve", "--port", str(self.port), *self._args],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: kill() reaches --workers too
        )
        log.close()
        try:
            await wait_until_healthy(
                self.url, exited=self.exited, details=self.log_tail, timeout=timeout
            )
        except BaseException:
            if not self.exited():
                self.kill()
            raise

    def exited(self) -> bool:
        return self.proc is not None and self.proc.poll() is not None

    def log_tail(self, chars: int = 2000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:]

    def kill(self) -> None:
        """SIGKILL (to the process group): no shutdown hook runs, nothing is flushed."""
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    async def terminate(self, timeout: float = 30.0) -> int:
        """SIGTERM, then wait (without blocking the loop: clients may need to answer)."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        return await asyncio.to_thread(self.proc.wait, timeout)

    async def __aenter__(self) -> ServerProcess:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.kill()
