"""Writing, deleting and searching a kind's vectors through its collections (see `collections`).

A row is (id, text, payload). Its dense vector comes from each target collection's embedder (in a
worker thread), its sparse vector from the text alone. Searches embed the query with the embedder
that wrote the searched collection, so vectors are always compared with their own kind.
"""

from __future__ import annotations

import logging
from typing import Any

from qdrant_client import models

from services.search import collections, sparse
from services.search.collections import Collection
from services.search.embedding import Embedder, embed_async
from services.search.vectors import Hit, Point, Ranking, get_store

log = logging.getLogger(__name__)

Row = tuple[int, str, dict[str, Any]]


async def write_points(targets: list[tuple[Collection, Embedder]], rows: list[Row]) -> None:
    if not rows:
        return
    texts = [text for _, text, _ in rows]
    lexical = [sparse.document(text) for text in texts]
    for collection, embedder in targets:
        dense = await embed_async(texts, embedder=embedder, bulk=True)
        await get_store().upsert(collection.name, [
            Point(pid, vector, terms, payload) for (pid, _, payload), vector, terms in zip(rows, dense, lexical)],
            hybrid=collection.hybrid)


async def write(kind: str, rows: list[Row]) -> None:
    """Upsert the rows into every collection of `kind` (the active one and one being rebuilt)."""
    await write_points(collections.writable(kind), rows)


async def delete(kind: str, ids: list[int]) -> None:
    for collection, _ in collections.writable(kind):
        await get_store().delete(collection.name, ids)


async def search(kind: str, text: str, limit: int, *, ranking: Ranking = Ranking.HYBRID,
                 query_filter: models.Filter | None = None) -> list[Hit]:
    """The `limit` best points of the active collection for `text`."""
    for attempt in (1, 2):
        collection, embedder = collections.searchable(kind)
        [vector] = await embed_async([text], embedder=embedder)
        try:
            lexical = sparse.query(text) if ranking is Ranking.SPARSE else sparse.identifiers(text)
            return await get_store().search(collection.name, dense=vector, sparse=lexical, limit=limit,
                                            ranking=ranking, hybrid=collection.hybrid, query_filter=query_filter)
        except Exception:
            if attempt == 2:
                raise
            log.info("search failed; re-reading the active collection and trying again", exc_info=True,
                     extra={"kind": kind, "collection": collection.name})
            await collections.refresh()  # another replica may have switched and dropped it
    raise AssertionError("unreachable")
