"""Pure rules of the context market: KB arithmetic, ranking, filling a byte budget, the saving.

No database here; `market.py` beside it applies them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

KB = 1024
MAX_CHUNK_BYTES = 64 * KB
MIN_BUDGET = KB
MAX_BUDGET = KB * KB
# Scores within this of the best of their group are a tie, settled by the peer's reputation: a
# float32 vector search gives identical vectors scores that differ in the 7th decimal.
TIE = 1e-6


@dataclass(frozen=True)
class Candidate:
    """A live chunk the search found at or above the minimum score. `score` orders the ranking (the
    fused rank score of a hybrid search); `similarity` is the dense cosine shown to the requester."""

    chunk_id: int
    peer_id: int
    score: float
    bytes: int
    similarity: float | None = None


@dataclass(frozen=True)
class Pick:
    candidate: Candidate
    rank: int
    kb: int
    tokens: int  # 0 when the requester owns the chunk


def kilobytes(size: int) -> int:
    """KB = 1,024 bytes, rounded up: a 1-byte chunk is 1 KB, 1,025 bytes are 2."""
    if size < 1:
        raise ValueError("a chunk has at least 1 byte")
    return -(-size // KB)


def ranked(candidates: list[Candidate], reputation: Callable[[int], Decimal]) -> list[Candidate]:
    """Best score first. Walking down the scores, a chunk within TIE of the first of the current group
    joins it; a group is ordered by the peer's reputation (`reputation(peer_id)`, asked only for
    groups of two or more), then the older chunk."""
    groups: list[list[Candidate]] = []
    for candidate in sorted(candidates, key=lambda c: (-c.score, c.chunk_id)):
        if groups and groups[-1][0].score - candidate.score <= TIE:
            groups[-1].append(candidate)
        else:
            groups.append([candidate])
    return [c for group in groups
            for c in (sorted(group, key=lambda c: (-reputation(c.peer_id), c.chunk_id)) if len(group) > 1 else group)]


def fill_budget(candidates: list[Candidate], budget: int, requester_id: int, *, tokens_per_kb: int,
                reputation: Callable[[int], Decimal]) -> list[Pick]:
    """Walk the ranking and take every chunk that still fits; one too big for what is left is
    skipped (never cut), and a smaller one further down may still fit."""
    picks: list[Pick] = []
    left = budget
    for candidate in ranked(candidates, reputation):
        if candidate.bytes > left:
            continue
        left -= candidate.bytes
        kb = kilobytes(candidate.bytes)
        tokens = 0 if candidate.peer_id == requester_id else kb * tokens_per_kb
        picks.append(Pick(candidate, len(picks) + 1, kb, tokens))
        if left == 0:
            break
    return picks


def saving_percent(served_bytes: int, candidate_bytes: int) -> Decimal | None:
    """Share of the candidates' bytes that were not sent, in percent to 2 places; None without candidates."""
    if candidate_bytes <= 0:
        return None
    value = Decimal(candidate_bytes - served_bytes) * 100 / Decimal(candidate_bytes)
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)


def payouts(picks: list[Pick]) -> dict[int, tuple[int, int]]:
    """Per serving peer other than the requester: (tokens, KB)."""
    totals: dict[int, tuple[int, int]] = {}
    for pick in picks:
        if pick.tokens:
            tokens, kb = totals.get(pick.candidate.peer_id, (0, 0))
            totals[pick.candidate.peer_id] = (tokens + pick.tokens, kb + pick.kb)
    return totals
