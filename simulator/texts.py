"""Text for STF names, context chunks and queries: each topic has its own made-up words, so a query
about a topic finds that topic's chunks through the real embedder and vector search."""

from __future__ import annotations

import random

SYLLABLES = ["ka", "lo", "mi", "ter", "vos", "an", "dri", "pel", "su", "gor", "nex", "ul", "fi", "bra", "zen",
             "tok", "ri", "mar", "que", "ol"]
SHARED = ("error retry cache timeout config parse deploy token build test import module request response "
          "handler queue index schema client server").split()


class Vocabulary:
    def __init__(self, topics: int, *, words_per_chunk: tuple[int, int], words_per_query: int, min_score: float,
                 seed: int) -> None:
        rng = random.Random(seed)
        self.topics = topics
        self.words_per_chunk = words_per_chunk
        self.words_per_query = words_per_query
        self.min_score = min_score
        self.pools = [[self._word(rng) for _ in range(40)] for _ in range(topics)]

    @staticmethod
    def _word(rng: random.Random) -> str:
        return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))

    def words(self, topic: int, n: int, rng: random.Random) -> str:
        pool = self.pools[topic % self.topics]
        return " ".join(pool[int(rng.random() * len(pool))] for _ in range(n))

    def chunk(self, topic: int, rng: random.Random) -> str:
        low, high = self.words_per_chunk
        n = rng.randint(low, high)
        pool = self.pools[topic % self.topics]
        return " ".join(pool[int(rng.random() * len(pool))] if rng.random() < 0.8
                        else SHARED[int(rng.random() * len(SHARED))] for _ in range(n))
