from __future__ import annotations

from enum import Enum

from tortoise import fields
from tortoise.models import Model

from models.columns import CharField

USD = {"max_digits": 30, "decimal_places": 15}


class BudgetScope(str, Enum):
    AGENT = "AGENT"              # an execution's agent name
    CONTRIBUTOR = "CONTRIBUTOR"  # the contributor (handle) whose key recorded the call
    API_KEY = "API_KEY"          # the key (its prefix) that recorded the call
    CORRELATION = "CORRELATION"  # one execution (its correlation id)


class BudgetPeriodKind(str, Enum):
    DAY = "DAY"      # UTC calendar day
    WEEK = "WEEK"    # ISO week, Monday 00:00 UTC
    MONTH = "MONTH"  # UTC calendar month
    FIXED = "FIXED"  # [window_start, window_end) once


class Budget(Model):
    """A USD limit per period for one scope, with alert thresholds in percent of the limit."""

    id = fields.BigIntField(primary_key=True)
    scope_kind = fields.CharEnumField(BudgetScope, max_length=11)
    scope_value = CharField(max_length=200)
    limit_usd = fields.DecimalField(**USD)
    period = fields.CharEnumField(BudgetPeriodKind, max_length=5)
    window_start = fields.DatetimeField(null=True)
    window_end = fields.DatetimeField(null=True)
    thresholds = fields.JSONField(default=list)  # percents, ascending
    created_by = fields.ForeignKeyField("models.Principal", related_name=False, null=True, on_delete=fields.SET_NULL)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "budgets"
        unique_together = (("scope_kind", "scope_value"),)


class BudgetPeriod(Model):
    """What one period of a budget has spent (calls counted), holds (pending reservations) and
    alerted. `spent` is always the sum of its charges (a row per call)."""

    id = fields.BigIntField(primary_key=True)
    budget = fields.ForeignKeyField("models.Budget", related_name="periods", on_delete=fields.CASCADE)
    period_start = fields.DatetimeField()
    period_end = fields.DatetimeField()
    spent = fields.DecimalField(**USD, default=0)
    reserved = fields.DecimalField(**USD, default=0)
    calls = fields.BigIntField(default=0)
    unpriced_calls = fields.BigIntField(default=0)  # counted at 0 USD: neither a price nor a reported cost
    alerted = fields.JSONField(default=list)  # thresholds already announced in this period

    class Meta:
        table = "budget_periods"
        unique_together = (("budget_id", "period_start", "period_end"),)


class ReservationState(str, Enum):
    PENDING = "PENDING"
    SETTLED = "SETTLED"  # a recorded call named it: its estimate released, the call's cost spent
    EXPIRED = "EXPIRED"  # its ttl passed first: the estimate released by the sweeper


class BudgetReservation(Model):
    """An admission: `estimate` held in a period of a budget until a call settles it or it expires."""

    id = fields.BigIntField(primary_key=True)
    idempotency_key = CharField(max_length=200, unique=True)
    budget = fields.ForeignKeyField("models.Budget", related_name=False, on_delete=fields.CASCADE)
    period = fields.ForeignKeyField("models.BudgetPeriod", related_name=False, on_delete=fields.CASCADE)
    estimate = fields.DecimalField(**USD)
    state = fields.CharEnumField(ReservationState, max_length=7, default=ReservationState.PENDING)
    expires_at = fields.DatetimeField()
    settled_cost = fields.DecimalField(**USD, null=True)
    created_by = fields.ForeignKeyField("models.Principal", related_name=False, null=True, on_delete=fields.SET_NULL)
    created_at = fields.DatetimeField(auto_now_add=True)
    closed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "budget_reservations"
        indexes = (("state", "expires_at"),)


class BudgetCharge(Model):
    """One call counted in one period of a budget, at its billed cost (0 when it has none)."""

    id = fields.BigIntField(primary_key=True)
    period = fields.ForeignKeyField("models.BudgetPeriod", related_name=False, on_delete=fields.CASCADE)
    call = fields.ForeignKeyField("models.LlmCall", related_name=False, on_delete=fields.CASCADE)
    amount = fields.DecimalField(**USD)
    reservation = fields.ForeignKeyField("models.BudgetReservation", related_name=False, null=True,
                                         on_delete=fields.SET_NULL)

    class Meta:
        table = "budget_charges"
        unique_together = (("period_id", "call_id"),)
        indexes = (("call_id",),)
