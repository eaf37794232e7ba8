"""Tortoise models, one module per domain. Tortoise discovers them through this package."""

from models.auth import ApiKey, Principal, Role
from models.clarification import (
    Assumption,
    AssumptionStatus,
    ClarificationRequestLog,
    ClarificationTicket,
    PanelMember,
    TicketStatus,
    Vote,
    VoteChoice,
)
from models.context_market import ContextChunk, ContextRetrieval, ContextServed
from models.contributors import Contributor, ContributorKind
from models.debug import (
    AttemptOutcome,
    ErrorEvent,
    ErrorSignature,
    FixStat,
    GoldenState,
    GoldenStatus,
    Snapshot,
    SnapshotPhase,
    SnapshotPruning,
    StfApplication,
    SuccessEvent,
)
from models.economy.compute import Reservation
from models.economy.disputes import Dispute
from models.economy.ledger import Account, Entry, Transfer
from models.economy.rewards import RewardPolicy, RewardRefusal
from models.executions import Execution, ExecutionStatus, LlmCall, LlmCallRepricing, PaymentStatus
from models.outbox import OutboxCursor, OutboxEvent
from models.pricing import ModelPrice
from models.stf import Stf, StfEmbedding, StfStatus, StfVerification, Verdict

__all__ = ["Account", "ApiKey", "Assumption", "AssumptionStatus", "AttemptOutcome", "ClarificationRequestLog",
           "ClarificationTicket", "ContextChunk", "ContextRetrieval", "ContextServed", "Contributor",
           "ContributorKind", "Dispute", "Entry", "ErrorEvent", "ErrorSignature", "Execution", "ExecutionStatus",
           "FixStat", "GoldenState", "GoldenStatus", "LlmCall", "LlmCallRepricing", "ModelPrice", "OutboxCursor",
           "OutboxEvent", "PanelMember", "PaymentStatus", "Principal", "Reservation", "RewardPolicy",
           "RewardRefusal", "Role", "Snapshot", "SnapshotPhase", "SnapshotPruning", "Stf", "StfApplication",
           "StfEmbedding", "StfStatus", "StfVerification", "SuccessEvent", "TicketStatus", "Transfer", "Verdict",
           "Vote", "VoteChoice"]
