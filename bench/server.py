"""The server under test: a ``rollingtext serve`` subprocess, and its resource usage.

The server runs in its own process (SQLite in a temporary data dir, or the
PostgreSQL database and Redis given in ``env``) so that its CPU time and memory
can be read with psutil apart from the load generator's.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import psutil

from client.health import wait_until_healthy
from server.auth.tokens import Role, TokenSigner

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def check_loopback(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("--server-url must point at 127.0.0.1: the benchmark stays local")
    return "127.0.0.1", parts.port or 80


def peak_rss_bytes(pid: int) -> int | None:
    """VmHWM: the kernel's exact peak resident set size of ``pid`` (Linux)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def pid_listening_on(port: int) -> int | None:
    try:
        for conn in psutil.net_connections(kind="tcp"):
            if conn.laddr and conn.laddr.port == port and conn.status == psutil.CONN_LISTEN:
                pid: int | None = conn.pid
                return pid
    except (psutil.AccessDenied, PermissionError):
        return None
    return None


@dataclass
class Usage:
    """CPU seconds and peak RSS of one process, sampled around benchmark phases."""

    pid: int | None
    marks: dict[str, tuple[float, float]] = field(default_factory=dict)  # phase -> (cpu, wall)
    peak_rss: int = 0
    _proc: psutil.Process | None = None

    def __post_init__(self) -> None:
        if self.pid is not None:
            try:
                self._proc = psutil.Process(self.pid)
            except psutil.Error:
                self._proc = None

    def cpu(self) -> float | None:
        if self._proc is None:
            return None
        try:
            t = self._proc.cpu_times()
            return float(t.user + t.system)
        except psutil.Error:
            return None

    def mark(self, phase: str, wall: float) -> None:
        cpu = self.cpu()
        if cpu is not None:
            self.marks[phase] = (cpu, wall)

    def sample_rss(self) -> None:
        if self._proc is None:
            return
        try:
            self.peak_rss = max(self.peak_rss, self._proc.memory_info().rss)
        except psutil.Error:
            pass

    def between(self, start: str, end: str) -> tuple[float, float] | None:
        """(CPU seconds, CPU percent of one core) between two phase marks."""
        if start not in self.marks or end not in self.marks:
            return None
        cpu = self.marks[end][0] - self.marks[start][0]
        wall = self.marks[end][1] - self.marks[start][1]
        return cpu, (100.0 * cpu / wall if wall > 0 else 0.0)


class BenchServer:
    """A fresh ``rollingtext serve`` on a free port, or an already running one."""

    def __init__(
        self, url: str | None = None, secret: str | None = None, env: dict[str, str] | None = None
    ) -> None:
        self.proc: subprocess.Popen[bytes] | None = None
        self.data_dir: Path | None = None
        self.env = env or {}  # e.g. DATABASE_URL, REDIS_URL, ROLLINGTEXT_REDIS_PREFIX
        if url is None:
            self.host, self.port = "127.0.0.1", free_port()
            self.secret = secret or secrets.token_urlsafe(32)
        else:
            self.host, self.port = check_loopback(url)
            found = secret or os.environ.get("ROLLINGTEXT_SECRET")
            if not found:
                path = Path(os.environ.get("ROLLINGTEXT_DATA_DIR", "data")) / "secret"
                if not path.exists():
                    raise SystemExit("an external server needs --secret or ROLLINGTEXT_SECRET")
                found = path.read_text().strip()
            self.secret = found
        self.pid: int | None = None if url is None else pid_listening_on(self.port)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def token(self, role: str, name: str, ttl: int = 3600) -> str:
        return TokenSigner(self.secret).issue(name, Role(role), ttl)

    async def start(self, timeout: float = 30.0) -> None:
        if self.proc is not None or self.pid is not None:
            return
        self.data_dir = Path(tempfile.mkdtemp(prefix="rollingtext-bench-"))
        env = {
            **os.environ,
            "ROLLINGTEXT_DATA_DIR": str(self.data_dir),
            "ROLLINGTEXT_SECRET": self.secret,
            # Hundreds of simulated clients share one address: no per-address limits.
            "ROLLINGTEXT_CONNECTIONS_PER_MINUTE": "0",
            "ROLLINGTEXT_MAX_REQUESTS_PER_ADDRESS": "0",
        }
        for name in ("DATABASE_URL", "REDIS_URL", "ROLLINGTEXT_REDIS_PREFIX"):
            env.pop(name, None)  # default: embedded SQLite in the temporary dir, no Redis
        env.update(self.env)
        log = open(self.data_dir / "server.log", "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "serve", "--port", str(self.port)],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.pid = self.proc.pid
        await wait_until_healthy(
            self.url, exited=self.exited, details=self.log_tail, timeout=timeout
        )

    def exited(self) -> bool:
        return self.proc is not None and self.proc.poll() is not None

    def log_tail(self, chars: int = 3000) -> str:
        if self.data_dir is None:
            return ""
        path = self.data_dir / "server.log"
        return path.read_text(errors="replace")[-chars:] if path.exists() else ""

    def stop(self, keep_data: bool = False) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        if self.data_dir is not None and not keep_data:
            shutil.rmtree(self.data_dir, ignore_errors=True)
