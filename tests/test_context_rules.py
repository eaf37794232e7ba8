"""Pure rules of the context market: KB arithmetic, ranking with the reputation tie-break, filling a budget."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, strategies as st

from services.context_rules import (
    MAX_CHUNK_BYTES,
    Candidate,
    fill_budget,
    kilobytes,
    payouts,
    ranked,
    saving_percent,
)

candidates_strategy = st.lists(
    st.builds(Candidate, chunk_id=st.integers(1, 10**6), peer_id=st.integers(1, 5),
              score=st.floats(-1, 1, allow_nan=False), bytes=st.integers(1, MAX_CHUNK_BYTES),
              reputation=st.decimals(0, 10, places=6)),
    max_size=40, unique_by=lambda c: c.chunk_id)


def test_kilobytes_round_up_per_chunk():
    assert [kilobytes(n) for n in (1, 1023, 1024, 1025, 2048, 65536)] == [1, 1, 1, 2, 2, 64]


@given(st.integers(1, 10**9))
def test_kilobytes_is_the_smallest_whole_number_of_kb_that_holds_the_chunk(size):
    kb = kilobytes(size)
    assert (kb - 1) * 1024 < size <= kb * 1024


@given(candidates_strategy, st.integers(1024, 1024 * 1024), st.integers(1, 5), st.integers(0, 10))
def test_fill_budget_never_overspends_and_skips_only_what_no_longer_fits(candidates, budget, requester, rate):
    picks = fill_budget(candidates, budget, requester, rate)
    assert sum(p.candidate.bytes for p in picks) <= budget
    assert [p.rank for p in picks] == list(range(1, len(picks) + 1))
    order = ranked(candidates)
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


def test_ties_go_to_the_better_reputed_peer_then_the_older_chunk():
    a = Candidate(chunk_id=1, peer_id=1, score=0.8000001, bytes=10, reputation=Decimal("0.9"))
    b = Candidate(chunk_id=2, peer_id=2, score=0.8000004, bytes=10, reputation=Decimal("1.2"))
    c = Candidate(chunk_id=3, peer_id=3, score=0.8000004, bytes=10, reputation=Decimal("1.2"))
    best = Candidate(chunk_id=4, peer_id=1, score=0.81, bytes=10, reputation=Decimal("0"))
    assert [x.chunk_id for x in ranked([a, c, b, best])] == [4, 2, 3, 1]


def test_an_exact_fit_stops_the_walk_and_a_too_large_chunk_is_skipped():
    big = Candidate(chunk_id=1, peer_id=1, score=0.9, bytes=3000, reputation=Decimal(1))
    exact = Candidate(chunk_id=2, peer_id=1, score=0.8, bytes=2048, reputation=Decimal(1))
    more = Candidate(chunk_id=3, peer_id=1, score=0.7, bytes=1, reputation=Decimal(1))
    picks = fill_budget([big, exact, more], 2048, requester_id=9, tokens_per_kb=2)
    assert [(p.candidate.chunk_id, p.kb, p.tokens) for p in picks] == [(2, 2, 4)]


def test_saving_percent():
    assert saving_percent(0, 0) is None
    assert saving_percent(50, 500) == Decimal("90.00")
    assert saving_percent(1, 3) == Decimal("66.67")
