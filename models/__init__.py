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
from models.context import ContextChunk, ContextRetrieval, ContextServed
from models.contributors import Contributor, ContributorKind
from models.executions import Execution, ExecutionStatus, LlmCall, LlmCallRepricing
from models.ledger import Account, Dispute, Entry, Reservation, Transfer
from models.outbox import OutboxCursor, OutboxEvent
from models.pricing import ModelPrice
from models.rewards import RewardPolicy, RewardRefusal
from models.stf import Stf, StfStatus

__all__ = ["Account", "ApiKey", "Assumption", "AssumptionStatus", "ClarificationRequestLog", "ClarificationTicket",
           "ContextChunk", "ContextRetrieval", "ContextServed",
           "Contributor", "ContributorKind", "Dispute", "Entry", "Execution", "ExecutionStatus", "LlmCall",
           "LlmCallRepricing", "ModelPrice", "OutboxCursor", "OutboxEvent", "PanelMember", "Principal",
           "Reservation", "RewardPolicy", "RewardRefusal", "Role", "Stf", "StfStatus", "TicketStatus", "Transfer",
           "Vote", "VoteChoice"]
