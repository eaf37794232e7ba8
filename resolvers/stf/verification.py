"""STF verification: `stfVerify`, and the verifications of an STF version (`Stf.verifications`)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from models import contributors as cm
from models import stf as m
from resolvers.economy.rewards import RewardOutcome
from resolvers.loaders import load_one
from resolvers.node import register_node
from resolvers.payload import attempt
from resolvers.permissions import IsAuthenticated
from resolvers.relay import Node, global_pk, to_global_id
from resolvers.stf import StfUserError
from resolvers.stf.registry import Stf
from services.stf import verification as verification_service

if TYPE_CHECKING:
    from resolvers.contributors import Contributor

Verdict = strawberry.enum(m.Verdict, description="PASS: the STF does what it says; FAIL: it does not.")


@strawberry.type(
    description="One contributor's verdict on one STF version, with the evidence and the reward it earned."
)
class StfVerification(Node):
    verdict: Verdict
    evidence: str
    verified_at: datetime
    stf_pk: strawberry.Private[int]
    verifier_pk: strawberry.Private[int]

    @classmethod
    def of(cls, row: m.StfVerification) -> "StfVerification":
        return cls(id=to_global_id("StfVerification", row.id), verdict=row.verdict, evidence=row.evidence,
                   verified_at=row.created_at, stf_pk=row.stf_id, verifier_pk=row.verifier_id)

    @strawberry.field
    async def verifier(self, info: Info) -> Annotated["Contributor", strawberry.lazy("resolvers.contributors")]:
        from resolvers.contributors import Contributor

        return await load_one(info, cm.Contributor, self.verifier_pk, Contributor.of)

    @strawberry.field(description="The STF version verified.")
    async def stf(self, info: Info) -> Stf:
        return await load_one(info, m.Stf, self.stf_pk, Stf.of)

    @strawberry.field(description="The verification reward: paid, or refused (daily cap, freeze).")
    async def reward(self, info: Info) -> RewardOutcome | None:
        return await RewardOutcome.by_key(info, verification_service.key_of(global_pk(self.id, "StfVerification")))


async def _load(pk: int, info: Info) -> StfVerification | None:
    row = await verification_service.verification_by_id(pk)
    return StfVerification.of(row) if row else None


register_node("StfVerification", _load)


@strawberry.input
class StfVerifyInput:
    stf_id: strawberry.ID = strawberry.field(description="The latest version of an STF you did not author.")
    verdict: Verdict
    evidence: str = strawberry.field(description="What you ran and what you saw: 1-10,000 characters.")


@strawberry.type
class StfVerifyPayload:
    verification: StfVerification | None
    stf: Stf | None = strawberry.field(description="The version verified, with its status after this verdict.")
    reward: RewardOutcome | None = strawberry.field(description=(
        "The verification reward: PAID, or REFUSED by the daily cap or a freeze (the verification stands)."))
    passes: int = strawberry.field(description="PASS verdicts of this version so far.")
    fails: int = strawberry.field(description="FAIL verdicts of this version so far.")
    required: int = strawberry.field(description="PASS verdicts (and no FAIL) the policy needs for VERIFIED.")
    user_errors: list[StfUserError]


@strawberry.type
class StfVerificationMutation:
    @strawberry.mutation(permission_classes=[IsAuthenticated], description=(
        "Verify an STF version (anyone with a contributor key but its author; once per version): PASS or FAIL with "
        "evidence. Pays the policy's tokensPerVerification. With verificationsToVerify PASS verdicts and no FAIL "
        "the version becomes VERIFIED; a FAIL takes a VERIFIED version back to ACTIVE."))
    async def stf_verify(self, info: Info, input: StfVerifyInput) -> StfVerifyPayload:
        async def verify() -> verification_service.Verified:
            stf_id = global_pk(input.stf_id, "Stf", "stfId")
            return await verification_service.verify(info.context.principal, stf_id, m.Verdict(input.verdict.value),
                                                     evidence=input.evidence)

        done, errors = await attempt(verify())
        if done is None:
            return StfVerifyPayload(verification=None, stf=None, reward=None, passes=0, fails=0, required=0,
                                    user_errors=errors)
        reward = done.reward.transfer or done.reward.refusal
        return StfVerifyPayload(verification=StfVerification.of(done.verification), stf=Stf.of(done.stf),
                                reward=RewardOutcome.of(reward) if reward is not None else None, passes=done.passes,
                                fails=done.fails, required=done.required, user_errors=[])
