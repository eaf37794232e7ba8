"""Disputes of transfers."""

from __future__ import annotations

from enum import Enum

from tortoise import fields
from tortoise.models import Model

from models.columns import CharField


class DisputeState(str, Enum):
    OPEN = "OPEN"
    UPHELD = "UPHELD"
    REVERSED = "REVERSED"


class Dispute(Model):
    """A party's objection to a transfer; a reviewer who is no party upholds the transfer or reverses it."""

    id = fields.BigIntField(primary_key=True)
    transfer = fields.ForeignKeyField("models.Transfer", related_name="disputes", on_delete=fields.RESTRICT)
    opened_by = fields.ForeignKeyField("models.Contributor", related_name="disputes", on_delete=fields.RESTRICT)
    reason = CharField(max_length=1000)
    state = fields.CharEnumField(DisputeState, max_length=8, default=DisputeState.OPEN)
    resolved_by = fields.ForeignKeyField("models.Principal", related_name="resolved_disputes", null=True,
                                         on_delete=fields.SET_NULL)
    note = CharField(max_length=1000, default="")
    reversal = fields.OneToOneField("models.Transfer", related_name="reversal_of_dispute", null=True,
                                    on_delete=fields.RESTRICT)
    created_at = fields.DatetimeField(auto_now_add=True)
    resolved_at = fields.DatetimeField(null=True)

    class Meta:
        table = "ledger_disputes"
