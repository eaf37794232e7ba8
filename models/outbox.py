from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from models.columns import CharField


class OutboxEvent(Model):
    """An event written in the same transaction as the change it describes.

    `seq` is given by the relay when it publishes: contiguous, in publish order, the cursor that
    subscribers resume from. Unpublished rows have neither `seq` nor `published_at`.
    """

    id = fields.BigIntField(primary_key=True)
    name = CharField(max_length=120)
    payload = fields.JSONField()
    created_at = fields.DatetimeField(auto_now_add=True)
    published_at = fields.DatetimeField(null=True)
    seq = fields.BigIntField(null=True, unique=True)

    class Meta:
        table = "outbox_events"


class OutboxCursor(Model):
    """One row: the last `seq` the relay handed out. Kept in a row, not a sequence, so it has no gaps."""

    id = fields.SmallIntField(primary_key=True)
    last_seq = fields.BigIntField(default=0)

    class Meta:
        table = "outbox_cursor"
