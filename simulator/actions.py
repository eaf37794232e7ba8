"""What an agent does, each as a call to the real service function the API would call: registration
(with the starter grant), STF registration and verification, adoption rewards, compute reservations
settled or left to time out, context announcements, retrievals (with their payments) and ratings.

The one stand-in is the debug loop: whether an applied STF fixed the error is drawn from the STF's
quality, and the reward's inputs are made from those simulated attempts with the same rules the
adoption service uses (`complexity_of_lines`, the Wilson bound, `safety_of_status`); the reward
itself is issued by `rewards.issue_stf_reward` under the policy in force, its cap and reputation."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

from tortoise.transactions import in_transaction

from models.auth import Principal
from models.contributors import ContributorKind
from models.stf import StfStatus, Verdict
from services import contributors
from services.context_market import market as context_market
from services.debug.confidence import wilson_lower_bound
from services.economy import compute, ledger, rewards
from services.economy.rules import StfRewardInputs, complexity_of_lines, safety_of_status, tokens_for_usd
from services.errors import DomainError
from services.stf import registry as stf
from services.stf import verification
from simulator.agents import Agent, SimStf, StfPool, digest, quantized
from simulator.texts import Vocabulary

SESSION_TTL_SECONDS = 3600
RING_TAG = "ring"


@dataclass
class Tally:
    """What happened today, by kind (counts and tokens the simulator saw refused)."""

    counts: dict[str, int] = field(default_factory=dict)
    unmet_tokens: int = 0

    def add(self, name: str, n: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + n


class Actions:
    def __init__(self, pool: StfPool, vocabulary: Vocabulary, rng: random.Random) -> None:
        self.pool = pool
        self.vocabulary = vocabulary
        self.rng = rng
        self.tally = Tally()
        self.tokens_per_usd = 1000
        self.by_index: dict[int, Agent] = {}
        self.by_contributor: dict[int, Agent] = {}
        self.serial = 0  # makes every idempotency key of the run unique
        self.on_refused = None  # async callback(agent) when a spend is refused for lack of funds

    # --- joining --------------------------------------------------------------------------------

    async def join(self, agent: Agent) -> None:
        """contributorRegister(issueKey: true): the contributor, its account and the starter grant."""
        contributor, _ = await contributors.register(agent.handle, ContributorKind.AGENT, [f"topic{agent.topic}"],
                                                     issue_key=True)
        agent.contributor_id = contributor.id
        agent.principal = await Principal.get(id=contributor.principal_id)
        agent.account_id = (await ledger.accounts_of_contributors([contributor.id]))[contributor.id].id
        self.by_index[agent.index] = agent
        self.by_contributor[contributor.id] = agent
        self.tally.add("joined")
        if agent.params.chunks:
            await self.announce(agent, agent.params.chunks)

    # --- STFs -----------------------------------------------------------------------------------

    async def write_stf(self, agent: Agent, copy_of: SimStf | None = None) -> None:
        """stfRegister: a new STF, or (gaming) a near-duplicate of a popular one: same length and
        quality, the lines shifted and the hash different, so the registry takes it as new."""
        agent.written += 1
        low, high = agent.params.stf_lines
        lines = copy_of.lines if copy_of else int(round(low * (high / low) ** self.rng.random()))
        quality = copy_of.quality if copy_of else min(1.0, max(0.0, self.rng.gauss(*agent.params.stf_quality)))
        start = 1 + agent.written
        draft = stf.StfDraft(
            name=f"fix {self.vocabulary.words(agent.topic, 3, self.rng)}",
            description=f"{'copy of STF ' + str(copy_of.id) if copy_of else 'a fix'} by {agent.handle}",
            language="python", tags=[f"topic{agent.topic}"],
            code_pointer=stf.CodePointer(f"github.com/sim/{agent.handle}", digest(agent.handle, agent.written,
                                                                                   length=40),
                                         f"src/fix_{agent.written}.py", start, start + lines - 1),
            code_sha256=digest("code", agent.handle, agent.written), status=StfStatus.ACTIVE,
            quality_score=round(quality, 4))
        made, _ = await stf.register(agent.principal, draft)
        self.pool.add(SimStf(id=made.id, author=agent.index, quality=quality, lines=lines, status=made.status.value,
                             ring=agent.params.self_deal))
        self.tally.add("duplicates" if copy_of else "stfs")

    async def duplicate(self, agent: Agent) -> None:
        original = self.pool.most_appealing(exclude_author=agent.index)
        if original is not None:
            await self.write_stf(agent, copy_of=original)

    async def adopt(self, agent: Agent) -> None:
        """Apply an STF to an error; on success its author (another contributor) is rewarded."""
        if agent.params.self_deal:
            ring = [s for s in self.pool.ring if s.author != agent.index]
            target = ring[int(self.rng.random() * len(ring))] if ring else None
        else:
            target = self.pool.pick(self.rng.random())
        if target is None or target.author == agent.index:
            return
        target.attempts += 1
        succeeded = agent.params.self_deal and target.ring or self.rng.random() < target.quality
        self.tally.add("attempts")
        if not succeeded:
            return
        target.successes += 1
        target.adopters.add(agent.index)
        author = self.by_index[target.author]
        inputs = StfRewardInputs(
            complexity=complexity_of_lines(target.lines), adopters=len(target.adopters),
            confidence=quantized(wilson_lower_bound(target.successes, target.attempts)),
            cost_saving=quantized(target.quality * self.rng.uniform(0.1, 0.6)),
            safety=safety_of_status(target.status))
        async with in_transaction() as conn:
            outcome = await rewards.issue_stf_reward(conn, author.contributor_id, inputs,
                                                     idempotency_key=f"sim-adoption:{target.id}:{target.attempts}",
                                                     memo=f"adoption of STF {target.id} by {agent.handle}")
        self._count_reward(outcome, "adoptionRewards")

    async def verify(self, agent: Agent) -> None:
        """stfVerify: a verdict on someone else's STF (ring members pass each other's)."""
        candidates = self.pool.ring if agent.params.self_deal else self.pool.stfs
        target = None
        for _ in range(4):  # a few tries to find one this agent may verify
            found = candidates[int(self.rng.random() * len(candidates))] if candidates else None
            if found is not None and found.author != agent.index and agent.index not in found.verifiers:
                target = found
                break
        if target is None:
            return
        if agent.params.self_deal and target.ring:
            verdict = Verdict.PASS
        else:
            honest = Verdict.PASS if target.quality >= 0.5 else Verdict.FAIL
            wrong = Verdict.FAIL if honest is Verdict.PASS else Verdict.PASS
            verdict = honest if self.rng.random() < agent.params.verification_accuracy else wrong
        target.verifiers.add(agent.index)
        done = await verification.verify(agent.principal, target.id, verdict,
                                         evidence=f"simulated check by {agent.handle}")
        target.status = done.stf.status.value
        self._count_reward(done.reward, "verificationRewards")

    def _count_reward(self, outcome: rewards.RewardOutcome, name: str) -> None:
        if outcome.transfer is not None:
            self.tally.add(name)
        elif outcome.refusal is not None:
            self.tally.add("rewardsRefused")

    # --- spending -------------------------------------------------------------------------------

    async def session(self, agent: Agent) -> None:
        """An LLM session paid two-phase: reserve an estimate, then settle what the calls cost (or
        never settle: the reservation times out and the sweeper voids it)."""
        median, sigma = agent.params.llm_usd_per_session
        usd = Decimal(str(round(median * self.rng.lognormvariate(0, sigma), 6)))
        if tokens_for_usd(usd, self.tokens_per_usd) < agent.session_floor:  # spending what it holds
            usd = Decimal(agent.session_floor) / self.tokens_per_usd
        estimate = tokens_for_usd(usd * Decimal("1.5"), self.tokens_per_usd)
        if estimate < 1:
            return
        self.serial += 1
        key = f"sim-session:{self.serial}"
        self.tally.add("sessions")
        try:
            held = await compute.reserve(agent.principal, estimate, SESSION_TTL_SECONDS, key=key)
        except DomainError as exc:
            if exc.code != "INSUFFICIENT_FUNDS":
                raise
            self.tally.add("spendsRefused")
            self.tally.unmet_tokens += estimate
            await self.on_refused(agent)
            return
        if self.rng.random() < agent.params.abandon_share:
            self.tally.add("sessionsAbandoned")
            return
        await compute.settle(agent.principal, held.reservation.id, tokens_for_usd(usd, self.tokens_per_usd))

    async def query(self, agent: Agent) -> None:
        """contextRetrieve: the chunks that fit the budget, paid to their peers; sometimes rated."""
        topic = agent.topic if self.rng.random() < 0.7 else int(self.rng.random() * self.vocabulary.topics)
        words = self.vocabulary.words(topic, self.vocabulary.words_per_query, self.rng)
        tags = [RING_TAG] if agent.params.self_deal else []
        try:
            found = await context_market.retrieve(agent.principal, words, agent.params.budget_bytes,
                                                  min_score=self.vocabulary.min_score, tags=tags)
        except DomainError as exc:
            if exc.code != "INSUFFICIENT_FUNDS":
                raise
            self.tally.add("spendsRefused")
            await self.on_refused(agent)
            return
        self.tally.add("retrievals")
        peers = {row.peer_id for row in found.served if row.tokens}
        if peers and self.rng.random() < agent.params.rate_share:
            quality = sum(self.by_contributor[p].quality for p in peers) / len(peers)
            useful = agent.params.self_deal or self.rng.random() < quality
            await context_market.rate(agent.principal, found.retrieval.id, useful)
            self.tally.add("ratings")

    async def announce(self, agent: Agent, n: int) -> None:
        chunks = []
        for _ in range(n):
            agent.written += 1
            chunks.append(context_market.ChunkInput(
                text=self.vocabulary.chunk(agent.topic, self.rng) + f" ({agent.handle} #{agent.written})",
                source=f"sim://{agent.handle}/{agent.written}",
                tags=[RING_TAG] if agent.params.self_deal else [f"topic{agent.topic}"]))
        await context_market.announce(agent.principal, chunks)
        self.tally.add("chunks", n)


ACTIONS_BY_NAME = {
    "join": Actions.join, "stf": Actions.write_stf, "duplicate": Actions.duplicate, "adopt": Actions.adopt,
    "verify": Actions.verify, "session": Actions.session, "query": Actions.query,
    "chunk": lambda actions, agent: actions.announce(agent, 1),
}
