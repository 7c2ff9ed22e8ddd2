"""Build server-to-client WebSocket frames once, to write them to many sockets."""

from __future__ import annotations

import struct

_FIN_TEXT = 0x81
_FIN_BINARY = 0x82


def _frame(first_byte: int, payload: bytes) -> bytes:
    """An unmasked, uncompressed, final frame (RFC 6455 section 5.2)."""
    n = len(payload)
    if n < 126:
        header = bytes((first_byte, n))
    elif n < 1 << 16:
        header = struct.pack("!BBH", first_byte, 126, n)
    else:
        header = struct.pack("!BBQ", first_byte, 127, n)
    return header + payload


def binary_frame(payload: bytes) -> bytes:
    return _frame(_FIN_BINARY, payload)


def text_frame(text: str) -> bytes:
    return _frame(_FIN_TEXT, text.encode("utf-8"))
