"""Text embeddings. The default needs no model download: feature hashing of word uni/bigrams and
character n-grams into a fixed number of dimensions, L2-normalised, deterministic across processes
(crc32, not Python's salted `hash`)."""

from __future__ import annotations

import re
import zlib
from typing import Protocol

import numpy as np

TOKEN = re.compile(r"[a-z0-9]+")
STOPWORDS = frozenset(
    "a an and are as at be by for from has have how i in is it its of on or that the this to was "
    "were what when where which who why will with you your".split()
)


class Embedder(Protocol):
    dimensions: int
    name: str

    def embed(self, text: str) -> list[float]: ...


def _stem(word: str) -> str:
    """A light suffix stripper, so 'retries', 'retrying' and 'retry' share features."""
    for suffix in ("ations", "ation", "ings", "ing", "ies", "ied", "es", "ed", "ly", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)] + ("y" if suffix in ("ies", "ied") else "")
    return word


class HashingEmbedder:
    """Signed feature hashing (the 'hashing trick'): word unigrams (weight 1), word bigrams (0.5)
    and character 3- to 5-grams of each word (0.25), so typos and inflections still overlap."""

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
        vector = np.zeros(self.dimensions, dtype=np.float32)
        for feature, weight in self.features(text):
            digest = zlib.crc32(feature.encode())
            sign = 1.0 if digest & 0x8000_0000 else -1.0
            vector[digest % self.dimensions] += sign * weight
        norm = float(np.linalg.norm(vector))
        return (vector / norm).tolist() if norm else vector.tolist()


_embedder: Embedder = HashingEmbedder()


def get_embedder() -> Embedder:
    return _embedder


def set_embedder(embedder: Embedder) -> None:
    """Plug in another embedder (a model server, a local model) before the app starts."""
    global _embedder
    _embedder = embedder
