"""Top earners: the contributors whose accounts received the most rewards, net of reversals.

Reads the running `earned` total kept on each account row (updated with every posting), so the
answer never scans transfers; an index on (earned DESC) serves the ordering.
"""

from __future__ import annotations

from models.contributors import Contributor
from services.errors import DomainError

MAX_EARNERS = 100


async def top_earners(limit: int) -> list[Contributor]:
    if not 1 <= limit <= MAX_EARNERS:
        raise DomainError("first", f"must be between 1 and {MAX_EARNERS}")
    return await (Contributor.filter(account__earned__gt=0)
                  .order_by("-account__earned", "id").limit(limit).select_related("account"))
