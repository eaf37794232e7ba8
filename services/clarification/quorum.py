"""The quorum tally, exact: weights are Decimals, the agreement a Fraction.

A vote's weight is its confidence x the member's reputation weight. Agreement is
agree / (agree + disagree); NEUTRAL counts for participation only. The ticket is APPROVED once a
majority of the panel has voted and agreement >= 0.60, REJECTED as soon as 0.60 can no longer be
reached even if every missing vote were AGREE at confidence 1 (its member's full weight), and a
panel whose votes are all NEUTRAL rejects.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from fractions import Fraction

from models.clarification import VoteChoice as Choice

THRESHOLD = Fraction(3, 5)


class Decision(str, Enum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


@dataclass(frozen=True, slots=True)
class Ballot:
    choice: Choice
    confidence: Decimal


@dataclass(frozen=True, slots=True)
class Tally:
    votes_cast: int
    panel_size: int
    agree_weight: Decimal
    disagree_weight: Decimal
    agreement: Fraction | None  # None while no AGREE or DISAGREE weight has been cast
    quorum_reached: bool  # a majority of the panel has voted
    decision: Decision

    def to_json(self) -> dict[str, object]:
        return {"votesCast": self.votes_cast, "panelSize": self.panel_size, "agreeWeight": self.agree_weight,
                "disagreeWeight": self.disagree_weight,
                "agreement": None if self.agreement is None else agreement_decimal(self.agreement),
                "quorumReached": self.quorum_reached, "decision": self.decision.value}


def agreement_decimal(value: Fraction, places: int = 6) -> Decimal:
    """For display: rounded half-even to `places`. Decisions use the exact Fraction."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal(1).scaleb(-places))


def vote_weight(confidence: Decimal, member_weight: Decimal) -> Decimal:
    return confidence * member_weight


def tally(panel: Mapping[int, Decimal], ballots: Mapping[int, Ballot]) -> Tally:
    """`panel`: member id -> reputation weight; `ballots`: member id -> ballot (members only)."""
    unknown = set(ballots) - set(panel)
    if unknown:
        raise ValueError(f"ballots from outside the panel: {sorted(unknown)}")
    agree = sum((vote_weight(b.confidence, panel[m]) for m, b in ballots.items() if b.choice is Choice.AGREE),
                Decimal(0))
    disagree = sum((vote_weight(b.confidence, panel[m]) for m, b in ballots.items() if b.choice is Choice.DISAGREE),
                   Decimal(0))
    missing = sum((w for m, w in panel.items() if m not in ballots), Decimal(0))
    cast = len(ballots)
    majority = 2 * cast > len(panel)
    agreement = _ratio(agree, disagree)
    best_case = _ratio(agree + missing, disagree)
    if majority and agreement is not None and agreement >= THRESHOLD:
        decision = Decision.APPROVED
    elif best_case is None or best_case < THRESHOLD:
        # best_case is None only when everyone voted and every vote was NEUTRAL
        decision = Decision.REJECTED
    else:
        decision = Decision.PENDING
    return Tally(cast, len(panel), agree, disagree, agreement, majority, decision)


def _ratio(agree: Decimal, disagree: Decimal) -> Fraction | None:
    total = agree + disagree
    return None if total == 0 else Fraction(agree) / Fraction(total)


def decide_in_order(panel: Mapping[int, Decimal], votes: Sequence[tuple[int, Ballot]]) -> Tally:
    """Apply votes one by one, stopping at the first decision: what the service does, vote by vote."""
    ballots: dict[int, Ballot] = {}
    result = tally(panel, ballots)
    for member, ballot in votes:
        if result.decision is not Decision.PENDING:
            break
        ballots[member] = ballot
        result = tally(panel, ballots)
    return result
