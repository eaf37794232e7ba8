"""Pure measures of an economy's state: inequality, cycle times, verdicts against the targets.

No database here; `simulator/observe.py` feeds them what it reads from the ledger."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any


def gini(balances: list[int]) -> float:
    """0 = everyone holds the same, 1 = one account holds everything (exact on integers)."""
    values = sorted(b for b in balances if b >= 0)
    n, total = len(values), sum(values)
    if n == 0 or total == 0:
        return 0.0
    weighted = sum((2 * (i + 1) - n - 1) * v for i, v in enumerate(values))
    return weighted / (n * total)


def top_share(balances: list[int], share: float = 0.10) -> float:
    """Percent of all tokens held by the richest `share` of accounts (at least one account)."""
    values = sorted(balances, reverse=True)
    total = sum(values)
    if not values or total <= 0:
        return 0.0
    top = max(1, round(len(values) * share))
    return 100 * sum(values[:top]) / total


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in [0, 100]); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), -(-len(ordered) * p // 100)))
    return ordered[int(rank) - 1]


def weighted_median(pairs: list[tuple[float, int]]) -> float | None:
    """The median of values each counted `weight` times."""
    total = sum(w for _, w in pairs)
    if total <= 0:
        return None
    half, seen = total / 2, 0
    for value, weight in sorted(pairs):
        seen += weight
        if seen >= half:
            return value
    return None


@dataclass
class CycleBook:
    """Earn -> spend cycle times per account, first in first out: every token spent is the oldest
    one the account holds; tokens that expire leave the same way without completing a cycle."""

    lots: dict[int, deque[list[float]]] = field(default_factory=dict)  # account -> [[time, tokens], ...]

    def credit(self, account: int, at: float, amount: int) -> None:
        self.lots.setdefault(account, deque()).append([at, amount])

    def debit(self, account: int, at: float, amount: int, *, completes: bool) -> list[tuple[float, int]]:
        """Take `amount` from the oldest lots; the (age, tokens) pieces when it completes a cycle."""
        pieces: list[tuple[float, int]] = []
        lots = self.lots.get(account)
        while amount > 0 and lots:
            lot = lots[0]
            taken = min(amount, int(lot[1]))
            if completes:
                pieces.append((at - lot[0], taken))
            lot[1] -= taken
            amount -= taken
            if lot[1] == 0:
                lots.popleft()
        return pieces


@dataclass(frozen=True)
class Target:
    key: str  # the day's field the target reads
    label: str
    rule: str  # how it is read, for people


def passes(key: str, day: dict[str, Any], targets: Any) -> bool | None:
    """Whether a day meets a target; None when the day says nothing about it."""
    value = day[key]
    if key == "velocityPerWeek":
        return None if value is None else value >= targets.velocity_per_week
    if key == "imbalancePercent":
        if value is None:  # nothing burned in the window: balanced only if nothing was minted either
            return None if day["windowMinted"] == 0 else False
        return abs(value) <= targets.imbalance_percent
    if key == "dropoffPercent":
        if value is None or day["newcomers"] < targets.min_newcomers:
            return None
        return value < targets.dropoff_percent
    raise ValueError(key)


TARGETS = [
    Target("velocityPerWeek", "velocity", "tokens spent per week / average circulating supply >= {velocity_per_week}"),
    Target("imbalancePercent", "supply-demand imbalance",
           "|minted - burned| / burned over the window <= {imbalance_percent}%"),
    Target("dropoffPercent", "newcomer drop-off",
           "newcomers who ran out of tokens before their first earning < {dropoff_percent}% "
           "(judged from {min_newcomers} newcomers on)"),
]


def verdicts(days: list[dict[str, Any]], targets: Any, warmup_days: int) -> dict[str, dict[str, Any]]:
    """Per target: PASS when no judged day (after the warm-up) failed it, FAIL with the first day it
    failed and how many days did, NO_DATA when no day could be judged."""
    found: dict[str, dict[str, Any]] = {}
    for target in TARGETS:
        judged = failed = 0
        first = None
        for day in days:
            if day["day"] <= warmup_days:
                continue
            ok = passes(target.key, day, targets)
            if ok is None:
                continue
            judged += 1
            if not ok:
                failed += 1
                first = day["day"] if first is None else first
        verdict = "NO_DATA" if judged == 0 else ("FAIL" if failed else "PASS")
        found[target.key] = {"label": target.label, "rule": target.rule.format(**vars(targets)),
                             "verdict": verdict, "firstFailedDay": first, "daysJudged": judged,
                             "daysFailed": failed, "final": days[-1][target.key] if days else None}
    return found


def days_all_met(days: list[dict[str, Any]], targets: Any, warmup_days: int) -> tuple[int, int]:
    """(days on which no target failed, days on which some target was judged), after the warm-up."""
    met = judged = 0
    for day in days:
        if day["day"] <= warmup_days:
            continue
        found = [passes(target.key, day, targets) for target in TARGETS]
        if any(ok is not None for ok in found):
            judged += 1
            met += all(ok is not False for ok in found)
    return met, judged
