"""`rateLimit`: where the caller's budget of query-cost points stands (see docs/rate_limits.md)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info


@strawberry.type(description="The caller's budget of query-cost points in the current window, after this operation.")
class RateLimit:
    limit: int = strawberry.field(description="Points per window for this API key (or client address, anonymous).")
    cost: int = strawberry.field(description="What this operation cost.")
    remaining: int = strawberry.field(description="Points left in this window.")
    reset_at: datetime = strawberry.field(description="When the window turns and the budget is whole again.")


@strawberry.type
class RateLimitQuery:
    @strawberry.field(description=(
        "Where your budget of query-cost points stands, this operation's cost included; null when the "
        "count could not be reached (the operation then ran uncounted)."))
    def rate_limit(self, info: Info) -> RateLimit | None:
        charge = info.context.rate_limit
        if charge is None:
            return None
        return RateLimit(limit=charge.limit, cost=charge.cost, remaining=charge.remaining, reset_at=charge.reset_at)
