"""STF verification: contributors other than the author check an STF version and give a verdict
with evidence, once per verifier per version, and earn the policy's verification reward. A version
is VERIFIED exactly while it has the policy's number of PASS verdicts and no FAIL: it becomes
VERIFIED at the last PASS needed, and a FAIL afterwards takes it back to ACTIVE."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from models.auth import Principal
from models.contributors import Contributor
from models.stf import Stf, StfStatus, StfVerification, Verdict
from services import clock
from services.economy import rewards
from services.economy.policy import current_policy
from services.errors import DomainError, NotFound
from subscriptions.outbox import record_event

MAX_EVIDENCE = 10_000
COUNTS_SQL = (
    'SELECT count(*) FILTER (WHERE "verdict" = \'PASS\') AS passes, count(*) FILTER (WHERE "verdict" = \'FAIL\') '
    'AS fails FROM "stf_verifications" WHERE "stf_id" = $1'
)


def key_of(verification_id: int) -> str:
    return f"stf-verification:{verification_id}"


@dataclass
class Verified:
    verification: StfVerification
    stf: Stf
    reward: rewards.RewardOutcome
    passes: int
    fails: int
    required: int


def _event_payload(stf: Stf, verification: StfVerification) -> dict:
    return {"stfId": stf.id, "lineageId": stf.lineage_id, "version": stf.version, "contributorId": stf.contributor_id,
            "verificationId": verification.id, "verifierId": verification.verifier_id,
            "verdict": verification.verdict, "status": stf.status}


async def verify(by: Principal, stf_id: int, verdict: Verdict, *, evidence: str) -> Verified:
    evidence = evidence.strip()
    if not 1 <= len(evidence) <= MAX_EVIDENCE:
        raise DomainError("evidence", f"must be 1-{MAX_EVIDENCE} characters: what you ran and what you saw")
    verifier = await Contributor.get_or_none(principal_id=by.id)
    if verifier is None:
        raise DomainError(None, "this API key acts for no contributor: use a key issued by "
                                "contributorRegister(issueKey: true)", "NO_CONTRIBUTOR")
    try:
        async with in_transaction() as conn:
            stf = await Stf.filter(id=stf_id).using_db(conn).select_for_update().first()
            if stf is None:
                raise NotFound("stfId", "no such STF")
            if stf.contributor_id == verifier.id:
                raise DomainError("stfId", "the author of an STF cannot verify it", "FORBIDDEN")
            if stf.status is StfStatus.DEPRECATED:
                raise DomainError("stfId", "this STF is deprecated", "DEPRECATED")
            if not stf.is_latest:
                raise DomainError("stfId", f"version {stf.version} is not the latest: verify the latest version",
                                  "NOT_LATEST")
            if await StfVerification.filter(stf_id=stf.id, verifier_id=verifier.id).using_db(conn).exists():
                raise _already()
            verification = await StfVerification.create(stf_id=stf.id, verifier_id=verifier.id, verdict=verdict,
                                                        evidence=evidence, using_db=conn)
            [counts] = await conn.execute_query_dict(COUNTS_SQL, [stf.id])
            policy = await current_policy(conn)
            await record_event("stf.verification.recorded.v1", _event_payload(stf, verification), conn)
            verified = counts["fails"] == 0 and counts["passes"] >= policy.verifications_to_verify
            if verified and stf.status is not StfStatus.VERIFIED:
                await _set_status(conn, stf, StfStatus.VERIFIED, event="stf.stf.verified.v1", verification=verification)
            elif not verified and stf.status is StfStatus.VERIFIED:
                await _set_status(
                    conn, stf, StfStatus.ACTIVE, event="stf.stf.verification_revoked.v1", verification=verification
                )
            reward = await rewards.issue_verification_reward(
                conn, verifier.id, key_of(verification.id),
                memo=f"verification of STF {stf.id} version {stf.version} ({verdict.value})")
    except IntegrityError as exc:
        if "stf_verifications" not in str(exc) and "uid_stf_verific" not in str(exc):
            raise
        raise _already() from None
    return Verified(verification, stf, reward, counts["passes"], counts["fails"], policy.verifications_to_verify)


def _already() -> DomainError:
    return DomainError("stfId", "you have already verified this STF version", "ALREADY_VERIFIED")


async def _set_status(conn, stf: Stf, status: StfStatus, *, event: str, verification: StfVerification) -> None:
    stf.status = status
    stf.updated_at = clock.now()
    await Stf.filter(id=stf.id).using_db(conn).update(status=status, updated_at=stf.updated_at)
    await record_event(event, _event_payload(stf, verification), conn)


def of_stf(stf_id: int) -> QuerySet[StfVerification]:
    return StfVerification.filter(stf_id=stf_id)


async def verification_by_id(verification_id: int) -> StfVerification | None:
    return await StfVerification.get_or_none(id=verification_id)
