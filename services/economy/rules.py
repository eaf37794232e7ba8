"""Pure rules of the token economy: the reward formula, reputation decay, USD to tokens, expiry.

No database here; `rewards.py`, `compute.py` and `expiry.py` beside it apply them.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal, localcontext
from typing import Protocol

ONE = Decimal(1)
ZERO = Decimal(0)
SECONDS_PER_DAY = Decimal(86400)
REPUTATION_PLACES = Decimal("0.000001")


class StfCoefficients(Protocol):
    """The part of a reward policy the STF formula reads (a RewardPolicy row satisfies it)."""

    version: int
    stf_base_min_tokens: int
    stf_base_max_tokens: int
    adoption_step: Decimal
    adoption_max: Decimal
    confidence_floor: Decimal
    cost_saving_weight: Decimal
    safety_floor: Decimal


@dataclass(frozen=True)
class StfRewardInputs:
    """What is known about an adopted STF when its author is rewarded. Every score is in [0, 1]."""

    complexity: Decimal  # 0 = trivial (the policy's minimum base), 1 = hardest (its maximum)
    adopters: int  # distinct contributors other than the author who applied it successfully, >= 1
    confidence: Decimal  # Wilson lower bound of "this STF fixes this error"
    cost_saving: Decimal  # share of the LLM cost that applying the STF saved
    safety: Decimal  # 1 = safe to apply unattended, 0 = needs care


@dataclass(frozen=True)
class RewardQuote:
    amount: int
    policy_version: int
    factors: dict[str, str]  # every factor and the base as exact decimal strings


def _unit(value: Decimal, name: str) -> Decimal:
    if not ZERO <= value <= ONE:
        raise ValueError(f"{name} must be in [0, 1], got {value}")
    return value


def stf_factors(policy: StfCoefficients, inputs: StfRewardInputs) -> dict[str, Decimal]:
    """base x adoption x confidence x cost x safety, each factor from the policy's coefficients."""
    if inputs.adopters < 1:
        raise ValueError("adopters must be >= 1")
    complexity = _unit(inputs.complexity, "complexity")
    span = Decimal(policy.stf_base_max_tokens - policy.stf_base_min_tokens)
    return {
        "base": Decimal(policy.stf_base_min_tokens) + span * complexity,
        "adoption": min(Decimal(policy.adoption_max), ONE + Decimal(policy.adoption_step) * (inputs.adopters - 1)),
        "confidence": Decimal(policy.confidence_floor)
        + (ONE - Decimal(policy.confidence_floor)) * _unit(inputs.confidence, "confidence"),
        "cost": ONE + Decimal(policy.cost_saving_weight) * _unit(inputs.cost_saving, "costSaving"),
        "safety": Decimal(policy.safety_floor) + (ONE - Decimal(policy.safety_floor)) * _unit(inputs.safety, "safety"),
    }


def quote_stf_reward(policy: StfCoefficients, inputs: StfRewardInputs) -> RewardQuote:
    """The reward, rounded down to whole tokens (never more than the formula says)."""
    factors = stf_factors(policy, inputs)
    with localcontext() as ctx:
        ctx.prec = 40
        product = factors["base"] * factors["adoption"] * factors["confidence"] * factors["cost"] * factors["safety"]
        amount = int(product.to_integral_value(rounding=ROUND_FLOOR))
    return RewardQuote(amount=amount, policy_version=policy.version,
                       factors={name: format(value.normalize(), "f") for name, value in factors.items()})


def flat_quote(policy_version: int, tokens_per_unit: int, units: int, *, unit_name: str) -> RewardQuote:
    """A reward of a fixed rate (verification, KB served)."""
    return RewardQuote(amount=tokens_per_unit * units, policy_version=policy_version,
                       factors={"rate": str(tokens_per_unit), unit_name: str(units)})


def decayed_reputation(stored: Decimal, since: datetime, now: datetime, *, half_life_days: Decimal) -> Decimal:
    """`stored` halves every `half_life_days`: stored x 0.5 ^ (elapsed / half-life), to 6 places."""
    elapsed = max(ZERO, Decimal(str((now - since).total_seconds())))
    with localcontext() as ctx:
        ctx.prec = 28
        value = Decimal(stored) * (Decimal("0.5") ** (elapsed / (Decimal(half_life_days) * SECONDS_PER_DAY)))
    return value.quantize(REPUTATION_PLACES, rounding=ROUND_HALF_EVEN)


def adjusted_reputation(stored: Decimal, since: datetime, now: datetime, *, half_life_days: Decimal,
                        delta: Decimal) -> Decimal:
    """Decay to `now`, then add `delta` (negative for a penalty); never below 0."""
    return max(
        ZERO.quantize(REPUTATION_PLACES), decayed_reputation(stored, since, now, half_life_days=half_life_days) + delta
    )


COMPLEXITY_FULL_LINES = 200  # an STF this long (or longer) earns the policy's maximum base
SAFETY_OF_STATUS = {"VERIFIED": ONE, "ACTIVE": Decimal("0.5"), "DRAFT": ZERO, "DEPRECATED": ZERO}
SCORE_PLACES = Decimal("0.0001")


def complexity_of_lines(lines: int) -> Decimal:
    """0 for a one-line STF, 1 from COMPLEXITY_FULL_LINES lines, logarithmic in between (10 lines: 0.4346):
    the tenth line of a transformation adds more than the hundred-and-tenth."""
    if lines < 1:
        raise ValueError("lines must be >= 1")
    with localcontext() as ctx:
        ctx.prec = 28
        value = Decimal(lines).ln() / Decimal(COMPLEXITY_FULL_LINES).ln()
    return min(ONE, value).quantize(SCORE_PLACES, rounding=ROUND_FLOOR)


def cost_saving(cost: Decimal | None, median: Decimal | None) -> Decimal:
    """The share of the usual LLM cost a run did not spend: 1 - cost / median, in [0, 1]; 0 (neutral:
    the cost factor is then 1) when either is unknown or the median is 0."""
    if cost is None or median is None or median <= 0:
        return ZERO
    with localcontext() as ctx:
        ctx.prec = 40
        value = ONE - Decimal(cost) / Decimal(median)
    return min(ONE, max(ZERO, value)).quantize(SCORE_PLACES, rounding=ROUND_FLOOR)


def median(values: list[Decimal]) -> Decimal | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def safety_of_status(status: str) -> Decimal:
    """VERIFIED is safe to apply unattended (1), ACTIVE half (0.5), anything else 0 (the policy's floor)."""
    return SAFETY_OF_STATUS.get(status, ZERO)


def tokens_for_usd(usd: Decimal, tokens_per_usd: int) -> int:
    """USD to tokens at the policy's rate, rounded up: a fraction of a token is a whole token."""
    if usd < 0:
        raise ValueError("usd must be >= 0")
    with localcontext() as ctx:
        ctx.prec = 40
        return int((Decimal(usd) * tokens_per_usd).to_integral_value(rounding=ROUND_CEILING))


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (the last day when that month is shorter)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def rolling_expiry(balance: int, reserved: int, credited_since_cutoff: int) -> int:
    """Tokens older than the window, spending the oldest first: what the balance holds beyond
    what arrived inside the window. Reserved tokens never expire."""
    return max(0, min(balance - credited_since_cutoff, balance - reserved))


def activity_expiry(balance: int, reserved: int, last_activity: datetime | None, *, cutoff: datetime) -> int:
    """Everything not reserved, when the account has had no activity since the cutoff."""
    if last_activity is not None and last_activity >= cutoff:
        return 0
    return max(0, balance - reserved)
