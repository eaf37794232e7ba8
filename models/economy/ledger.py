from __future__ import annotations

from enum import Enum

from tortoise import fields
from tortoise.models import Model

from models.columns import CharField


class AccountKind(str, Enum):
    SYSTEM = "SYSTEM"
    USER = "USER"


class TransferKind(str, Enum):
    TRANSFER = "TRANSFER"
    STARTER_GRANT = "STARTER_GRANT"
    STF_REWARD = "STF_REWARD"
    VERIFICATION_REWARD = "VERIFICATION_REWARD"
    CONTEXT_REWARD = "CONTEXT_REWARD"
    COMPUTE = "COMPUTE"
    CONTEXT_PURCHASE = "CONTEXT_PURCHASE"
    EXPIRY = "EXPIRY"
    REVERSAL = "REVERSAL"


EARNING_KINDS = frozenset({TransferKind.STF_REWARD, TransferKind.VERIFICATION_REWARD, TransferKind.CONTEXT_REWARD})
SPENDING_KINDS = frozenset({TransferKind.COMPUTE, TransferKind.CONTEXT_PURCHASE})


class Account(Model):
    """A ledger account: a system account (`system:mint`, `system:compute`, `system:market`) or
    the one account of a contributor. The balance lives here, changed only by postings.

    CHECK constraints (migration 31): user accounts never go below 0, nor below what is reserved."""

    id = fields.BigIntField(primary_key=True)
    name = CharField(max_length=40, unique=True)
    kind = fields.CharEnumField(AccountKind, max_length=8)
    contributor = fields.OneToOneField("models.Contributor", related_name="account", null=True,
                                       on_delete=fields.RESTRICT)
    balance = fields.BigIntField(default=0)
    reserved = fields.BigIntField(default=0)
    earned = fields.BigIntField(default=0)
    spent = fields.BigIntField(default=0)
    earned_today = fields.BigIntField(default=0)
    earned_day = fields.DateField(null=True)
    frozen = fields.BooleanField(default=False)
    frozen_reason = CharField(max_length=500, default="")
    last_activity_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "ledger_accounts"


class Transfer(Model):
    """One posting: `amount` moves from the debit to the credit account. Append-only (a trigger
    refuses UPDATE and DELETE); a correction is a REVERSAL that names the transfer it reverses."""

    id = fields.BigIntField(primary_key=True)
    idempotency_key = CharField(max_length=200, unique=True)
    kind = fields.CharEnumField(TransferKind, max_length=24)
    debit_account = fields.ForeignKeyField("models.Account", related_name="debits", on_delete=fields.RESTRICT)
    credit_account = fields.ForeignKeyField("models.Account", related_name="credits", on_delete=fields.RESTRICT)
    amount = fields.BigIntField()
    memo = CharField(max_length=500, default="")
    # the transfer this one reverses (a self reference; its foreign key is declared in migration 31)
    reverses_id = fields.BigIntField(null=True, unique=True)
    reservation = fields.ForeignKeyField("models.Reservation", related_name="transfers", null=True,
                                         on_delete=fields.RESTRICT)
    policy_version = fields.IntField(null=True)
    factors = fields.JSONField(null=True)
    created_by = fields.ForeignKeyField("models.Principal", related_name="transfers", null=True,
                                        on_delete=fields.SET_NULL)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "ledger_transfers"


class Entry(Model):
    """One side of a transfer as its account sees it: the signed amount and the balance after.
    History pages are read from the index on (account_id, id)."""

    id = fields.BigIntField(primary_key=True)
    account = fields.ForeignKeyField("models.Account", related_name="entries", on_delete=fields.RESTRICT,
                                     db_index=False)
    transfer = fields.ForeignKeyField("models.Transfer", related_name="entries", on_delete=fields.RESTRICT)
    counterparty = fields.ForeignKeyField("models.Account", related_name="counter_entries",
                                          on_delete=fields.RESTRICT, db_index=False)
    amount = fields.BigIntField()
    balance_after = fields.BigIntField()
    kind = fields.CharEnumField(TransferKind, max_length=24)
    created_at = fields.DatetimeField()

    class Meta:
        table = "ledger_entries"
