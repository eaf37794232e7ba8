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

# The window's transfers summed by kind, direction relative to circulation (+1 system->user, -1 user->system,
# 0 otherwise: read from the ids of the few system accounts, no join per transfer) and whether they are after `to`
# (those carry circulation back from now to `to`). `weighted`: amount x seconds from the transfer to `to`.
WINDOW_SQL = """
WITH system AS (SELECT array_agg("id") AS ids FROM "ledger_accounts" WHERE "kind" = 'SYSTEM')
SELECT t."kind", (t."debit_account_id" = ANY(system.ids))::int - (t."credit_account_id" = ANY(system.ids))::int
           AS direction,
       t."created_at" > $2 AS after_end, sum(t."amount") AS amount,
       sum(t."amount" * extract(epoch FROM ($2 - t."created_at"))) AS weighted
FROM "ledger_transfers" t, system
WHERE t."created_at" > $1
GROUP BY 1, 2, 3
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
    inside = [r for r in rows if not r["after_end"]]
    minted = sum(int(r["amount"]) for r in inside if r["direction"] == 1)
    burned = sum(int(r["amount"]) for r in inside if r["direction"] == -1)
    net_after = sum(int(r["amount"]) * r["direction"] for r in rows if r["after_end"])
    circulating_end = circulating_now - net_after
    circulating_start = circulating_end - (minted - burned)
    seconds = Decimal(str((end - start).total_seconds()))
    # time-weighted average: each move counts for the part of the window after it happened
    weighted = sum((Decimal(str(r["weighted"])) * r["direction"] for r in inside), Decimal(0))
    average = Decimal(circulating_start) + weighted / seconds
    moved: dict[str, int] = {}
    for r in inside:
        moved[r["kind"]] = moved.get(r["kind"], 0) + int(r["amount"])
    earned = {kind: amount for kind, amount in moved.items() if kind in EARNING_KINDS and amount}
    spent = {kind: amount for kind, amount in moved.items() if kind in SPENDING_KINDS and amount}
    spent_per_week = Decimal(sum(spent.values())) * SECONDS_PER_WEEK / seconds
    return EconomyStats(
        start=start, end=end, minted=minted, burned=burned, circulating_start=circulating_start,
        circulating_end=circulating_end, average_circulating=_q(average), earned_by_kind=earned,
        spent_by_kind=spent, spent_per_week=_q(spent_per_week),
        velocity=_q(spent_per_week / average) if average > 0 else None,
        imbalance_percent=_q(Decimal(minted - burned) * 100 / burned, "0.01") if burned else None,
    )
