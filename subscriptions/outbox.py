"""The outbox writer: services record events in the transaction of the change they describe."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from tortoise.backends.base.client import BaseDBAsyncClient

from models.outbox import OutboxEvent
from subscriptions.event import EVENT_NAME


def _json_default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (Decimal, UUID)):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    raise TypeError(f"cannot put {type(value).__name__} into an event payload")


def json_safe(payload: dict[str, Any]) -> dict[str, Any]:
    """Decimals and UUIDs become strings, datetimes ISO 8601: what a JSON client can read exactly."""
    return json.loads(json.dumps(payload, default=_json_default))


INSERT_EVENT = (
    'INSERT INTO "outbox_events" ("name", "payload", "created_at") VALUES ($1, $2::jsonb, now()) RETURNING "id"'
)


async def record_event(name: str, payload: dict[str, Any], connection: BaseDBAsyncClient) -> int:
    """Write one outbox row on `connection`, which must be the caller's open transaction; return its id.

    Plain SQL: every mutation writes one, and the ORM's model machinery was a visible share of a
    transfer's CPU."""
    if not EVENT_NAME.match(name):
        raise ValueError(f"event name {name!r} is not {{domain}}.{{entity}}.{{action}}.v{{n}}")
    rows = await connection.execute_query_dict(INSERT_EVENT, [name, json.dumps(payload, default=_json_default)])
    return rows[0]["id"]


async def record_events(name: str, payloads: list[dict[str, Any]], connection: BaseDBAsyncClient) -> None:
    """Write one outbox row per payload in one statement, for bulk changes (a catalog import)."""
    if not EVENT_NAME.match(name):
        raise ValueError(f"event name {name!r} is not {{domain}}.{{entity}}.{{action}}.v{{n}}")
    if payloads:
        await OutboxEvent.bulk_create([OutboxEvent(name=name, payload=json_safe(p)) for p in payloads],
                                      using_db=connection)


async def outbox_lag() -> tuple[int, float]:
    """How many rows wait to be published, and how old the oldest is, in seconds."""
    from tortoise import connections

    _, rows = await connections.get("default").execute_query(
        'SELECT count(*) AS n, coalesce(extract(epoch FROM now() - min("created_at")), 0) AS lag '
        'FROM "outbox_events" WHERE "published_at" IS NULL'
    )
    return int(rows[0]["n"]), float(rows[0]["lag"])
