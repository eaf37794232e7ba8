from __future__ import annotations

from enum import Enum

from tortoise import fields
from tortoise.models import Model

from models.columns import CharField


class Role(str, Enum):
    ADMIN = "ADMIN"
    REVIEWER = "REVIEWER"
    AGENT = "AGENT"
    CONTRIBUTOR = "CONTRIBUTOR"


class Principal(Model):
    """Whoever holds an API key: a person, an agent or a service, with exactly one role."""

    id = fields.BigIntField(primary_key=True)
    name = CharField(max_length=100, unique=True)
    role = fields.CharEnumField(Role, max_length=16)
    created_at = fields.DatetimeField(auto_now_add=True)
    # the account that pays for the LLM calls this principal sends over OTLP (/v1/traces); none: not charged
    otlp_charge_account = fields.ForeignKeyField("models.Account", related_name=False, null=True,
                                                 on_delete=fields.RESTRICT)

    class Meta:
        table = "principals"


class ApiKey(Model):
    """An API key, stored only as the SHA-256 of the whole key; `prefix` identifies it in listings."""

    id = fields.BigIntField(primary_key=True)
    principal: fields.ForeignKeyRelation[Principal] = fields.ForeignKeyField(
        "models.Principal", related_name="api_keys", on_delete=fields.CASCADE
    )
    key_hash = CharField(max_length=64, unique=True)
    prefix = CharField(max_length=16)
    created_at = fields.DatetimeField(auto_now_add=True)
    revoked_at = fields.DatetimeField(null=True)
    rate_limit_points = fields.IntField(null=True)  # its own budget per window (ADMIN); null: the default

    class Meta:
        table = "api_keys"
