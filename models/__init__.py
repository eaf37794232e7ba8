"""Tortoise models, one module per domain. Tortoise discovers them through this package."""

from models.auth import ApiKey, Principal, Role
from models.contributors import Contributor, ContributorKind
from models.ledger import Account, Dispute, Entry, Reservation, Transfer
from models.outbox import OutboxCursor, OutboxEvent
from models.rewards import RewardPolicy, RewardRefusal

__all__ = ["Account", "ApiKey", "Contributor", "ContributorKind", "Dispute", "Entry", "OutboxCursor", "OutboxEvent",
           "Principal", "Reservation", "RewardPolicy", "RewardRefusal", "Role", "Transfer"]
