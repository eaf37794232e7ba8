"""`costSeries`: LLM spend per hour or day, one line per model or agent, for stacked charts.

The top lines by cost in the window keep their key; the rest add up to one line keyed 'other', so a
chart stays readable with hundreds of models. One GROUP BY over the window's calls (index on
`started_at`); the join to executions only when the lines are agents.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from enum import Enum

from tortoise import connections

from services import clock
from services.errors import DomainError

MAX_BUCKETS = 1000
MAX_LINES = 20
OTHER = "other"


class SeriesBy(str, Enum):
    MODEL = "MODEL"
    AGENT = "AGENT"


class Bucket(str, Enum):
    HOUR = "HOUR"
    DAY = "DAY"


STEP = {Bucket.HOUR: timedelta(hours=1), Bucket.DAY: timedelta(days=1)}
KEY = {SeriesBy.MODEL: """c."provider" || '/' || c."model\"""", SeriesBy.AGENT: 'e."agent_name"'}
JOIN = {SeriesBy.MODEL: "", SeriesBy.AGENT: 'JOIN "executions" e ON e."id" = c."execution_id"'}
SERIES_SQL = """
SELECT date_trunc('{unit}', c."started_at" AT TIME ZONE 'UTC') AS bucket, {key} AS key,
       count(*) AS calls, coalesce(sum(c."cost"), 0) AS cost
FROM "llm_calls" c {join}
WHERE c."started_at" >= $1 AND c."started_at" < $2
GROUP BY 1, 2
"""


@dataclass
class SeriesLine:
    key: str
    total: Decimal
    calls: list[int]
    cost: list[Decimal]


@dataclass
class CostSeries:
    bucket: Bucket
    start: datetime
    end: datetime
    starts: list[datetime]
    lines: list[SeriesLine]


def bucket_floor(at: datetime, bucket: Bucket) -> datetime:
    at = at.astimezone(timezone.utc)
    at = at.replace(minute=0, second=0, microsecond=0)
    return at.replace(hour=0) if bucket is Bucket.DAY else at


def bucket_starts(start: datetime, end: datetime, bucket: Bucket) -> list[datetime]:
    """Every bucket that overlaps [start, end), the first one floored."""
    first, step = bucket_floor(start, bucket), STEP[bucket]
    count = -(-(end - first) // step)
    if count > MAX_BUCKETS:
        raise DomainError("to", f"the window holds {count} {bucket.value.lower()}s; at most {MAX_BUCKETS}")
    return [first + i * step for i in range(count)]


def fold_lines(rows: list[dict], starts: list[datetime], top: int) -> list[SeriesLine]:
    """Rows of (bucket, key, calls, cost) -> the `top` costliest keys, then 'other' for the rest."""
    index = {s: i for i, s in enumerate(starts)}
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        totals[row["key"]] += row["cost"]
    ranked = sorted(totals, key=lambda k: (-totals[k], k))
    kept = set(ranked[:top])
    lines: dict[str, SeriesLine] = {}
    for key in [*ranked[:top], *([OTHER] if len(ranked) > top else [])]:
        lines[key] = SeriesLine(key=key, total=Decimal(0), calls=[0] * len(starts), cost=[Decimal(0)] * len(starts))
    for row in rows:
        line = lines[row["key"] if row["key"] in kept else OTHER]
        i = index[row["bucket"].replace(tzinfo=timezone.utc)]
        line.calls[i] += row["calls"]
        line.cost[i] += row["cost"]
        line.total += row["cost"]
    return list(lines.values())


async def cost_series(*, by: SeriesBy, bucket: Bucket, start: datetime, end: datetime | None, top: int) -> CostSeries:
    end = end or clock.now()
    if start >= end:
        raise DomainError("to", "must be after from")
    if not 1 <= top <= MAX_LINES:
        raise DomainError("top", f"must be between 1 and {MAX_LINES}")
    starts = bucket_starts(start, end, bucket)
    sql = SERIES_SQL.format(unit=bucket.value.lower(), key=KEY[by], join=JOIN[by])
    rows = await connections.get("default").execute_query_dict(sql, [start, end])
    for row in rows:
        row["cost"] = Decimal(row["cost"])
    return CostSeries(bucket=bucket, start=start, end=end, starts=starts, lines=fold_lines(rows, starts, top))
