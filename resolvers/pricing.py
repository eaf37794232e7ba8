"""The model price catalog: `modelPrices`, `modelPriceAt`, `modelPriceUpsert`, `modelPricesImport`."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from models import pricing as m
from resolvers.loaders import load_one
from resolvers.node import register_node
from resolvers.payload import attempt, user_error_type
from resolvers.permissions import IsAdmin, IsAuthenticated
from resolvers.relay import Connection, Node, paginate, to_global_id
from services import errors
from services.pricing import catalog as pricing_service
from services.pricing import litellm as litellm_catalog

PricingUserError = user_error_type(errors.PRICING)

PriceComponent = strawberry.enum(
    pricing_service.Component, name="PriceComponent", description="A kind of token with its own price."
)
PriceChange = strawberry.enum(
    pricing_service.Action, name="PriceChange", description="What a price write did to the catalog."
)


@strawberry.type(description="A price the source did not give, charged at another component's price.")
class PriceFallback:
    component: PriceComponent
    uses_price_of: PriceComponent


@strawberry.type(description=(
    "The price of a provider+model over [effectiveFrom, effectiveTo), in USD per 1M tokens. Periods of one "
    "provider+model never overlap; `effectiveTo` is null for the price in force now."))
class ModelPrice(Node):
    provider: str
    model: str
    input_usd_per_mtok: Decimal
    output_usd_per_mtok: Decimal
    cache_read_usd_per_mtok: Decimal = strawberry.field(description="Falls back to the input price when not given.")
    cache_write_usd_per_mtok: Decimal = strawberry.field(description="Falls back to the input price when not given.")
    reasoning_usd_per_mtok: Decimal = strawberry.field(description="Falls back to the output price when not given.")
    fallbacks: list[PriceFallback] = strawberry.field(description="Which of the prices above are fallbacks.")
    effective_from: datetime
    effective_to: datetime | None
    source: str = strawberry.field(description="The URL or file the price comes from.")
    superseded_at: datetime | None = strawberry.field(
        description="Set when a correction (a price with the same effectiveFrom) replaced this row.")
    created_at: datetime
    superseded_by_pk: strawberry.Private[int | None]

    @classmethod
    def of(cls, row: m.ModelPrice) -> "ModelPrice":
        rates = pricing_service.Rates.of(row)
        c = pricing_service.Component
        return cls(id=to_global_id("ModelPrice", row.id), provider=row.provider, model=row.model,
                   input_usd_per_mtok=rates.input, output_usd_per_mtok=rates.output,
                   cache_read_usd_per_mtok=rates.effective(c.CACHE_READ),
                   cache_write_usd_per_mtok=rates.effective(c.CACHE_WRITE),
                   reasoning_usd_per_mtok=rates.effective(c.REASONING),
                   fallbacks=[PriceFallback(component=f, uses_price_of=pricing_service.FALLBACK[f])
                              for f in rates.fallbacks()],
                   effective_from=row.effective_from, effective_to=row.effective_to, source=row.source,
                   superseded_at=row.superseded_at, created_at=row.created_at,
                   superseded_by_pk=row.superseded_by_id)

    @strawberry.field(description="The correction that replaced this row, if any.")
    async def superseded_by(self, info: Info) -> "ModelPrice | None":
        return await load_one(info, m.ModelPrice, self.superseded_by_pk, ModelPrice.of)


async def _load_price(pk: int, info: Info) -> ModelPrice | None:
    row = await pricing_service.price_by_id(pk)
    return ModelPrice.of(row) if row else None


register_node("ModelPrice", _load_price)


@strawberry.input
class ModelPriceUpsertInput:
    provider: str = strawberry.field(description="LiteLLM's provider name: openai, anthropic, gemini, azure, ...")
    model: str
    input_usd_per_mtok: Decimal
    output_usd_per_mtok: Decimal
    cache_read_usd_per_mtok: Decimal | None = None
    cache_write_usd_per_mtok: Decimal | None = None
    reasoning_usd_per_mtok: Decimal | None = None
    effective_from: datetime | None = strawberry.field(default=None, description="Default: now.")
    source: str = strawberry.field(description="The URL or file the price comes from.")


@strawberry.type
class ModelPriceUpsertPayload:
    price: ModelPrice | None = strawberry.field(description="The price in force from effectiveFrom.")
    change: PriceChange | None
    closed_price: ModelPrice | None = strawberry.field(description="The period that now ends at effectiveFrom.")
    superseded_price: ModelPrice | None = strawberry.field(description="The row a correction replaced.")
    user_errors: list[PricingUserError]


@strawberry.input
class ModelPricesImportInput:
    catalog: JSON = strawberry.field(
        description="The parsed content of LiteLLM's model_prices_and_context_window.json."
    )
    source: str = strawberry.field(description="Where the file comes from (URL or file name).")
    effective_from: datetime | None = strawberry.field(default=None, description="Default: now.")


@strawberry.type(description="Entries not imported for one reason.")
class ImportSkip:
    reason: str
    count: int
    examples: list[str] = strawberry.field(description="Up to 5 of the entries' keys.")


@strawberry.type
class ModelPricesImportPayload:
    imported: int = strawberry.field(description="Provider+model pairs new to the catalog.")
    updated: int = strawberry.field(description="Pairs whose price changed: a new period from effectiveFrom.")
    skipped: int
    skipped_reasons: list[ImportSkip]
    user_errors: list[PricingUserError]


def import_skips(skipped: dict[str, list[str]]) -> list[ImportSkip]:
    return [ImportSkip(reason=reason, count=len(keys), examples=keys[:5])
            for reason, keys in sorted(skipped.items(), key=lambda item: -len(item[1]))]


@strawberry.type
class PricingQuery:
    @strawberry.field(description="Price periods, by provider and model, newest period first; public.")
    async def model_prices(self, info: Info, provider: str | None = None, model: str | None = None,
                           include_superseded: bool = False, first: int | None = None,
                           after: str | None = None) -> Connection[ModelPrice]:
        query = pricing_service.prices_query(provider=provider, model=model, include_superseded=include_superseded)
        return await paginate(query, first=first, after=after, order=["provider", "model", "-effective_from", "-id"],
                              to_node=ModelPrice.of, max_page_size=info.context.max_page_size)

    @strawberry.field(description=(
        "The price in force at `at` (default now) for a model name as agents send it: matched exactly, then "
        "through aliases (`openai/gpt-4o` = `gpt-4o`, provider `google` = `gemini`, any case); public."))
    async def model_price_at(self, provider: str, model: str, at: datetime | None = None) -> ModelPrice | None:
        row = await pricing_service.price_at(provider, model, at or datetime.now(timezone.utc))
        return ModelPrice.of(row) if row else None


@strawberry.type
class PricingMutation:
    @strawberry.mutation(permission_classes=[IsAuthenticated, IsAdmin], description=(
        "Set the price of a provider+model from effectiveFrom (ADMIN). The period in force then ends there; "
        "the same effectiveFrom as an existing period corrects it (the old row stays, superseded)."))
    async def model_price_upsert(self, info: Info, input: ModelPriceUpsertInput) -> ModelPriceUpsertPayload:
        rates = pricing_service.Rates(input.input_usd_per_mtok, input.output_usd_per_mtok,
                                      input.cache_read_usd_per_mtok, input.cache_write_usd_per_mtok,
                                      input.reasoning_usd_per_mtok)
        outcome, errors = await attempt(
            pricing_service.upsert_price(
                input.provider,
                input.model,
                rates,
                effective_from=input.effective_from,
                source=input.source,
                by=info.context.principal,
            )
        )
        if outcome is None:
            return ModelPriceUpsertPayload(price=None, change=None, closed_price=None, superseded_price=None,
                                           user_errors=errors)
        return ModelPriceUpsertPayload(
            price=ModelPrice.of(outcome.price), change=outcome.action,
            closed_price=ModelPrice.of(outcome.closed) if outcome.closed else None,
            superseded_price=ModelPrice.of(outcome.superseded) if outcome.superseded else None, user_errors=[])

    @strawberry.mutation(permission_classes=[IsAuthenticated, IsAdmin], description=(
        "Import LiteLLM's model price file (ADMIN): counts of imported, updated and skipped entries with reasons."))
    async def model_prices_import(self, info: Info, input: ModelPricesImportInput) -> ModelPricesImportPayload:
        report, errors = await attempt(litellm_catalog.import_catalog(
            input.catalog, input.source, input.effective_from, by=info.context.principal))
        if report is None:
            return ModelPricesImportPayload(imported=0, updated=0, skipped=0, skipped_reasons=[], user_errors=errors)
        return ModelPricesImportPayload(imported=report.imported, updated=report.updated,
                                        skipped=report.skipped_count, skipped_reasons=import_skips(report.skipped),
                                        user_errors=[])
