"""Tortoise models, one module per domain. Tortoise discovers them through this package."""

from models.auth import ApiKey, Principal, Role
from models.contributors import Contributor, ContributorKind
from models.outbox import OutboxCursor, OutboxEvent

__all__ = ["ApiKey", "Contributor", "ContributorKind", "OutboxCursor", "OutboxEvent", "Principal", "Role"]
