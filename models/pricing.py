from __future__ import annotations

from enum import Enum

from tortoise import fields
from tortoise.models import Model

from models.columns import CharField

USD_PER_MTOK = {"max_digits": 18, "decimal_places": 9}


class ModelPrice(Model):
    """The price of one provider+model over [effective_from, effective_to) in USD per 1M tokens.

    Rows are never deleted or re-priced in place: a correction supersedes a row with a new one
    (`superseded_by`), and only rows not superseded take part in the no-overlap rule (an EXCLUDE
    constraint in the migration). A missing cache or reasoning price is NULL here and falls back
    at pricing time (cache -> input, reasoning -> output)."""

    id = fields.BigIntField(primary_key=True)
    provider = CharField(max_length=64)
    model = CharField(max_length=200)
    input_per_mtok = fields.DecimalField(**USD_PER_MTOK)
    output_per_mtok = fields.DecimalField(**USD_PER_MTOK)
    cache_read_per_mtok = fields.DecimalField(**USD_PER_MTOK, null=True)
    cache_write_per_mtok = fields.DecimalField(**USD_PER_MTOK, null=True)
    reasoning_per_mtok = fields.DecimalField(**USD_PER_MTOK, null=True)
    # tier levels: [{"serviceTier": "PRIORITY", "aboveTokens": 200000, "input": "4.5", ...}], decimals as strings
    tiers = fields.JSONField(default=list)
    effective_from = fields.DatetimeField()
    effective_to = fields.DatetimeField(null=True)
    source = CharField(max_length=500)
    superseded_by_id = fields.BigIntField(null=True)  # a self-reference; its FK is in the SQL migration
    superseded_at = fields.DatetimeField(null=True)
    created_by = fields.ForeignKeyField("models.Principal", related_name=False, null=True, on_delete=fields.SET_NULL)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "model_prices"
        indexes = (("provider", "model", "effective_from"),)


class CostAuthority(str, Enum):
    COMPUTED = "COMPUTED"  # the catalog's price x the call's tokens
    REPORTED = "REPORTED"  # the cost the provider reported with the call


class ProviderCostSource(Model):
    """Which cost of a provider's calls is charged and counted against budgets. A provider not listed
    here is COMPUTED. Either way a call without the authoritative cost falls back to the other one."""

    provider = CharField(max_length=64, primary_key=True)
    authority = fields.CharEnumField(CostAuthority, max_length=8)
    reason = CharField(max_length=500)
    updated_by = fields.ForeignKeyField("models.Principal", related_name=False, null=True, on_delete=fields.SET_NULL)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "provider_cost_sources"
