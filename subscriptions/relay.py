"""The relay: publishes committed outbox rows in order, exactly one replica at a time."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timezone

import asyncpg
from tortoise.transactions import in_transaction

from subscriptions.bus import Bus, BusUnavailable
from subscriptions.event import Event

log = logging.getLogger(__name__)

RELAY_LOCK_KEY = 0x0E17_0B0C  # pg advisory lock: one publishing replica at a time keeps seq order
NOTIFY_CHANNEL = "omniclaude_outbox"


class Relay:
    def __init__(self, bus: Bus, listen_dsn: dict | None, poll_seconds: float, batch_size: int) -> None:
        self.bus = bus
        self._listen_dsn = listen_dsn
        self._poll_seconds = poll_seconds
        self._batch_size = batch_size
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._listener: asyncpg.Connection | None = None
        self.paused = False  # tests and operators may hold publishing back

    async def start(self) -> None:
        await self._listen()
        self._task = asyncio.create_task(self._run(), name="outbox-relay")

    async def close(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._listener is not None:
            with contextlib.suppress(Exception):
                await self._listener.close()

    def wake(self) -> None:
        self._wake.set()

    async def _listen(self) -> None:
        """LISTEN for the outbox trigger's NOTIFY so a commit on any replica wakes the relay at once."""
        if self._listen_dsn is None:
            return
        try:
            self._listener = await asyncpg.connect(**self._listen_dsn)
            await self._listener.add_listener(NOTIFY_CHANNEL, lambda *_: self._wake.set())
        except Exception as exc:
            log.warning("outbox LISTEN unavailable; polling only", extra={"error": str(exc)})
            self._listener = None

    async def _run(self) -> None:
        while True:
            published = 0
            try:
                if not self.paused:
                    published = await self.publish_batch()
            except BusUnavailable as exc:
                log.warning("bus unavailable; outbox rows wait", extra={"error": str(exc)})
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox relay failed; retrying")
            if published >= self._batch_size:
                continue
            if self._listener is not None and self._listener.is_closed():
                await self._listen()
            self._wake.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self._poll_seconds)

    async def publish_batch(self) -> int:
        """Give the oldest unpublished rows their `seq`, publish them, commit. A bus failure rolls
        the whole batch back, so the rows wait for the next try."""
        async with in_transaction() as conn:
            locked = await conn.execute_query_dict("SELECT pg_try_advisory_xact_lock($1) AS ok", [RELAY_LOCK_KEY])
            if not locked[0]["ok"]:
                return 0
            rows = await conn.execute_query_dict(
                'SELECT "id", "name", "payload", "created_at" FROM "outbox_events" '
                'WHERE "published_at" IS NULL ORDER BY "id" LIMIT $1 FOR UPDATE',
                [self._batch_size],
            )
            if not rows:
                return 0
            cursor = await conn.execute_query_dict(
                'UPDATE "outbox_cursor" SET "last_seq" = "last_seq" + $1 WHERE "id" = 1 RETURNING "last_seq"',
                [len(rows)],
            )
            first_seq = cursor[0]["last_seq"] - len(rows) + 1
            now = datetime.now(timezone.utc)
            events = [
                Event(seq=first_seq + i, id=row["id"], name=row["name"],
                      payload=_as_dict(row["payload"]), created_at=row["created_at"])
                for i, row in enumerate(rows)
            ]
            await conn.execute_query(
                'UPDATE "outbox_events" AS o SET "seq" = v.seq, "published_at" = $3 '
                'FROM unnest($1::bigint[], $2::bigint[]) AS v(id, seq) WHERE o."id" = v.id',
                [[e.id for e in events], [e.seq for e in events], now],
            )
            await self.bus.publish(events)
        return len(events)


def _as_dict(payload: object) -> dict:
    import json

    return json.loads(payload) if isinstance(payload, (str, bytes)) else payload  # type: ignore[return-value]
