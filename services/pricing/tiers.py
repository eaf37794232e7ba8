"""Prices that depend on the call: a tier of service (BATCH, PRIORITY, FLEX) and the prompt's size
(prices above a context threshold, LiteLLM's `*_above_200k_tokens`). Pure rules, no database.

A price row's own rates are the STANDARD prices for any prompt size. A tier level adds prices for one
(service tier, threshold) pair; a component the level does not give is looked up, in this order, at
(tier, threshold), (STANDARD, threshold), (tier, base), then the row's own rates, and last through the
usual fallbacks (cache prices -> the chosen input price, reasoning -> the chosen output price). This is
how LiteLLM reads its own keys: above a threshold every token of the call takes the higher rate (not
only the tokens past it), and a threshold applies when the prompt is strictly larger."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any

COMPONENTS = ("input", "output", "cache_read", "cache_write", "reasoning")
MAX_THRESHOLD = 10**9


class ServiceTier(str, Enum):
    STANDARD = "STANDARD"
    BATCH = "BATCH"
    PRIORITY = "PRIORITY"
    FLEX = "FLEX"


@dataclass(frozen=True, order=True)
class TierPrice:
    """USD per 1M tokens for one (service tier, prompt threshold) pair; None where not given.
    `above_tokens` 0 is the tier's base level (any prompt size)."""

    service_tier: ServiceTier
    above_tokens: int
    input: Decimal | None = None
    output: Decimal | None = None
    cache_read: Decimal | None = None
    cache_write: Decimal | None = None
    reasoning: Decimal | None = None

    def given(self, component: str) -> Decimal | None:
        return getattr(self, component)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"serviceTier": self.service_tier.value, "aboveTokens": self.above_tokens}
        for component in COMPONENTS:
            if (value := self.given(component)) is not None:
                data[component] = str(value)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "TierPrice":
        return cls(ServiceTier(data["serviceTier"]), int(data["aboveTokens"]),
                   *(Decimal(data[c]) if data.get(c) is not None else None for c in COMPONENTS))


def canonical(tiers: Iterable[TierPrice]) -> tuple[TierPrice, ...]:
    """Sorted by (tier, threshold), levels that give no price dropped: the form rows store and compare."""
    order = list(ServiceTier)
    kept = [t for t in tiers if any(t.given(c) is not None for c in COMPONENTS)]
    return tuple(sorted(kept, key=lambda t: (order.index(t.service_tier), t.above_tokens)))


def tiers_of(stored: Sequence[dict[str, Any]] | None) -> tuple[TierPrice, ...]:
    return canonical(TierPrice.from_json(item) for item in stored or ())


def tiers_json(tiers: Iterable[TierPrice]) -> list[dict[str, Any]]:
    return [t.to_json() for t in canonical(tiers)]


def label(service_tier: ServiceTier, above_tokens: int) -> str:
    """`PRIORITY`, `STANDARD_ABOVE_200K`: the price component a call was charged at."""
    if not above_tokens:
        return service_tier.value
    size = f"{above_tokens // 1000}K" if above_tokens % 1000 == 0 else str(above_tokens)
    return f"{service_tier.value}_ABOVE_{size}"


@dataclass(frozen=True)
class Chosen:
    """The rates a call is charged at (every component resolved except the cross-component fallbacks,
    which stay None as in a plain price) and the label of the level they come from."""

    input: Decimal
    output: Decimal
    cache_read: Decimal | None
    cache_write: Decimal | None
    reasoning: Decimal | None
    tier: str


def choose(base: dict[str, Decimal | None], tiers: Sequence[TierPrice], service_tier: ServiceTier,
           prompt_tokens: int) -> Chosen:
    """The rates for a call of `service_tier` whose prompt (input + cache read + cache write tokens)
    is `prompt_tokens`, given a row's own rates (`base`, its STANDARD prices) and its tier levels."""
    relevant = {(t.service_tier, t.above_tokens): t for t in tiers
                if t.service_tier in (service_tier, ServiceTier.STANDARD)}
    thresholds = sorted({above for _, above in relevant if above > 0}, reverse=True)
    above = next((threshold for threshold in thresholds if prompt_tokens > threshold), 0)
    chain = [relevant.get(key) for key in dict.fromkeys(
        ((service_tier, above), (ServiceTier.STANDARD, above), (service_tier, 0)))]
    levels = [level for level in chain if level is not None]
    values: dict[str, Decimal | None] = {}
    for component in COMPONENTS:
        values[component] = next((v for level in levels if (v := level.given(component)) is not None),
                                 base.get(component))
    used_tier = service_tier if any(level.service_tier is service_tier for level in levels) else ServiceTier.STANDARD
    used_above = above if any(level.above_tokens == above for level in levels) else 0
    return Chosen(values["input"], values["output"], values["cache_read"], values["cache_write"],  # type: ignore[arg-type]
                  values["reasoning"], label(used_tier, used_above))
