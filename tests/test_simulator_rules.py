"""Pure measures of the simulator: inequality, FIFO cycle times, weighted median, verdicts."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from simulator.metrics import CycleBook, days_all_met, gini, top_share, verdicts, weighted_median
from simulator.scenario import Targets


def test_gini_of_equal_and_concentrated_balances() -> None:
    assert gini([5, 5, 5, 5]) == 0.0
    assert gini([0, 0, 0, 100]) == 0.75  # n - 1 of n hold nothing: (n - 1) / n
    assert gini([]) == 0.0 and gini([0, 0]) == 0.0


@given(st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=60))
def test_gini_and_top_share_stay_in_range(balances: list[int]) -> None:
    assert 0.0 <= gini(balances) < 1.0
    share = top_share(balances)
    assert 0.0 <= share <= 100.0
    if sum(balances):
        assert share >= 100 * max(1, round(len(balances) * 0.1)) / len(balances) - 1e-9  # the top hold their share


@given(st.lists(st.tuples(st.booleans(), st.integers(min_value=1, max_value=500)), max_size=80))
def test_the_cycle_book_never_spends_more_than_was_credited(moves: list[tuple[bool, int]]) -> None:
    book, held, completed = CycleBook(), 0, 0
    for step, (is_credit, amount) in enumerate(moves):
        if is_credit:
            book.credit(1, float(step), amount)
            held += amount
        else:
            pieces = book.debit(1, float(step), amount, completes=True)
            taken = sum(tokens for _, tokens in pieces)
            assert taken == min(amount, held) and all(age >= 0 for age, _ in pieces)
            held -= taken
            completed += taken
    assert sum(lot[1] for lot in book.lots.get(1, [])) == held


def test_the_oldest_tokens_are_spent_first() -> None:
    book = CycleBook()
    book.credit(7, 0.0, 10)
    book.credit(7, 5.0, 10)
    assert book.debit(7, 6.0, 15, completes=True) == [(6.0, 10), (1.0, 5)]
    assert book.debit(7, 8.0, 5, completes=False) == []  # expiry: gone, but no cycle completed
    assert book.debit(7, 9.0, 1, completes=True) == []


def test_weighted_median() -> None:
    assert weighted_median([(1.0, 1), (10.0, 3)]) == 10.0
    assert weighted_median([(1.0, 3), (10.0, 1)]) == 1.0
    assert weighted_median([]) is None


def _day(n: int, **values) -> dict:
    return {"day": n, "velocityPerWeek": 2.0, "imbalancePercent": 0.0, "dropoffPercent": 0.0, "newcomers": 20,
            "windowMinted": 10} | values


def test_verdicts_name_the_first_failing_day_after_the_warm_up() -> None:
    days = [_day(1, velocityPerWeek=0.1), _day(2), _day(3, velocityPerWeek=0.5), _day(4, velocityPerWeek=0.2)]
    found = verdicts(days, Targets(), warmup_days=1)
    assert found["velocityPerWeek"]["verdict"] == "FAIL"
    assert (found["velocityPerWeek"]["firstFailedDay"], found["velocityPerWeek"]["daysFailed"]) == (3, 2)
    assert found["imbalancePercent"]["verdict"] == "PASS"


def test_nothing_burned_fails_only_when_something_was_minted() -> None:
    minted = verdicts([_day(1, imbalancePercent=None, windowMinted=50)], Targets(), warmup_days=0)
    idle = verdicts([_day(1, imbalancePercent=None, windowMinted=0)], Targets(), warmup_days=0)
    assert minted["imbalancePercent"]["verdict"] == "FAIL" and idle["imbalancePercent"]["verdict"] == "NO_DATA"


def test_drop_off_is_judged_from_enough_newcomers() -> None:
    few = verdicts([_day(1, dropoffPercent=100.0, newcomers=2)], Targets(), warmup_days=0)
    many = verdicts([_day(1, dropoffPercent=35.0, newcomers=12)], Targets(), warmup_days=0)
    assert few["dropoffPercent"]["verdict"] == "NO_DATA" and many["dropoffPercent"]["verdict"] == "FAIL"


def test_days_meeting_every_target() -> None:
    days = [_day(1, velocityPerWeek=0.1), _day(2), _day(3, imbalancePercent=50.0),
            _day(4, dropoffPercent=None, newcomers=0)]
    assert days_all_met(days, Targets(), warmup_days=1) == (2, 3)
