"""Settings read once from the environment (and CLI flags) into a frozen object.

Every component receives the ``Settings`` it needs explicitly; nothing else reads
``os.environ``. Each default says why it is what it is.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from server.edge.origins import parse_allowed

# Abuse limits an operator may tune: (field, environment variable, type).
_LIMITS: tuple[tuple[str, str, type], ...] = (
    ("comments_per_minute", "ROLLINGTEXT_COMMENTS_PER_MINUTE", float),
    ("comment_edits_per_minute", "ROLLINGTEXT_COMMENT_EDITS_PER_MINUTE", float),
    ("comment_history_kept", "ROLLINGTEXT_COMMENT_HISTORY_KEPT", int),
    ("observer_requests_burst", "ROLLINGTEXT_OBSERVER_REQUESTS_BURST", int),
    ("observer_requests_per_minute", "ROLLINGTEXT_OBSERVER_REQUESTS_PER_MINUTE", float),
    ("observer_pending_per_group", "ROLLINGTEXT_OBSERVER_PENDING_PER_GROUP", int),
    ("questionnaire_answers_burst", "ROLLINGTEXT_QUESTIONNAIRE_ANSWERS_BURST", int),
    ("questionnaire_answers_per_minute", "ROLLINGTEXT_QUESTIONNAIRE_ANSWERS_PER_MINUTE", float),
    ("invite_failures_per_minute", "ROLLINGTEXT_INVITE_FAILURES_PER_MINUTE", float),
    ("connections_burst", "ROLLINGTEXT_CONNECTIONS_BURST", int),
    ("connections_per_minute", "ROLLINGTEXT_CONNECTIONS_PER_MINUTE", float),
    ("max_requests_per_address", "ROLLINGTEXT_MAX_REQUESTS_PER_ADDRESS", int),
    ("http_idle_timeout_seconds", "ROLLINGTEXT_HTTP_IDLE_TIMEOUT", float),
)


@dataclass(frozen=True)
class Settings:
    # Loopback by default: an operator opts in to exposing the server.
    host: str = "127.0.0.1"
    # 8080 is what the README and Procfile promise; PaaS platforms override via $PORT.
    port: int = 8080
    # Everything local (SQLite file, generated secret) lives here, so one folder
    # is the whole state of an embedded install.
    data_dir: Path = Path("data")
    # None means the embedded SQLite file under data_dir (see database_url_resolved).
    database_url: str | None = None
    # None means "generate once and keep in data_dir/secret", so `rollingtext token`
    # and `rollingtext serve` on one machine agree without configuration.
    secret: str | None = None
    # A large rolling text with its history can be several MB; python-socketio's
    # 1 MB default would cut off a cold sync of a big document.
    max_message_bytes: int = 16 * 1024 * 1024
    # Compact a document's update log once it holds this many rows: loading stays
    # fast (snapshot + short tail) while compaction stays rare.
    compact_after_updates: int = 500
    # ... or when its room has been idle this long (seconds).
    compact_idle_seconds: float = 30.0
    # Keep an empty room this long before unloading it: a delegate whose hotel
    # Wi-Fi drops for a moment reconnects to a warm room.
    room_linger_seconds: float = 5.0
    # Awareness (cursors) is chatty and loss-tolerant: merge it per this window.
    awareness_tick_seconds: float = 0.03
    # Presence bounds (issue 11). Stock y-websocket / y-socket.io clients echo every
    # state they hear back to the server, so one message may carry a whole room's
    # presence: 512 entries covers a 500-seat plenary; more is refused unread.
    awareness_max_entries: int = 512
    # One state is a few hundred bytes (name, two colours, a cursor's two relative
    # positions); 4 KiB leaves room for a long name and a selection.
    awareness_max_state_bytes: int = 4096
    # A whole message: the 512-entry echo at about 1 KiB each.
    awareness_max_message_bytes: int = 512 * 1024
    # A browser tab publishes one client id; headroom for a client that replaces
    # its Y.Doc without reconnecting.
    awareness_max_states_per_connection: int = 4
    # Per connection: each message costs 1 + entries/16 tokens. A tab sends one
    # message per cursor move (~30/s holding an arrow key) and echoes each room
    # broadcast (at most one per awareness tick, ~33/s): 100/s is 1.5x that, and
    # the burst absorbs a newcomer's echo of a full room plus a reconnect.
    awareness_tokens_per_second: float = 100.0
    awareness_burst_tokens: int = 300
    # How long a departed client's last clock is kept, so a late echo of its old
    # state cannot bring it back: y-protocols' own outdated timeout.
    awareness_tombstone_seconds: float = 30.0
    # A presence name longer than this is refused (a real "Name (Delegation)" is
    # well under 100 characters).
    presence_name_max_chars: int = 200
    # SQLite synchronous=FULL: an acknowledged edit survives power loss, not only kill -9.
    sqlite_synchronous: str = "FULL"
    # Ping interval for both transports: detects dead mobile connections quickly.
    heartbeat_seconds: float = 20.0
    # Lifetime of tokens printed by `rollingtext token` when --ttl is not given.
    default_token_ttl_seconds: int = 12 * 3600
    # Open connections re-check their person's access this often, so a revocation
    # made elsewhere (CLI, another process) takes effect within seconds.
    revalidate_seconds: float = 5.0
    # An invitation link works this long: time to reach a delegate by e-mail.
    invitation_ttl_seconds: int = 14 * 86400
    # A link opens once: one forwarded, logged or shoulder-surfed after use gives
    # nothing, and its holder learns it was used. A delegate on two devices asks for
    # two links (or an operator sets ROLLINGTEXT_INVITATION_SINGLE_USE=0 for a demo).
    invitation_single_use: bool = True
    # A browser session from an invitation lasts a meeting week, then re-open the link.
    session_ttl_seconds: int = 7 * 86400
    redis_url: str | None = None
    # Set for `serve --workers N` children: share the port, refuse long-polling.
    reuse_port: bool = False
    websocket_only: bool = False
    # Namespaces every Redis key and channel: several deployments may share one Redis.
    redis_prefix: str = "rollingtext:"
    log_level: str = "INFO"
    # Origins, besides the server's own, whose pages may use a browser session
    # (the rt_session cookie). The own origin is derived from each request's Host
    # (or X-Forwarded-Host/-Proto), so the default works on any port and behind a
    # proxy that passes Host, with nothing to configure; list a front end served
    # elsewhere or the public origin of a proxy that rewrites Host.
    allowed_origins: tuple[str, ...] = ()

    # -- abuse limits (a limit of 0 a minute switches that limit off) -------------
    # Client address = the TCP peer. Addresses or networks listed here are reverse
    # proxies whose X-Forwarded-For is believed (nobody by default: anyone can send it).
    trusted_proxies: tuple[str, ...] = ()
    # Comments per person: a burst for a quick exchange, then one every 6 s.
    comments_burst: int = 10
    comments_per_minute: float = 10.0
    # Comment edits per person: fixing a typo twice is normal, 300 rewrites are not.
    comment_edits_burst: int = 10
    comment_edits_per_minute: float = 10.0
    # Earlier versions kept per comment (and returned by GET): enough to follow a
    # rewording, bounded at about 100 KB however often a comment is edited.
    comment_history_kept: int = 20
    # Observer requests per client address: an organisation asks once; a few
    # colleagues behind one office address may ask for several groups.
    observer_requests_burst: int = 5
    observer_requests_per_minute: float = 10 / 60
    # Pending requests per group: a group decides them at its meetings; far more
    # than a meeting can read means a flood, refused until the group catches up.
    observer_pending_per_group: int = 200
    # Questionnaire responses (creating one, saving a draft) per client address: a
    # respondent saves a few drafts; an office or a conference network behind one
    # address answers for many organisations. 30 at once, then one every 2 s bounds a
    # flood to 1,800 rows an hour per address while never slowing a real respondent.
    questionnaire_answers_burst: int = 30
    questionnaire_answers_per_minute: float = 30.0
    # Invitation links that fail (unknown, used, expired) per client address: a
    # delegate mistypes a few; a guesser is slowed to a crawl (codes have 192 bits).
    invite_failures_burst: int = 10
    invite_failures_per_minute: float = 5.0
    # New WebSocket / Socket.IO connections per client address: a meeting room of
    # delegates behind one venue NAT reconnecting at once after a Wi-Fi drop
    # (burst), then 5 a second; a reconnect loop or a flood is refused with 429.
    connections_burst: int = 200
    connections_per_minute: float = 300.0
    # Requests in progress at once per client address (each open WebSocket and
    # long-poll counts): a venue NAT's delegates fit, one host cannot hold
    # thousands of sockets.
    max_requests_per_address: int = 500
    # An HTTP connection must deliver a complete request head within this many
    # seconds of opening (or of the previous response); otherwise it is closed.
    # A request head is one packet on any real link; a slowloris client that
    # trickles headers is gone after this long instead of aiohttp's 75 s.
    http_idle_timeout_seconds: float = 5.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from ``env`` (default ``os.environ``); non-None overrides win."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        if "PORT" in env:
            values["port"] = int(env["PORT"])
        if "ROLLINGTEXT_HOST" in env:
            values["host"] = env["ROLLINGTEXT_HOST"]
        if "ROLLINGTEXT_DATA_DIR" in env:
            values["data_dir"] = Path(env["ROLLINGTEXT_DATA_DIR"])
        if env.get("DATABASE_URL"):
            values["database_url"] = env["DATABASE_URL"]
        if env.get("ROLLINGTEXT_SECRET"):
            values["secret"] = env["ROLLINGTEXT_SECRET"]
        if env.get("REDIS_URL"):
            values["redis_url"] = env["REDIS_URL"]
        if env.get("ROLLINGTEXT_REUSE_PORT") == "1":
            values["reuse_port"] = True
        if env.get("ROLLINGTEXT_WEBSOCKET_ONLY") == "1":
            values["websocket_only"] = True
        if env.get("ROLLINGTEXT_REDIS_PREFIX"):
            values["redis_prefix"] = env["ROLLINGTEXT_REDIS_PREFIX"]
        if "ROLLINGTEXT_MAX_MESSAGE_BYTES" in env:
            values["max_message_bytes"] = int(env["ROLLINGTEXT_MAX_MESSAGE_BYTES"])
        if "ROLLINGTEXT_COMPACT_AFTER" in env:
            values["compact_after_updates"] = int(env["ROLLINGTEXT_COMPACT_AFTER"])
        if "ROLLINGTEXT_AWARENESS_MAX_ENTRIES" in env:
            values["awareness_max_entries"] = int(env["ROLLINGTEXT_AWARENESS_MAX_ENTRIES"])
        if "ROLLINGTEXT_AWARENESS_RATE" in env:
            values["awareness_tokens_per_second"] = float(env["ROLLINGTEXT_AWARENESS_RATE"])
        if "ROLLINGTEXT_INVITATION_SINGLE_USE" in env:
            values["invitation_single_use"] = env["ROLLINGTEXT_INVITATION_SINGLE_USE"] != "0"
        if env.get("ROLLINGTEXT_ALLOWED_ORIGINS"):
            values["allowed_origins"] = parse_allowed(env["ROLLINGTEXT_ALLOWED_ORIGINS"])
        if "ROLLINGTEXT_LOG_LEVEL" in env:
            values["log_level"] = env["ROLLINGTEXT_LOG_LEVEL"]
        if env.get("ROLLINGTEXT_TRUSTED_PROXIES"):
            values["trusted_proxies"] = tuple(
                p.strip() for p in env["ROLLINGTEXT_TRUSTED_PROXIES"].split(",") if p.strip()
            )
        for name, var, kind in _LIMITS:
            if var in env:
                values[name] = kind(env[var])
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)

    @property
    def database_url_resolved(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'rollingtext.db').resolve()}"

    def secret_resolved(self) -> str:
        """The signing secret: configured, or generated once and kept in data_dir."""
        if self.secret:
            return self.secret
        path = self.data_dir / "secret"
        if path.exists():
            return path.read_text().strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        value = secrets.token_urlsafe(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(value)
        return value
