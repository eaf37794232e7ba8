"""Pure rules of budgets: periods, threshold crossings (each once), and the checks on amounts."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.budgets import BudgetPeriodKind
from services.budgets.periods import check_thresholds, check_usd, crossed, period_of
from services.errors import DomainError

moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1),
                       timezones=st.just(timezone.utc))


@given(moments, st.sampled_from([BudgetPeriodKind.DAY, BudgetPeriodKind.WEEK, BudgetPeriodKind.MONTH]))
def test_a_moment_lies_in_exactly_one_calendar_period(at, kind):
    start, end = period_of(kind, at)
    assert start <= at < end and start.tzinfo is not None
    assert start.time() == datetime.min.time()
    if kind is BudgetPeriodKind.DAY:
        assert end - start == timedelta(days=1)
    elif kind is BudgetPeriodKind.WEEK:
        assert start.weekday() == 0 and end - start == timedelta(days=7)
    else:
        assert start.day == 1 and end.day == 1 and 28 <= (end - start).days <= 31
    assert period_of(kind, end) [0] == end  # the next period starts where this one ends
    assert period_of(kind, end - timedelta(microseconds=1)) == (start, end)


def test_a_fixed_window_holds_its_start_not_its_end():
    window = (datetime(2031, 1, 1, tzinfo=timezone.utc), datetime(2031, 2, 1, tzinfo=timezone.utc))
    assert period_of(BudgetPeriodKind.FIXED, window[0], window) == window
    assert period_of(BudgetPeriodKind.FIXED, window[1], window) is None
    assert period_of(BudgetPeriodKind.FIXED, window[0] - timedelta(seconds=1), window) is None


amounts = st.decimals(min_value=Decimal("0.000000000000001"), max_value=Decimal("1000"), places=15,
                      allow_nan=False, allow_infinity=False)


@given(st.lists(amounts, min_size=1, max_size=30), amounts,
       st.lists(st.integers(min_value=1, max_value=300), min_size=1, max_size=10, unique=True))
def test_each_threshold_is_announced_once_when_the_spend_reaches_it(steps, limit, thresholds):
    spent, alerted = Decimal(0), []
    for step in steps:
        spent += step
        new = crossed(thresholds, alerted, limit, spent)
        assert all(spent * 100 >= limit * t for t in new)
        alerted += new
    assert len(alerted) == len(set(alerted))
    assert set(alerted) == {t for t in thresholds if spent * 100 >= limit * t}


def test_amount_and_threshold_checks_name_the_field():
    assert check_usd(Decimal("0.000000000000001"), "x") == Decimal("0.000000000000001")
    for bad in (Decimal(0), Decimal(-1), Decimal("NaN"), Decimal("Infinity"), Decimal("1e13"),
                Decimal("0.0000000000000001")):
        with pytest.raises(DomainError) as caught:
            check_usd(bad, "limitUsd")
        assert caught.value.field == "limitUsd"
    assert check_usd(Decimal(0), "reportedCostUsd", positive=False) == 0
    assert check_thresholds(None) == [50, 80, 100]
    assert check_thresholds([100, 25]) == [25, 100]
    for bad in ([], [0], [1001], [5, 5], list(range(1, 12))):
        with pytest.raises(DomainError):
            check_thresholds(bad)
