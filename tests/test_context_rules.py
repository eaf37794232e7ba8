"""Pure rules of the context market: KB arithmetic, ranking with the reputation tie-break, filling a budget."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from services.context_market.rules import (
    MAX_CHUNK_BYTES,
    TIE,
    Candidate,
    fill_budget,
    kilobytes,
    payouts,
    ranked,
    saving_percent,
)

candidates_strategy = st.lists(
    st.builds(Candidate, chunk_id=st.integers(1, 10**6), peer_id=st.integers(1, 5),
              score=st.one_of(st.floats(-1, 1, allow_nan=False), st.sampled_from([0.5, 0.5000004, 0.5000012])),
              bytes=st.integers(1, MAX_CHUNK_BYTES)),
    max_size=40, unique_by=lambda c: c.chunk_id)
REPUTATION = {1: Decimal("0.5"), 2: Decimal("1"), 3: Decimal("1"), 4: Decimal("2.5"), 5: Decimal("0")}


def test_kilobytes_round_up_per_chunk():
    assert [kilobytes(n) for n in (1, 1023, 1024, 1025, 2048, 65536)] == [1, 1, 1, 2, 2, 64]


@given(st.integers(1, 10**9))
def test_kilobytes_is_the_smallest_whole_number_of_kb_that_holds_the_chunk(size):
    kb = kilobytes(size)
    assert (kb - 1) * 1024 < size <= kb * 1024


@given(candidates_strategy, st.integers(1024, 1024 * 1024), st.integers(1, 5), st.integers(0, 10))
def test_fill_budget_never_overspends_and_skips_only_what_no_longer_fits(candidates, budget, requester, rate):
    picks = fill_budget(candidates, budget, requester, tokens_per_kb=rate, reputation=REPUTATION.__getitem__)
    assert sum(p.candidate.bytes for p in picks) <= budget
    assert [p.rank for p in picks] == list(range(1, len(picks) + 1))
    order = ranked(candidates, REPUTATION.__getitem__)
    taken = {p.candidate.chunk_id for p in picks}
    left = budget
    for candidate in order:  # replay: every skipped chunk was larger than what was left at its turn
        if left == 0:
            break
        if candidate.chunk_id in taken:
            left -= candidate.bytes
        else:
            assert candidate.bytes > left
    for pick in picks:
        assert pick.kb == kilobytes(pick.candidate.bytes)
        assert pick.tokens == (0 if pick.candidate.peer_id == requester else pick.kb * rate)
    assert sum(tokens for tokens, _ in payouts(picks).values()) == sum(p.tokens for p in picks)
    assert requester not in payouts(picks) or rate == 0


@given(candidates_strategy)
def test_ranking_never_puts_a_clearly_lower_score_first(candidates):
    order = ranked(candidates, REPUTATION.__getitem__)
    assert sorted(c.chunk_id for c in order) == sorted(c.chunk_id for c in candidates)
    for earlier, later in zip(order, order[1:]):
        assert later.score <= earlier.score + TIE


def test_ties_go_to_the_better_reputed_peer_then_the_older_chunk():
    a = Candidate(chunk_id=1, peer_id=1, score=0.8000001, bytes=10)
    b = Candidate(chunk_id=2, peer_id=4, score=0.8000004, bytes=10)
    c = Candidate(chunk_id=3, peer_id=2, score=0.8000009, bytes=10)
    d = Candidate(chunk_id=5, peer_id=3, score=0.8000009, bytes=10)
    best = Candidate(chunk_id=4, peer_id=5, score=0.81, bytes=10)
    asked: list[int] = []

    def reputation(peer: int) -> Decimal:
        asked.append(peer)
        return REPUTATION[peer]

    # c and d (1.0) tie with b (2.5) and a (0.5): within 0.000001 of c's score
    assert [x.chunk_id for x in ranked([a, d, c, b, best], reputation)] == [4, 2, 3, 5, 1]
    assert 5 not in asked  # the untied best chunk's peer is never looked up
    far = Candidate(chunk_id=6, peer_id=4, score=0.79, bytes=10)
    assert [x.chunk_id for x in ranked([far, a], reputation)] == [1, 6]


def test_an_exact_fit_stops_the_walk_and_a_too_large_chunk_is_skipped():
    big = Candidate(chunk_id=1, peer_id=1, score=0.9, bytes=3000)
    exact = Candidate(chunk_id=2, peer_id=1, score=0.8, bytes=2048)
    more = Candidate(chunk_id=3, peer_id=1, score=0.7, bytes=1)
    picks = fill_budget([big, exact, more], 2048, requester_id=9, tokens_per_kb=2, reputation=REPUTATION.__getitem__)
    assert [(p.candidate.chunk_id, p.kb, p.tokens) for p in picks] == [(2, 2, 4)]


def test_saving_percent():
    assert saving_percent(0, 0) is None
    assert saving_percent(50, 500) == Decimal("90.00")
    assert saving_percent(1, 3) == Decimal("66.67")
