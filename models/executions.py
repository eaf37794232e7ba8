from __future__ import annotations

from enum import Enum

from tortoise import fields
from tortoise.models import Model

from models.columns import CharField

USD = {"max_digits": 30, "decimal_places": 15}


class ExecutionStatus(str, Enum):
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


class Execution(Model):
    """One run of an agent on a task, identified by its correlation id."""

    id = fields.BigIntField(primary_key=True)
    correlation_id = fields.UUIDField(unique=True)
    agent_name = CharField(max_length=100, db_index=True)
    task_prompt = fields.TextField()
    parameters = fields.JSONField(default=dict)
    fingerprint = CharField(max_length=64, db_index=True)
    status = fields.CharEnumField(ExecutionStatus, max_length=10, default=ExecutionStatus.RUNNING)
    stf = fields.ForeignKeyField("models.Stf", related_name=False, null=True, on_delete=fields.RESTRICT)
    summary = fields.TextField(null=True)
    started_by = fields.ForeignKeyField("models.Principal", related_name=False, null=True, on_delete=fields.SET_NULL)
    started_at = fields.DatetimeField(auto_now_add=True)
    finished_at = fields.DatetimeField(null=True)

    class Meta:
        table = "executions"


class PaymentStatus(str, Enum):
    PAID = "PAID"
    UNPAID = "UNPAID"
    NOT_CHARGED = "NOT_CHARGED"


class LlmCall(Model):
    """One LLM call of an execution, priced at ingest from the price in force at `started_at`.

    Token fields are disjoint: each token is counted in exactly one of them. `cost` is exact
    (NUMERIC, no rounding); it is NULL with `priced = false` and a reason when no price applied."""

    id = fields.BigIntField(primary_key=True)
    execution = fields.ForeignKeyField("models.Execution", related_name="llm_calls", on_delete=fields.RESTRICT)
    provider = CharField(max_length=64)
    model = CharField(max_length=200)
    input_tokens = fields.BigIntField()
    output_tokens = fields.BigIntField()
    cache_read_tokens = fields.BigIntField()
    cache_write_tokens = fields.BigIntField()
    reasoning_tokens = fields.BigIntField()
    latency_ms = fields.IntField()
    started_at = fields.DatetimeField()
    client_call_id = CharField(max_length=128, null=True)
    priced = fields.BooleanField()
    unpriced_reason = CharField(max_length=300, null=True)
    price = fields.ForeignKeyField("models.ModelPrice", related_name=False, null=True, on_delete=fields.RESTRICT)
    cost = fields.DecimalField(**USD, null=True)
    recorded_by = fields.ForeignKeyField("models.Principal", related_name=False, null=True, on_delete=fields.SET_NULL)
    recorded_at = fields.DatetimeField(auto_now_add=True)
    # whether the batch that recorded it was charged for it (llmCallsRecord's reservation or account)
    payment_status = fields.CharEnumField(PaymentStatus, max_length=11, default=PaymentStatus.NOT_CHARGED)
    payment_transfer = fields.ForeignKeyField("models.Transfer", related_name=False, null=True,
                                              on_delete=fields.RESTRICT)

    class Meta:
        table = "llm_calls"
        unique_together = (("execution_id", "client_call_id"),)
        indexes = (("started_at",),)


class LlmCallRepricing(Model):
    """One change of a call's cost by `llmCallsReprice`: what it was, what it became, and why."""

    id = fields.BigIntField(primary_key=True)
    run_id = fields.UUIDField(db_index=True)
    call = fields.ForeignKeyField("models.LlmCall", related_name="repricings", on_delete=fields.RESTRICT)
    old_cost = fields.DecimalField(**USD, null=True)
    new_cost = fields.DecimalField(**USD, null=True)
    old_price = fields.ForeignKeyField("models.ModelPrice", related_name=False, null=True, on_delete=fields.RESTRICT)
    new_price = fields.ForeignKeyField("models.ModelPrice", related_name=False, null=True, on_delete=fields.RESTRICT)
    reason = CharField(max_length=300)
    repriced_by = fields.ForeignKeyField("models.Principal", related_name=False, null=True, on_delete=fields.SET_NULL)
    repriced_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "llm_call_repricings"
