"""`economyStats(from, to)`: minted, burned, circulating supply, earned and spent by kind, velocity
and the supply-demand imbalance, from the transfers of the window.

Minted = tokens moved from system accounts to users; burned = from users to system accounts; so
circulating(to) = circulating(from) + minted - burned, and circulating now is the sum of user balances.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal

from tortoise import connections

from models.economy.ledger import EARNING_KINDS, SPENDING_KINDS
from services import clock
from services.errors import DomainError

SECONDS_PER_WEEK = Decimal(7 * 86400)

# Per transfer: its direction relative to circulation (+1 system->user, -1 user->system, 0 user->user).
WINDOW_SQL = """
WITH moves AS (
    SELECT t."kind", t."amount", t."created_at",
           CASE WHEN d."kind" = 'SYSTEM' AND c."kind" = 'USER' THEN 1
                WHEN d."kind" = 'USER' AND c."kind" = 'SYSTEM' THEN -1 ELSE 0 END AS direction
    FROM "ledger_transfers" t
    JOIN "ledger_accounts" d ON d."id" = t."debit_account_id"
    JOIN "ledger_accounts" c ON c."id" = t."credit_account_id"
    WHERE t."created_at" > $1
)
SELECT "kind",
       coalesce(sum("amount") FILTER (WHERE "created_at" <= $2 AND direction = 1), 0) AS minted,
       coalesce(sum("amount") FILTER (WHERE "created_at" <= $2 AND direction = -1), 0) AS burned,
       coalesce(sum("amount") FILTER (WHERE "created_at" <= $2), 0) AS moved,
       coalesce(sum("amount" * direction) FILTER (WHERE "created_at" > $2), 0) AS net_after,
       coalesce(sum("amount" * direction * extract(epoch FROM ($2 - "created_at")))
                FILTER (WHERE "created_at" <= $2), 0) AS weighted
FROM moves GROUP BY "kind"
"""
CIRCULATING_SQL = 'SELECT coalesce(sum("balance"), 0) AS total FROM "ledger_accounts" WHERE "kind" = \'USER\''


@dataclass
class EconomyStats:
    start: datetime
    end: datetime
    minted: int
    burned: int
    circulating_start: int
    circulating_end: int
    average_circulating: Decimal
    earned_by_kind: dict[str, int]
    spent_by_kind: dict[str, int]
    spent_per_week: Decimal
    velocity: Decimal | None
    imbalance_percent: Decimal | None


def _q(value: Decimal, places: str = "0.0001") -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_EVEN)


async def stats(start: datetime, end: datetime | None = None) -> EconomyStats:
    end = end or clock.now()
    if end <= start:
        raise DomainError("to", "must be after from")
    rows = await connections.get("default").execute_query_dict(WINDOW_SQL, [start, end])
    circulating_now = int((await connections.get("default").execute_query_dict(CIRCULATING_SQL))[0]["total"])
    minted = sum(int(r["minted"]) for r in rows)
    burned = sum(int(r["burned"]) for r in rows)
    net_after = sum(int(r["net_after"]) for r in rows)
    circulating_end = circulating_now - net_after
    circulating_start = circulating_end - (minted - burned)
    seconds = Decimal(str((end - start).total_seconds()))
    # time-weighted average: each move counts for the part of the window after it happened
    weighted = sum(Decimal(str(r["weighted"])) for r in rows)
    average = Decimal(circulating_start) + weighted / seconds
    earned = {r["kind"]: int(r["moved"]) for r in rows if r["kind"] in EARNING_KINDS and int(r["moved"])}
    spent = {r["kind"]: int(r["moved"]) for r in rows if r["kind"] in SPENDING_KINDS and int(r["moved"])}
    spent_per_week = Decimal(sum(spent.values())) * SECONDS_PER_WEEK / seconds
    return EconomyStats(
        start=start, end=end, minted=minted, burned=burned, circulating_start=circulating_start,
        circulating_end=circulating_end, average_circulating=_q(average), earned_by_kind=earned,
        spent_by_kind=spent, spent_per_week=_q(spent_per_week),
        velocity=_q(spent_per_week / average) if average > 0 else None,
        imbalance_percent=_q(Decimal(minted - burned) * 100 / burned, "0.01") if burned else None,
    )
