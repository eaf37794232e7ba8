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
from models.outbox import OutboxCursor, OutboxEvent

__all__ = ["ApiKey", "Assumption", "AssumptionStatus", "ClarificationRequestLog", "ClarificationTicket", "Contributor",
           "ContributorKind", "OutboxCursor", "OutboxEvent", "PanelMember", "Principal", "Role", "TicketStatus", "Vote",
           "VoteChoice"]
