"""An access log that never writes a secret: no query strings (tokens travel as
``?token=``) and no invitation codes (``/invite/<code>`` is a login link)."""

from __future__ import annotations

import re

from aiohttp.abc import AbstractAccessLogger
from aiohttp.web import BaseRequest, StreamResponse

_INVITE = re.compile(r"/invite/.*", re.DOTALL)


def redacted_path(path: str) -> str:
    """The request path with the invitation code replaced by ``<redacted>``."""
    return _INVITE.sub("/invite/<redacted>", path)


class RedactingAccessLogger(AbstractAccessLogger):
    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        self.logger.info(
            '%s "%s %s" %s %.1fms',
            request.remote,
            request.method,
            redacted_path(request.path),
            response.status,
            time * 1000,
        )
