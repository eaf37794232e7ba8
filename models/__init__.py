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
from models.contributors import Contributor, ContributorKind
from models.executions import Execution, ExecutionStatus, LlmCall, LlmCallRepricing
from models.outbox import OutboxCursor, OutboxEvent
from models.pricing import ModelPrice
from models.stf import Stf, StfStatus

__all__ = ["ApiKey", "Assumption", "AssumptionStatus", "ClarificationRequestLog", "ClarificationTicket", "Contributor",
           "ContributorKind", "Execution", "ExecutionStatus", "LlmCall", "LlmCallRepricing", "ModelPrice",
           "OutboxCursor", "OutboxEvent", "PanelMember", "Principal", "Role", "Stf", "StfStatus", "TicketStatus",
           "Vote", "VoteChoice"]
