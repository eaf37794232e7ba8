"""Search: how results are ranked, and the state of the vector collections (ADMIN)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from resolvers.permissions import IsAdmin, IsAuthenticated
from services.search import collections
from services.search.vectors import Ranking

SearchRanking = strawberry.enum(Ranking, name="SearchRanking", description=(
    "How a search ranks: HYBRID (default) scores the candidates of the dense (meaning) and sparse (exact words "
    "and identifiers) rankings by cosine similarity plus a bonus for the query's identifiers they hold; DENSE "
    "or SPARSE use one of them alone."))


@strawberry.type(description="A Qdrant collection of vectors.")
class VectorCollection:
    name: str
    embedder: str = strawberry.field(description="The embedder (and version) that wrote its dense vectors.")
    hybrid: bool = strawberry.field(description="Whether it holds sparse lexical vectors too.")
    activated_at: datetime | None


@strawberry.type(description="A re-embedding under way: rows embedded so far into a new collection.")
class Reembedding:
    collection: VectorCollection
    done: int
    total: int = strawberry.field(description="Rows embedded so far plus rows left, as of the last batch.")
    percent: float
    started_at: datetime
    updated_at: datetime | None


@strawberry.type(description="The vectors of one kind (context chunks, STFs).")
class SearchCollectionStatus:
    kind: str
    configured_embedder: str = strawberry.field(description="The embedder `EMBEDDER` names on this replica.")
    active: VectorCollection | None = strawberry.field(description="The collection searches read.")
    reembedding: Reembedding | None = strawberry.field(description="Null when no re-embedding is under way.")


def _collection(c: collections.Collection) -> VectorCollection:
    return VectorCollection(name=c.name, embedder=c.embedder, hybrid=c.hybrid, activated_at=c.activated_at)


@strawberry.type
class SearchQuery:
    @strawberry.field(permission_classes=[IsAuthenticated, IsAdmin], description=(
        "Per kind of vectors: the active collection and the progress of a re-embedding (ADMIN), as this "
        "replica last read them (every REEMBED_SECONDS)."))
    async def search_collections(self) -> list[SearchCollectionStatus]:
        return [SearchCollectionStatus(
            kind=s.kind, configured_embedder=s.configured_embedder,
            active=_collection(s.active) if s.active else None,
            reembedding=Reembedding(collection=_collection(s.building), done=s.building.done, total=s.building.total,
                                    percent=collections.percent(s.building), started_at=s.building.requested_at,
                                    updated_at=s.building.updated_at) if s.building else None)
            for s in collections.status()]
