"""Several ``rollingtext serve`` processes behind one document: the scale-out set-up.

``Cluster(processes=1, backend="sqlite")`` is today's single server (SQLite in a
temporary dir, no Redis). ``backend="pg-redis"`` (forced when ``processes > 1``)
creates a fresh PostgreSQL database, picks a unique Redis prefix and starts the
processes one after another (the first one migrates the schema) with the same
``DATABASE_URL``, ``REDIS_URL``, prefix and token secret, each on a free port.
On exit the processes are stopped, the database is dropped and the prefix's
Redis keys are deleted.

``InfraUsage`` reads the CPU time of the Redis and PostgreSQL server processes:
they are shared with anything else on the machine, so it is reported apart.
"""

from __future__ import annotations

import os
import secrets
import uuid
from types import TracebackType

import asyncpg  # type: ignore[import-untyped]
import psutil

from bench.server import BenchServer

POSTGRES_ADMIN_URL = os.environ.get(
    "ROLLINGTEXT_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("ROLLINGTEXT_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
BACKENDS = ("sqlite", "pg-redis")


class Cluster:
    def __init__(
        self,
        processes: int = 1,
        backend: str = "sqlite",
        url: str | None = None,
        secret: str | None = None,
    ) -> None:
        if processes < 1:
            raise ValueError("--processes must be at least 1")
        if processes > 1 and backend == "sqlite":
            backend = "pg-redis"  # several processes need a shared database and a bus
        if url is not None and (processes > 1 or backend != "sqlite"):
            raise SystemExit("--server-url measures one running server: no --processes/--backend")
        if backend not in BACKENDS:
            raise ValueError(f"unknown backend {backend!r}")
        self.processes = processes
        self.backend = backend
        self.url = url
        self.secret = secret if url is not None else secret or secrets.token_urlsafe(32)
        self.servers: list[BenchServer] = []
        self.database: str | None = None
        self.redis_prefix: str | None = None

    # -- lifecycle -------------------------------------------------------------------

    async def __aenter__(self) -> Cluster:
        try:
            await self.start()
        except BaseException:
            await self.stop()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        if self.url is not None:
            server = BenchServer(self.url, self.secret)
            self.servers.append(server)
            return
        env: dict[str, str] = {}
        if self.backend == "pg-redis":
            tag = uuid.uuid4().hex[:12]
            self.database = f"rt_bench_{tag}"
            self.redis_prefix = f"rt-bench-{tag}:"
            admin = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=5)
            try:
                await admin.execute(f'CREATE DATABASE "{self.database}"')
            finally:
                await admin.close()
            base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
            env = {
                "DATABASE_URL": f"{base.replace('postgresql://', 'postgresql+asyncpg://')}"
                f"/{self.database}",
                "REDIS_URL": REDIS_URL,
                "ROLLINGTEXT_REDIS_PREFIX": self.redis_prefix,
            }
        for _ in range(self.processes):  # one after another: the first one migrates
            server = BenchServer(None, self.secret, env)
            self.servers.append(server)
            await server.start()

    async def stop(self, keep_data: bool = False) -> None:
        for server in self.servers:
            server.stop(keep_data=keep_data)
        if self.database is not None:
            admin = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=5)
            try:
                await admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
                    self.database,
                )
                await admin.execute(f'DROP DATABASE IF EXISTS "{self.database}"')
            finally:
                await admin.close()
            self.database = None
        if self.redis_prefix is not None:
            await _delete_redis_keys(self.redis_prefix)
            self.redis_prefix = None

    async def stored_update_rows(self) -> int | None:
        """Rows in the shared update log (each update should be stored exactly once)."""
        if self.database is None:
            return None
        base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
        conn = await asyncpg.connect(f"{base}/{self.database}", timeout=5)
        try:
            rows: int = await conn.fetchval("SELECT count(*) FROM document_updates")
            return rows
        finally:
            await conn.close()

    # -- for the load generator ------------------------------------------------------

    def endpoints(self) -> list[tuple[str, int]]:
        return [(s.host, s.port) for s in self.servers]

    def token(self, role: str, name: str) -> str:
        return self.servers[0].token(role, name)

    def log_tail(self) -> str:
        return "\n".join(f"--- server {i} ---\n{s.log_tail()}" for i, s in enumerate(self.servers))


async def _delete_redis_keys(prefix: str) -> None:
    import redis.asyncio as redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


class InfraUsage:
    """CPU seconds of every redis-server and postgres process, snapshot at phase marks."""

    NAMES = ("redis-server", "postgres")

    def __init__(self) -> None:
        self.marks: dict[str, dict[tuple[str, int], float]] = {}

    def _snapshot(self) -> dict[tuple[str, int], float]:
        found: dict[tuple[str, int], float] = {}
        for proc in psutil.process_iter(["name"]):
            name = proc.info.get("name") or ""
            if name not in self.NAMES:
                continue
            try:
                t = proc.cpu_times()
            except psutil.Error:
                continue
            found[(name, proc.pid)] = float(t.user + t.system)
        return found

    def mark(self, phase: str) -> None:
        self.marks[phase] = self._snapshot()

    def between(self, start: str, end: str) -> dict[str, float] | None:
        """CPU seconds per program name between two marks (new processes: all of theirs)."""
        if start not in self.marks or end not in self.marks:
            return None
        before, after = self.marks[start], self.marks[end]
        total = dict.fromkeys(self.NAMES, 0.0)
        for key, cpu in after.items():
            total[key[0]] += max(0.0, cpu - before.get(key, 0.0))
        return total


class MachineUsage:
    """Busy CPU seconds of the whole machine (all cores), to show load from anything else."""

    def __init__(self) -> None:
        self.marks: dict[str, float] = {}

    def mark(self, phase: str) -> None:
        t = psutil.cpu_times()
        self.marks[phase] = float(sum(t)) - float(t.idle) - float(getattr(t, "iowait", 0.0))

    def between(self, start: str, end: str) -> float | None:
        if start not in self.marks or end not in self.marks:
            return None
        return self.marks[end] - self.marks[start]
