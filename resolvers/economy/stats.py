"""`economyStats(from, to)` and `topEarners`."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from resolvers.economy.ledger import TransferKind
from resolvers.scalars import BigInt
from services.economy import earners as earner_service
from services.economy import stats as economy_service

if TYPE_CHECKING:
    from resolvers.contributors import Contributor

ContributorRef = Annotated["Contributor", strawberry.lazy("resolvers.contributors")]


@strawberry.type
class KindAmount:
    kind: TransferKind
    amount: BigInt


@strawberry.type(description="The token economy over a window (from, to].")
class EconomyStats:
    from_: datetime = strawberry.field(name="from")
    to: datetime
    minted: BigInt = strawberry.field(description="Tokens moved from system accounts to contributors.")
    burned: BigInt = strawberry.field(
        description="Tokens moved from contributors to system accounts (spent, expired, reversed)."
    )
    circulating_supply: BigInt = strawberry.field(description="Sum of contributor balances at `to`.")
    circulating_supply_at_from: BigInt
    average_circulating_supply: Decimal = strawberry.field(description="Time-weighted over the window.")
    earned_by_kind: list[KindAmount]
    spent_by_kind: list[KindAmount]
    spent_per_week: Decimal
    velocity: Decimal | None = strawberry.field(
        description="Spent per week / average circulating supply; null when nothing circulates."
    )
    imbalance_percent: Decimal | None = strawberry.field(
        description="(minted - burned) / burned x 100: how much faster supply "
        "grows than demand consumes it; null when nothing was burned."
    )


def _amounts(values: dict[str, int]) -> list[KindAmount]:
    return [KindAmount(kind=TransferKind(kind), amount=amount) for kind, amount in sorted(values.items())]


@strawberry.type
class EconomyQuery:
    @strawberry.field(
        description="Supply, demand and velocity of tokens between `from` and `to` (default now). Public."
    )
    async def economy_stats(
        self, from_: Annotated[datetime, strawberry.argument(name="from")], to: datetime | None = None
    ) -> EconomyStats:
        s = await economy_service.stats(from_, to)
        return EconomyStats(from_=s.start, to=s.end, minted=s.minted, burned=s.burned,
                            circulating_supply=s.circulating_end, circulating_supply_at_from=s.circulating_start,
                            average_circulating_supply=s.average_circulating, earned_by_kind=_amounts(s.earned_by_kind),
                            spent_by_kind=_amounts(s.spent_by_kind), spent_per_week=s.spent_per_week,
                            velocity=s.velocity, imbalance_percent=s.imbalance_percent)

    @strawberry.field(description="Contributors who earned the most tokens (rewards net of reversals), most first; "
                      "public, like their balances.")
    async def top_earners(self, first: int = 10) -> list[ContributorRef]:
        from resolvers.contributors import Contributor

        return [Contributor.of(row) for row in await earner_service.top_earners(first)]
