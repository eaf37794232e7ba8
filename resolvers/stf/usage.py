"""STF usage and similarity: `Stf.usage` (from the materialized view), `stfUsageRefresh` (ADMIN),
`stfsSimilar` (Qdrant)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import strawberry
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from resolvers.permissions import IsAdmin, IsAuthenticated
from resolvers.scalars import BigInt
from resolvers.search import SearchRanking
from resolvers.stf import StfUserError
from resolvers.stf.registry import Stf
from services.search.vectors import Ranking
from services.stf import similar as stf_index
from services.stf import usage as stf_usage


@strawberry.type(description=(
    "Usage of one STF version as of the last refresh of the usage view (`refreshedAt`): it lags behind "
    "stfApply until the next scheduled refresh or stfUsageRefresh."))
class StfUsage:
    applications: BigInt = strawberry.field(description="stfApply attempts with this version.")
    successes: BigInt
    failures: BigInt
    success_rate: float | None = strawberry.field(description="successes / decided attempts; null before any.")
    average_quality: float | None = strawberry.field(
        description="Mean quality score of the successes that decided its attempts."
    )
    last_used_at: datetime | None
    refreshed_at: datetime


def usage_loader(info: Info) -> DataLoader[int, StfUsage]:
    loaders = info.context.loaders
    if "StfUsage" not in loaders:
        async def load(ids: Sequence[int]) -> list[StfUsage]:
            found = await stf_usage.usage_of(list(ids))
            at = (await stf_usage.last_refresh()).refreshed_at
            return [_usage(found.get(i), at) for i in ids]

        loaders["StfUsage"] = DataLoader(load_fn=load)
    return loaders["StfUsage"]


def _usage(row: stf_usage.StfUsage | None, refreshed_at: datetime) -> StfUsage:
    if row is None:  # never applied, as of the refresh
        return StfUsage(applications=0, successes=0, failures=0, success_rate=None, average_quality=None,
                        last_used_at=None, refreshed_at=refreshed_at)
    return StfUsage(applications=row.applications, successes=row.successes, failures=row.failures,
                    success_rate=row.success_rate, average_quality=row.average_quality,
                    last_used_at=row.last_used_at, refreshed_at=refreshed_at)


@strawberry.type
class SimilarStf:
    stf: Stf
    similarity: float = strawberry.field(description=(
        "Cosine similarity of the dense embeddings, in [-1, 1] (the order comes from `ranking`)."))


@strawberry.type
class StfUsageRefreshPayload:
    refreshed_at: datetime | None
    duration_ms: float | None
    rows: int | None = strawberry.field(description="STFs in the view.")
    user_errors: list[StfUserError]


@strawberry.type
class StfUsageQuery:
    @strawberry.field(description=(
        "Latest, not deprecated STFs nearest to `text` (name, description, tags and the error signatures they "
        "fixed), in meaning and by exact identifiers (see `ranking`), best first; public."))
    async def stfs_similar(self, text: str, first: int = 10,
                           ranking: SearchRanking = Ranking.HYBRID) -> list[SimilarStf]:
        found = await stf_index.similar(text, first, ranking=ranking)
        return [SimilarStf(stf=Stf.of(row), similarity=score) for row, score in found]


@strawberry.type
class StfUsageMutation:
    @strawberry.mutation(permission_classes=[IsAuthenticated, IsAdmin], description=(
        "Refresh the STF usage view now (ADMIN); waits for a refresh in progress. The view stays readable."))
    async def stf_usage_refresh(self) -> StfUsageRefreshPayload:
        done = await stf_usage.refresh(wait=True)
        return StfUsageRefreshPayload(refreshed_at=done.refreshed_at, duration_ms=done.duration_ms, rows=done.rows,
                                      user_errors=[])
