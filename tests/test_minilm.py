"""The default embedder: all-MiniLM-L6-v2 on ONNX Runtime matches sentence-transformers.

The reference vectors were computed once by sentence-transformers (tests/data/make_minilm_reference.py)
and are committed, so this needs no PyTorch. One model is loaded per test process.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from services.search import minilm
from tests.conftest import TEST_DATA_DIR

REFERENCE = json.loads((Path(__file__).parent / "data" / "minilm_reference.json").read_text())


@pytest.fixture(scope="module")
def model() -> minilm.MiniLMEmbedder:
    return minilm.shared(Path(TEST_DATA_DIR) / "models")


def test_vectors_match_sentence_transformers(model):
    ours = model.embed_batch(REFERENCE["texts"])
    reference = np.asarray(REFERENCE["vectors"], dtype=np.float32)
    cosines = (ours * reference).sum(axis=1) / np.linalg.norm(reference, axis=1)
    worst = int(np.argmin(cosines))
    assert cosines.min() >= 0.99, (REFERENCE["texts"][worst], float(cosines.min()))
    assert len(REFERENCE["texts"]) == 40 and ours.shape == (40, 384)


def test_a_vector_does_not_depend_on_its_batch(model):
    alone = model.embed_batch(["retry with backoff"])[0]
    batched = model.embed_batch(["a much longer text " * 30, "retry with backoff", "x"])[1]
    assert np.allclose(alone, batched, atol=1e-5)
    assert abs(float(np.linalg.norm(alone)) - 1.0) < 1e-5


def test_a_long_text_is_the_token_weighted_mean_of_its_windows(model):
    text = " ".join(f"sentence {i} about caching and eviction of entries." for i in range(80))
    ids = model.tokenizer.encode(text, add_special_tokens=False).ids
    assert len(ids) > 2 * minilm.CONTENT  # three windows
    windows = [[model.cls, *ids[s:s + minilm.CONTENT], model.sep] for s in range(0, len(ids), minilm.CONTENT)]
    means = [model._run([w])[0] * len(w) for w in windows]
    expected = np.sum(means, axis=0)
    expected /= np.linalg.norm(expected)
    assert np.allclose(model.embed_batch([text])[0], expected, atol=1e-5)
    first_window_only = model.embed_batch([model.tokenizer.decode(ids[:minilm.CONTENT])])[0]
    assert float(first_window_only @ expected) < 0.999  # the rest of the text counts


def test_texts_past_the_window_cap_are_cut(model):
    words = " ".join(f"w{i}" for i in range(minilm.CONTENT * (minilm.MAX_WINDOWS + 3)))
    ids = model.tokenizer.encode(words, add_special_tokens=False).ids
    capped = model.tokenizer.decode(ids[:minilm.CONTENT * minilm.MAX_WINDOWS])
    assert np.allclose(model.embed_batch([words])[0], model.embed_batch([capped])[0], atol=1e-4)


def test_weights_that_are_not_the_model_are_refused(tmp_path):
    for name in ("model.safetensors", "tokenizer.json", "config.json"):
        (tmp_path / name).write_bytes(b"{}")
    with pytest.raises(minilm.ModelMissing, match="is not all-MiniLM-L6-v2"):
        minilm.MiniLMEmbedder(tmp_path / "cache", model_dir=tmp_path)
    with pytest.raises(minilm.ModelMissing, match="lacks model.safetensors"):
        minilm.MiniLMEmbedder(tmp_path / "cache", model_dir=tmp_path / "nothing-here")


def test_a_corrupt_cached_graph_is_rebuilt(tmp_path, model):
    files = minilm.ModelFiles.locate()
    graph = minilm.cached_graph(files, tmp_path)
    graph.write_bytes(graph.read_bytes()[:1000])  # truncated: its checksum no longer matches
    rebuilt = minilm.cached_graph(files, tmp_path)
    assert rebuilt == graph and graph.stat().st_size > 80_000_000
    fresh = minilm.MiniLMEmbedder(tmp_path)
    assert np.allclose(fresh.embed_batch(["hello"]), model.embed_batch(["hello"]), atol=1e-6)
