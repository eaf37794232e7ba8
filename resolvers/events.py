"""The generic event stream: `events(names, after)`, replay from the outbox then live."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry
from graphql import GraphQLError
from strawberry.scalars import JSON
from strawberry.types import Info

from resolvers.permissions import IsAdmin, IsAuthenticated
from subscriptions.event import Event as BusEvent
from subscriptions.stream import BadCursor, current_seq, decode_cursor, encode_cursor, stream_events


@strawberry.type(description="A committed change, as recorded in the outbox.")
class Event:
    cursor: str = strawberry.field(description="Pass as `after` to resume right after this event.")
    name: str = strawberry.field(description="{domain}.{entity}.{action}.v{version}")
    payload: JSON
    created_at: datetime

    @classmethod
    def of(cls, event: BusEvent) -> "Event":
        return cls(cursor=encode_cursor(event.seq), name=event.name, payload=event.payload, created_at=event.created_at)


def parse_after(after: str | None) -> int | None:
    if after is None:
        return None
    try:
        return decode_cursor(after)
    except BadCursor as exc:
        raise GraphQLError(str(exc), extensions={"code": "INVALID"}) from None


@strawberry.type
class EventsQuery:
    @strawberry.field(permission_classes=[IsAuthenticated], description=(
        "The cursor of the latest published event. Read it before you load what a page shows, then "
        "subscribe with `after` set to it: nothing committed in between is missed."))
    async def events_cursor(self) -> str:
        return encode_cursor(await current_seq())


@strawberry.type
class EventsSubscription:
    @strawberry.subscription(
        permission_classes=[IsAuthenticated, IsAdmin],
        description="Every event, or those named in `names`. With `after`, first what came after that "
        "cursor, then live: no duplicate, no gap (ADMIN).",
    )
    async def events(
        self, info: Info, names: list[str] | None = None, after: str | None = None
    ) -> AsyncGenerator[Event, None]:
        wanted = set(names or [])
        start = parse_after(after)
        async for event in stream_events(
            info.context.bus, after=start, matches=lambda e: not wanted or e.name in wanted
        ):
            yield Event.of(event)
