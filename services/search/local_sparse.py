"""Sparse scoring for Qdrant local mode: an inverted index over the local collection's sparse vectors.

qdrant-client's local mode scores a sparse query with a Python loop over every stored vector
(seconds at 100,000 points). This index holds the postings sorted by term in numpy arrays, so a
query reads only the postings of its terms. Points written after the index was built are kept
aside (and their old postings masked) until there are enough of them to rebuild.

IDF is Qdrant's: ln((N - df + 0.5) / (df + 0.5) + 1), with document frequencies as of the last
rebuild plus the points written since (an approximation between rebuilds, as in any segmented index).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

REBUILD_AFTER = 2000  # points written since the build, or 5% of the collection, whichever is more


class LocalSparseIndex:
    def __init__(self) -> None:
        self.built_for = 0  # how many point slots existed at the build
        self.terms = np.zeros(0, dtype=np.int64)
        self.slots = np.zeros(0, dtype=np.int64)
        self.weights = np.zeros(0, dtype=np.float32)
        self.df: dict[int, int] = {}
        self.stale = np.zeros(0, dtype=bool)
        self.fresh: dict[int, Any] = {}  # slot -> sparse vector written since the build
        self.valid = False

    def touch(self, slots: list[int]) -> None:
        """These slots were written or deleted: mask their built postings, score them from `fresh`."""
        for slot in slots:
            if slot < self.built_for:
                self.stale[slot] = True
            self.fresh[slot] = None  # read back from the collection at the next query
        if len(self.fresh) > max(REBUILD_AFTER, self.built_for // 20):
            self.valid = False

    def _build(self, vectors: list[Any], deleted: np.ndarray) -> None:
        slots, terms, weights = [], [], []
        for slot, vector in enumerate(vectors):
            if vector is None or (slot < len(deleted) and deleted[slot]) or not len(vector.indices):
                continue
            slots.append(np.full(len(vector.indices), slot, dtype=np.int64))
            terms.append(np.asarray(vector.indices, dtype=np.int64))
            weights.append(np.asarray(vector.values, dtype=np.float32))
        if terms:
            all_terms = np.concatenate(terms)
            order = np.argsort(all_terms, kind="stable")
            self.terms, self.slots = all_terms[order], np.concatenate(slots)[order]
            self.weights = np.concatenate(weights)[order]
            unique, counts = np.unique(self.terms, return_counts=True)
            self.df = dict(zip(unique.tolist(), counts.tolist()))
        else:
            self.terms, self.slots = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
            self.weights, self.df = np.zeros(0, dtype=np.float32), {}
        self.built_for = len(vectors)
        self.stale = np.zeros(len(vectors), dtype=bool)
        self.fresh = {}
        self.valid = True

    def scores(self, vectors: list[Any], deleted: np.ndarray, indices: list[int], values: list[float],
               live: int, df: dict[int, int] | None = None) -> np.ndarray:
        """BM25 score of every slot for a query (-inf where no term matches). `df`: the collection's
        own document frequencies when it keeps them (qdrant-client's local mode does)."""
        if not self.valid:
            self._build(vectors, deleted)
        fresh = {slot: vectors[slot] for slot in self.fresh
                 if slot < len(vectors) and not (slot < len(deleted) and deleted[slot]) and vectors[slot] is not None}
        out = np.full(len(vectors), -np.inf, dtype=np.float32)
        for term, value in zip(indices, values):
            count = df.get(term, 0) if df is not None else (
                self.df.get(term, 0) + sum(1 for v in fresh.values() if term in v.indices))
            if count <= 0:
                continue
            idf = value * math.log((live - count + 0.5) / (count + 0.5) + 1)
            start, end = np.searchsorted(self.terms, [term, term + 1])
            if end > start:
                slots = self.slots[start:end]
                keep = ~self.stale[slots]
                slots, weights = slots[keep], self.weights[start:end][keep]
                out[slots] = np.where(np.isneginf(out[slots]), 0, out[slots]) + idf * weights
            for slot, vector in fresh.items():
                position = _position(vector.indices, term)
                if position is not None:
                    out[slot] = (0 if np.isneginf(out[slot]) else out[slot]) + idf * vector.values[position]
        return out


def _position(indices: Any, term: int) -> int | None:
    found = int(np.searchsorted(indices, term))
    return found if found < len(indices) and indices[found] == term else None
