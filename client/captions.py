"""Caption feeder: stream a WebVTT/SRT file or standard input into a live session.

Each cue becomes a transcript segment whose ``client_key`` is derived from the
feed (the file's content, or ``--feed-id`` for standard input) and the cue's
position, so a feeder that reconnects, or is restarted, resends what was not
acknowledged and the server recognises anything it already stored: no
duplicates, nothing skipped.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import sys
import time
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import socketio

from crdt.captions import Cue, parse


@dataclass(frozen=True)
class Segment:
    client_key: str
    cue: Cue

    def payload(self) -> dict[str, Any]:
        return {
            "client_key": self.client_key,
            "text": self.cue.text,
            "speaker": self.cue.speaker,
            "start_ms": self.cue.start_ms,
            "end_ms": self.cue.end_ms,
        }


def segments_of_file(text: str) -> list[Segment]:
    feed = hashlib.sha256(text.encode()).hexdigest()[:16]
    return [Segment(f"vtt:{feed}:{i}", cue) for i, cue in enumerate(parse(text))]


async def lines_of(stream: TextIO, feed_id: str, speaker: str = "") -> AsyncIterator[Segment]:
    """Each non-empty line of ``stream`` as a segment timed from the feed's start."""
    started = time.monotonic()
    index = 0
    while True:
        line = await asyncio.to_thread(stream.readline)
        if not line:
            return
        if not line.strip():
            continue
        now = int((time.monotonic() - started) * 1000)
        yield Segment(f"line:{feed_id}:{index}", Cue(now, now, line.strip(), speaker))
        index += 1


class CaptionFeeder:
    """Sends segments in order over ``/session|<id>``; each is resent until acknowledged."""

    def __init__(
        self, url: str, session_id: int, token: str, *, logger: logging.Logger | None = None
    ) -> None:
        self.url = url.rstrip("/")
        self.namespace = f"/session|{session_id}"
        self._token = token
        self._log = logger or logging.getLogger("rollingtext.captions")
        self.sio = socketio.AsyncClient(
            reconnection=True, reconnection_delay=0.2, reconnection_delay_max=2
        )
        self.acknowledged: list[dict[str, Any]] = []
        self.resends = 0

    async def connect(self, timeout: float = 10.0) -> None:
        await self.sio.connect(
            self.url,
            namespaces=[self.namespace],
            auth={"token": self._token},
            transports=["websocket"],
            wait_timeout=timeout,
        )

    async def close(self) -> None:
        await self.sio.disconnect()

    async def send(self, segment: Segment, *, timeout: float = 10.0) -> dict[str, Any]:
        """Deliver one segment, retrying across reconnects until the server acks it."""
        while True:
            try:
                if not self.sio.connected or self.namespace not in self.sio.namespaces:
                    await self._wait_connected(timeout)
                answer = await self.sio.call(
                    "transcript-append",
                    {"segments": [segment.payload()]},
                    namespace=self.namespace,
                    timeout=timeout,
                )
            except (
                socketio.exceptions.TimeoutError,
                socketio.exceptions.BadNamespaceError,
                socketio.exceptions.DisconnectedError,
                TimeoutError,
            ) as exc:
                self.resends += 1
                self._log.warning(
                    "segment %s not acknowledged (%s); resending", segment.client_key, exc
                )
                continue
            if isinstance(answer, dict) and answer.get("ok"):
                stored: dict[str, Any] = answer["segments"][0]
                self.acknowledged.append(stored)
                return stored
            error = answer.get("error") if isinstance(answer, dict) else answer
            raise RuntimeError(f"the server refused segment {segment.client_key}: {error}")

    async def _wait_connected(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not (self.sio.connected and self.namespace in self.sio.namespaces):
            if time.monotonic() > deadline:
                raise TimeoutError("not reconnected")
            await asyncio.sleep(0.05)  # python-socketio exposes no reconnect event to await

    async def feed(self, segments: Iterable[Segment], *, paced: bool) -> int:
        """Send every segment; ``paced`` waits for each cue's start time."""
        started = time.monotonic()
        count = 0
        for segment in segments:
            if paced:
                delay = segment.cue.start_ms / 1000 - (time.monotonic() - started)
                if delay > 0:
                    await asyncio.sleep(delay)  # the recording's own pace
            await self.send(segment)
            count += 1
        return count


async def run(
    url: str, session_id: int, token: str, source: str, *, paced: bool, feed_id: str, speaker: str
) -> int:
    feeder = CaptionFeeder(url, session_id, token)
    await feeder.connect()
    try:
        if source == "-":
            count = 0
            async for segment in lines_of(sys.stdin, feed_id, speaker):
                await feeder.send(segment)
                count += 1
        else:
            text = await asyncio.to_thread(Path(source).read_text, encoding="utf-8")
            count = await feeder.feed(segments_of_file(text), paced=paced)
    finally:
        await feeder.close()
    print(f"{count} segments acknowledged ({feeder.resends} resent after interruptions)")
    return 0
