"""Per-STF usage from the `stf_usage` materialized view: applications, successes, success rate,
average quality of the successes that followed, last use. Read as of its last refresh.

REFRESH ... CONCURRENTLY keeps the view readable while it runs (the unique index on stf_id allows
it). It runs in a transaction holding an advisory lock, with the refresh time written in the same
transaction, so replicas never refresh at once and `refreshedAt` is exactly the data's time."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from tortoise import connections
from tortoise.transactions import in_transaction

REFRESH_LOCK = 0x5354_4655  # "STFU": the advisory lock key of the view's refresh


@dataclass
class Refresh:
    refreshed: bool  # False: another replica was refreshing, or it was refreshed within `min_age_seconds`
    refreshed_at: datetime
    duration_ms: float
    rows: int


@dataclass
class StfUsage:
    stf_id: int
    applications: int
    successes: int
    failures: int
    success_rate: float | None  # successes / decided attempts; None before any was decided
    average_quality: float | None
    last_used_at: datetime | None


async def refresh(wait: bool, min_age_seconds: float = 0.0) -> Refresh:
    """`wait`: queue behind a refresh in progress (stfUsageRefresh); otherwise skip (the schedule)."""
    async with in_transaction() as conn:
        if wait:
            await conn.execute_query("SELECT pg_advisory_xact_lock($1)", [REFRESH_LOCK])
        else:
            _, got = await conn.execute_query("SELECT pg_try_advisory_xact_lock($1) AS ok", [REFRESH_LOCK])
            if not got[0]["ok"]:
                return await _last(conn, refreshed=False)
        if min_age_seconds > 0:
            _, fresh = await conn.execute_query(
                'SELECT now() - "refreshed_at" < make_interval(secs => $1) AS fresh FROM "stf_usage_refreshes"',
                [min_age_seconds])
            if fresh[0]["fresh"]:
                return await _last(conn, refreshed=False)
        _, at = await conn.execute_query("SELECT clock_timestamp() AS t")  # the data is at least this fresh
        started = time.perf_counter()
        await conn.execute_query('REFRESH MATERIALIZED VIEW CONCURRENTLY "stf_usage"')
        duration_ms = (time.perf_counter() - started) * 1000
        await conn.execute_query(
            'UPDATE "stf_usage_refreshes" SET "refreshed_at" = $1, "duration_ms" = $2, '
            '"rows" = (SELECT count(*) FROM "stf_usage")', [at[0]["t"], duration_ms])
        return await _last(conn, refreshed=True)


async def _last(conn, refreshed: bool) -> Refresh:
    _, rows = await conn.execute_query('SELECT "refreshed_at", "duration_ms", "rows" FROM "stf_usage_refreshes"')
    return Refresh(refreshed, rows[0]["refreshed_at"], rows[0]["duration_ms"], rows[0]["rows"])


async def last_refresh() -> Refresh:
    return await _last(connections.get("default"), refreshed=False)


async def usage_of(stf_ids: list[int]) -> dict[int, StfUsage]:
    """The view's rows for these STFs; an STF never applied (as of the refresh) has none."""
    _, rows = await connections.get("default").execute_query(
        'SELECT * FROM "stf_usage" WHERE "stf_id" = ANY($1::bigint[])', [stf_ids])
    return {r["stf_id"]: StfUsage(**r) for r in rows}
