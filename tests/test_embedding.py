"""The default embedder and the vector store in Qdrant local mode."""

from __future__ import annotations

import math
import subprocess
import sys
import uuid
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from services.search import sparse
from services.search.embedding import HashingEmbedder
from services.search.vectors import Point, get_store

embedder = HashingEmbedder()


def _cos(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b))


def test_paraphrase_is_nearer_than_an_unrelated_text():
    query = embedder.embed("retry failed HTTP requests with exponential backoff")
    paraphrase = embedder.embed("retrying http calls that failed, backing off exponentially")
    unrelated = embedder.embed("convert a CSV file to parquet with pandas")
    assert _cos(query, paraphrase) > 0.4 > _cos(query, unrelated)


def test_the_same_text_embeds_the_same_in_another_process():
    code = ("from services.search.embedding import HashingEmbedder; "
            "print(HashingEmbedder().embed('stable across runs')[:8])")
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": "12345", "PATH": ""}, cwd=Path(__file__).resolve().parent.parent)
    assert other.stdout.strip() == str(embedder.embed("stable across runs")[:8])


@settings(max_examples=50, deadline=None)
@given(st.text(min_size=1, max_size=300))
def test_every_vector_is_unit_length_or_empty(text):
    vector = embedder.embed(text)
    assert len(vector) == embedder.dimensions
    norm = math.sqrt(sum(x * x for x in vector))
    assert norm == 0.0 or abs(norm - 1.0) < 1e-5


async def test_store_upserts_searches_and_deletes(server):
    store = get_store()
    collection = f"test_{uuid.uuid4().hex[:8]}"
    await store.ensure_collection(collection, embedder.dimensions)
    texts = {1: "parse JSON with a schema", 2: "retry with exponential backoff", 3: "resize images in bulk"}
    vectors = embedder.embed_batch(list(texts.values()))
    await store.upsert(collection, [Point(pid, v, sparse.document(t), {"text": t})
                                    for (pid, t), v in zip(texts.items(), vectors)])
    query = "backing off and retrying"
    [vector] = embedder.embed_batch([query])
    hits = await store.search(collection, dense=vector, sparse=sparse.query(query), limit=2)
    assert hits[0].id == 2 and hits[0].payload == {"text": texts[2]}
    await store.delete(collection, [2])
    hits = await store.search(collection, dense=vector, sparse=sparse.query(query), limit=3)
    assert 2 not in [hit.id for hit in hits]
    await store.drop(collection)
