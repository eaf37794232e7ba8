from __future__ import annotations

from decimal import Decimal
from enum import Enum

from tortoise import fields
from tortoise.models import Model

from models.columns import CharField


class ExpiryMode(str, Enum):
    NONE = "NONE"
    ROLLING = "ROLLING"
    ACTIVITY = "ACTIVITY"


class RewardPolicy(Model):
    """One version of the reward policy: every coefficient of the economy. Never updated; an admin's
    change is a new version with a reason. The newest version is the one in force."""

    version = fields.IntField(primary_key=True, generated=False)
    reason = CharField(max_length=500)
    created_by = fields.ForeignKeyField("models.Principal", related_name="reward_policies", null=True,
                                        on_delete=fields.SET_NULL)
    created_at = fields.DatetimeField(auto_now_add=True)

    stf_base_min_tokens = fields.BigIntField(default=100)
    stf_base_max_tokens = fields.BigIntField(default=1000)
    adoption_step = fields.DecimalField(max_digits=8, decimal_places=4, default=Decimal("0.1"))
    adoption_max = fields.DecimalField(max_digits=8, decimal_places=4, default=Decimal("2"))
    confidence_floor = fields.DecimalField(max_digits=8, decimal_places=4, default=Decimal("0.5"))
    cost_saving_weight = fields.DecimalField(max_digits=8, decimal_places=4, default=Decimal("1"))
    safety_floor = fields.DecimalField(max_digits=8, decimal_places=4, default=Decimal("0.25"))
    tokens_per_kb = fields.BigIntField(default=2)
    tokens_per_verification = fields.BigIntField(default=5)
    verifications_to_verify = fields.IntField(default=3)
    tokens_per_usd = fields.BigIntField(default=1000)
    starter_grant = fields.BigIntField(default=100)
    daily_earning_cap = fields.BigIntField(default=5000)
    reputation_half_life_days = fields.DecimalField(max_digits=10, decimal_places=4, default=Decimal("30"))
    reputation_per_adoption = fields.DecimalField(max_digits=8, decimal_places=4, default=Decimal("0.05"))
    reputation_per_verification = fields.DecimalField(max_digits=8, decimal_places=4, default=Decimal("0.02"))
    reputation_dispute_penalty = fields.DecimalField(max_digits=8, decimal_places=4, default=Decimal("0.25"))
    expiry_mode = fields.CharEnumField(ExpiryMode, max_length=8, default=ExpiryMode.NONE)
    expiry_months = fields.IntField(null=True)

    class Meta:
        table = "reward_policies"


class RewardRefusal(Model):
    """An earning that was refused (daily cap, frozen account): kept, never silently dropped."""

    id = fields.BigIntField(primary_key=True)
    contributor = fields.ForeignKeyField("models.Contributor", related_name="reward_refusals",
                                         on_delete=fields.RESTRICT)
    kind = CharField(max_length=24)
    amount = fields.BigIntField()
    reason = CharField(max_length=16)
    message = CharField(max_length=500)
    policy_version = fields.IntField()
    factors = fields.JSONField(null=True)
    idempotency_key = CharField(max_length=200, db_index=True)  # the reward's: find what became of it
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "reward_refusals"
