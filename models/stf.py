from __future__ import annotations

from enum import Enum

from tortoise import fields
from tortoise.models import Model

from models.columns import CharField


class StfStatus(str, Enum):
    DRAFT = "DRAFT"
    ACTIVE = "ACTIVE"
    DEPRECATED = "DEPRECATED"
    VERIFIED = "VERIFIED"


class Stf(Model):
    """One version of a reusable code transformation. Versions of one STF share `lineage_id` (the id
    of version 1); exactly one of them is `is_latest`. Old versions stay readable, never rewritten."""

    id = fields.BigIntField(primary_key=True)
    lineage_id = fields.BigIntField(db_index=True)
    version = fields.IntField()
    is_latest = fields.BooleanField(default=True)
    name = CharField(max_length=200)
    description = fields.TextField()
    language = CharField(max_length=32)
    tags = fields.JSONField(default=list)
    repository = CharField(max_length=300)
    commit_sha = CharField(max_length=40)
    file_path = CharField(max_length=500)
    line_start = fields.IntField()
    line_end = fields.IntField()
    code_sha256 = CharField(max_length=64)
    status = fields.CharEnumField(StfStatus, max_length=12, default=StfStatus.DRAFT)
    quality_score = fields.FloatField(default=0.0)
    usage_count = fields.BigIntField(default=0)
    contributor = fields.ForeignKeyField("models.Contributor", related_name="stfs", on_delete=fields.RESTRICT)
    deprecation_reason = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "stfs"
        unique_together = (("lineage_id", "version"),)


class Verdict(str, Enum):
    PASS = "PASS"
    FAIL = "FAIL"


class StfVerification(Model):
    """One contributor's verdict on one STF version, with evidence; once per verifier per version."""

    id = fields.BigIntField(primary_key=True)
    stf = fields.ForeignKeyField("models.Stf", related_name=False, on_delete=fields.RESTRICT)
    verifier = fields.ForeignKeyField("models.Contributor", related_name=False, on_delete=fields.RESTRICT)
    verdict = fields.CharEnumField(Verdict, max_length=4)
    evidence = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "stf_verifications"
        unique_together = (("stf_id", "verifier_id"),)


class StfEmbedding(Model):
    """An STF version whose vector is in Qdrant, with the digest of the text embedded. A latest STF
    without a row waits for the embedder (after a Qdrant failure, or when its fixed signatures changed)."""

    stf = fields.OneToOneField("models.Stf", related_name=False, primary_key=True, on_delete=fields.CASCADE)
    text_sha256 = CharField(max_length=64)
    embedder = CharField(max_length=64)
    embedded_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "stf_embeddings"
