"""The vector store: Qdrant, a server at QDRANT_URL or local mode under the data directory.

A collection holds two named vectors per point: `dense` (the embedder's unit vector, DOT distance,
equal to cosine) and `sparse` (BM25 term weights, `services/search/sparse.py`, with Qdrant's IDF
modifier). `search` ranks by either alone, or (HYBRID) by the cosine plus a bonus for exact
identifiers: cosine + IDENTIFIER_BONUS x (the share of the query's identifiers the point holds).
The candidates are the dense ranking's and the sparse ranking's (on the identifiers) together, so a
point the dense ranking missed entirely still competes. Collections made before hybrid search (one
unnamed dense vector) are searched by the dense vector.

Why not reciprocal rank fusion: on the tune split of the paraphrase set (requests that share few
words with their chunk), RRF of the dense and full BM25 rankings put the right chunk first for 43%
of requests against 72% for dense alone, since any word the request shares with a wrong chunk
outvotes the dense ranking. Exact words help where the model is weak, on identifiers; the bonus
(0.2, chosen on the tune split) lifts a chunk that holds the asked-for identifier over near misses
and leaves requests without identifiers to the dense ranking. `bench/search_quality.py` reports the
three rankings side by side on the frozen split.

Local mode lets one client open a path, so a process holds one store that every app in it shares;
several worker processes need a Qdrant server. Local mode's work (numpy over every point, SQLite
writes, thousands of points upserted while a collection is re-embedded) runs in one thread of its
own, never on the event loop, so requests go on meanwhile; a server is plain async I/O.
"""

from __future__ import annotations

import asyncio
import enum
import functools
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from qdrant_client import AsyncQdrantClient, QdrantClient, models

from services.search.local_sparse import LocalSparseIndex
from services.search.sparse import Sparse

log = logging.getLogger(__name__)

DENSE = "dense"
SPARSE = "sparse"
IDENTIFIER_BONUS = 0.2


class Ranking(enum.Enum):
    HYBRID = "HYBRID"
    DENSE = "DENSE"
    SPARSE = "SPARSE"


@dataclass(frozen=True)
class Point:
    id: int
    dense: np.ndarray
    sparse: Sparse
    payload: dict[str, Any]


@dataclass
class Hit:
    id: int
    score: float  # what the ranking sorted by: the fused score (HYBRID), cosine (DENSE) or BM25 (SPARSE)
    similarity: float  # cosine similarity of the dense vectors, whatever the ranking
    payload: dict[str, Any] = field(default_factory=dict)


def coverage(identifiers: Sparse, terms: Any) -> float:
    """The share of the query's identifier terms among a point's sparse terms."""
    held = set(np.asarray(terms).tolist()) if terms is not None else set()
    return sum(1 for t in identifiers.indices if t in held) / len(identifiers.indices)


def fuse(cosines: dict[int, float], coverages: dict[int, float]) -> list[tuple[int, float]]:
    """HYBRID: cosine + IDENTIFIER_BONUS x identifier coverage, best first (ties by id)."""
    fused = {pid: cos + IDENTIFIER_BONUS * coverages.get(pid, 0.0) for pid, cos in cosines.items()}
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))


class VectorStore:
    def __init__(self, client: AsyncQdrantClient | QdrantClient, where: str,
                 thread: ThreadPoolExecutor | None = None) -> None:
        self.client = client
        self.where = where
        self._thread = thread  # local mode: the one thread that owns the client
        self._sparse_indexes: dict[str, LocalSparseIndex] = {}

    @classmethod
    def server(cls, url: str) -> "VectorStore":
        return cls(AsyncQdrantClient(url=url), url)

    @classmethod
    async def open_local(cls, path: Path | None) -> "VectorStore":
        """Local mode at `path` (in memory when None), its client made and always used in one thread
        (SQLite's connection belongs to the thread that opened it)."""
        thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="qdrant-local")
        location = {"path": str(path)} if path is not None else {"location": ":memory:"}
        client = await asyncio.get_running_loop().run_in_executor(thread, functools.partial(QdrantClient, **location))
        return cls(client, f"local:{path if path is not None else ':memory:'}", thread)

    @property
    def local(self) -> bool:
        return self._thread is not None

    async def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """The client's `method`: awaited on a server, run in the store's thread in local mode."""
        if not self.local:
            return await getattr(self.client, method)(*args, **kwargs)
        return await self._in_thread(getattr(self.client, method), *args, **kwargs)

    async def _write(self, method: str, collection: str, ids: list[int], **kwargs: Any) -> None:
        """A write of the points `ids`; in local mode the sparse index then learns which points changed,
        in the same thread."""
        if not self.local:
            await getattr(self.client, method)(collection, **kwargs)
            return

        def write_and_touch() -> None:
            getattr(self.client, method)(collection, **kwargs)
            self._touch(collection, ids)

        await self._in_thread(write_and_touch)

    async def _in_thread(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._thread, functools.partial(fn, *args, **kwargs))

    async def ensure_collection(self, name: str, dimensions: int, *, hybrid: bool = True) -> None:
        if await self._call("collection_exists", name):
            return
        if hybrid:
            await self._call(
                "create_collection",
                name, vectors_config={DENSE: models.VectorParams(size=dimensions, distance=models.Distance.DOT)},
                sparse_vectors_config={SPARSE: models.SparseVectorParams(modifier=models.Modifier.IDF)})
        else:
            await self._call(
                "create_collection",
                name, vectors_config=models.VectorParams(size=dimensions, distance=models.Distance.DOT))

    async def create_keyword_index(self, name: str, field_name: str) -> None:
        """A payload index for filters on `field_name` (a server only: local mode has no indexes)."""
        if not self.local:
            await self._call("create_payload_index", name, field_name, models.PayloadSchemaType.KEYWORD)

    async def drop(self, name: str) -> None:
        if await self._call("collection_exists", name):
            await self._call("delete_collection", name)
        self._sparse_indexes.pop(name, None)

    async def count(self, name: str) -> int:
        return (await self._call("count", name, exact=True)).count

    async def upsert(self, collection: str, points: list[Point], *, hybrid: bool = True) -> None:
        if not points:
            return
        structs = []
        for p in points:
            dense = np.asarray(p.dense, dtype=np.float32).tolist()
            vector: Any = dense
            if hybrid:
                vector = {DENSE: dense}
                if p.sparse:
                    vector[SPARSE] = models.SparseVector(indices=p.sparse.indices, values=p.sparse.values)
            structs.append(models.PointStruct(id=p.id, vector=vector, payload=p.payload))
        await self._write("upsert", collection, [p.id for p in points], points=structs)

    async def delete(self, collection: str, ids: list[int]) -> None:
        if ids:
            await self._write("delete", collection, ids, points_selector=models.PointIdsList(points=ids))

    def _touch(self, collection: str, ids: list[int]) -> None:
        index = self._sparse_indexes.get(collection)
        local = self._local_collection(collection)
        if index is not None and local is not None:
            index.touch([local.ids[i] for i in ids if i in local.ids])

    async def search(self, collection: str, *, dense: np.ndarray, sparse: Sparse | None, limit: int,
                     ranking: Ranking = Ranking.HYBRID, hybrid: bool = True,
                     query_filter: models.Filter | None = None) -> list[Hit]:
        """The best `limit` points by `ranking` (DENSE on a collection without sparse vectors). `sparse` is
        the lexical query: the identifiers for HYBRID (`sparse.identifiers`), every term for SPARSE."""
        if not hybrid:
            ranking = Ranking.DENSE
        elif not sparse:  # nothing to match lexically (only stop words or punctuation)
            if ranking is Ranking.SPARSE:
                return []
            ranking = Ranking.DENSE
        if self.local:
            return await self._in_thread(self._search_local, collection, dense, sparse, limit, ranking, hybrid,
                                         query_filter)
        return await self._search_server(collection, dense, sparse, limit, ranking, hybrid, query_filter)

    async def _search_server(self, collection: str, dense: np.ndarray, sparse: Sparse | None, limit: int,
                             ranking: Ranking, hybrid: bool, query_filter: models.Filter | None) -> list[Hit]:
        query = np.asarray(dense, dtype=np.float32)
        requests = []
        fused = ranking is Ranking.HYBRID
        if ranking is not Ranking.SPARSE:
            requests.append(models.QueryRequest(query=query.tolist(), using=DENSE if hybrid else None, limit=limit,
                                                filter=query_filter, with_payload=True,
                                                with_vector=[SPARSE] if fused else False))
        if ranking is not Ranking.DENSE and sparse:
            requests.append(models.QueryRequest(
                query=models.SparseVector(indices=sparse.indices, values=sparse.values), using=SPARSE, limit=limit,
                filter=query_filter, with_payload=True, with_vector=[DENSE, SPARSE]))
        responses = await self.client.query_batch_points(collection, requests)
        lists = [[(int(p.id), float(p.score)) for p in r.points] for r in responses]
        payloads = {int(p.id): p.payload or {} for r in responses for p in r.points}
        similarity = {}
        if ranking is not Ranking.SPARSE:
            similarity.update(lists[0])
        for r in responses[1 if ranking is not Ranking.SPARSE else 0:]:
            for p in r.points:
                stored = (p.vector or {}).get(DENSE) if isinstance(p.vector, dict) else None
                if int(p.id) not in similarity and stored is not None:
                    similarity[int(p.id)] = float(np.dot(query, np.asarray(stored, dtype=np.float32)))
        if fused:
            held = {int(p.id): (p.vector or {}).get(SPARSE) for r in responses for p in r.points
                    if isinstance(p.vector, dict)}
            ordered = fuse({pid: similarity.get(pid, 0.0) for pid in payloads},
                           {pid: coverage(sparse, getattr(terms, "indices", None)) for pid, terms in held.items()})
        else:
            ordered = lists[0]
        return [Hit(pid, score, similarity.get(pid, 0.0), payloads.get(pid, {})) for pid, score in ordered[:limit]]

    def _search_local(self, collection: str, dense: np.ndarray, sparse: Sparse | None, limit: int,
                      ranking: Ranking, hybrid: bool, query_filter: models.Filter | None) -> list[Hit]:
        """The same rankings on local mode's arrays: float32 dense scores for every point, the
        inverted index for sparse scores (local mode's own search does both in float64 and Python).
        Runs in the store's thread."""
        local = self._local_collection(collection)
        name = DENSE if hybrid else ""
        size = len(local.payload)
        mask = local._payload_and_non_deleted_mask(query_filter, vector_name=name or None)[:size]
        matrix = local.vectors[name][:size]
        query = np.asarray(dense, dtype=np.float32)
        cosine = matrix @ query if size else np.zeros(0, dtype=np.float32)
        lists = []
        if ranking is not Ranking.SPARSE:
            lists.append(_top(np.where(mask, cosine, -np.inf), limit, local.ids_inv))
        if ranking is not Ranking.DENSE and sparse:
            index = self._sparse_indexes.setdefault(collection, LocalSparseIndex())
            live = int(np.count_nonzero(~local.deleted[:size] & ~local.deleted_per_vector[SPARSE][:size]))
            scores = index.scores(local.sparse_vectors[SPARSE], local.deleted, sparse.indices, sparse.values, live,
                                  getattr(local, "sparse_vectors_idf", {}).get(SPARSE))
            scores = np.where(local._payload_and_non_deleted_mask(query_filter, vector_name=SPARSE)[:size],
                              scores[:size], -np.inf)
            lists.append(_top(scores, limit, local.ids_inv))
        if ranking is Ranking.HYBRID:
            slots = {pid: local.ids[pid] for ranked in lists for pid, _ in ranked}
            vectors = local.sparse_vectors[SPARSE]
            held = {pid: getattr(vectors[slot], "indices", None) for pid, slot in slots.items()}
            ordered = fuse({pid: float(cosine[slot]) for pid, slot in slots.items()},
                           {pid: coverage(sparse, terms) for pid, terms in held.items()})
        else:
            ordered = lists[0]
        hits = []
        for pid, score in ordered[:limit]:
            slot = local.ids[pid]
            hits.append(Hit(int(pid), float(score), float(cosine[slot]), local.payload[slot] or {}))
        return hits

    def _local_collection(self, name: str) -> Any | None:
        """Local mode's in-process collection (qdrant-client internals; None on a server). Raises when
        the internals this relies on are gone, rather than searching wrongly."""
        if not self.local:
            return None
        collections = getattr(getattr(self.client, "_client", None), "collections", None)
        found = collections.get(name) if isinstance(collections, dict) else None
        if found is None:
            raise LookupError(f"no vector collection {name!r}")
        vectors = found.vectors
        for key, matrix in vectors.items():
            if isinstance(matrix, np.ndarray) and matrix.dtype != np.float32:
                vectors[key] = matrix.astype(np.float32)  # points loaded from disk come back as float64
        return found

    async def ping(self) -> bool:
        try:
            await self._call("get_collections")
            return True
        except Exception:
            return False

    async def close(self) -> None:
        await self._call("close")
        if self._thread is not None:  # local mode
            self._thread.shutdown(wait=True)


def _top(scores: np.ndarray, limit: int, ids_inv: list[Any]) -> list[tuple[int, float]]:
    """(point id, score) of the `limit` best finite scores, best first, ties by point id."""
    finite = np.flatnonzero(np.isfinite(scores))
    if not len(finite):
        return []
    if len(finite) > limit:
        finite = finite[np.argpartition(-scores[finite], limit - 1)[:limit]]
    found = [(int(ids_inv[i]), float(scores[i])) for i in finite]
    return sorted(found, key=lambda item: (-item[1], item[0]))


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
            _store = VectorStore.server(url)
        elif data_dir is None:
            _store = await VectorStore.open_local(None)
        else:
            path = data_dir / "qdrant"
            path.mkdir(parents=True, exist_ok=True)
            _store = await VectorStore.open_local(path)
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
