"""Compute paid two-phase: a reservation holds tokens until it is settled, voided or expired."""

from __future__ import annotations

from enum import Enum

from tortoise import fields
from tortoise.models import Model

from models.columns import CharField


class ReservationState(str, Enum):
    PENDING = "PENDING"
    SETTLED = "SETTLED"
    VOIDED = "VOIDED"
    EXPIRED = "EXPIRED"


class Reservation(Model):
    """Compute paid two-phase: `amount` is held on the account until settled, voided or expired.
    `charged` is what has been posted against it so far; never more than `amount`."""

    id = fields.BigIntField(primary_key=True)
    idempotency_key = CharField(max_length=200, unique=True)
    account = fields.ForeignKeyField("models.Account", related_name="reservations", on_delete=fields.RESTRICT)
    amount = fields.BigIntField()
    charged = fields.BigIntField(default=0)
    state = fields.CharEnumField(ReservationState, max_length=8, default=ReservationState.PENDING)
    expires_at = fields.DatetimeField()
    created_by = fields.ForeignKeyField("models.Principal", related_name="reservations", null=True,
                                        on_delete=fields.SET_NULL)
    created_at = fields.DatetimeField(auto_now_add=True)
    closed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "ledger_reservations"
