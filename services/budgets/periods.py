"""Pure rules of budgets: the period a moment falls in, which thresholds a spend crosses, and the
checks on amounts and thresholds."""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from models.budgets import BudgetPeriodKind
from services.errors import DomainError

USD_PLACES = 15  # NUMERIC(30,15)
MAX_USD = Decimal(10) ** 12
DEFAULT_THRESHOLDS = (50, 80, 100)
MAX_THRESHOLDS = 10
MAX_THRESHOLD_PERCENT = 1000


def period_of(kind: BudgetPeriodKind, at: datetime, window: tuple[datetime, datetime] | None = None
              ) -> tuple[datetime, datetime] | None:
    """[start, end) of the period holding `at` (UTC calendar days, ISO weeks from Monday, calendar
    months), or for FIXED the window itself when `at` is inside it, else None."""
    at = at.astimezone(timezone.utc)
    if kind is BudgetPeriodKind.FIXED:
        assert window is not None
        return window if window[0] <= at < window[1] else None
    day = at.replace(hour=0, minute=0, second=0, microsecond=0)
    if kind is BudgetPeriodKind.DAY:
        return day, day + timedelta(days=1)
    if kind is BudgetPeriodKind.WEEK:
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=7)
    first = day.replace(day=1)
    if first.month == 12:
        return first, first.replace(year=first.year + 1, month=1)
    return first, first.replace(month=first.month + 1)


def crossed(thresholds: Iterable[int], alerted: Iterable[int], limit: Decimal, spent: Decimal) -> list[int]:
    """Thresholds (percent of `limit`) that `spent` has reached and that were not announced yet."""
    done = set(alerted)
    return [t for t in sorted(thresholds) if t not in done and spent * 100 >= limit * t]


def check_usd(value: Decimal, field: str, *, positive: bool = True) -> Decimal:
    if not value.is_finite() or value < 0 or (positive and value == 0) or value > MAX_USD:
        low = "above 0" if positive else "0 or more"
        raise DomainError(field, f"must be a USD amount {low} and at most {MAX_USD}")
    if value != value.quantize(Decimal(1).scaleb(-USD_PLACES), rounding=decimal.ROUND_DOWN):
        raise DomainError(field, f"at most {USD_PLACES} decimal places")
    return value


def check_thresholds(thresholds: Sequence[int] | None) -> list[int]:
    if thresholds is None:
        return list(DEFAULT_THRESHOLDS)
    if not 1 <= len(thresholds) <= MAX_THRESHOLDS:
        raise DomainError("thresholds", f"give 1 to {MAX_THRESHOLDS} percents of the limit")
    if any(not 1 <= t <= MAX_THRESHOLD_PERCENT for t in thresholds):
        raise DomainError("thresholds", f"each must be a percent between 1 and {MAX_THRESHOLD_PERCENT}")
    if len(set(thresholds)) != len(thresholds):
        raise DomainError("thresholds", "a percent is given twice", "DUPLICATE")
    return sorted(thresholds)
