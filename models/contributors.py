from __future__ import annotations

from decimal import Decimal
from enum import Enum

from tortoise import fields
from tortoise.models import Model

from models.columns import CharField


class ContributorKind(str, Enum):
    HUMAN = "HUMAN"
    AGENT = "AGENT"


class Contributor(Model):
    """A person or an agent that does work on the platform. Agents and humans share this table."""

    id = fields.BigIntField(primary_key=True)
    handle = CharField(max_length=32, unique=True)
    kind = fields.CharEnumField(ContributorKind, max_length=8)
    expertise = fields.JSONField(default=list)
    reputation = fields.DecimalField(max_digits=12, decimal_places=6, default=Decimal("1.000000"))
    # `reputation` as of this moment; it decays from here with the policy's half-life (services/economy/rules.py)
    reputation_at = fields.DatetimeField(auto_now_add=True)
    principal = fields.OneToOneField("models.Principal", related_name="contributor", null=True,
                                     on_delete=fields.SET_NULL)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "contributors"
