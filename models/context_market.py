from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from models.columns import CharField


class ContextChunk(Model):
    """A chunk of context a peer shares. Stored once per (peer, SHA-256 of the text); its vector lives
    in Qdrant under the same id. `withdrawn_at` takes it out of retrieval; `indexed` says whether
    Qdrant holds its point (written after the PostgreSQL commit, reconciled at start-up).

    CHECK constraints (migration 51): 1 <= bytes <= 65536, sha256 is 64 hex digits."""

    id = fields.BigIntField(primary_key=True)
    peer = fields.ForeignKeyField("models.Contributor", related_name="context_chunks", on_delete=fields.RESTRICT,
                                  db_index=False)
    sha256 = CharField(max_length=64)
    text = fields.TextField()
    bytes = fields.IntField()
    source = CharField(max_length=500)
    tags = fields.JSONField(default=list)
    indexed = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)
    withdrawn_at = fields.DatetimeField(null=True)

    class Meta:
        table = "context_chunks"
        unique_together = (("peer", "sha256"),)


class ContextRetrieval(Model):
    """One paid `contextRetrieve`: what was asked, what was served, what it cost and saved, and how
    long the server took (`duration_ms`, the source of marketStats' latency percentiles)."""

    id = fields.BigIntField(primary_key=True)
    requester = fields.ForeignKeyField("models.Contributor", related_name="context_retrievals",
                                       on_delete=fields.RESTRICT)
    query = fields.TextField()
    budget_bytes = fields.IntField()
    min_score = fields.FloatField()
    tags = fields.JSONField(default=list)
    candidates = fields.IntField()
    candidate_bytes = fields.BigIntField()
    served_bytes = fields.BigIntField()
    tokens_charged = fields.BigIntField()
    tokens_paid = fields.BigIntField()
    purchase = fields.OneToOneField("models.Transfer", related_name="context_retrieval", null=True,
                                    on_delete=fields.RESTRICT)
    policy_version = fields.IntField()
    duration_ms = fields.FloatField()
    useful = fields.BooleanField(null=True)
    rated_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    # the client's key: a retry with it returns this retrieval and pays nothing more
    idempotency_key = CharField(max_length=200, null=True)

    class Meta:
        table = "context_retrievals"
        unique_together = (("requester", "idempotency_key"),)


class ContextServed(Model):
    """One chunk served by a retrieval, in rank order, with its score and price (0 for the
    requester's own chunks) and the reward transfer that paid its peer, when one did."""

    id = fields.BigIntField(primary_key=True)
    retrieval = fields.ForeignKeyField("models.ContextRetrieval", related_name="served", on_delete=fields.RESTRICT,
                                       db_index=False)
    chunk = fields.ForeignKeyField("models.ContextChunk", related_name="served", on_delete=fields.RESTRICT)
    peer = fields.ForeignKeyField("models.Contributor", related_name="context_served", on_delete=fields.RESTRICT)
    rank = fields.IntField()
    score = fields.FloatField()
    bytes = fields.IntField()
    kb = fields.IntField()
    tokens = fields.BigIntField()
    reward = fields.ForeignKeyField("models.Transfer", related_name="context_served", null=True,
                                    on_delete=fields.RESTRICT, db_index=False)

    class Meta:
        table = "context_served"
        unique_together = (("retrieval", "rank"),)
