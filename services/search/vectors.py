"""The vector store: Qdrant, a server at QDRANT_URL or local mode under the data directory.

Local mode lets one client open a path, so a process holds one store that every app in it shares;
several worker processes need a Qdrant server."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
from qdrant_client import AsyncQdrantClient, models

log = logging.getLogger(__name__)


class VectorStore:
    def __init__(self, client: AsyncQdrantClient, where: str) -> None:
        self.client = client
        self.where = where

    async def ensure_collection(self, name: str, dimensions: int,
                                distance: models.Distance = models.Distance.COSINE) -> None:
        if not await self.client.collection_exists(name):
            await self.client.create_collection(
                name, vectors_config=models.VectorParams(size=dimensions, distance=distance))

    async def upsert(self, collection: str, points: list[tuple[int, list[float], dict[str, Any]]]) -> None:
        if points:
            await self.client.upsert(collection, points=[models.PointStruct(id=pid, vector=vector, payload=payload)
                                                         for pid, vector, payload in points])

    async def delete(self, collection: str, ids: list[int]) -> None:
        if ids:
            await self.client.delete(collection, points_selector=models.PointIdsList(points=ids))

    async def search(self, collection: str, vector: list[float] | np.ndarray, limit: int, *,
                     query_filter: models.Filter | None = None, min_score: float | None = None,
                     with_payload: bool | list[str] = True) -> list[models.ScoredPoint]:
        local = self._local_collection(collection)
        if local is not None:
            # qdrant-client's local mode turns a query into a Python list and then float64, so every
            # search multiplies all stored float32 vectors in float64 (about 70 ms at 100,000 x 384 on
            # 2 cores); its collection's own search with a float32 query does the same work in float32.
            return local.search(query_vector=np.asarray(vector, dtype=np.float32), query_filter=query_filter,
                                limit=limit, with_payload=with_payload, score_threshold=min_score)
        response = await self.client.query_points(collection, query=vector, limit=limit, query_filter=query_filter,
                                                  score_threshold=min_score, with_payload=with_payload)
        return response.points

    def _local_collection(self, name: str) -> Any | None:
        """Local mode's in-process collection (qdrant-client internals; None when they change or on a server)."""
        if not self.where.startswith("local:"):
            return None
        collections = getattr(getattr(self.client, "_client", None), "collections", None)
        found = collections.get(name) if isinstance(collections, dict) else None
        if not callable(getattr(found, "search", None)):
            return None
        vectors = getattr(found, "vectors", None)
        for key, matrix in (vectors.items() if isinstance(vectors, dict) else ()):
            if isinstance(matrix, np.ndarray) and matrix.dtype != np.float32:
                vectors[key] = matrix.astype(np.float32)  # points loaded from disk come back as float64
        return found

    async def ping(self) -> bool:
        try:
            await self.client.get_collections()
            return True
        except Exception:
            return False

    async def close(self) -> None:
        await self.client.close()


_store: VectorStore | None = None
_users = 0


async def open_store(url: str | None, data_dir: Path | None) -> VectorStore:
    """Open the process's store once; later calls return the same one (each must be closed).
    Without a URL it is local mode under `data_dir`, or in memory only when `data_dir` is None
    (a throwaway store: nothing is written to disk)."""
    global _store, _users
    _users += 1
    if _store is None:
        if url:
            _store = VectorStore(AsyncQdrantClient(url=url), url)
        elif data_dir is None:
            _store = VectorStore(AsyncQdrantClient(location=":memory:"), "local::memory:")
        else:
            path = data_dir / "qdrant"
            path.mkdir(parents=True, exist_ok=True)
            _store = VectorStore(AsyncQdrantClient(path=str(path)), f"local:{path}")
        log.debug("vector store open", extra={"qdrant": _store.where})
    return _store


def get_store() -> VectorStore:
    if _store is None:
        raise RuntimeError("the vector store is not open: the app lifespan opens it")
    return _store


async def close_store() -> None:
    global _store, _users
    _users = max(0, _users - 1)
    if _store is not None and _users == 0:
        await _store.close()
        _store = None
