"""A scenario: who takes part (populations with behaviours), the reward policy and its planned
changes, the market, the targets, the duration and the seed. Read from YAML or TOML; every
mistake is a `ScenarioError` naming the field (`populations[2].stf_quality`)."""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field, fields, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from models.economy.rewards import ExpiryMode, RewardPolicy
from services.economy.policy import COEFFICIENTS, check_coefficients
from services.errors import DomainError

CAMEL_TO_SNAKE = {camel: snake for snake, camel in COEFFICIENTS.items()}
INT_COEFFICIENTS = {"stf_base_min_tokens", "stf_base_max_tokens", "tokens_per_kb", "tokens_per_verification",
                    "verifications_to_verify", "tokens_per_usd", "starter_grant", "daily_earning_cap"}
MAX_DAYS = 3660
MAX_AGENTS = 100_000


class ScenarioError(ValueError):
    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message


@dataclass(frozen=True)
class Behaviour:
    """What one agent does, as expected counts per day (or week) for an agent of activity 1.
    Agents differ by an activity level drawn once (lognormal, mean 1, `activity_spread` sigma)."""

    activity_spread: float = 0.5
    stfs_per_week: float = 0.0
    stf_quality: tuple[float, float] = (0.6, 0.15)  # mean, sd of the chance that applying an STF fixes the error
    stf_lines: tuple[int, int] = (5, 120)  # log-uniform length of an STF (its complexity)
    adoptions_per_day: float = 0.0  # STFs this agent applies to its errors
    verifications_per_day: float = 0.0
    verification_accuracy: float = 0.9  # chance a verdict says what the STF's quality says
    llm_sessions_per_day: float = 0.0  # compute sessions: reserve, charge the LLM calls, settle
    llm_usd_per_session: tuple[float, float] = (0.05, 0.8)  # median USD, lognormal sigma
    abandon_share: float = 0.05  # sessions never settled: the sweeper voids them at their timeout
    spend_share: float = 0.0  # a day's sessions spend at least this share of what the agent held at dawn
    queries_per_day: float = 0.0  # context retrievals
    budget_bytes: int = 4096
    rate_share: float = 0.2  # retrievals the requester rates (useful or not)
    chunks: int = 0  # context chunks announced on arrival
    chunks_per_week: float = 0.0
    duplicates_per_day: float = 0.0  # gaming: near-duplicate copies of popular STFs
    self_deal: bool = False  # gaming: adopt, verify and buy context only within the ring, always "succeed"


BEHAVIOURS: dict[str, Behaviour] = {
    "heavy_contributor": Behaviour(stfs_per_week=1.0, stf_quality=(0.75, 0.12), adoptions_per_day=0.15,
                                   verifications_per_day=0.3, llm_sessions_per_day=0.3, queries_per_day=0.1,
                                   chunks=6, chunks_per_week=0.5, spend_share=0.2),
    "heavy_consumer": Behaviour(stfs_per_week=0.05, stf_quality=(0.5, 0.15), adoptions_per_day=0.6,
                                verifications_per_day=0.03, llm_sessions_per_day=1.2,
                                llm_usd_per_session=(0.08, 0.8), queries_per_day=0.5, chunks=1),
    "balanced": Behaviour(stfs_per_week=0.2, stf_quality=(0.6, 0.15), adoptions_per_day=0.25,
                          verifications_per_day=0.08, llm_sessions_per_day=0.4, queries_per_day=0.15, chunks=2,
                          chunks_per_week=0.1, spend_share=0.25),
    "newcomer": Behaviour(stfs_per_week=0.1, stf_quality=(0.5, 0.2), adoptions_per_day=0.2,
                          verifications_per_day=0.05, llm_sessions_per_day=0.4, queries_per_day=0.2, chunks=1),
    "gaming": Behaviour(stfs_per_week=0.5, stf_quality=(0.3, 0.1), adoptions_per_day=1.0,
                        verifications_per_day=1.0, llm_sessions_per_day=0.1, queries_per_day=0.5, chunks=4,
                        duplicates_per_day=0.3, self_deal=True),
}


@dataclass(frozen=True)
class Population:
    name: str
    behaviour: str
    params: Behaviour
    initial: int = 0  # agents present on day 0 (not newcomers)
    arrivals_per_day: float = 0.0  # newcomers, Poisson


@dataclass(frozen=True)
class PolicyChange:
    day: int
    reason: str
    changes: dict[str, Any]


@dataclass(frozen=True)
class Targets:
    velocity_per_week: float = 1.0  # at least
    imbalance_percent: float = 20.0  # |minted - burned| / burned at most
    dropoff_percent: float = 30.0  # below
    min_newcomers: int = 10  # drop-off is judged once this many newcomers have arrived


@dataclass(frozen=True)
class Market:
    topics: int = 12
    words_per_chunk: tuple[int, int] = (20, 120)
    words_per_query: int = 6
    min_score: float = 0.15
    candidates: int = 20  # vector-search hits a retrieval draws from (the server's CONTEXT_CANDIDATES)


@dataclass(frozen=True)
class Scenario:
    name: str
    seed: int
    days: int
    populations: list[Population]
    policy: dict[str, Any] = field(default_factory=dict)
    changes: list[PolicyChange] = field(default_factory=list)
    targets: Targets = Targets()
    market: Market = Market()
    start: date = date(2027, 1, 4)
    warmup_days: int = 14
    window_days: int = 7
    description: str = ""

    def first_days(self, days: int) -> "Scenario":
        """Only the first `days` days (and the changes that take effect within them)."""
        if not 1 <= days <= self.days:
            raise ScenarioError("--days", f"1-{self.days} (the scenario's length), got {days}")
        return replace(self, days=days, changes=[c for c in self.changes if c.day < days],
                       warmup_days=min(self.warmup_days, days))

    def with_policy(self, overrides: dict[str, Any]) -> "Scenario":
        return replace(self, policy={**self.policy, **overrides})

    def describe(self) -> dict[str, Any]:
        """The scenario as it was run (normalised), for the report."""
        return {
            "name": self.name, "description": self.description, "seed": self.seed, "days": self.days,
            "start": self.start.isoformat(), "warmupDays": self.warmup_days, "windowDays": self.window_days,
            "policy": {COEFFICIENTS[k]: _plain(v) for k, v in sorted(self.policy.items())},
            "changes": [{"day": c.day, "reason": c.reason,
                         "changes": {COEFFICIENTS[k]: _plain(v) for k, v in sorted(c.changes.items())}}
                        for c in self.changes],
            "targets": {"velocityPerWeek": self.targets.velocity_per_week,
                        "imbalancePercent": self.targets.imbalance_percent,
                        "dropoffPercent": self.targets.dropoff_percent,
                        "minNewcomers": self.targets.min_newcomers},
            "populations": [{"name": p.name, "behaviour": p.behaviour, "initial": p.initial,
                             "arrivalsPerDay": p.arrivals_per_day,
                             "params": {f.name: _plain(getattr(p.params, f.name)) for f in fields(Behaviour)}}
                            for p in self.populations],
        }


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, ExpiryMode):
        return value.value
    if isinstance(value, tuple):
        return list(value)
    return value


# --- reading ------------------------------------------------------------------------------------

def load(path: str | Path) -> Scenario:
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as exc:
        raise ScenarioError("scenario", f"cannot read {path}: {exc.strerror}") from None
    try:
        data = tomllib.loads(text) if path.suffix.lower() == ".toml" else yaml.safe_load(text)
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        raise ScenarioError("scenario", f"{path.name} is not valid {'TOML' if path.suffix == '.toml' else 'YAML'}: "
                            f"{exc}") from None
    return parse(data, default_name=path.stem)


def parse(data: Any, default_name: str = "scenario") -> Scenario:
    data = _mapping(data, "scenario")
    _known(data, {"name", "description", "seed", "days", "weeks", "start", "warmup_days", "window_days", "policy",
                  "changes", "targets", "market", "populations"}, "")
    if "days" in data and "weeks" in data:
        raise ScenarioError("days", "give days or weeks, not both")
    if "weeks" in data:
        days = _int(data, "weeks", low=1, high=MAX_DAYS // 7) * 7
    else:
        days = _int(data, "days", low=1, high=MAX_DAYS, required=True)
    populations = [_population(p, f"populations[{i}]") for i, p in enumerate(_list(data, "populations"))]
    if not populations:
        raise ScenarioError("populations", "at least one population")
    if len({p.name for p in populations}) != len(populations):
        raise ScenarioError("populations", "population names must be unique")
    if sum(p.initial for p in populations) == 0 and all(p.arrivals_per_day == 0 for p in populations):
        raise ScenarioError("populations", "nobody takes part: give some population initial agents or arrivals")
    start = data.get("start", date(2027, 1, 4))
    if isinstance(start, str):
        try:
            start = date.fromisoformat(start)
        except ValueError:
            raise ScenarioError("start", f"must be a date like 2027-01-04, got {start!r}") from None
    if not isinstance(start, date):
        raise ScenarioError("start", "must be a date like 2027-01-04")
    changes = sorted((_change(c, f"changes[{i}]", days) for i, c in enumerate(_list(data, "changes"))),
                     key=lambda c: c.day)
    policy = coefficients(_mapping(data.get("policy", {}), "policy"), "policy")
    _check_policies(policy, [(f"changes[{i}].set", c) for i, c in enumerate(_list(data, "changes"))])
    return Scenario(
        name=_text(data, "name", default_name), description=_text(data, "description", ""),
        seed=_int(data, "seed", low=0, high=2**63 - 1, required=True), days=days, populations=populations,
        policy=policy, changes=changes, targets=_targets(data.get("targets", {})),
        market=_market(data.get("market", {})),
        start=start, warmup_days=_int(data, "warmup_days", low=0, high=days, default=14),
        window_days=_int(data, "window_days", low=1, high=90, default=7))


def _check_policies(start: dict[str, Any], changes: list[tuple[str, Any]]) -> None:
    """The policy service's own range checks on every version the run will make, before it starts."""
    fields_map = RewardPolicy._meta.fields_map
    values = {name: fields_map[name].default for name in COEFFICIENTS} | start
    steps = [("policy", start)] + [(where, coefficients(change["set"], where)) for where, change in changes]
    for where, step in steps:
        values = values | step
        if step.get("expiry_mode") is ExpiryMode.NONE and "expiry_months" not in step:
            values["expiry_months"] = None
        try:
            check_coefficients(values)
        except DomainError as exc:  # the field as the policy service names it (camelCase)
            raise ScenarioError(f"{where}.{exc.field}" if exc.field else where, exc.message) from None


def coefficients(values: dict[str, Any], where: str) -> dict[str, Any]:
    """Policy coefficients by their snake_case or camelCase names, typed as the policy stores them.
    Their ranges are checked by the policy service itself when the simulator applies them."""
    found: dict[str, Any] = {}
    for name, value in values.items():
        key = CAMEL_TO_SNAKE.get(name, name)
        if key not in COEFFICIENTS:
            raise ScenarioError(f"{where}.{name}", f"not a policy coefficient; one of {', '.join(COEFFICIENTS)}")
        found[key] = _coefficient(key, value, f"{where}.{name}")
    return found


def _coefficient(key: str, value: Any, where: str) -> Any:
    if key == "expiry_mode":
        try:
            return ExpiryMode(str(value).upper())
        except ValueError:
            raise ScenarioError(where, f"one of {', '.join(m.value for m in ExpiryMode)}") from None
    if key == "expiry_months":
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            raise ScenarioError(where, "a whole number of months")
        return value
    if key in INT_COEFFICIENTS:
        if not isinstance(value, int) or isinstance(value, bool):
            raise ScenarioError(where, f"a whole number, got {value!r}")
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ScenarioError(where, f"a number, got {value!r}")
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        raise ScenarioError(where, f"a number, got {value!r}") from None
    if not number.is_finite():
        raise ScenarioError(where, "must be finite")
    return number


def _population(data: Any, where: str) -> Population:
    data = _mapping(data, where)
    own = {"name", "behaviour", "initial", "arrivals_per_day"}
    params = {f.name for f in fields(Behaviour)}
    _known(data, own | params, where)
    kind = _text(data, "behaviour", None, where)
    if kind not in BEHAVIOURS:
        raise ScenarioError(f"{where}.behaviour", f"one of {', '.join(BEHAVIOURS)}, got {kind!r}")
    overrides = {name: _param(name, data[name], f"{where}.{name}") for name in params if name in data}
    return Population(name=_text(data, "name", kind, where), behaviour=kind,
                      params=replace(BEHAVIOURS[kind], **overrides),
                      initial=_int(data, "initial", low=0, high=MAX_AGENTS, default=0, where=where),
                      arrivals_per_day=_float(data, "arrivals_per_day", low=0, high=1000, default=0.0, where=where))


def _param(name: str, value: Any, where: str) -> Any:
    default = getattr(Behaviour(), name)
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ScenarioError(where, "true or false")
        return value
    if isinstance(default, tuple):
        if not isinstance(value, list) or len(value) != 2 or not all(_is_number(v) for v in value):
            raise ScenarioError(where, "a pair of numbers, e.g. [0.6, 0.15]")
        pair = tuple(type(d)(v) for d, v in zip(default, value))
        if any(v < 0 for v in pair):
            raise ScenarioError(where, "must be >= 0")
        if name == "stf_lines" and not 1 <= pair[0] <= pair[1]:
            raise ScenarioError(where, "1 <= shortest <= longest")
        if name == "stf_quality" and not 0 <= pair[0] <= 1:
            raise ScenarioError(where, "the mean is a chance, in [0, 1]")
        return pair
    if not _is_number(value):
        raise ScenarioError(where, f"a number, got {value!r}")
    if isinstance(default, int) and not isinstance(value, int):
        raise ScenarioError(where, f"a whole number, got {value!r}")
    if value < 0 or not math.isfinite(value):
        raise ScenarioError(where, f"must be a finite number >= 0, got {value!r}")
    if name in ("abandon_share", "rate_share", "verification_accuracy", "spend_share") and value > 1:
        raise ScenarioError(where, f"a share, in [0, 1], got {value!r}")
    if name == "budget_bytes" and not 1024 <= value <= 1024 * 1024:
        raise ScenarioError(where, "1024-1048576 bytes (the context market's limits)")
    return type(default)(value)


def _change(data: Any, where: str, days: int) -> PolicyChange:
    data = _mapping(data, where)
    _known(data, {"day", "week", "reason", "set"}, where)
    if ("day" in data) == ("week" in data):
        raise ScenarioError(where, "give the day or the week of the change (one of them)")
    day = _int(data, "day", low=1, high=10 * MAX_DAYS, where=where) if "day" in data else \
        _int(data, "week", low=1, high=MAX_DAYS, where=where) * 7
    if day >= days:
        raise ScenarioError(f"{where}.{'day' if 'day' in data else 'week'}",
                            f"the change would take effect after the run's last day (day {days})")
    changes = coefficients(_mapping(data.get("set"), f"{where}.set"), f"{where}.set")
    if not changes:
        raise ScenarioError(f"{where}.set", "at least one coefficient to change")
    return PolicyChange(day=day, reason=_text(data, "reason", None, where), changes=changes)


def _targets(data: Any) -> Targets:
    data = _mapping(data, "targets")
    _known(data, {"velocity_per_week", "imbalance_percent", "dropoff_percent", "min_newcomers"}, "targets")
    return Targets(velocity_per_week=_float(data, "velocity_per_week", low=0, high=1000, default=1.0,
                                            where="targets"),
                   imbalance_percent=_float(data, "imbalance_percent", low=0, high=10_000, default=20.0,
                                            where="targets"),
                   dropoff_percent=_float(data, "dropoff_percent", low=0, high=100, default=30.0, where="targets"),
                   min_newcomers=_int(data, "min_newcomers", low=1, high=MAX_AGENTS, default=10, where="targets"))


def _market(data: Any) -> Market:
    data = _mapping(data, "market")
    _known(data, {"topics", "words_per_chunk", "words_per_query", "min_score", "candidates"}, "market")
    words = data.get("words_per_chunk", [20, 120])
    if not isinstance(words, list) or len(words) != 2 or not all(isinstance(w, int) for w in words) \
            or not 1 <= words[0] <= words[1] <= 5000:
        raise ScenarioError("market.words_per_chunk", "a pair of whole numbers, 1 <= fewest <= most <= 5000")
    return Market(topics=_int(data, "topics", low=1, high=1000, default=12, where="market"),
                  words_per_chunk=tuple(words),
                  words_per_query=_int(data, "words_per_query", low=1, high=100, default=6, where="market"),
                  min_score=_float(data, "min_score", low=0, high=1, default=0.15, where="market"),
                  candidates=_int(data, "candidates", low=1, high=10_000, default=20, where="market"))


# --- small readers ------------------------------------------------------------------------------

def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _at(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ScenarioError(where, "must be a mapping of names to values")
    return value


def _list(data: dict[str, Any], name: str) -> list[Any]:
    value = data.get(name, [])
    if not isinstance(value, list):
        raise ScenarioError(name, "must be a list")
    return value


def _known(data: dict[str, Any], allowed: set[str], where: str) -> None:
    for name in data:
        if name not in allowed:
            raise ScenarioError(_at(where, str(name)), f"unknown field; known: {', '.join(sorted(allowed))}")


def _text(data: dict[str, Any], name: str, default: str | None, where: str = "") -> str:
    value = data.get(name, default)
    if value == "" and default == "":
        return ""
    if not isinstance(value, str) or not value.strip():
        raise ScenarioError(_at(where, name), f"must be a non-empty text, got {value!r}")
    return value.strip()


def _int(data: dict[str, Any], name: str, *, low: int, high: int, default: int | None = None,
         required: bool = False, where: str = "") -> int:
    if name not in data:
        if required or default is None:
            raise ScenarioError(_at(where, name), "is required")
        return default
    value = data[name]
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ScenarioError(_at(where, name), f"a whole number in [{low}, {high}], got {value!r}")
    return value


def _float(data: dict[str, Any], name: str, *, low: float, high: float, default: float,
           where: str = "") -> float:
    value = data.get(name, default)
    if not _is_number(value) or not math.isfinite(value) or not low <= value <= high:
        raise ScenarioError(_at(where, name), f"a number in [{low}, {high}], got {value!r}")
    return float(value)
