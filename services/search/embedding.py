"""Text embeddings: the configured embedder (`EMBEDDER`), used by every place that embeds.

- `minilm` (the default): all-MiniLM-L6-v2 on ONNX Runtime, 384 dimensions, see
  `services/search/minilm.py`; it understands paraphrases.
- `hashing`: signed feature hashing of words, word bigrams and character n-grams into 384
  dimensions; no model, no memory, about 0.1 ms a text, but it only matches shared words.

Every embedder returns unit vectors (float32). Embedding is CPU work that takes milliseconds to
seconds, so async code calls `embed_async`, which runs it in a worker thread: queries in one pool,
bulk work (indexing, re-embedding) in another, so a query never waits behind a batch and the event
loop never waits at all. `embed_texts` is the plain synchronous entry point for other modules.
"""

from __future__ import annotations

import asyncio
import re
import threading
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Protocol

import numpy as np

TOKEN = re.compile(r"[a-z0-9]+")
STOPWORDS = frozenset(
    "a an and are as at be by for from has have how i in is it its of on or that the this to was "
    "were what when where which who why will with you your".split()
)
CHOICES = ("minilm", "hashing")


class Embedder(Protocol):
    name: str  # names the model and its version; collections are named after it
    dimensions: int

    def embed_batch(self, texts: list[str]) -> np.ndarray:
        """One unit vector (float32) per text; a text with nothing to embed gives a zero row."""


def _stem(word: str) -> str:
    """A light suffix stripper, so 'retries', 'retrying' and 'retry' share features."""
    for suffix in ("ations", "ation", "ings", "ing", "ies", "ied", "es", "ed", "ly", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)] + ("y" if suffix in ("ies", "ied") else "")
    return word


class HashingEmbedder:
    """Signed feature hashing (the 'hashing trick'): word unigrams (weight 1), word bigrams (0.5)
    and character 3- to 5-grams of each word (0.25), so typos and inflections still overlap.
    Deterministic across processes (crc32, not Python's salted `hash`)."""

    name = "feature-hashing-v1"

    def __init__(self, dimensions: int = 384) -> None:
        self.dimensions = dimensions

    def features(self, text: str) -> list[tuple[str, float]]:
        words = [_stem(w) for w in TOKEN.findall(text.lower()) if w not in STOPWORDS]
        found: list[tuple[str, float]] = [(f"w:{w}", 1.0) for w in words]
        found += [(f"b:{a} {b}", 0.5) for a, b in zip(words, words[1:])]
        for word in words:
            padded = f"<{word}>"
            for n in (3, 4, 5):
                found += [(f"c:{padded[i:i + n]}", 0.25) for i in range(len(padded) - n + 1)]
        return found

    def embed(self, text: str) -> list[float]:
        return self.embed_batch([text])[0].tolist()

    def embed_batch(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            for feature, weight in self.features(text):
                digest = zlib.crc32(feature.encode())
                out[row, digest % self.dimensions] += weight if digest & 0x8000_0000 else -weight
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms > 0, norms, 1.0)


def _minilm(data_dir: Path, model_dir: Path | None) -> Embedder:
    from services.search import minilm

    return minilm.shared(data_dir / "models", model_dir)


def _hashing(data_dir: Path, model_dir: Path | None) -> Embedder:
    return HashingEmbedder()


FACTORIES: dict[str, Callable[[Path, Path | None], Embedder]] = {"minilm": _minilm, "hashing": _hashing}
# versioned name -> setting value: an embedder that wrote a collection can be loaded to search it
BY_NAME = {"minilm-l6-v2-onnx-v1": "minilm", "feature-hashing-v1": "hashing"}


class _Configured:
    def __init__(self) -> None:
        self.embedder: Embedder | None = None
        self.data_dir = Path(".omniclaude")
        self.model_dir: Path | None = None
        self.lock = threading.Lock()


_state = _Configured()


def configure(choice: str, data_dir: Path, model_dir: Path | None = None) -> Embedder:
    """Load the embedder `EMBEDDER` names (once per process for the model) and make it the one used."""
    if choice not in FACTORIES:
        raise ValueError(f"EMBEDDER must be one of {', '.join(CHOICES)}, got {choice!r}")
    with _state.lock:
        _state.data_dir, _state.model_dir = data_dir, model_dir
        _state.embedder = FACTORIES[choice](data_dir, model_dir)
        return _state.embedder


def get_embedder() -> Embedder:
    """The configured embedder (the app configures it at start-up from the settings)."""
    if _state.embedder is None:
        raise RuntimeError("no embedder is configured: call services.search.embedding.configure(settings.embedder, "
                           "settings.data_dir, settings.embedder_model_dir) first (the app's start-up does)")
    return _state.embedder


def set_embedder(embedder: Embedder) -> None:
    """Use this embedder from now on (tests and benchmarks that compare embedders)."""
    _state.embedder = embedder


def embedder_named(name: str) -> Embedder | None:
    """The embedder whose versioned name is `name` (to search a collection it wrote), or None when
    this code no longer has it."""
    current = get_embedder()
    if current.name == name:
        return current
    choice = BY_NAME.get(name)
    return FACTORIES[choice](_state.data_dir, _state.model_dir) if choice else None


def embed_texts(texts: list[str], embedder: Embedder | None = None) -> np.ndarray:
    """Unit vectors (len(texts) x dimensions, float32) from the configured embedder. Synchronous:
    call it from a thread or a script, or use `embed_async` in async code."""
    return (embedder or get_embedder()).embed_batch(list(texts))


_query_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="embed-query")
_bulk_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="embed-bulk")


async def embed_async(texts: list[str], *, embedder: Embedder | None = None, bulk: bool = False) -> np.ndarray:
    """`embed_texts` in a worker thread: the event loop keeps serving requests meanwhile."""
    chosen = embedder or get_embedder()
    pool = _bulk_pool if bulk else _query_pool
    return await asyncio.get_running_loop().run_in_executor(pool, chosen.embed_batch, list(texts))
