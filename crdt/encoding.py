"""lib0 variable-length encoding, the primitive under every Yjs wire message.

Decoding is strict: a truncated or oversized value raises ``DecodeError`` so a
garbage frame is refused before anything acts on it.
"""

from __future__ import annotations


class DecodeError(ValueError):
    """The bytes are not a well-formed lib0/y-protocols message."""


def write_var_uint(value: int) -> bytes:
    if value < 0:
        raise ValueError("var uint must be non-negative")
    out = bytearray()
    while value > 0x7F:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    out.append(value)
    return bytes(out)


def write_var_bytes(data: bytes) -> bytes:
    return write_var_uint(len(data)) + data


def write_var_string(text: str) -> bytes:
    return write_var_bytes(text.encode("utf-8"))


class Reader:
    """A cursor over a bytes buffer reading lib0 values."""

    __slots__ = ("_data", "pos")

    def __init__(self, data: bytes) -> None:
        self._data = data
        self.pos = 0

    @property
    def remaining(self) -> int:
        return len(self._data) - self.pos

    def read_var_uint(self) -> int:
        result = 0
        shift = 0
        data = self._data
        while True:
            if self.pos >= len(data):
                raise DecodeError("truncated variable-length integer")
            byte = data[self.pos]
            self.pos += 1
            result |= (byte & 0x7F) << shift
            if byte < 0x80:
                return result
            shift += 7
            if shift > 63:
                raise DecodeError("variable-length integer too large")

    def read_var_bytes(self) -> bytes:
        length = self.read_var_uint()
        if length > self.remaining:
            raise DecodeError(f"declared length {length} exceeds the {self.remaining} bytes left")
        start = self.pos
        self.pos += length
        return self._data[start : self.pos]

    def read_var_string(self) -> str:
        raw = self.read_var_bytes()
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DecodeError("string is not valid UTF-8") from exc

    def expect_end(self) -> None:
        if self.remaining:
            raise DecodeError(f"{self.remaining} unexpected trailing bytes")
