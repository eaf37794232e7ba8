"""Reading LiteLLM's `model_prices_and_context_window.json`: per-token USD prices become USD per
1M tokens (Decimal, from the float's shortest repr, so 2.5e-06 is exactly 2.5).

Besides the plain prices, an entry's tier prices are read: keys with `_above_<N>[k]_tokens` (prices
for prompts larger than N tokens), `_batches`, `_priority` and `_flex` (tiers of service), and both
together (`input_cost_per_token_above_200k_tokens_priority`), and `tiered_pricing` range tables (a range
starting at N is the level above N). Other variants (`_above_1hr` cache writes, audio, image, `_ultrafast`,
...) are not prices per text token of a tier this server knows, and are left out."""

from __future__ import annotations

import decimal
import json
import re
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
from services.pricing.tiers import MAX_THRESHOLD, ServiceTier, TierPrice, canonical

NO_OUTPUT_MODES = {"embedding", "rerank", "moderation"}
PER_TOKEN = {"input": "input_cost_per_token", "output": "output_cost_per_token",
             "cache_read": "cache_read_input_token_cost", "cache_write": "cache_creation_input_token_cost",
             "reasoning": "output_cost_per_reasoning_token"}


COMPONENT_OF = {column: name for name, column in PER_TOKEN.items()}
TIER_KEY = re.compile(r"^(?P<column>" + "|".join(map(re.escape, PER_TOKEN.values())) + r")"
                      r"(?:_above_(?P<n>\d+)(?P<k>k)?_tokens)?(?:_(?P<tier>batches|priority|flex))?$")
SUFFIX_TIER = {"batches": ServiceTier.BATCH, "priority": ServiceTier.PRIORITY, "flex": ServiceTier.FLEX}


def tier_levels(entry: dict[str, Any]) -> tuple[TierPrice, ...]:
    """The entry's tier prices (not its plain ones), USD per 1M tokens. Raises BadPrice."""
    levels: dict[tuple[ServiceTier, int], dict[str, Decimal]] = defaultdict(dict)
    for key, value in entry.items():
        match = TIER_KEY.match(key)
        if match is None or value is None or not (match["n"] or match["tier"]):
            continue
        above = int(match["n"]) * (1000 if match["k"] else 1) if match["n"] else 0
        tier = SUFFIX_TIER[match["tier"]] if match["tier"] else ServiceTier.STANDARD
        levels[(tier, above)][COMPONENT_OF[match["column"]]] = per_million(value)
    for start, prices in _ranges(entry.get("tiered_pricing")):
        if start > 0:
            levels[(ServiceTier.STANDARD, start)] |= prices
    if any(above > MAX_THRESHOLD for _, above in levels):
        raise BadPrice(f"a context threshold above {MAX_THRESHOLD} tokens")
    return canonical(TierPrice(tier, above, **prices) for (tier, above), prices in levels.items())


def _ranges(table: Any) -> list[tuple[int, dict[str, Decimal]]]:
    """`tiered_pricing`: [{"range": [start, end], "input_cost_per_token": ...}, ...] as (start, prices)."""
    if not isinstance(table, list):
        return []
    found = []
    for item in table:
        bounds = item.get("range") if isinstance(item, dict) else None
        if not isinstance(bounds, list) or len(bounds) != 2 or not isinstance(bounds[0], (int, float)):
            raise BadPrice(f"a tiered_pricing range that is not [start, end]: {bounds!r}")
        prices = {name: per_million(item[column]) for name, column in PER_TOKEN.items() if item.get(column) is not None}
        found.append((int(bounds[0]), prices))
    return found


def _base_prices(entry: dict[str, Any]) -> dict[str, Any]:
    """The plain per-token prices; a `tiered_pricing` table's first range (from 0) gives those it names."""
    base = dict(entry)
    first = [item for item in entry.get("tiered_pricing") or [] if isinstance(item, dict)
             and isinstance(item.get("range"), list) and item["range"] and item["range"][0] == 0]
    if first:
        base |= {column: first[0][column] for column in PER_TOKEN.values() if first[0].get(column) is not None}
    return base


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
        entry = _base_prices(entry)
        if entry.get(PER_TOKEN["input"]) is None:
            parsed.skipped[f"no per-token input price (mode {mode or 'not given'})"].append(key)
            continue
        if entry.get(PER_TOKEN["output"]) is None and mode not in NO_OUTPUT_MODES:
            parsed.skipped["no per-token output price"].append(key)
            continue
        try:
            prices = {name: per_million(entry[column]) if entry.get(column) is not None else None
                      for name, column in PER_TOKEN.items()}
            tiers = tier_levels(entry)
        except BadPrice as exc:
            parsed.skipped[f"invalid price ({exc})"].append(key)
            continue
        rates = Rates(input=prices["input"], output=prices["output"] if prices["output"] is not None else Decimal(0),
                      cache_read=prices["cache_read"], cache_write=prices["cache_write"],
                      reasoning=prices["reasoning"], tiers=tiers)
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
