"""Retrieval quality: dense, sparse and hybrid rankings side by side, for each embedder.

The paraphrase set (tests/data/paraphrases.json: hand-written (request, chunk) pairs with little
word overlap) is searched among its own chunks plus the 1,000 chunks of tests/context_corpus.py,
through the same store and ranking code the server uses (Qdrant local mode in a temporary
directory). For each request: is its chunk first, in the top 5? Also the corpus' own 1,000
paraphrased queries: is the first chunk on the query's topic? And identifier requests: every
identifier (a compound such as `max_connections`, a word with a digit, a camelCase name) that occurs
in exactly one chunk of the split's pairs, asked bare and as "problem with <identifier>": is that
chunk first, in the top 5?

    .venv/bin/python bench/search_quality.py [--split frozen|tune|all] [--embedders minilm,hashing]

The `frozen` split is for measurement only: nothing is tuned on it.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)  # bench/http.py would shadow the standard library

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from bench.common import emit, machine  # noqa: E402
from services.search import embedding, sparse  # noqa: E402
from services.search.vectors import Point, Ranking, open_store  # noqa: E402
from tests.context_corpus import corpus  # noqa: E402

PAIRS = json.loads((Path(__file__).resolve().parent.parent / "tests/data/paraphrases.json").read_text())["pairs"]


def jaccard(a: str, b: str) -> float:
    """Content-word overlap: stemmed words that are not stop words (the sparse vector's word terms)."""
    def words(text: str) -> set[str]:
        return {t for t in sparse.terms(text) if not sparse.COMPOUND.fullmatch(t)}
    x, y = words(a), words(b)
    return len(x & y) / len(x | y) if x | y else 0.0


def lexical(text: str, ranking: Ranking) -> sparse.Sparse:
    return sparse.query(text) if ranking is Ranking.SPARSE else sparse.identifiers(text)


def identifier_requests(pairs: list[dict], texts: list[str]) -> list[tuple[str, int]]:
    """(request, id of the one chunk holding it) for identifiers found in exactly one text."""
    found = []
    for p in pairs:
        for name in sorted(set(sparse.IDENTIFIER.findall(p["chunk"]))):
            if len(name) >= 3 and not name.isdigit() and sum(name in t for t in texts) == 1:
                found += [(name, PAIRS.index(p) + 1), (f"problem with {name}", PAIRS.index(p) + 1)]
    return found


async def evaluate(choice: str, data_dir: Path, split: str) -> dict:
    embedder = embedding.configure(choice, data_dir)
    store = await open_store(None, data_dir / f"qdrant-{choice}")
    docs = corpus()
    pairs = [p for p in PAIRS if split == "all" or p["split"] == split]
    texts = [p["chunk"] for p in PAIRS] + [d.text for d in docs]  # every pair's chunk is a distractor too
    started = time.perf_counter()
    vectors = embedder.embed_batch(texts)
    embed_seconds = time.perf_counter() - started
    collection = f"quality_{choice}"
    await store.ensure_collection(collection, embedder.dimensions)
    await store.upsert(collection, [Point(i + 1, v, sparse.document(t), {}) for i, (t, v) in
                                    enumerate(zip(texts, vectors))])
    target = {p["id"]: PAIRS.index(p) + 1 for p in pairs}
    topic = {len(PAIRS) + i + 1: d.source for i, d in enumerate(docs)}
    out: dict = {"embedder": embedder.name, "documents": len(texts), "embed_seconds": round(embed_seconds, 2)}
    queries = embedder.embed_batch([p["request"] for p in pairs])
    corpus_queries = embedder.embed_batch([d.query for d in docs])
    named = identifier_requests(pairs, texts)
    named_queries = embedder.embed_batch([q for q, _ in named])
    for ranking in Ranking:
        first = top5 = 0
        for p, vector in zip(pairs, queries):
            hits = await store.search(collection, dense=vector, sparse=lexical(p["request"], ranking), limit=5,
                                      ranking=ranking)
            ids = [h.id for h in hits]
            first += bool(ids) and ids[0] == target[p["id"]]
            top5 += target[p["id"]] in ids
        on_topic = 0
        for d, vector in zip(docs, corpus_queries):
            hits = await store.search(collection, dense=vector, sparse=lexical(d.query, ranking), limit=1,
                                      ranking=ranking)
            on_topic += bool(hits) and topic.get(hits[0].id) == d.source
        named_first = named_top5 = 0
        for (q, wanted), vector in zip(named, named_queries):
            ids = [h.id for h in await store.search(collection, dense=vector, sparse=lexical(q, ranking), limit=5,
                                                    ranking=ranking)]
            named_first += bool(ids) and ids[0] == wanted
            named_top5 += wanted in ids
        out[ranking.value.lower()] = {"first": first, "top5": top5, "of": len(pairs),
                                      "first_rate": round(first / len(pairs), 3),
                                      "top5_rate": round(top5 / len(pairs), 3),
                                      "corpus_first_on_topic": round(on_topic / len(docs), 3),
                                      "identifiers": {"first": named_first, "top5": named_top5, "of": len(named)}}
    await store.drop(collection)
    return out


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", choices=["frozen", "tune", "all"], default="frozen")
    parser.add_argument("--embedders", default="minilm,hashing")
    args = parser.parse_args()
    overlaps = [jaccard(p["request"], p["chunk"]) for p in PAIRS]
    result = {"benchmark": "search_quality", "machine": machine(), "split": args.split,
              "pairs": sum(1 for p in PAIRS if args.split == "all" or p["split"] == args.split),
              "pairs_in_set": len(PAIRS), "distractors": len(PAIRS) - 1 + 1000,
              "jaccard": {"mean": round(statistics.mean(overlaps), 3), "max": round(max(overlaps), 3),
                          "over_0.2": sum(o > 0.2 for o in overlaps)},
              "embedders": []}
    with tempfile.TemporaryDirectory(prefix="omniclaude-quality-") as tmp:
        for choice in args.embedders.split(","):
            result["embedders"].append(await evaluate(choice, Path(tmp), args.split))
    emit(result)


if __name__ == "__main__":
    np.seterr(all="ignore")
    asyncio.run(main())
