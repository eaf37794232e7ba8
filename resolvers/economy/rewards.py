"""Rewards and governance: `rewardPolicy`, `rewardPolicies`, `rewardPolicyUpdate`, `rewardRefusals`,
and the `rewardEvents` subscription."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from models.auth import Role
from models.economy import rewards as m
from models.economy.ledger import Transfer as TransferRow
from resolvers import loaders
from resolvers.economy import EconomyUserError
from resolvers.economy.ledger import Transfer, visible_transfer
from resolvers.events import Event, parse_after
from resolvers.node import register_node
from resolvers.payload import attempt, graphql_error
from resolvers.permissions import IsAdmin, IsAuthenticated
from resolvers.relay import Connection, Node, paginate, to_global_id
from resolvers.scalars import BigInt
from services import contributors as contributor_service
from services.economy import policy as policy_service
from services.economy import rewards as reward_service
from services.economy.policy import COEFFICIENTS
from services.errors import DomainError
from subscriptions.stream import stream_events

ExpiryMode = strawberry.enum(m.ExpiryMode, description="NONE: tokens never expire; ROLLING: tokens older than "
                             "`expiryMonths` expire (oldest spent first); ACTIVITY: all tokens expire after "
                             "`expiryMonths` without activity.")


@strawberry.type(description="One version of the reward policy. reward = base x adoption x confidence x cost x safety, "
                 "where base = stfBaseMinTokens + (stfBaseMaxTokens - stfBaseMinTokens) x complexity, "
                 "adoption = min(adoptionMax, 1 + adoptionStep x (adopters - 1)), "
                 "confidence = confidenceFloor + (1 - confidenceFloor) x Wilson lower bound, "
                 "cost = 1 + costSavingWeight x cost saved share, safety = safetyFloor + (1 - safetyFloor) x safety; "
                 "rounded down to whole tokens.")
class RewardPolicy(Node):
    version: int
    reason: str
    created_at: datetime
    stf_base_min_tokens: BigInt
    stf_base_max_tokens: BigInt
    adoption_step: Decimal
    adoption_max: Decimal
    confidence_floor: Decimal
    cost_saving_weight: Decimal
    safety_floor: Decimal
    tokens_per_kb: BigInt = strawberry.field(description="Paid per KB of context served.")
    tokens_per_verification: BigInt
    verifications_to_verify: int = strawberry.field(
        description="PASS verifications (and no FAIL) that make an STF VERIFIED."
    )
    tokens_per_usd: BigInt = strawberry.field(
        description="Compute costs in USD become tokens at this rate, rounded up."
    )
    starter_grant: BigInt
    daily_earning_cap: BigInt = strawberry.field(description="Most reward tokens one contributor may earn per UTC day.")
    reputation_half_life_days: Decimal
    reputation_per_adoption: Decimal
    reputation_per_verification: Decimal
    reputation_dispute_penalty: Decimal = strawberry.field(
        description="Taken from the recipient of a transfer reversed after a dispute."
    )
    expiry_mode: ExpiryMode
    expiry_months: int | None

    @classmethod
    def of(cls, row: m.RewardPolicy) -> "RewardPolicy":
        values = {name: getattr(row, name) for name in COEFFICIENTS}
        return cls(id=to_global_id("RewardPolicy", row.version), version=row.version, reason=row.reason,
                   created_at=row.created_at, **values)


async def _load_policy(pk: int, info: Info) -> RewardPolicy | None:
    row = await policy_service.get_policy(pk)
    return RewardPolicy.of(row) if row else None


register_node("RewardPolicy", _load_policy)


@strawberry.type(description="A reward that was refused (daily cap, frozen account), kept for the record.")
class RewardRefusal(Node):
    contributor_id: strawberry.ID
    kind: str
    amount: BigInt
    reason: str = strawberry.field(description="DAILY_CAP or FROZEN.")
    message: str
    policy_version: int
    created_at: datetime

    @classmethod
    def of(cls, row: m.RewardRefusal) -> "RewardRefusal":
        return cls(
            id=to_global_id("RewardRefusal", row.id),
            contributor_id=to_global_id("Contributor", row.contributor_id),
            kind=row.kind,
            amount=row.amount,
            reason=row.reason,
            message=row.message,
            policy_version=row.policy_version,
            created_at=row.created_at,
        )


async def _load_refusal(pk: int, info: Info) -> RewardRefusal | None:
    principal = info.context.principal
    if principal is None or principal.role is not Role.ADMIN:
        return None
    row = await reward_service.refusal_by_id(pk)
    return RewardRefusal.of(row) if row else None


register_node("RewardRefusal", _load_refusal)


@strawberry.enum(
    description="PAID: the tokens were minted to the contributor; REFUSED: the daily cap or a freeze stopped them "
    "(kept as a refusal)."
)
class RewardStatus(Enum):
    PAID = "PAID"
    REFUSED = "REFUSED"


@strawberry.type(description="What became of one reward (an STF adoption, a verification): paid or refused, "
                 "with the policy version and the factors it was computed from.")
class RewardOutcome:
    status: RewardStatus
    amount: BigInt
    policy_version: int
    factors: JSON | None = strawberry.field(
        description="The formula's factors and where its inputs came from, as strings."
    )
    refusal_reason: str | None = strawberry.field(description="DAILY_CAP or FROZEN when REFUSED.")
    refusal_message: str | None
    transfer_pk: strawberry.Private[int | None]

    @classmethod
    def of(cls, row: TransferRow | m.RewardRefusal) -> "RewardOutcome":
        if isinstance(row, m.RewardRefusal):
            return cls(status=RewardStatus.REFUSED, amount=row.amount, policy_version=row.policy_version,
                       factors=row.factors, refusal_reason=row.reason, refusal_message=row.message, transfer_pk=None)
        return cls(status=RewardStatus.PAID, amount=row.amount, policy_version=row.policy_version or 0,
                   factors=row.factors, refusal_reason=None, refusal_message=None, transfer_pk=row.id)

    @classmethod
    async def by_key(cls, info: Info, key: str) -> "RewardOutcome | None":
        row = await loaders.reward_by_key(info, key)
        return cls.of(row) if row is not None else None

    @strawberry.field
    def transfer_id(self) -> strawberry.ID | None:
        return to_global_id("Transfer", self.transfer_pk) if self.transfer_pk else None

    @strawberry.field(description="The reward's transfer (its recipient, REVIEWER and ADMIN see it).")
    async def transfer(self, info: Info) -> Transfer | None:
        return await visible_transfer(info, self.transfer_pk)


@strawberry.input(description="Only the fields given change; the rest carry over from the current version.")
class RewardPolicyUpdateInput:
    reason: str = strawberry.field(description="Why: 3-500 characters, kept with the version.")
    stf_base_min_tokens: BigInt | None = strawberry.UNSET
    stf_base_max_tokens: BigInt | None = strawberry.UNSET
    adoption_step: Decimal | None = strawberry.UNSET
    adoption_max: Decimal | None = strawberry.UNSET
    confidence_floor: Decimal | None = strawberry.UNSET
    cost_saving_weight: Decimal | None = strawberry.UNSET
    safety_floor: Decimal | None = strawberry.UNSET
    tokens_per_kb: BigInt | None = strawberry.UNSET
    tokens_per_verification: BigInt | None = strawberry.UNSET
    verifications_to_verify: int | None = strawberry.UNSET
    tokens_per_usd: BigInt | None = strawberry.UNSET
    starter_grant: BigInt | None = strawberry.UNSET
    daily_earning_cap: BigInt | None = strawberry.UNSET
    reputation_half_life_days: Decimal | None = strawberry.UNSET
    reputation_per_adoption: Decimal | None = strawberry.UNSET
    reputation_per_verification: Decimal | None = strawberry.UNSET
    reputation_dispute_penalty: Decimal | None = strawberry.UNSET
    expiry_mode: ExpiryMode | None = strawberry.UNSET
    expiry_months: int | None = strawberry.UNSET


@strawberry.type
class RewardPolicyUpdatePayload:
    policy: RewardPolicy | None
    user_errors: list[EconomyUserError]


def _changes(input: RewardPolicyUpdateInput) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for name in COEFFICIENTS:
        value = getattr(input, name)
        if value is strawberry.UNSET or (value is None and name != "expiry_months"):
            continue
        changes[name] = m.ExpiryMode(value.value) if name == "expiry_mode" else value
    return changes


@strawberry.type
class RewardQuery:
    @strawberry.field(description="A version of the reward policy; the one in force when `version` is omitted. Public.")
    async def reward_policy(self, version: int | None = None) -> RewardPolicy | None:
        row = await (policy_service.get_policy(version) if version is not None else policy_service.current_policy())
        return RewardPolicy.of(row) if row else None

    @strawberry.field(description="Every version of the reward policy, newest first. Public.")
    async def reward_policies(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[RewardPolicy]:
        await policy_service.current_policy()  # version 1 exists from the first read on
        return await paginate(policy_service.policies_query(), first=first, after=after, order=["-version"],
                              to_node=RewardPolicy.of, max_page_size=info.context.max_page_size)

    @strawberry.field(permission_classes=[IsAuthenticated, IsAdmin],
                      description="Rewards refused by the daily cap or a freeze, newest first (ADMIN).")
    async def reward_refusals(self, info: Info, contributor: str | None = None, first: int | None = None,
                              after: str | None = None) -> Connection[RewardRefusal]:
        contributor_id = (await contributor_service.require(contributor, "contributor")).id if contributor else None
        return await paginate(reward_service.refusals_query(contributor_id), first=first, after=after, order=["-id"],
                              to_node=RewardRefusal.of, max_page_size=info.context.max_page_size)


@strawberry.type
class RewardMutation:
    @strawberry.mutation(permission_classes=[IsAuthenticated, IsAdmin],
                         description="Make a new version of the reward policy, with a reason (ADMIN).")
    async def reward_policy_update(self, info: Info, input: RewardPolicyUpdateInput) -> RewardPolicyUpdatePayload:
        row, errors = await attempt(policy_service.update_policy(_changes(input), input.reason, info.context.principal))
        return RewardPolicyUpdatePayload(policy=RewardPolicy.of(row) if row else None, user_errors=errors)


@strawberry.type
class RewardSubscription:
    @strawberry.subscription(permission_classes=[IsAuthenticated], description=(
        "Rewards issued and refused (`reward.token.issued.v1`, `reward.token.refused.v1`) and policy changes, "
        "of one contributor or all; with `after`, first what came after that cursor, then live."))
    async def reward_events(self, info: Info, contributor: str | None = None,
                            after: str | None = None) -> AsyncGenerator[Event, None]:
        try:
            contributor_id = (await contributor_service.require(contributor, "contributor")).id if contributor else None
        except DomainError as exc:
            raise graphql_error(exc) from None

        def matches(event) -> bool:
            if not event.name.startswith("reward."):
                return False
            return contributor_id is None or event.payload.get("contributorId") in (contributor_id, None)

        async for event in stream_events(info.context.bus, after=parse_after(after), matches=matches):
            yield Event.of(event)
