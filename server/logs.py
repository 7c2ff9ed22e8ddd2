"""Loggers for libraries that log what clients send: one line each, and not too many.

python-engineio, python-socketio and aiohttp's HTTP server log a full traceback for
every malformed frame or request a client sends (100 garbage Engine.IO frames
wrote 3,001 lines). Their records go through ``ClientErrorFilter``:

- an exception that never passed through our own code (``server``, ``crdt``) is a
  client's error: the record becomes one line ``message: ExcType: detail`` without
  the traceback; an exception raised in our code keeps its traceback (a bug);
  (and an ERROR becomes a WARNING: nothing for an operator to fix);
- each message template is rate-limited (a burst, then one a second); dropped lines
  are counted and the count is appended to the next line of that template.
"""

from __future__ import annotations

import logging
from pathlib import Path
from types import TracebackType

from server.ratelimit import RateLimiter

_ROOT = Path(__file__).resolve().parents[1]
OUR_CODE = (str(_ROOT / "server") + "/", str(_ROOT / "crdt") + "/")
DETAIL_CHARS = 200  # of a client-controlled exception message


def _through_our_code(tb: TracebackType | None) -> bool:
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.startswith(OUR_CODE):
            return True
        tb = tb.tb_next
    return False


class ClientErrorFilter(logging.Filter):
    """Tracebacks of client errors become one line; repeated lines are rate-limited."""

    def __init__(self, limiter: RateLimiter | None = None) -> None:
        super().__init__()
        self.limiter = limiter or RateLimiter(60.0, 20, what="log lines")
        self._dropped: dict[str, int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        key = f"{record.name}:{record.msg}"
        if not self.limiter.allows(key):
            if key in self._dropped or len(self._dropped) < 1000:
                self._dropped[key] = self._dropped.get(key, 0) + 1
            return False
        line = record.getMessage()
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None and not _through_our_code(exc.__traceback__):
            line = f"{line}: {type(exc).__name__}: {str(exc)[:DETAIL_CHARS]!a}"
            record.exc_info, record.exc_text = None, None
            # The client's mistake, not the server's: no ERROR to page an operator.
            if record.levelno > logging.WARNING:
                record.levelno, record.levelname = logging.WARNING, "WARNING"
        dropped = self._dropped.pop(key, 0)
        if dropped:
            line = f"{line} ({dropped} similar lines dropped)"
        record.msg, record.args = line, None
        return True


def client_error_logger(
    parent: logging.Logger, name: str, level: int = logging.WARNING
) -> logging.Logger:
    """``parent``'s child ``name``, filtered by ``ClientErrorFilter``. For a library,
    warnings and errors only by default: their info level logs every packet."""
    logger = parent.getChild(name)
    if logger.level == logging.NOTSET:
        logger.setLevel(level)
    if not any(isinstance(f, ClientErrorFilter) for f in logger.filters):
        logger.addFilter(ClientErrorFilter())
    return logger
