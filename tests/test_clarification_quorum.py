"""The quorum tally: weights, the 0.60 rule, early decisions, NEUTRAL-only panels (pure)."""

from __future__ import annotations

import itertools
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.clarification import VoteChoice as C
from services.clarification.quorum import Ballot, Decision, decide_in_order, tally

ONE = Decimal(1)


def panel(*weights: str) -> dict[int, Decimal]:
    return {i: Decimal(w) for i, w in enumerate(weights)}


def b(choice: C, confidence: str = "1") -> Ballot:
    return Ballot(choice, Decimal(confidence))


def test_approves_once_a_majority_has_voted_and_agreement_reaches_060():
    five = panel("1", "1", "1", "1", "1")
    assert tally(five, {0: b(C.AGREE), 1: b(C.AGREE)}).decision is Decision.PENDING  # 2 of 5: no majority yet
    result = tally(five, {0: b(C.AGREE), 1: b(C.AGREE), 2: b(C.AGREE)})
    assert result.decision is Decision.APPROVED and result.quorum_reached and result.agreement == 1


def test_exactly_060_approves_and_just_below_does_not():
    three = panel("1", "1", "1")
    at = tally(three, {0: b(C.AGREE, "0.6"), 1: b(C.DISAGREE, "0.4")})
    assert at.agreement == Fraction(3, 5) and at.decision is Decision.APPROVED
    below = tally(three, {0: b(C.AGREE, "0.599999"), 1: b(C.DISAGREE, "0.4")})
    assert below.agreement < Fraction(3, 5) and below.decision is Decision.PENDING  # the third could still agree


def test_rejects_as_soon_as_060_is_out_of_reach():
    three = panel("1", "1", "1")
    assert tally(three, {0: b(C.DISAGREE)}).decision is Decision.PENDING  # best case 2/3
    result = tally(three, {0: b(C.DISAGREE), 1: b(C.DISAGREE)})  # best case 1/3
    assert result.decision is Decision.REJECTED and result.votes_cast == 2


def test_missing_votes_count_at_their_members_full_weight():
    # a heavy member still to vote keeps the ticket open; a light one does not
    assert tally(panel("1", "1", "4"), {0: b(C.DISAGREE), 1: b(C.DISAGREE)}).decision is Decision.PENDING
    assert tally(panel("4", "1", "1"), {0: b(C.DISAGREE), 1: b(C.AGREE)}).decision is Decision.REJECTED


def test_reputation_weights_the_votes():
    result = tally(panel("3", "1", "1"), {0: b(C.AGREE), 1: b(C.DISAGREE)})
    assert result.agree_weight == 3 and result.disagree_weight == 1
    assert result.agreement == Fraction(3, 4) and result.decision is Decision.APPROVED


def test_neutral_counts_for_participation_only():
    three = panel("1", "1", "1")
    result = tally(three, {0: b(C.NEUTRAL), 1: b(C.AGREE, "0.5")})
    assert result.quorum_reached and result.agreement == 1 and result.decision is Decision.APPROVED


def test_an_all_neutral_panel_rejects_once_everyone_has_voted():
    three = panel("1", "1", "1")
    two = tally(three, {0: b(C.NEUTRAL), 1: b(C.NEUTRAL)})
    assert two.agreement is None and two.decision is Decision.PENDING
    assert tally(three, {i: b(C.NEUTRAL) for i in range(3)}).decision is Decision.REJECTED


def test_ballots_from_outside_the_panel_are_refused():
    with pytest.raises(ValueError):
        tally(panel("1", "1", "1"), {7: b(C.AGREE)})


def test_decisions_stop_the_count():
    votes = [(0, b(C.AGREE)), (1, b(C.AGREE)), (2, b(C.AGREE)), (3, b(C.DISAGREE)), (4, b(C.DISAGREE))]
    assert decide_in_order(panel("1", "1", "1", "1", "1"), votes).votes_cast == 3


weights = st.decimals(min_value=Decimal("0.000001"), max_value=Decimal(5), places=6)
confidences = st.decimals(min_value=Decimal("0.000001"), max_value=ONE, places=6)
ballots = st.builds(Ballot, st.sampled_from(list(C)), confidences)


@st.composite
def partial_votes(draw):
    members = draw(st.lists(weights, min_size=3, max_size=5))
    voted = draw(st.lists(st.booleans(), min_size=len(members), max_size=len(members)))
    cast = {i: draw(ballots) for i, v in enumerate(voted) if v}
    return dict(enumerate(members)), cast


@settings(max_examples=300, deadline=None)
@given(partial_votes(), st.data())
def test_properties(case, data):
    members, cast = case
    result = tally(members, cast)
    missing = [m for m in members if m not in cast]
    complete = {**cast, **{m: data.draw(ballots) for m in missing}}
    final = tally(members, complete)
    assert final.decision is not Decision.PENDING  # a full panel always decides
    if result.decision is Decision.APPROVED:
        assert result.quorum_reached and result.agreement >= Fraction(3, 5)
    if result.decision is Decision.REJECTED:
        # certain: even the best completion (every missing vote AGREE at confidence 1) cannot approve
        best = tally(members, {**cast, **{m: b(C.AGREE) for m in missing}})
        assert best.decision is Decision.REJECTED and final.decision is Decision.REJECTED
    if result.decision is Decision.PENDING:
        best = tally(members, {**cast, **{m: b(C.AGREE) for m in missing}})
        assert best.decision is Decision.APPROVED  # still reachable


def test_every_small_panel_outcome_matches_a_brute_force_count():
    """All 3-member panels with choices at confidence 1 or 0.5: the rule restated by hand."""
    options = [b(c, conf) for c in C for conf in ("1", "0.5")]
    three = panel("1", "2", "1")
    for combo in itertools.product([None, *options], repeat=3):
        cast = {i: x for i, x in enumerate(combo) if x is not None}
        agree = sum((x.confidence * three[i] for i, x in cast.items() if x.choice is C.AGREE), Decimal(0))
        disagree = sum((x.confidence * three[i] for i, x in cast.items() if x.choice is C.DISAGREE), Decimal(0))
        missing = sum((three[i] for i in three if i not in cast), Decimal(0))
        if len(cast) >= 2 and agree + disagree > 0 and agree / (agree + disagree) >= Decimal("0.6"):
            expected = Decision.APPROVED
        elif agree + disagree + missing == 0 or (agree + missing) / (agree + missing + disagree) < Decimal("0.6"):
            expected = Decision.REJECTED
        else:
            expected = Decision.PENDING
        assert tally(three, cast).decision is expected, combo
