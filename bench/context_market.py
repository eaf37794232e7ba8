"""The context market at 100,000 chunks, Qdrant in local mode.

1. Load: 100,000 chunks (the 1,000 of tests/context_corpus.py and 99,000 variants of them, each with
   a numbered incident note) from 100 peers into PostgreSQL with COPY, embedded with the configured
   embedder (`--embedder`, default the model) in batches of 256 as the server does, and upserted into
   Qdrant local mode (dense and sparse vectors) in batches; each step timed. `--embed base` embeds
   only the 1,000 distinct base chunks and gives each variant its base's dense vector (its sparse
   vector is its own): for measuring latency at 100,000 points when embedding them all would take
   too long; the output says which was done, and hit rates are then not those of real vectors.
2. `contextRetrieve` p50/p99 through GraphQL, one request at a time from one client (budget 4 KiB,
   the default 100 candidates), over the 1,000 labelled paraphrased queries, next to the server's
   own measurement (`marketStats` latencyP50Ms/latencyP99Ms, percentile_cont over duration_ms).
3. The hit rate on that labelled set: the rank-1 chunk is on the query's topic (a variant of the
   right chunk counts; 100 chunks per topic), and any served chunk is; and the exact-search hit
   rate among the 1,000 corpus chunks alone (numpy, the same cosine as Qdrant).

    .venv/bin/python bench/context_market.py [--chunks 100000] [--queries 1000] [--budget 4096]

Uses the PostgreSQL server at BENCH_DATABASE_URL (default the local one: a fresh database is created
on it and dropped afterwards) and Qdrant local mode in a temporary directory.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse  # noqa: E402
import asyncio  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from datetime import datetime, timezone  # noqa: E402

import asyncpg  # noqa: E402
import httpx  # noqa: E402
import numpy as np  # noqa: E402

from bench.common import (  # noqa: E402
    BENCH_SERVER,
    ModuleServer,
    drop_database,
    emit,
    funded_economy,
    machine,
    with_database,
)
from tests.context_corpus import corpus, filler  # noqa: E402

PEERS = 100
FUNDS = 10**12
BASE = "context_chunks"
RETRIEVE = (
    "mutation R($i: ContextRetrieveInput!) { contextRetrieve(input: $i) { retrieval { durationMs "
    "candidates bytesServed savingPercent tokensCharged chunks { rank source } } userErrors { code message } } }"
)
STATS = ("query S($from: DateTime!) { marketStats(from: $from) { retrievals latencyP50Ms latencyP99Ms "
         "averageSavingPercent bytesServed tokensPaid peers chunks } }")


def _dsn(db_url: str) -> str:
    from api.settings import tortoise_config

    creds = tortoise_config(db_url)["connections"]["default"]["credentials"]
    return f"postgresql://{creds['user']}@/{creds['database']}?host={creds['host']}&port={creds['port']}"


async def _prepare(db_url: str) -> dict:
    """Migrate; register 100 peers and a rich requester (the policy's grant and cap set high)."""
    from models.contributors import ContributorKind
    from services import contributors

    async with funded_economy(db_url, FUNDS):
        peers = [(await contributors.register(f"peer-{i:03d}", ContributorKind.AGENT, [], issue_key=False))[0].id
                 for i in range(PEERS)]
        requester, key = await contributors.register("requester", ContributorKind.AGENT, [], issue_key=True)
        return {"peers": peers, "requester_key": key}


def _documents(count: int) -> list:
    docs = corpus()
    return (docs + filler(count - len(docs)))[:count]


async def _copy_chunks(dsn: str, docs: list, peers: list[int]) -> float:
    """COPY every chunk into context_chunks (ids 1..n, marked indexed: Qdrant is loaded next)."""
    now = datetime.now(timezone.utc)
    records = []
    for n, doc in enumerate(docs, start=1):
        data = doc.text.encode()
        records.append((n, peers[n % len(peers)], hashlib.sha256(data).hexdigest(), doc.text, len(data), doc.source,
                        json.dumps(doc.tags), True, now))
    conn = await asyncpg.connect(dsn)
    try:
        started = time.monotonic()
        await conn.copy_records_to_table("context_chunks", records=records, columns=[
            "id", "peer_id", "sha256", "text", "bytes", "source", "tags", "indexed", "created_at"])
        await conn.execute("SELECT setval(pg_get_serial_sequence('context_chunks', 'id'), $1)", len(records))
        await conn.execute('ANALYZE "context_chunks"')
        return time.monotonic() - started
    finally:
        await conn.close()


def _embed(docs: list, mode: str) -> tuple[np.ndarray, float]:
    """Dense vectors of every chunk (or, with mode 'base', of the 1,000 base chunks, reused by their variants)."""
    from services.search.embedding import embed_texts

    started = time.monotonic()
    if mode == "base":
        base = corpus()
        vectors = embed_texts([d.text for d in base])
        index = {d.source: i for i, d in enumerate(base)}
        return vectors[[index[d.source] for d in docs]], time.monotonic() - started
    parts = [embed_texts([d.text for d in docs[i:i + 256]]) for i in range(0, len(docs), 256)]
    return np.concatenate(parts), time.monotonic() - started


async def _load_qdrant(path: Path, docs: list, vectors: np.ndarray, peers: list[int], batch: int) -> tuple[float, str]:
    """Upsert the points in batches into local mode at `path` (the server opens it afterwards), as the
    server's collections hold them (named dense and sparse vectors)."""
    from services.search import sparse
    from services.search.collections import collection_name
    from services.search.embedding import get_embedder
    from services.search.vectors import Point, VectorStore

    name = collection_name(BASE, get_embedder().name)
    store = await VectorStore.open_local(path)
    try:
        await store.ensure_collection(name, vectors.shape[1])
        started = time.monotonic()
        for start in range(0, len(docs), batch):
            await store.upsert(name, [Point(n + 1, vectors[n], sparse.document(docs[n].text), {
                "peer": peers[(n + 1) % len(peers)], "sha256": hashlib.sha256(docs[n].text.encode()).hexdigest(),
                "tags": docs[n].tags}) for n in range(start, min(start + batch, len(docs)))])
        return time.monotonic() - started, name
    finally:
        await store.close()


async def _register_collection(dsn: str, name: str) -> None:
    """Tell the server the collection is complete (as its re-embedding job would once done)."""
    from services.search.embedding import get_embedder

    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute('INSERT INTO "search_collections" ("kind", "name", "embedder", "hybrid", "state", '
                           '"activated_at") VALUES ($1, $2, $3, true, \'ACTIVE\', now())', BASE, name,
                           get_embedder().name)
    finally:
        await conn.close()


def _exact_hit_rate_1k() -> float:
    """Among the 1,000 corpus chunks alone: is the best cosine the labelled chunk?"""
    from services.search.embedding import embed_texts

    docs = corpus()
    matrix = embed_texts([d.text for d in docs])
    queries = embed_texts([d.query for d in docs])
    return float(((queries @ matrix.T).argmax(axis=1) == np.arange(len(docs))).mean())


def _retrieve_all(url: str, key: str, docs: list, queries: int, budget: int) -> dict:
    labelled = corpus()
    picked = [labelled[(i * 7919) % len(labelled)] for i in range(queries)]  # a fixed spread over the topics
    latencies, server_ms, top_hits, any_hits, candidates, saving = [], [], 0, 0, [], []
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=30) as client:
        for doc in picked[:20]:  # warm-up
            client.post(
                "/graphql", json={"query": RETRIEVE, "variables": {"i": {"query": doc.query, "budgetBytes": budget}}}
            )
        started_at = datetime.now(timezone.utc)
        for doc in picked:
            started = time.perf_counter()
            response = client.post("/graphql", json={"query": RETRIEVE, "variables": {
                "i": {"query": doc.query, "budgetBytes": budget}}})
            latencies.append(1000 * (time.perf_counter() - started))
            payload = response.json()["data"]["contextRetrieve"]
            assert not payload["userErrors"], payload
            retrieval = payload["retrieval"]
            server_ms.append(retrieval["durationMs"])
            sources = [c["source"] for c in retrieval["chunks"]]
            top_hits += bool(sources) and sources[0] == doc.source
            any_hits += doc.source in sources
            candidates.append(retrieval["candidates"])
            saving.append(float(retrieval["savingPercent"] or 0))
        stats = client.post("/graphql", json={"query": STATS, "variables": {"from": started_at.isoformat()}}).json()
    latencies.sort()
    return {
        "requests": len(picked), "budget_bytes": budget,
        "client_observed_ms": {"p50": round(statistics.median(latencies), 2),
                               "p99": round(latencies[int(len(latencies) * 0.99) - 1], 2),
                               "max": round(latencies[-1], 2)},
        "market_stats": stats["data"]["marketStats"],
        "hit_rate_top1_topic": round(top_hits / len(picked), 3),
        "hit_rate_any_served_topic": round(any_hits / len(picked), 3),
        "mean_candidates": round(statistics.mean(candidates), 1),
        "mean_saving_percent": round(statistics.mean(saving), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--budget", type=int, default=4096)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--embedder", choices=["minilm", "hashing"], default="minilm")
    parser.add_argument("--embed", choices=["all", "base"], default="all")
    args = parser.parse_args()
    from services.search.embedding import configure

    data_dir = Path(tempfile.mkdtemp(prefix="omniclaude-bench-context-"))
    embedder = configure(args.embedder, data_dir)
    db_url = with_database(BENCH_SERVER, f"omniclaude_bench_context_{uuid.uuid4().hex[:8]}")
    result: dict = {"benchmark": "context_market", "machine": machine(),
                    "setup": {"chunks": args.chunks, "peers": PEERS, "qdrant": "local mode",
                              "server": "1 uvicorn worker, in-process bus", "client": "1 httpx client, sequential",
                              "embedder": f"{embedder.name}, {embedder.dimensions} dimensions", "candidates": 100,
                              "embedded": "every chunk" if args.embed == "all" else
                              "the 1,000 base chunks; each variant reuses its base's dense vector",
                              "ranking": "HYBRID (the default)"}}
    server = None
    try:
        prepared = asyncio.run(_prepare(db_url))
        docs = _documents(args.chunks)
        load = {"copy_into_postgresql_s": round(asyncio.run(_copy_chunks(_dsn(db_url), docs, prepared["peers"])), 1)}
        vectors, seconds = _embed(docs, args.embed)
        load["embed_s"] = round(seconds, 1)
        load["embedded_texts"] = len(docs) if args.embed == "all" else len(corpus())
        upsert_s, name = asyncio.run(_load_qdrant(data_dir / "qdrant", docs, vectors, prepared["peers"], args.batch))
        asyncio.run(_register_collection(_dsn(db_url), name))
        load["qdrant_local_upsert_s"] = round(upsert_s, 1)
        load["qdrant_batch"] = args.batch
        started = time.monotonic()
        server = ModuleServer("bench.http_server", {"DATABASE_URL": db_url, "OMNICLAUDE_DATA_DIR": str(data_dir),
                                              "QDRANT_URL": "", "EMBEDDER": args.embedder}, start_timeout=900)
        load["server_start_with_local_qdrant_s"] = round(time.monotonic() - started, 1)
        result["load"] = load
        result["retrieval"] = _retrieve_all(server.url, prepared["requester_key"], docs, args.queries, args.budget)
        result["exact_search_hit_rate_1000_chunks"] = round(_exact_hit_rate_1k(), 3)
        result["load_average_at_end"] = os.getloadavg()
    finally:
        if server is not None:
            server.stop()
        asyncio.run(drop_database(db_url))
        shutil.rmtree(data_dir, ignore_errors=True)
    emit(result)


if __name__ == "__main__":
    main()
