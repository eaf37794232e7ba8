"""The model price catalog: periods of prices per provider+model, how a call's model name finds its
price, and what a call costs. Writes (one upsert, a whole LiteLLM import) share one planner."""

from __future__ import annotations

import decimal
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from models.auth import Principal
from models.columns import max_length
from models.pricing import ModelPrice
from services import clock
from services.errors import DomainError
from services.pricing.tiers import (
    COMPONENTS,
    MAX_THRESHOLD,
    ServiceTier,
    TierPrice,
    canonical,
    choose,
    tiers_json,
    tiers_of,
)
from subscriptions.outbox import record_events

PRICE_PLACES = 9  # USD per 1M tokens, stored as NUMERIC(18,9)
MAX_PRICE = Decimal("1000000")
PRICE_CHANGED = "pricing.price.changed.v1"
PRICE_LOCK = "SELECT pg_advisory_xact_lock(hashtext('omniclaude.model_prices'))"

# Names agents send for a provider that the catalog (LiteLLM's names) calls otherwise.
PROVIDER_ALIASES = {
    "google": "gemini", "google_ai_studio": "gemini", "googleai": "gemini",
    "azure_openai": "azure", "azureopenai": "azure",
    "aws_bedrock": "bedrock", "amazon_bedrock": "bedrock", "aws": "bedrock",
    "x-ai": "xai", "x.ai": "xai", "grok": "xai",
    "mistralai": "mistral", "mistral_ai": "mistral",
    "together": "together_ai", "togetherai": "together_ai",
    "fireworks": "fireworks_ai",
    "claude": "anthropic",
    # `gen_ai.provider.name` / `gen_ai.system` (OpenTelemetry GenAI) and `llm.system` (OpenInference) values
    "gcp.gen_ai": "gemini", "gcp.gemini": "gemini",
    "gcp.vertex_ai": "vertex_ai-language-models", "vertex_ai": "vertex_ai-language-models",
    "vertexai": "vertex_ai-language-models",
    "aws.bedrock": "bedrock", "amazon": "bedrock",
    "azure.ai.openai": "azure", "az.ai.openai": "azure",
    "azure.ai.inference": "azure_ai", "az.ai.inference": "azure_ai",
    "x_ai": "xai", "cohere": "cohere_chat", "ibm.watsonx.ai": "watsonx",
}


class Component(str, Enum):
    INPUT = "INPUT"
    OUTPUT = "OUTPUT"
    CACHE_READ = "CACHE_READ"
    CACHE_WRITE = "CACHE_WRITE"
    REASONING = "REASONING"


# A missing cache price is charged at the input price; a missing reasoning price at the output price.
FALLBACK = {Component.CACHE_READ: Component.INPUT, Component.CACHE_WRITE: Component.INPUT,
            Component.REASONING: Component.OUTPUT}
COLUMN = {Component.INPUT: "input_per_mtok", Component.OUTPUT: "output_per_mtok",
          Component.CACHE_READ: "cache_read_per_mtok", Component.CACHE_WRITE: "cache_write_per_mtok",
          Component.REASONING: "reasoning_per_mtok"}


@dataclass(frozen=True)
class Rates:
    """USD per 1M tokens; None for a cache or reasoning price the source did not give."""

    input: Decimal
    output: Decimal
    cache_read: Decimal | None = None
    cache_write: Decimal | None = None
    reasoning: Decimal | None = None
    tiers: tuple[TierPrice, ...] = ()  # service-tier and above-threshold levels (services/pricing/tiers.py)

    @classmethod
    def of(cls, row: ModelPrice) -> "Rates":
        return cls(row.input_per_mtok, row.output_per_mtok, row.cache_read_per_mtok, row.cache_write_per_mtok,
                   row.reasoning_per_mtok, tiers_of(row.tiers))

    def given(self, component: Component) -> Decimal | None:
        return {Component.INPUT: self.input, Component.OUTPUT: self.output, Component.CACHE_READ: self.cache_read,
                Component.CACHE_WRITE: self.cache_write, Component.REASONING: self.reasoning}[component]

    def effective(self, component: Component) -> Decimal:
        value = self.given(component)
        return value if value is not None else self.given(FALLBACK[component])  # type: ignore[return-value]

    def fallbacks(self) -> list[Component]:
        return [c for c in FALLBACK if self.given(c) is None]

    def same(self, other: "Rates") -> bool:
        return all(_eq(self.given(c), other.given(c)) for c in Component) and self.tiers == other.tiers

    def for_call(self, service_tier: ServiceTier, prompt_tokens: int) -> tuple["Rates", str]:
        """The plain rates a call is charged at, and the label of the tier level they come from."""
        if not self.tiers:
            return self, service_tier.STANDARD.value
        chosen = choose(dict(zip(COMPONENTS, (self.input, self.output, self.cache_read, self.cache_write,
                                              self.reasoning))), self.tiers, service_tier, prompt_tokens)
        return Rates(chosen.input, chosen.output, chosen.cache_read, chosen.cache_write, chosen.reasoning), chosen.tier


def _eq(a: Decimal | None, b: Decimal | None) -> bool:
    return a == b if a is not None and b is not None else a is None and b is None


@dataclass(frozen=True)
class Tokens:
    """Disjoint counts: each token of a call is in exactly one of these."""

    input: int
    output: int
    cache_read: int = 0
    cache_write: int = 0
    reasoning: int = 0

    @property
    def prompt(self) -> int:
        """The prompt's size, as context thresholds count it: input with cache reads and writes."""
        return self.input + self.cache_read + self.cache_write


_EXACT = decimal.Context(prec=80, traps=[decimal.Inexact, decimal.InvalidOperation])


def cost_of(rates: Rates, tokens: Tokens) -> Decimal:
    """USD, exact: sum of tokens x USD per 1M tokens, / 10^6. No rounding anywhere."""
    total = sum(
        (Decimal(count) * rates.effective(component) for component, count in (
            (Component.INPUT, tokens.input), (Component.OUTPUT, tokens.output),
            (Component.CACHE_READ, tokens.cache_read), (Component.CACHE_WRITE, tokens.cache_write),
            (Component.REASONING, tokens.reasoning))),
        Decimal(0),
    )
    return _EXACT.scaleb(_EXACT.plus(total), -6)


def price_call(row: ModelPrice, tokens: Tokens, service_tier: ServiceTier) -> tuple[Decimal, str]:
    """A call's exact cost from a price row, and the price component (tier level) it was charged at."""
    rates, tier = Rates.of(row).for_call(service_tier, tokens.prompt)
    return cost_of(rates, tokens), tier


def check_price(value: Decimal | None, field_name: str) -> Decimal | None:
    if value is None:
        return None
    if not value.is_finite() or value < 0 or value > MAX_PRICE:
        raise DomainError(field_name, f"must be a USD amount per 1M tokens between 0 and {MAX_PRICE}")
    if value != value.quantize(Decimal(1).scaleb(-PRICE_PLACES), rounding=decimal.ROUND_DOWN):
        raise DomainError(field_name, f"at most {PRICE_PLACES} decimal places")
    return value


TIER_FIELDS = {"input": "inputUsdPerMtok", "output": "outputUsdPerMtok", "cache_read": "cacheReadUsdPerMtok",
               "cache_write": "cacheWriteUsdPerMtok", "reasoning": "reasoningUsdPerMtok"}


def check_tiers(tiers: Sequence[TierPrice], field_name: str = "tiers") -> tuple[TierPrice, ...]:
    """Tier levels as given by an admin: each a distinct (service tier, threshold) with at least one price."""
    seen: set[tuple[ServiceTier, int]] = set()
    for i, tier in enumerate(tiers):
        at = f"{field_name}[{i}]."
        if not 0 <= tier.above_tokens <= MAX_THRESHOLD:
            raise DomainError(at + "aboveTokens", f"must be between 0 and {MAX_THRESHOLD}")
        if tier.service_tier is ServiceTier.STANDARD and tier.above_tokens == 0:
            raise DomainError(at + "aboveTokens", "the STANDARD prices for any prompt size are the price's own "
                                                  "inputUsdPerMtok, outputUsdPerMtok, ...: give a threshold")
        if (tier.service_tier, tier.above_tokens) in seen:
            raise DomainError(at + "serviceTier", "the same service tier and threshold are given twice", "DUPLICATE")
        seen.add((tier.service_tier, tier.above_tokens))
        if all(tier.given(c) is None for c in COMPONENTS):
            raise DomainError(at + "inputUsdPerMtok", "give at least one price for this tier level")
        for component in COMPONENTS:
            check_price(tier.given(component), at + TIER_FIELDS[component])
    return canonical(tiers)


def canonical_provider(provider: str) -> str:
    name = provider.strip().lower()
    return PROVIDER_ALIASES.get(name, name)


def name_candidates(provider: str, model: str) -> list[tuple[str, str]]:
    """Catalog keys to try for a call's provider and model, in order: exact first, then aliases
    (provider aliases, a leading `provider/` on the model, lower case)."""
    raw_provider, model = provider.strip(), model.strip()
    canon = canonical_provider(provider)
    keys = [(raw_provider, model), (canon, model)]
    head, sep, rest = model.partition("/")
    if sep and rest and canonical_provider(head) == canon:
        keys.append((canon, rest))
    keys += [(p, m.lower()) for p, m in keys]
    return list(dict.fromkeys(keys))


@dataclass
class PriceMatch:
    price: ModelPrice | None
    reason: str | None  # why there is no price


class PriceBook:
    """The catalog's live periods for some names, loaded once, to price many calls in memory."""

    def __init__(self, rows: Iterable[ModelPrice]) -> None:
        self.periods: dict[tuple[str, str], list[ModelPrice]] = defaultdict(list)
        for row in rows:
            self.periods[(row.provider, row.model)].append(row)
        for periods in self.periods.values():
            periods.sort(key=lambda r: r.effective_from)

    @classmethod
    async def load(cls, names: Iterable[tuple[str, str]], conn: BaseDBAsyncClient | None = None) -> "PriceBook":
        keys = {k for provider, model in set(names) for k in name_candidates(provider, model)}
        if not keys:
            return cls([])
        query = ModelPrice.filter(superseded_by_id__isnull=True, provider__in=list({p for p, _ in keys}),
                                  model__in=list({m for _, m in keys}))
        rows = await (query.using_db(conn) if conn else query)
        return cls(rows)

    def match(self, provider: str, model: str, at: datetime) -> PriceMatch:
        for key in name_candidates(provider, model):
            periods = self.periods.get(key)
            if not periods:
                continue
            for row in periods:
                if row.effective_from <= at and (row.effective_to is None or at < row.effective_to):
                    return PriceMatch(row, None)
            return PriceMatch(None, f"no price for {key[0]}/{key[1]} in force at {at.isoformat()}; "
                                    f"its first period starts at {periods[0].effective_from.isoformat()}")
        return PriceMatch(None, f"model {provider}/{model} is not in the price catalog")


async def price_at(provider: str, model: str, at: datetime) -> ModelPrice | None:
    return (await PriceBook.load([(provider, model)])).match(provider, model, at).price


# ---- writes -------------------------------------------------------------------------------------


class Action(str, Enum):
    CREATED = "CREATED"          # the first period of this provider+model
    CHANGED = "CHANGED"          # a new period; the one in force at effectiveFrom now ends there
    CORRECTED = "CORRECTED"      # replaces the period that starts exactly at effectiveFrom
    UNCHANGED = "UNCHANGED"      # the same prices are already in force at effectiveFrom
    EXISTS = "EXISTS"            # seeding only: the catalog already has this provider+model


@dataclass
class PriceSpec:
    provider: str
    model: str
    rates: Rates
    source: str


@dataclass
class Outcome:
    spec: PriceSpec
    action: Action
    price: ModelPrice  # the new row, or the existing one for UNCHANGED / EXISTS
    closed: ModelPrice | None = None
    superseded: ModelPrice | None = None


@dataclass
class _Plan:
    outcomes: list[Outcome] = field(default_factory=list)
    inserts: list[ModelPrice] = field(default_factory=list)
    closes: list[ModelPrice] = field(default_factory=list)
    supersedes: list[tuple[ModelPrice, ModelPrice]] = field(default_factory=list)


def _plan(specs: Sequence[PriceSpec], book: PriceBook, effective_from: datetime, *, by: Principal | None,
          only_missing: bool) -> _Plan:
    plan = _Plan()
    for spec in specs:
        periods = book.periods.get((spec.provider, spec.model), [])
        new = ModelPrice(provider=spec.provider, model=spec.model, input_per_mtok=spec.rates.input,
                         output_per_mtok=spec.rates.output, cache_read_per_mtok=spec.rates.cache_read,
                         cache_write_per_mtok=spec.rates.cache_write, reasoning_per_mtok=spec.rates.reasoning,
                         tiers=tiers_json(spec.rates.tiers), effective_from=effective_from, source=spec.source,
                         created_by_id=by.id if by else None)
        if only_missing and periods and not _seeded_without_tiers(periods, spec, effective_from):
            plan.outcomes.append(Outcome(spec, Action.EXISTS, periods[-1]))
            continue
        covering = next((p for p in periods if p.effective_from <= effective_from
                         and (p.effective_to is None or effective_from < p.effective_to)), None)
        if covering is not None and Rates.of(covering).same(spec.rates):
            plan.outcomes.append(Outcome(spec, Action.UNCHANGED, covering))
            continue
        if covering is not None and covering.effective_from == effective_from:
            new.effective_to = covering.effective_to
            plan.supersedes.append((covering, new))
            plan.outcomes.append(Outcome(spec, Action.CORRECTED, new, superseded=covering))
        elif covering is not None:
            new.effective_to = covering.effective_to
            covering.effective_to = effective_from
            plan.closes.append(covering)
            plan.outcomes.append(Outcome(spec, Action.CHANGED, new, closed=covering))
        else:
            later = [p.effective_from for p in periods if p.effective_from > effective_from]
            new.effective_to = min(later) if later else None
            plan.outcomes.append(Outcome(spec, Action.CREATED, new))
        plan.inserts.append(new)
    return plan


def _seeded_without_tiers(periods: list[ModelPrice], spec: PriceSpec, effective_from: datetime) -> bool:
    """A period the seed itself wrote before tier prices were imported, with the same plain prices: the
    seed corrects it (the old row stays, superseded) so that the default catalog gains its tier prices.
    Anything an admin wrote is never touched."""
    if len(periods) != 1:
        return False
    row = periods[0]
    return (row.created_by_id is None and row.source == spec.source and row.effective_from == effective_from
            and not row.tiers and bool(spec.rates.tiers)
            and Rates.of(row).same(Rates(spec.rates.input, spec.rates.output, spec.rates.cache_read,
                                         spec.rates.cache_write, spec.rates.reasoning)))


async def _apply(plan: _Plan, conn: BaseDBAsyncClient) -> None:
    """Closes and supersedes first, then the new rows, so no two live periods ever overlap."""
    if not plan.inserts:
        return
    _, ids = await conn.execute_query(
        "SELECT nextval(pg_get_serial_sequence('model_prices', 'id')) AS id FROM generate_series(1, $1)",
        [len(plan.inserts)])
    now = clock.now()
    for row, new_id in zip(plan.inserts, ids):
        row.id = new_id["id"]
        row.created_at = now
    if plan.closes:
        await conn.execute_query(
            'UPDATE "model_prices" p SET "effective_to" = v.t FROM unnest($1::bigint[], $2::timestamptz[]) '
            'AS v(id, t) WHERE p."id" = v.id', [[r.id for r in plan.closes], [r.effective_to for r in plan.closes]])
    if plan.supersedes:
        await conn.execute_query(
            'UPDATE "model_prices" p SET "superseded_by_id" = v.new, "superseded_at" = $3 '
            'FROM unnest($1::bigint[], $2::bigint[]) AS v(old, new) WHERE p."id" = v.old',
            [[old.id for old, _ in plan.supersedes], [new.id for _, new in plan.supersedes], now])
        for old, new in plan.supersedes:
            old.superseded_by_id, old.superseded_at = new.id, now
    rows = plan.inserts
    await conn.execute_query(
        'INSERT INTO "model_prices" ("id", "provider", "model", "input_per_mtok", "output_per_mtok", '
        '"cache_read_per_mtok", "cache_write_per_mtok", "reasoning_per_mtok", "effective_from", "effective_to", '
        '"source", "created_by_id", "tiers", "created_at") '
        'SELECT v.id, v.provider, v.model, v.i, v.o, v.cr, v.cw, v.r, v.f, v.t, v.s, v.b, v.tiers::jsonb, '
        '$14::timestamptz '
        'FROM unnest($1::bigint[], $2::text[], $3::text[], $4::numeric[], $5::numeric[], $6::numeric[], '
        '$7::numeric[], $8::numeric[], $9::timestamptz[], $10::timestamptz[], $11::text[], $12::bigint[], $13::text[]) '
        'AS v(id, provider, model, i, o, cr, cw, r, f, t, s, b, tiers)',
        [[r.id for r in rows], [r.provider for r in rows], [r.model for r in rows],
         [r.input_per_mtok for r in rows], [r.output_per_mtok for r in rows], [r.cache_read_per_mtok for r in rows],
         [r.cache_write_per_mtok for r in rows], [r.reasoning_per_mtok for r in rows],
         [r.effective_from for r in rows], [r.effective_to for r in rows], [r.source for r in rows],
         [r.created_by_id for r in rows], [json.dumps(r.tiers) for r in rows], now])
    await record_events(
        PRICE_CHANGED, [_event(o) for o in plan.outcomes if o.action not in (Action.UNCHANGED, Action.EXISTS)], conn
    )


def _event(outcome: Outcome) -> dict[str, Any]:
    row = outcome.price
    return {"priceId": row.id, "provider": row.provider, "model": row.model, "action": outcome.action,
            "inputPerMtok": row.input_per_mtok, "outputPerMtok": row.output_per_mtok,
            "cacheReadPerMtok": row.cache_read_per_mtok, "cacheWritePerMtok": row.cache_write_per_mtok,
            "reasoningPerMtok": row.reasoning_per_mtok, "tiers": row.tiers, "effectiveFrom": row.effective_from,
            "effectiveTo": row.effective_to, "source": row.source,
            "closedPriceId": outcome.closed.id if outcome.closed else None,
            "supersededPriceId": outcome.superseded.id if outcome.superseded else None}


async def write_prices(specs: Sequence[PriceSpec], effective_from: datetime, by: Principal | None,
                       *, only_missing: bool = False) -> list[Outcome]:
    """One transaction for any number of prices; price writers queue on one advisory lock."""
    async with in_transaction() as conn:
        await conn.execute_query(PRICE_LOCK)
        book = PriceBook(await ModelPrice.filter(
            superseded_by_id__isnull=True, provider__in=list({s.provider for s in specs})).using_db(conn))
        plan = _plan(specs, book, effective_from, by=by, only_missing=only_missing)
        await _apply(plan, conn)
    return plan.outcomes


NAME_LIMITS = {name: max_length(ModelPrice, name) for name in ("provider", "model", "source")}


def check_name(value: str, field_name: str) -> str:
    value = value.strip()
    if not value or len(value) > NAME_LIMITS[field_name] or any(c.isspace() for c in value):
        raise DomainError(field_name, f"must be 1-{NAME_LIMITS[field_name]} characters without spaces")
    return value


async def upsert_price(provider: str, model: str, rates: Rates, *, effective_from: datetime | None, source: str,
                       by: Principal) -> Outcome:
    provider = check_name(provider, "provider").lower()
    model = check_name(model, "model")
    source = source.strip()
    if not source or len(source) > NAME_LIMITS["source"]:
        raise DomainError("source", f"must be 1-{NAME_LIMITS['source']} characters: the URL or file the price "
                                    "comes from")
    for component, name in ((Component.INPUT, "inputUsdPerMtok"), (Component.OUTPUT, "outputUsdPerMtok"),
                            (Component.CACHE_READ, "cacheReadUsdPerMtok"),
                            (Component.CACHE_WRITE, "cacheWriteUsdPerMtok"),
                            (Component.REASONING, "reasoningUsdPerMtok")):
        check_price(rates.given(component), name)
    rates = replace(rates, tiers=check_tiers(rates.tiers))
    at = effective_from or clock.now()
    if at.tzinfo is None:
        raise DomainError("effectiveFrom", "must carry a time zone offset (UTC is Z)")
    [outcome] = await write_prices([PriceSpec(provider, model, rates, source)], at, by)
    return outcome


async def price_by_id(price_id: int) -> ModelPrice | None:
    return await ModelPrice.get_or_none(id=price_id)


def prices_query(*, provider: str | None, model: str | None, include_superseded: bool) -> QuerySet[ModelPrice]:
    query = ModelPrice.all() if include_superseded else ModelPrice.filter(superseded_by_id__isnull=True)
    if provider is not None:
        query = query.filter(provider=provider.strip().lower())
    return query.filter(model=model.strip()) if model is not None else query
