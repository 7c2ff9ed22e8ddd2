"""``rollingtext serve --workers N``: N server processes sharing one port on one machine.

Each worker binds the same port with SO_REUSEPORT; the kernel spreads new
connections across them. Workers meet on Redis (documents, awareness,
Socket.IO emits) and share the database, so N > 1 requires ``REDIS_URL``.
Without a sticky load balancer a long-polling client's requests could land on
different workers, so Socket.IO is WebSocket-only here (every Yjs provider uses
WebSockets); behind a sticky proxy (deploy/nginx.conf) run single workers instead.
A worker that dies is restarted; SIGTERM/SIGINT stop them all gracefully.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time

from server.settings import Settings

RESTART_BACKOFF_MAX = 10.0


def run_workers(settings: Settings, count: int, log: logging.Logger) -> int:
    if not settings.redis_url:
        print("error: --workers > 1 needs REDIS_URL (workers meet on Redis)", file=sys.stderr)
        return 2
    env = {
        **os.environ,
        "ROLLINGTEXT_REUSE_PORT": "1",
        "ROLLINGTEXT_WEBSOCKET_ONLY": "1",
        "PORT": str(settings.port),
        "ROLLINGTEXT_HOST": settings.host,
        # Every worker must sign and check tokens with the same key.
        "ROLLINGTEXT_SECRET": settings.secret_resolved(),
    }
    if settings.database_url:
        env["DATABASE_URL"] = settings.database_url
    command = [sys.executable, "-m", "server.cli", "serve"]
    workers: dict[int, subprocess.Popen[bytes]] = {}
    backoff = {i: 0.5 for i in range(count)}
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True
        for proc in workers.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for i in range(count):
        workers[i] = subprocess.Popen(command, env=env)
    log.info("started %s workers on port %s", count, settings.port)
    while not stopping:
        for i, proc in list(workers.items()):
            if proc.poll() is not None and not stopping:
                log.warning("worker %s exited with %s; restarting", i, proc.returncode)
                time.sleep(backoff[i])
                backoff[i] = min(backoff[i] * 2, RESTART_BACKOFF_MAX)
                if stopping:  # SIGTERM arrived during the back-off: start nothing new
                    break
                workers[i] = subprocess.Popen(command, env=env)
        time.sleep(0.2)  # supervising child processes: nothing to await in this loop
    codes = [proc.wait() for proc in workers.values()]
    return 0 if all(code == 0 for code in codes) else 1
