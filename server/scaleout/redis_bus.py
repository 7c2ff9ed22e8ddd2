"""The document bus over Redis pub/sub, and a Redis lock for compaction."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import redis.asyncio as redis
from redis.exceptions import LockError

from server.scaleout.bus import DocumentBus
from server.storage import DocumentStore


class RedisDocumentBus(DocumentBus):
    def __init__(self, url: str, *, prefix: str, logger: logging.Logger) -> None:
        super().__init__(prefix=prefix, logger=logger)
        # Short timeouts: an unreachable Redis is noticed in seconds, not minutes.
        self._redis = redis.Redis.from_url(
            url, socket_connect_timeout=2, socket_timeout=None, health_check_interval=5
        )
        self._pubsub = self._redis.pubsub()
        self._channels: set[str] = set()

    @property
    def client(self) -> redis.Redis:
        return self._redis

    async def _publish(self, channel: str, data: bytes) -> None:
        await self._redis.publish(channel, data)

    async def _subscribe(self, channel: str) -> None:
        self._channels.add(channel)
        await self._pubsub.subscribe(channel)

    async def _unsubscribe(self, channel: str) -> None:
        self._channels.discard(channel)
        await self._pubsub.unsubscribe(channel)

    async def _listen(self) -> AsyncIterator[bytes]:
        if not self._channels:
            # pubsub.listen() returns at once with nothing subscribed: wait on a
            # placeholder channel so the loop notices a lost connection.
            await self._pubsub.subscribe(f"{self._prefix}heartbeat")
        async for message in self._pubsub.listen():
            kind = message.get("type")
            if kind == "message" and isinstance(message.get("data"), bytes):
                yield message["data"]
            elif kind == "subscribe":
                channel = message.get("channel")
                self.subscribed(channel.decode() if isinstance(channel, bytes) else str(channel))

    async def __aexit__(self, *exc: object) -> None:
        await super().__aexit__(None, None, None)
        await self._pubsub.aclose()  # type: ignore[no-untyped-call]
        await self._redis.aclose()


class RedisLockedStore(DocumentStore):
    """A DocumentStore whose compactions take a Redis lock with expiry.

    Compaction is already safe without it (compare-and-set on the snapshot); the
    lock keeps two processes from doing the same large merge at once.
    """

    def __init__(self, *args: object, redis_client: redis.Redis, prefix: str, **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._redis_client = redis_client
        self._lock_prefix = prefix

    def compaction_lock(self, name: str) -> AbstractAsyncContextManager[None]:
        return self._redis_lock(name)

    @asynccontextmanager
    async def _redis_lock(self, name: str) -> AsyncIterator[None]:
        lock = self._redis_client.lock(
            f"{self._lock_prefix}compact:{name}", timeout=120, blocking_timeout=10
        )
        acquired = False
        try:
            acquired = bool(await lock.acquire())
        except Exception as exc:  # Redis down: compaction is still safe, go ahead
            self._log.warning("compaction of %s without the Redis lock: %s", name, exc)
        try:
            yield
        finally:
            if acquired:
                try:
                    await lock.release()
                except (LockError, Exception) as exc:
                    self._log.warning("releasing the compaction lock of %s: %s", name, exc)
