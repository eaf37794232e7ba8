"""The default embedder's cost: memory, load time, batch throughput and query latency.

In one process, in this order:
1. RSS before and after the model loads, and the load time: the first start (builds the ONNX graph
   from the safetensors into an empty cache directory) and a later start (loads the cached graph).
2. Throughput on 300-400 byte chunks (the context corpus' chunks with a numbered note, so every text
   differs): batches grouped by length, as the server embeds them, next to the anchor the issue
   measured (unsorted batches of 32) and the floor (feature hashing). Wall time and CPU time: on a
   shared machine the CPU seconds per chunk say what the cores did.
3. One-line queries embedded one at a time: p50/p99.

    .venv/bin/python bench/embedding.py [--chunks 1024] [--queries 500]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)  # bench/http.py would shadow the standard library

import argparse  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from bench.common import emit, machine, percentile  # noqa: E402
from tests.context_corpus import corpus, filler  # noqa: E402


def rss_mb() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def timed(run, texts: list[str]) -> dict:
    wall, cpu = time.perf_counter(), time.process_time()
    run(texts)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"chunks_per_s": round(len(texts) / wall, 1), "wall_s": round(wall, 2),
            "cpu_ms_per_chunk": round(1000 * cpu / len(texts), 2)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunks", type=int, default=1024)
    parser.add_argument("--queries", type=int, default=500)
    args = parser.parse_args()
    result: dict = {"benchmark": "embedding", "machine": machine()}
    before = rss_mb()
    from services.search import minilm
    from services.search.embedding import HashingEmbedder

    with tempfile.TemporaryDirectory(prefix="omniclaude-bench-embed-") as cache:
        started = time.perf_counter()
        minilm.MiniLMEmbedder(Path(cache))  # builds and caches the graph, then drops it
        first_start = time.perf_counter() - started
        import gc

        gc.collect()
        started = time.perf_counter()
        model = minilm.MiniLMEmbedder(Path(cache))
        cached_start = time.perf_counter() - started
        graph_mb = sum(p.stat().st_size for p in Path(cache).glob("*.onnx")) / 2**20
    loaded = rss_mb()
    pool = [d.text for d in corpus() + filler(20 * args.chunks, seed=11)]
    texts = [t for t in pool if 300 <= len(t.encode()) <= 400][:args.chunks]  # every text differs
    random.Random(3).shuffle(texts)
    sizes = [len(t.encode()) for t in texts]
    model.embed_batch(texts[:64])  # warm-up
    result["model"] = {"name": model.name, "dimensions": model.dimensions, "graph_mb": round(graph_mb, 1),
                       "first_start_s": round(first_start, 2), "cached_start_s": round(cached_start, 2),
                       "rss_before_mb": round(before, 1), "rss_after_load_mb": round(loaded, 1)}

    def unsorted_32(batch: list[str]) -> None:
        saved = minilm.BATCH_TOKENS, minilm.MAX_BATCH
        minilm.BATCH_TOKENS, minilm.MAX_BATCH = 10**9, 32
        try:
            for i in range(0, len(batch), 32):
                model.embed_batch(batch[i:i + 32])
        finally:
            minilm.BATCH_TOKENS, minilm.MAX_BATCH = saved

    def server_batches(batch: list[str]) -> None:
        for i in range(0, len(batch), 256):  # REEMBED_BATCH: the server hands the model 256 texts at a time
            model.embed_batch(batch[i:i + 256])

    hashing = HashingEmbedder()
    grouped = timed(server_batches, texts)
    server_rss = rss_mb()  # before the anchor, whose unbounded batches need more activation memory
    result["throughput"] = {
        "chunks": len(texts), "bytes_min": min(sizes), "bytes_max": max(sizes),
        "bytes_mean": round(float(np.mean(sizes)), 1),
        "minilm_length_grouped": grouped,
        "rss_after_server_batches_mb": round(server_rss, 1),
        "anchor_minilm_unsorted_batches_of_32": timed(unsorted_32, texts),
        "floor_feature_hashing": timed(hashing.embed_batch, texts),
        "rss_after_anchor_mb": round(rss_mb(), 1),
    }
    queries = [d.query for d in corpus()][:args.queries]
    latencies = []
    for q in queries:
        started = time.perf_counter()
        model.embed_batch([q])
        latencies.append(1000 * (time.perf_counter() - started))
    result["query"] = {"queries": len(queries), "p50_ms": round(percentile(latencies, 50), 2),
                       "p99_ms": round(percentile(latencies, 99), 2), "max_ms": round(max(latencies), 2)}
    result["rss_extra_mb_as_served"] = round(server_rss - before, 1)  # model loaded, server-sized batches run
    result["load_average_at_end"] = os.getloadavg()
    emit(result)


if __name__ == "__main__":
    main()
