"""Properties of the pure economy rules: the reward formula, reputation decay, USD to tokens, expiry."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from services.economy.rules import (
    COMPLEXITY_FULL_LINES,
    StfRewardInputs,
    activity_expiry,
    adjusted_reputation,
    complexity_of_lines,
    cost_saving,
    decayed_reputation,
    median,
    months_before,
    quote_stf_reward,
    rolling_expiry,
    safety_of_status,
    stf_factors,
    tokens_for_usd,
)

unit = st.decimals(min_value=0, max_value=1, places=4)
T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Policy:
    version: int = 3
    stf_base_min_tokens: int = 100
    stf_base_max_tokens: int = 1000
    adoption_step: Decimal = Decimal("0.1")
    adoption_max: Decimal = Decimal("2")
    confidence_floor: Decimal = Decimal("0.5")
    cost_saving_weight: Decimal = Decimal("1")
    safety_floor: Decimal = Decimal("0.25")


policies = st.builds(
    Policy,
    stf_base_min_tokens=st.integers(0, 500),
    stf_base_max_tokens=st.integers(500, 5000),
    adoption_step=st.decimals(0, 1, places=3),
    adoption_max=st.decimals(1, 5, places=3),
    confidence_floor=unit,
    cost_saving_weight=st.decimals(0, 3, places=3),
    safety_floor=unit,
)
inputs = st.builds(StfRewardInputs, complexity=unit, adopters=st.integers(1, 10_000), confidence=unit,
                   cost_saving=unit, safety=unit)


@given(policies, inputs)
def test_reward_is_the_floor_of_the_product_of_its_factors(policy, given_inputs):
    quote = quote_stf_reward(policy, given_inputs)
    factors = stf_factors(policy, given_inputs)
    product = factors["base"] * factors["adoption"] * factors["confidence"] * factors["cost"] * factors["safety"]
    assert quote.amount == int(product)  # non-negative, so int() is the floor
    assert quote.policy_version == policy.version
    assert {name: Decimal(value) for name, value in quote.factors.items()} == factors


@given(policies, inputs)
def test_reward_stays_within_the_policys_bounds(policy, given_inputs):
    factors = stf_factors(policy, given_inputs)
    assert policy.stf_base_min_tokens <= factors["base"] <= policy.stf_base_max_tokens
    assert 1 <= factors["adoption"] <= policy.adoption_max
    assert policy.confidence_floor <= factors["confidence"] <= 1
    assert 1 <= factors["cost"] <= 1 + policy.cost_saving_weight
    assert policy.safety_floor <= factors["safety"] <= 1
    ceiling = policy.stf_base_max_tokens * policy.adoption_max * (1 + policy.cost_saving_weight)
    assert 0 <= quote_stf_reward(policy, given_inputs).amount <= ceiling


@given(policies, inputs, st.sampled_from(["complexity", "confidence", "cost_saving", "safety", "adopters"]),
       st.data())
def test_reward_never_falls_when_an_input_improves(policy, given_inputs, name, data):
    current = getattr(given_inputs, name)
    if name == "adopters":
        better = data.draw(st.integers(current, 20_000))
    else:
        better = data.draw(st.decimals(min_value=current, max_value=1, places=4))
    improved = replace(given_inputs, **{name: better})
    assert quote_stf_reward(policy, improved).amount >= quote_stf_reward(policy, given_inputs).amount


reputations = st.decimals(min_value=0, max_value=1000, places=6)
half_lives = st.decimals(min_value=Decimal("0.5"), max_value=365, places=2)
seconds = st.integers(0, 10 * 365 * 86400)


@given(reputations, half_lives)
def test_no_time_no_decay_and_one_half_life_halves(stored, half_life):
    assert decayed_reputation(stored, T0, T0, half_life_days=half_life) == stored
    after = T0 + timedelta(days=float(half_life))
    assert abs(decayed_reputation(stored, T0, after, half_life_days=half_life) - stored / 2) <= Decimal("0.000002")


@given(reputations, half_lives, seconds, seconds)
def test_decay_is_monotone_and_composes(stored, half_life, first, second):
    one = decayed_reputation(stored, T0, T0 + timedelta(seconds=first), half_life_days=half_life)
    both = decayed_reputation(stored, T0, T0 + timedelta(seconds=first + second), half_life_days=half_life)
    assert 0 <= both <= one <= stored
    stepwise = decayed_reputation(one, T0, T0 + timedelta(seconds=second), half_life_days=half_life)
    assert abs(stepwise - both) <= Decimal("0.000002")


@given(reputations, half_lives, seconds, st.decimals(min_value=-2000, max_value=2000, places=4))
def test_adjusting_decays_first_and_never_goes_below_zero(stored, half_life, elapsed, delta):
    now = T0 + timedelta(seconds=elapsed)
    value = adjusted_reputation(stored, T0, now, half_life_days=half_life, delta=delta)
    assert value >= 0
    assert value == max(Decimal(0), decayed_reputation(stored, T0, now, half_life_days=half_life) + delta)


@given(st.decimals(min_value=0, max_value=10_000, places=10), st.integers(1, 10**6))
def test_usd_becomes_tokens_rounded_up(usd, rate):
    tokens = tokens_for_usd(usd, rate)
    assert tokens >= usd * rate > tokens - 1
    assert (tokens == 0) == (usd == 0)


@given(st.integers(0, 10**9), st.data())
def test_rolling_expiry_takes_only_old_unreserved_tokens(balance, data):
    reserved = data.draw(st.integers(0, balance))
    credited = data.draw(st.integers(0, 2 * balance + 1))
    expired = rolling_expiry(balance, reserved, credited)
    assert 0 <= expired <= balance - reserved
    if credited >= balance:
        assert expired == 0
    if reserved == 0:
        assert expired == max(0, balance - credited)


@given(st.integers(0, 10**9), st.data(), st.integers(-100, 100))
def test_activity_expiry_is_all_or_nothing(balance, data, offset_days):
    reserved = data.draw(st.integers(0, balance))
    expired = activity_expiry(balance, reserved, T0 + timedelta(days=offset_days), cutoff=T0)
    assert expired == (0 if offset_days >= 0 else balance - reserved)
    assert activity_expiry(balance, reserved, None, cutoff=T0) == balance - reserved


@settings(max_examples=200)
@given(
    st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2200, 1, 1)).map(
        lambda d: d.replace(tzinfo=timezone.utc)
    ),
    st.integers(1, 120),
)
def test_months_before_goes_back_whole_calendar_months(moment, months):
    earlier = months_before(moment, months)
    assert earlier < moment
    assert (moment.year * 12 + moment.month) - (earlier.year * 12 + earlier.month) == months
    assert earlier.day == moment.day or earlier.day < moment.day  # clamped to a shorter month
    assert earlier.time() == moment.time()


# --- the inputs of an adoption reward (services/economy/adoption.py) --------------------------------------


def test_complexity_grows_with_the_lines_of_code_up_to_one():
    assert complexity_of_lines(1) == 0
    assert complexity_of_lines(33) == Decimal("0.6599")
    assert complexity_of_lines(COMPLEXITY_FULL_LINES) == 1 == complexity_of_lines(10_000)


@given(st.integers(min_value=1, max_value=100_000), st.integers(min_value=1, max_value=100_000))
def test_complexity_is_monotonic_and_in_the_unit_interval(a, b):
    low, high = sorted((a, b))
    assert 0 <= complexity_of_lines(low) <= complexity_of_lines(high) <= 1


@given(st.decimals(min_value=0, max_value=1000, places=6), st.decimals(min_value=0, max_value=1000, places=6))
def test_cost_saving_is_the_share_not_spent_and_never_outside_zero_one(cost, usual):
    saved = cost_saving(cost, usual)
    assert 0 <= saved <= 1
    if usual > 0 and cost <= usual:
        assert abs(saved - (1 - cost / usual)) < Decimal("0.0001")
    if usual == 0 or cost >= usual:
        assert saved == 0


def test_unknown_costs_are_neutral():
    assert cost_saving(None, Decimal(1)) == cost_saving(Decimal(1), None) == 0


def test_median_and_safety():
    assert median([]) is None
    assert median([Decimal(3), Decimal(1), Decimal(2)]) == 2
    assert median([Decimal(1), Decimal(4)]) == Decimal("2.5")
    assert [safety_of_status(s) for s in ("VERIFIED", "ACTIVE", "DRAFT", "DEPRECATED")] == [1, Decimal("0.5"), 0, 0]
