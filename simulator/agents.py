"""The simulated participants and what the simulator knows about the STFs and chunks they made.

An agent is a real contributor (registered through the contributors service, with its own API key's
principal); the simulator keeps beside it only what a participant would know or decide: its
behaviour, activity level, whether it left, and which STFs it wrote."""

from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from models.auth import Principal
from simulator.scenario import Behaviour, Population

ACTIONS = ("stf", "duplicate", "adopt", "verify", "session", "query", "chunk")


@dataclass
class Agent:
    index: int
    handle: str
    population: Population
    activity: float
    topic: int
    arrived_day: int
    newcomer: bool
    contributor_id: int = 0
    account_id: int = 0
    principal: Principal | None = None
    quality: float = 0.5  # how good its STFs and chunks are (drawn from the behaviour's stf_quality)
    left: bool = False  # a newcomer who ran out of tokens before earning anything stops taking part
    written: int = 0  # STFs and chunks made, for unique names
    session_floor: int = 0  # today's sessions spend at least this many tokens each (spend_share)

    @property
    def params(self) -> Behaviour:
        return self.population.params

    @property
    def gaming(self) -> bool:
        return self.params.self_deal or self.params.duplicates_per_day > 0

    def rates(self) -> list[float]:
        """Expected count of each of ACTIONS today."""
        p, a = self.params, self.activity
        return [p.stfs_per_week / 7 * a, p.duplicates_per_day * a, p.adoptions_per_day * a,
                p.verifications_per_day * a, p.llm_sessions_per_day * a, p.queries_per_day * a,
                p.chunks_per_week / 7 * a]


@dataclass
class SimStf:
    id: int
    author: int  # agent index
    quality: float  # chance that applying it fixes the error
    lines: int
    status: str
    ring: bool  # written by a self-dealing agent
    attempts: int = 0
    successes: int = 0
    adopters: set[int] = field(default_factory=set)
    verifiers: set[int] = field(default_factory=set)

    def appeal(self) -> float:
        """How likely an adopter is to pick it: its observed success rate (a prior of 1 in 2),
        doubled once verified."""
        rate = (self.successes + 1) / (self.attempts + 2)
        return rate * (2.0 if self.status == "VERIFIED" else 1.0)


class StfPool:
    """The STFs adopters choose from, weighted by appeal; the weights are refreshed once a day."""

    def __init__(self) -> None:
        self.stfs: list[SimStf] = []
        self.ring: list[SimStf] = []
        self._cumulative: list[float] = []

    def add(self, stf: SimStf) -> None:
        self.stfs.append(stf)
        if stf.ring:
            self.ring.append(stf)

    def refresh(self) -> None:
        total, self._cumulative = 0.0, []
        for stf in self.stfs:
            total += stf.appeal()
            self._cumulative.append(total)

    def pick(self, draw: float) -> SimStf | None:
        """By appeal, from the weights of the last refresh (`draw` uniform in [0, 1))."""
        if not self._cumulative:
            return None
        return self.stfs[bisect.bisect_right(self._cumulative, draw * self._cumulative[-1])]

    def most_appealing(self, exclude_author: int) -> SimStf | None:
        found = [s for s in self.stfs[: len(self._cumulative)] if s.author != exclude_author and not s.ring]
        return max(found, key=lambda s: (s.appeal(), -s.id)) if found else None


def digest(*parts: object, length: int = 64) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:length]


def quantized(value: float) -> Decimal:
    return Decimal(str(round(min(1.0, max(0.0, value)), 4)))
