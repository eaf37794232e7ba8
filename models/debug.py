from __future__ import annotations

from enum import Enum

from tortoise import fields
from tortoise.models import Model

from models.columns import CharField


class SnapshotPhase(str, Enum):
    INPUT = "INPUT"
    OUTPUT = "OUTPUT"


class AttemptOutcome(str, Enum):
    PENDING = "PENDING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


class GoldenStatus(str, Enum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


class Snapshot(Model):
    """The state at the input or output of one step. `state` is the canonical JSON text the server
    hashed, so replay can re-hash exactly the bytes it stored."""

    id = fields.BigIntField(primary_key=True)
    execution = fields.ForeignKeyField("models.Execution", related_name=False, on_delete=fields.CASCADE)
    step = fields.IntField()
    phase = fields.CharEnumField(SnapshotPhase, max_length=6)
    state = fields.TextField()
    sha256 = CharField(max_length=64)
    size_bytes = fields.IntField()
    recorded_by = fields.ForeignKeyField("models.Principal", related_name=False, null=True, on_delete=fields.SET_NULL)
    recorded_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "snapshots"
        unique_together = (("execution_id", "step", "phase"),)


class SnapshotPruning(Model):
    """Snapshots of one execution deleted by the retention sweeper: replay reports those steps as pruned."""

    execution = fields.OneToOneField("models.Execution", related_name=False, primary_key=True,
                                     on_delete=fields.CASCADE)
    snapshots = fields.IntField()
    pruned_at = fields.DatetimeField()

    class Meta:
        table = "snapshot_prunings"


class ErrorSignature(Model):
    """A normalised error: the same failure from different runs shares one row."""

    id = fields.BigIntField(primary_key=True)
    digest = CharField(max_length=64, unique=True)
    error_type = CharField(max_length=200)
    pattern = fields.TextField()
    first_seen_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "error_signatures"


class ErrorEvent(Model):
    id = fields.BigIntField(primary_key=True)
    execution = fields.ForeignKeyField("models.Execution", related_name=False, on_delete=fields.CASCADE)
    step = fields.IntField()
    error_type = CharField(max_length=200)
    message = fields.TextField()
    stack = fields.TextField(null=True)
    signature = fields.ForeignKeyField("models.ErrorSignature", related_name=False, on_delete=fields.RESTRICT)
    recorded_by = fields.ForeignKeyField("models.Principal", related_name=False, null=True, on_delete=fields.SET_NULL)
    recorded_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "error_events"


class SuccessEvent(Model):
    id = fields.BigIntField(primary_key=True)
    execution = fields.ForeignKeyField("models.Execution", related_name=False, on_delete=fields.CASCADE)
    step = fields.IntField()
    quality_score = fields.FloatField()
    recorded_by = fields.ForeignKeyField("models.Principal", related_name=False, null=True, on_delete=fields.SET_NULL)
    recorded_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "success_events"


class StfApplication(Model):
    """One attempt to fix an error event with an STF, PENDING until the next success (SUCCEEDED), or
    the next error or a FAILED finish (FAILED), of the same execution."""

    id = fields.BigIntField(primary_key=True)
    execution = fields.ForeignKeyField("models.Execution", related_name=False, on_delete=fields.CASCADE)
    error_event = fields.ForeignKeyField("models.ErrorEvent", related_name=False, on_delete=fields.CASCADE)
    signature = fields.ForeignKeyField("models.ErrorSignature", related_name=False, on_delete=fields.RESTRICT)
    stf = fields.ForeignKeyField("models.Stf", related_name=False, on_delete=fields.RESTRICT)
    outcome = fields.CharEnumField(AttemptOutcome, max_length=9, default=AttemptOutcome.PENDING)
    success_event = fields.ForeignKeyField("models.SuccessEvent", related_name=False, null=True,
                                           on_delete=fields.SET_NULL)
    decided_by_error = fields.ForeignKeyField("models.ErrorEvent", related_name=False, null=True,
                                              on_delete=fields.SET_NULL)
    applied_by = fields.ForeignKeyField("models.Principal", related_name=False, null=True, on_delete=fields.SET_NULL)
    applied_at = fields.DatetimeField(auto_now_add=True)
    decided_at = fields.DatetimeField(null=True)
    # who adopted the STF, set when the attempt succeeds: the contributor of the execution's starter
    # (else of the principal that applied it); null when neither acts for a contributor
    adopter = fields.ForeignKeyField("models.Contributor", related_name=False, null=True, on_delete=fields.RESTRICT)

    class Meta:
        table = "stf_applications"
        unique_together = (("error_event_id", "stf_id"),)


class FixStat(Model):
    """Decided attempts and successes of one STF version on one error signature, and the Wilson lower
    bound of them (kept with the counters, in the transaction that decides an attempt)."""

    id = fields.BigIntField(primary_key=True)
    signature = fields.ForeignKeyField("models.ErrorSignature", related_name=False, on_delete=fields.CASCADE)
    stf = fields.ForeignKeyField("models.Stf", related_name=False, on_delete=fields.RESTRICT)
    attempts = fields.BigIntField(default=0)
    successes = fields.BigIntField(default=0)
    confidence = fields.FloatField(default=0.0)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "fix_stats"
        unique_together = (("signature_id", "stf_id"),)


class GoldenState(Model):
    id = fields.BigIntField(primary_key=True)
    snapshot = fields.OneToOneField("models.Snapshot", related_name=False, on_delete=fields.RESTRICT)
    execution = fields.ForeignKeyField("models.Execution", related_name=False, on_delete=fields.CASCADE)
    note = fields.TextField()
    status = fields.CharEnumField(GoldenStatus, max_length=8, default=GoldenStatus.PENDING)
    proposed_by = fields.ForeignKeyField("models.Principal", related_name=False, on_delete=fields.RESTRICT)
    proposed_at = fields.DatetimeField(auto_now_add=True)
    reviewed_by = fields.ForeignKeyField("models.Principal", related_name=False, null=True, on_delete=fields.RESTRICT)
    reviewed_at = fields.DatetimeField(null=True)
    review_comment = fields.TextField(null=True)

    class Meta:
        table = "golden_states"
