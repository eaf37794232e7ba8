"""Bus backends: publish events to every replica; each replica fans them out to local listeners."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Protocol

from subscriptions.event import Event

log = logging.getLogger(__name__)

LISTENER_QUEUE_SIZE = 10_000


class BusUnavailable(Exception):
    """Publishing failed; the relay keeps the rows and tries again."""


class Fanout:
    """Local listeners of one process. A full queue drops the event; the stream helper notices
    the gap in `seq` and reads the missing events from the outbox."""

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[Event | None]] = set()

    def deliver(self, event: Event | None) -> None:
        """`None` asks listeners to re-read the outbox: the bus may have missed events."""
        for queue in self._queues:
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(event)

    @contextlib.asynccontextmanager
    async def listen(self) -> AsyncIterator[asyncio.Queue[Event | None]]:
        queue: asyncio.Queue[Event | None] = asyncio.Queue(maxsize=LISTENER_QUEUE_SIZE)
        self._queues.add(queue)
        try:
            yield queue
        finally:
            self._queues.discard(queue)

    @property
    def listeners(self) -> int:
        return len(self._queues)


class Bus(Protocol):
    name: str
    fanout: Fanout

    async def start(self) -> None: ...
    async def close(self) -> None: ...
    async def publish(self, events: list[Event]) -> None: ...
    async def ping(self) -> bool: ...


class InProcessBus:
    """One process only: publishing is delivering to this process's listeners."""

    name = "inprocess"

    def __init__(self) -> None:
        self.fanout = Fanout()

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def publish(self, events: list[Event]) -> None:
        for event in events:
            self.fanout.deliver(event)

    async def ping(self) -> bool:
        return True


class RedisBus:
    """Redis pub/sub on one channel; every replica subscribes once and fans out locally."""

    name = "redis"

    def __init__(self, url: str, channel: str) -> None:
        import redis.asyncio as redis

        self.fanout = Fanout()
        self.channel = channel
        self._redis = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=2)
        self._reader: asyncio.Task[None] | None = None
        self._subscribed = asyncio.Event()

    async def start(self) -> None:
        self._reader = asyncio.create_task(self._read_forever(), name="redis-bus-reader")
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._subscribed.wait(), timeout=5)

    async def close(self) -> None:
        if self._reader:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
        await self._redis.aclose()

    async def publish(self, events: list[Event]) -> None:
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                for event in events:
                    pipe.publish(self.channel, event.to_json())
                await pipe.execute()
        except Exception as exc:  # any connection failure means: not published
            raise BusUnavailable(str(exc)) from exc

    async def ping(self) -> bool:
        try:
            return bool(await self._redis.ping())
        except Exception:
            return False

    async def _read_forever(self) -> None:
        backoff = 0.1
        while True:
            pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self.channel)
                if self._subscribed.is_set():
                    self.fanout.deliver(None)  # reconnected: events may have gone by meanwhile
                self._subscribed.set()
                backoff = 0.1
                async for message in pubsub.listen():
                    if message["type"] == "message":
                        self.fanout.deliver(Event.from_json(message["data"]))
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("redis subscription lost; reconnecting", extra={"error": str(exc)})
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 2.0)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()


def make_bus(redis_url: str | None, channel: str) -> Bus:
    return RedisBus(redis_url, channel) if redis_url else InProcessBus()
