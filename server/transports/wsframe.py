"""Build a server-to-client WebSocket frame once, to write it to many sockets."""

from __future__ import annotations

import struct

_FIN_BINARY = 0x82


def binary_frame(payload: bytes) -> bytes:
    """An unmasked, uncompressed, final binary frame carrying ``payload`` (RFC 6455 5.2)."""
    n = len(payload)
    if n < 126:
        header = bytes((_FIN_BINARY, n))
    elif n < 1 << 16:
        header = struct.pack("!BBH", _FIN_BINARY, 126, n)
    else:
        header = struct.pack("!BBQ", _FIN_BINARY, 127, n)
    return header + payload
