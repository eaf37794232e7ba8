"""Tortoise models, one module per domain. Tortoise discovers them through this package."""

from models.auth import ApiKey, Principal, Role
from models.contributors import Contributor, ContributorKind
from models.debug import (AttemptOutcome, ErrorEvent, ErrorSignature, FixStat, GoldenState, GoldenStatus, Snapshot,
                          SnapshotPhase, SnapshotPruning, StfApplication, StfEmbedding, SuccessEvent)
from models.executions import Execution, ExecutionStatus, LlmCall, LlmCallRepricing
from models.outbox import OutboxCursor, OutboxEvent
from models.pricing import ModelPrice
from models.stf import Stf, StfStatus

__all__ = ["ApiKey", "AttemptOutcome", "Contributor", "ContributorKind", "ErrorEvent", "ErrorSignature", "FixStat",
           "GoldenState", "GoldenStatus", "Snapshot", "SnapshotPhase", "SnapshotPruning", "StfApplication",
           "StfEmbedding", "SuccessEvent", "Execution", "ExecutionStatus", "LlmCall",
           "LlmCallRepricing", "ModelPrice", "OutboxCursor", "OutboxEvent", "Principal", "Role", "Stf",
           "StfStatus"]
