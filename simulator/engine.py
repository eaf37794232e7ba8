"""The day loop. Each simulated day: scheduled policy changes (as an admin, through the policy
service), arrivals, every agent's actions at their own moment of the day in time order (the clock
moved to each), then the day's sweeps (reservations past their timeout, token expiry) and the
day's measures read from the ledger. One action at a time, in an order fixed by the seed, so the
same scenario and seed give the same ledger and the same report."""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from datetime import time as day_time
from typing import Any

import numpy as np

from models.auth import Principal, Role
from models.economy.rewards import RewardPolicy
from services.auth import create_principal_with_key
from services.economy import compute, expiry
from services.economy import policy as policies
from services.errors import DomainError
from simulator.actions import ACTIONS_BY_NAME, Actions
from simulator.agents import ACTIONS, Agent, StfPool
from simulator.metrics import verdicts
from simulator.observe import Observer
from simulator.scenario import COEFFICIENTS, Scenario, ScenarioError
from simulator.texts import Vocabulary
from simulator.world import Server, SimulatedClock, run_world

SECONDS_PER_DAY = 86400
Progress = Callable[[int, int, dict[str, Any], float], None]


@dataclass
class Result:
    report: dict[str, Any]
    seconds: float
    actions: int
    timings: dict[str, list[float]]  # not in the report: wall-clock figures differ from run to run


class Simulation:
    def __init__(self, scenario: Scenario, clock: SimulatedClock) -> None:
        self.scenario = scenario
        self.clock = clock
        self.start = clock.current
        self.rng = random.Random(scenario.seed)
        self.draws = np.random.default_rng(scenario.seed)
        market = scenario.market
        self.pool = StfPool()
        vocabulary = Vocabulary(market.topics, words_per_chunk=market.words_per_chunk,
                                words_per_query=market.words_per_query, min_score=market.min_score, seed=scenario.seed)
        self.actions = Actions(self.pool, vocabulary, self.rng)
        self.actions.on_refused = self._refused
        self.agents: list[Agent] = []
        self.admin: Principal | None = None
        self.observer = Observer(self.start, scenario.window_days)
        self.performed = 0
        self.timings: dict[str, list[float]] = {}  # action or phase -> [count, seconds]: where the time goes

    # --- set-up ---------------------------------------------------------------------------------

    async def _policy(self, changes: dict[str, Any], reason: str, where: str) -> None:
        try:
            await policies.update_policy(changes, reason, self.admin)
        except DomainError as exc:
            if exc.code == "UNCHANGED":
                return
            name = exc.field or ""
            raise ScenarioError(f"{where}.{name}" if name else where, exc.message) from None

    def _arrive(self, population: Any, day: int, newcomer: bool) -> Agent:
        index = len(self.agents)
        spread = population.params.activity_spread
        agent = Agent(index=index, handle=f"sim-{index:06d}", population=population,
                      activity=float(self.draws.lognormal(-spread * spread / 2, spread)) if spread else 1.0,
                      topic=int(self.rng.random() * self.scenario.market.topics), arrived_day=day, newcomer=newcomer,
                      quality=min(1.0, max(0.0, self.rng.gauss(*population.params.stf_quality))))
        self.agents.append(agent)
        return agent

    async def _refused(self, agent: Agent) -> None:
        """A spend refused for lack of funds: a newcomer who has earned nothing yet leaves."""
        if agent.newcomer and not agent.left:
            [row] = await _db().execute_query_dict('SELECT "earned" FROM "ledger_accounts" WHERE "id" = $1',
                                                   [agent.account_id])
            if row["earned"] == 0:
                agent.left = True
                self.actions.tally.add("newcomersLeft")

    # --- one day --------------------------------------------------------------------------------

    async def _set_session_floors(self, present: list[Agent]) -> None:
        """Agents that spend a share of what they hold: each of today's sessions spends at least
        share x available / the sessions expected today."""
        spenders = [a for a in present if a.params.spend_share > 0]
        if not spenders:
            return
        rows = await _db().execute_query_dict(
            'SELECT "id", "balance" - "reserved" AS "available" FROM "ledger_accounts" WHERE "id" = ANY($1::bigint[])',
            [[a.account_id for a in spenders]])
        available = {r["id"]: r["available"] for r in rows}
        for agent in spenders:
            expected = max(agent.params.llm_sessions_per_day * agent.activity, 0.1)
            held = available[agent.account_id]
            # never more than a reservation of 1.5 x the floor can hold
            agent.session_floor = min(int(agent.params.spend_share * held / expected), held * 2 // 3)

    def _plan(self, day: int) -> list[tuple[float, int, Agent, str]]:
        """Today's (moment, order, agent, action), sorted: arrivals in the first hour, then actions."""
        plan: list[tuple[float, int, Agent, str]] = []
        for population in self.scenario.populations:
            initial = population.initial if day == 1 else 0
            arriving = int(self.draws.poisson(population.arrivals_per_day)) if population.arrivals_per_day else 0
            for index in range(initial + arriving):  # the initial agents are no newcomers; arrivals are
                agent = self._arrive(population, day, newcomer=index >= initial)
                plan.append((self.rng.random() * 3600, len(plan), agent, "join"))
        present = [a for a in self.agents if not a.left and a.arrived_day < day]
        if present:
            counts = self.draws.poisson(np.array([a.rates() for a in present]))
            for agent, row in zip(present, counts.tolist()):
                for name, count in zip(ACTIONS, row):
                    for _ in range(count):
                        plan.append((self.rng.random() * SECONDS_PER_DAY, len(plan), agent, name))
        plan.sort(key=lambda item: (item[0], item[1]))
        return plan

    async def run_day(self, day: int) -> dict[str, Any]:
        day_start = self.start + timedelta(days=day - 1)
        self.clock.set(day_start)
        for index, change in enumerate(self.scenario.changes):
            if change.day == day - 1:  # takes effect at the start of the day after `day - 1` full days
                await self._policy(change.changes, change.reason, f"changes[{index}].set")
        current = await policies.current_policy()
        self.actions.tokens_per_usd = current.tokens_per_usd
        self.pool.refresh()
        self.actions.tally = type(self.actions.tally)()
        plan = self._plan(day)
        await self._set_session_floors([a for a in self.agents if not a.left and a.arrived_day < day])
        performed = 0
        for moment, _, agent, name in plan:
            if agent.left:
                continue
            performed += 1
            self.clock.set(day_start + timedelta(seconds=moment))
            with self._timed(name):
                await ACTIONS_BY_NAME[name](self.actions, agent)
            self.performed += 1
        self.clock.set(day_start + timedelta(days=1))
        with self._timed("sweep reservations"):
            while await compute.sweep_expired_reservations(limit=compute.SWEEP_BATCH) == compute.SWEEP_BATCH:
                pass
        with self._timed("sweep expiry"):
            await expiry.sweep_expired_tokens()
        with self._timed("observe"):
            record = await self.observer.day(day, self.clock.current, agents=self.agents, policy=current)
        record["performed"] = performed
        record["actions"] = dict(sorted(self.actions.tally.counts.items()))
        record["unmetComputeTokens"] = self.actions.tally.unmet_tokens
        if record["ledgerSum"] != 0:
            raise RuntimeError(f"day {day}: the balances of the ledger add up to {record['ledgerSum']}, not 0")
        return record

    @contextmanager
    def _timed(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        entry = self.timings.setdefault(name, [0, 0.0])
        entry[0] += 1
        entry[1] += time.perf_counter() - started

    # --- the run --------------------------------------------------------------------------------

    async def run(self, progress: Progress | None) -> dict[str, Any]:
        self.admin, _ = await create_principal_with_key("simulator-admin", Role.ADMIN)
        if self.scenario.policy:
            await self._policy(self.scenario.policy, f"scenario {self.scenario.name}: the policy at the start",
                               "policy")
        started = time.perf_counter()
        days: list[dict[str, Any]] = []
        for day in range(1, self.scenario.days + 1):
            days.append(await self.run_day(day))
            if progress:
                progress(day, self.scenario.days, days[-1], time.perf_counter() - started)
        return {
            "scenario": self.scenario.describe(),
            "policyHistory": await self._history(),
            "verdicts": verdicts(days, self.scenario.targets, self.scenario.warmup_days),
            "totals": _totals(days),
            "days": days,
        }

    async def _history(self) -> list[dict[str, Any]]:
        versions = await RewardPolicy.all().order_by("version")
        history, previous = [], None
        for version in versions:
            values = {COEFFICIENTS[name]: _plain(getattr(version, name)) for name in COEFFICIENTS}
            history.append({
                "version": version.version, "reason": version.reason,
                "day": (version.created_at - self.start).days + 1 if version.created_at >= self.start else 0,
                "changes": values if previous is None else {k: v for k, v in values.items() if previous[k] != v}})
            previous = values
        return history


def _plain(value: Any) -> Any:
    if hasattr(value, "value"):
        return value.value
    return value if value is None or (isinstance(value, int) and not isinstance(value, bool)) else str(value)


def _totals(days: list[dict[str, Any]]) -> dict[str, Any]:
    last = days[-1] if days else {}
    return {
        "minted": sum(d["minted"] for d in days), "burned": sum(d["burned"] for d in days),
        "expired": sum(d["expired"] for d in days), "capRefusals": sum(d["capRefusals"] for d in days),
        "circulating": last.get("circulating", 0), "agents": last.get("agents", 0),
        "newcomers": last.get("newcomers", 0), "newcomersDropped": last.get("newcomersDropped", 0),
        "gamingEarned": last.get("gamingEarned", 0),
        "actions": sum(d["performed"] for d in days),
    }


def _db() -> Any:
    from tortoise import connections

    return connections.get("default")


def start_moment(scenario: Scenario) -> datetime:
    return datetime.combine(scenario.start, day_time(0, 0), tzinfo=timezone.utc)


async def simulate(scenario: Scenario, server: Server, progress: Progress | None = None) -> Result:
    started = time.perf_counter()
    async with run_world(server, start_moment(scenario), scenario.market.candidates) as simulated:
        simulation = Simulation(scenario, simulated)
        report = await simulation.run(progress)
    return Result(report, time.perf_counter() - started, simulation.performed, simulation.timings)


def print_progress(label: str) -> Progress:
    """A progress line on stderr: rewritten in place on a terminal, every tenth of the run otherwise."""
    tty = sys.stderr.isatty()

    def show(day: int, days: int, record: dict[str, Any], elapsed: float) -> None:
        if not tty and day != days and day % max(1, days // 10):
            return
        eta = elapsed / day * (days - day)
        line = (f"{label} day {day}/{days}  agents {record['active']}  minted {record['minted']}  "
                f"burned {record['burned']}  velocity {record['velocityPerWeek']}  "
                f"imbalance {record['imbalancePercent']}%  {day / elapsed:.1f} days/s  eta {eta:.0f}s")
        print(("\r" + line.ljust(140)) if tty else line, end="" if tty and day != days else "\n", file=sys.stderr,
              flush=True)

    return show
