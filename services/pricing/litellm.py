"""Reading LiteLLM's `model_prices_and_context_window.json`: per-token USD prices become USD per
1M tokens (Decimal, from the float's shortest repr, so 2.5e-06 is exactly 2.5)."""

from __future__ import annotations

import decimal
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

from models.auth import Principal
from services import clock
from services.errors import DomainError
from services.pricing.catalog import NAME_LIMITS, PRICE_PLACES, Action, PriceSpec, Rates, write_prices

NO_OUTPUT_MODES = {"embedding", "rerank", "moderation"}
PER_TOKEN = {"input": "input_cost_per_token", "output": "output_cost_per_token",
             "cache_read": "cache_read_input_token_cost", "cache_write": "cache_creation_input_token_cost",
             "reasoning": "output_cost_per_reasoning_token"}


@dataclass
class Parsed:
    specs: list[PriceSpec] = field(default_factory=list)
    skipped: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # reason -> keys


class BadPrice(ValueError):
    pass


def per_million(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise BadPrice(f"not a number: {value!r}")
    try:
        amount = Decimal(repr(value) if isinstance(value, float) else str(value))
    except decimal.InvalidOperation:
        raise BadPrice(f"not a number: {value!r}") from None
    if not amount.is_finite() or amount < 0:
        raise BadPrice(f"not a price: {value!r}")
    # float noise (3.0000000000000004e-07) is rounded away at 9 places of USD per 1M tokens
    return amount.scaleb(6).quantize(Decimal(1).scaleb(-PRICE_PLACES), rounding=decimal.ROUND_HALF_EVEN)


def parse(catalog: Any, source: str) -> Parsed:
    """Every entry becomes a PriceSpec, or is skipped with a reason (grouped, with the keys)."""
    parsed = Parsed()
    if not isinstance(catalog, dict):
        parsed.skipped["the file is not a JSON object of model entries"].append(source)
        return parsed
    seen: dict[tuple[str, str], tuple[str, Rates]] = {}
    for key, entry in catalog.items():
        if key == "sample_spec":
            parsed.skipped["the format's documentation entry, not a model"].append(key)
            continue
        if not isinstance(entry, dict):
            parsed.skipped["entry is not an object"].append(key)
            continue
        provider = entry.get("litellm_provider")
        if not isinstance(provider, str) or not provider.strip():
            parsed.skipped["no litellm_provider"].append(key)
            continue
        provider = provider.strip().lower()
        mode = entry.get("mode")
        if entry.get(PER_TOKEN["input"]) is None:
            parsed.skipped[f"no per-token input price (mode {mode or 'not given'})"].append(key)
            continue
        if entry.get(PER_TOKEN["output"]) is None and mode not in NO_OUTPUT_MODES:
            parsed.skipped["no per-token output price"].append(key)
            continue
        try:
            prices = {name: per_million(entry[column]) if entry.get(column) is not None else None
                      for name, column in PER_TOKEN.items()}
        except BadPrice as exc:
            parsed.skipped[f"invalid price ({exc})"].append(key)
            continue
        rates = Rates(input=prices["input"], output=prices["output"] if prices["output"] is not None else Decimal(0),
                      cache_read=prices["cache_read"], cache_write=prices["cache_write"],
                      reasoning=prices["reasoning"])
        model = key.strip()
        if model.lower().startswith(provider + "/"):
            model = model[len(provider) + 1:]
        if not model or len(model) > 200 or len(provider) > 64 or any(c.isspace() for c in model + provider):
            parsed.skipped["provider or model name too long or with spaces"].append(key)
            continue
        earlier = seen.get((provider, model))
        if earlier is not None:
            same = "same prices" if earlier[1].same(rates) else "other prices; the first entry wins"
            parsed.skipped[f"same provider and model as an earlier entry once the provider prefix is dropped "
                           f"({same})"].append(key)
            continue
        seen[(provider, model)] = (key, rates)
        parsed.specs.append(PriceSpec(provider, model, rates, source))
    return parsed


@dataclass
class ImportReport:
    imported: int
    updated: int
    skipped: dict[str, list[str]]  # reason -> keys

    @property
    def skipped_count(self) -> int:
        return sum(len(keys) for keys in self.skipped.values())


DEFAULT_CATALOG = Path(__file__).parent / "data" / "litellm_model_prices.json"
DEFAULT_CATALOG_SOURCE = "omniclaude default catalog (subset of LiteLLM model_prices_and_context_window.json 1.109.1)"
# LiteLLM's file carries no dates; the default catalog's periods start here so that calls from
# before the first `serve` are priced too. Correct a price from its real date with modelPriceUpsert.
DEFAULT_CATALOG_FROM = datetime(2020, 1, 1, tzinfo=timezone.utc)


def load_json(raw: bytes | str, field_name: str) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise DomainError(field_name, f"not JSON: {exc}") from None


async def import_catalog(catalog: Any, source: str, effective_from: datetime | None, *, by: Principal | None,
                         only_missing: bool = False) -> ImportReport:
    """Import a LiteLLM catalog in one transaction. `only_missing` (the seed) adds only provider+model
    pairs the catalog does not have yet, so reseeding never closes or duplicates a period."""
    at = effective_from or clock.now()
    if at.tzinfo is None:
        raise DomainError("effectiveFrom", "must carry a time zone offset (UTC is Z)")
    if not source.strip() or len(source) > NAME_LIMITS["source"]:
        raise DomainError("source", f"must be 1-{NAME_LIMITS['source']} characters: the URL or file the prices "
                                    "come from")
    parsed = parse(catalog, source.strip())
    if not parsed.specs and not any("documentation" in reason for reason in parsed.skipped):
        raise DomainError("catalog", "no entry with per-token prices: is this LiteLLM's model price file?")
    outcomes = await write_prices(parsed.specs, at, by, only_missing=only_missing)
    skipped = dict(parsed.skipped)
    for outcome in outcomes:
        if outcome.action is Action.UNCHANGED:
            skipped.setdefault("unchanged: the same prices are already in force", []).append(
                f"{outcome.spec.provider}/{outcome.spec.model}"
            )
        elif outcome.action is Action.EXISTS:
            skipped.setdefault("already in the catalog (seeding adds missing models only)", []).append(
                f"{outcome.spec.provider}/{outcome.spec.model}"
            )
    return ImportReport(
        imported=sum(o.action is Action.CREATED for o in outcomes),
        updated=sum(o.action in (Action.CHANGED, Action.CORRECTED) for o in outcomes),
        skipped=skipped,
    )


async def seed_default_catalog() -> ImportReport:
    return await import_catalog(json.loads(DEFAULT_CATALOG.read_text()), DEFAULT_CATALOG_SOURCE,
                                DEFAULT_CATALOG_FROM, by=None, only_missing=True)
