"""The stream helper behind every subscription: replay from the outbox after a cursor, then live,
with no duplicate (events at or below the last `seq` are dropped) and no gap (a jump in `seq`
is filled from the outbox)."""

from __future__ import annotations

import asyncio
import base64
import binascii
from collections.abc import AsyncIterator, Callable

from models.outbox import OutboxCursor, OutboxEvent
from subscriptions.bus import Bus
from subscriptions.event import Event

REPLAY_PAGE = 500
GAP_WAIT_SECONDS = 2.0


class BadCursor(ValueError):
    pass


def encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"evt:{seq}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        kind, _, seq = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if kind != "evt" or not seq.isdigit():
            raise ValueError
        return int(seq)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise BadCursor(f"after: {cursor!r} is not an event cursor") from None


def _row_event(row: OutboxEvent) -> Event:
    return Event(seq=row.seq, id=row.id, name=row.name, payload=row.payload, created_at=row.created_at)  # type: ignore[arg-type]


async def current_seq() -> int:
    cursor = await OutboxCursor.get_or_none(id=1)
    return cursor.last_seq if cursor else 0


async def events_after(seq: int, limit: int = REPLAY_PAGE, upto: int | None = None) -> list[Event]:
    query = OutboxEvent.filter(seq__gt=seq)
    if upto is not None:
        query = query.filter(seq__lt=upto)
    rows = await query.order_by("seq").limit(limit)
    return [_row_event(row) for row in rows]


async def _fill_gap(last: int, upto: int) -> list[Event]:
    """Events with last < seq < upto. The relay may still be committing them: wait a little."""
    deadline = asyncio.get_running_loop().time() + GAP_WAIT_SECONDS
    while True:
        found = await events_after(last, limit=upto - last, upto=upto)
        if len(found) == upto - last - 1 or asyncio.get_running_loop().time() > deadline:
            return found
        await asyncio.sleep(0.02)


async def stream_events(
    bus: Bus, *, after: int | None, matches: Callable[[Event], bool]
) -> AsyncIterator[Event]:
    async with bus.fanout.listen() as queue:
        if after is None:
            last = await current_seq()
        else:
            last = after
            while page := await events_after(last):
                for event in page:
                    last = event.seq
                    if matches(event):
                        yield event
        while True:
            live = await queue.get()
            if live is None:  # the bus reconnected: read what went by
                missed = await events_after(last)
            elif live.seq <= last:
                continue
            elif live.seq > last + 1:
                missed = [*await _fill_gap(last, live.seq), live]
            else:
                missed = [live]
            for event in missed:
                if event.seq <= last:
                    continue
                last = event.seq
                if matches(event):
                    yield event
