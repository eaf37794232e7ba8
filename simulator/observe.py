"""What the ledger says at the end of a simulated day: supply moved (through `economyStats`' own
service), balances and their spread, the trailing window's velocity and imbalance, earn -> spend
cycle times, cap refusals, reputation, and the gaming agents' gains."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from tortoise import connections

from models.economy.ledger import SPENDING_KINDS, TransferKind
from models.economy.rewards import RewardPolicy
from services.economy import stats as economy
from services.economy.rules import decayed_reputation
from simulator.agents import Agent
from simulator.metrics import CycleBook, gini, percentile, top_share, weighted_median

ACCOUNTS_SQL = 'SELECT "id", "kind", "balance", "reserved", "earned" FROM "ledger_accounts" ORDER BY "id"'
ENTRIES_SQL = (
    'SELECT e."id", e."account_id", e."amount", e."kind", e."created_at" FROM "ledger_entries" e '
    'JOIN "ledger_accounts" a ON a."id" = e."account_id" WHERE e."id" > $1 AND a."kind" = \'USER\' ORDER BY e."id"'
)
REFUSALS_SQL = (
    'SELECT coalesce(max("id"), $1) AS "last", count(*) AS "n", coalesce(sum("amount"), 0) AS "tokens", '
    'count(DISTINCT "contributor_id") AS "contributors" FROM "reward_refusals" '
    'WHERE "id" > $1 AND "reason" = \'DAILY_CAP\''
)
REPUTATION_SQL = 'SELECT "id", "reputation", "reputation_at" FROM "contributors"'
SPENDING = {kind.value for kind in SPENDING_KINDS}


def _f(value: Decimal | float | None, places: int = 4) -> float | None:
    return None if value is None else round(float(value), places)


@dataclass
class Observer:
    start: datetime
    window_days: int
    cycles: CycleBook = field(default_factory=CycleBook)
    recent_cycles: deque[list[tuple[float, int]]] = field(default_factory=deque)
    last_entry: int = 0
    last_refusal: int = 0
    window_minted: deque[int] = field(default_factory=deque)

    async def day(self, day: int, now: datetime, *, agents: list[Agent], policy: RewardPolicy) -> dict[str, Any]:
        db = connections.get("default")
        today = await economy.stats(now - timedelta(days=1), now)
        window = await economy.stats(max(self.start, now - timedelta(days=self.window_days)), now)
        accounts = await db.execute_query_dict(ACCOUNTS_SQL)
        expired, cycle_days = await self._entries(db)
        [refusals] = await db.execute_query_dict(REFUSALS_SQL, [self.last_refusal])
        self.last_refusal = refusals["last"]
        reputations = await self._reputations(db, now, policy)

        user = {a["id"]: a for a in accounts if a["kind"] == "USER"}
        balances = [a["balance"] for a in user.values()]
        members = [a for a in agents if a.account_id in user]
        gaming = [user[a.account_id] for a in members if a.gaming]
        honest = [user[a.account_id] for a in members if not a.gaming]
        earned_all = sum(a["earned"] for a in user.values())
        newcomers = [a for a in members if a.newcomer]
        dropped = sum(1 for a in newcomers if a.left)
        self.window_minted.append(today.minted)
        while len(self.window_minted) > self.window_days:
            self.window_minted.popleft()
        return {
            "day": day, "date": (now - timedelta(days=1)).date().isoformat(), "policyVersion": policy.version,
            "agents": len(members), "active": sum(1 for a in members if not a.left),
            "newcomers": len(newcomers), "newcomersDropped": dropped,
            "dropoffPercent": _f(100 * dropped / len(newcomers)) if newcomers else None,
            "minted": today.minted, "burned": today.burned, "expired": expired,
            "earnedByKind": dict(sorted(today.earned_by_kind.items())),
            "spentByKind": dict(sorted(today.spent_by_kind.items())),
            "starterGrants": today.minted - sum(today.earned_by_kind.values()),
            "circulating": sum(balances), "reserved": sum(a["reserved"] for a in user.values()),
            "ledgerSum": sum(a["balance"] for a in accounts),
            "gini": _f(gini(balances)), "top10SharePercent": _f(top_share(balances)),
            "windowMinted": window.minted, "windowBurned": window.burned,
            "velocityPerWeek": _f(window.velocity), "imbalancePercent": _f(window.imbalance_percent, 2),
            "medianCycleDays": _f(cycle_days, 3),
            "capRefusals": refusals["n"], "capRefusedTokens": int(refusals["tokens"]),
            "capRefusedContributors": refusals["contributors"],
            "reputationP10": _f(percentile(reputations, 10)), "reputationMedian": _f(percentile(reputations, 50)),
            "reputationP90": _f(percentile(reputations, 90)),
            "reputationSpread": _f(percentile(reputations, 90) - percentile(reputations, 10)) if reputations else None,
            "gamingAgents": len(gaming),
            "gamingEarned": sum(a["earned"] for a in gaming),
            "gamingShareOfEarnedPercent": _f(100 * sum(a["earned"] for a in gaming) / earned_all)
            if gaming and earned_all else None,
            "gamingMeanBalance": _f(sum(a["balance"] for a in gaming) / len(gaming), 2) if gaming else None,
            "honestMeanBalance": _f(sum(a["balance"] for a in honest) / len(honest), 2) if honest else None,
        }

    async def _entries(self, db: Any) -> tuple[int, float | None]:
        """Feed the day's entries of user accounts to the cycle book; (tokens expired, median cycle
        time in days over the window)."""
        rows = await db.execute_query_dict(ENTRIES_SQL, [self.last_entry])
        expired = 0
        pieces: list[tuple[float, int]] = []
        for row in rows:
            at = (row["created_at"] - self.start).total_seconds() / 86400
            if row["amount"] > 0:
                self.cycles.credit(row["account_id"], at, row["amount"])
            else:
                completes = row["kind"] in SPENDING
                pieces += self.cycles.debit(row["account_id"], at, -row["amount"], completes=completes)
                if row["kind"] == TransferKind.EXPIRY.value:
                    expired -= row["amount"]
        if rows:
            self.last_entry = rows[-1]["id"]
        self.recent_cycles.append(pieces)
        while len(self.recent_cycles) > self.window_days:
            self.recent_cycles.popleft()
        return expired, weighted_median([p for day in self.recent_cycles for p in day])

    @staticmethod
    async def _reputations(db: Any, now: datetime, policy: RewardPolicy) -> list[float]:
        rows = await db.execute_query_dict(REPUTATION_SQL)
        return [float(decayed_reputation(Decimal(r["reputation"]), r["reputation_at"], now,
                                         half_life_days=policy.reputation_half_life_days)) for r in rows]
