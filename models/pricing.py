from __future__ import annotations

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
