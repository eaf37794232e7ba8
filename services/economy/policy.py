"""The versioned reward policy: read the one in force, list versions, make a new version (ADMIN)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from models.auth import Principal
from models.economy.rewards import ExpiryMode, RewardPolicy
from services import clock
from services.errors import DomainError
from subscriptions.outbox import record_event

INITIAL_REASON = "initial policy"

# Every coefficient a new version may change, with the camelCase name users see in userErrors.
COEFFICIENTS: dict[str, str] = {
    "stf_base_min_tokens": "stfBaseMinTokens", "stf_base_max_tokens": "stfBaseMaxTokens",
    "adoption_step": "adoptionStep", "adoption_max": "adoptionMax", "confidence_floor": "confidenceFloor",
    "cost_saving_weight": "costSavingWeight", "safety_floor": "safetyFloor", "tokens_per_kb": "tokensPerKb",
    "tokens_per_verification": "tokensPerVerification", "verifications_to_verify": "verificationsToVerify",
    "tokens_per_usd": "tokensPerUsd", "starter_grant": "starterGrant", "daily_earning_cap": "dailyEarningCap",
    "reputation_half_life_days": "reputationHalfLifeDays", "reputation_per_adoption": "reputationPerAdoption",
    "reputation_per_verification": "reputationPerVerification",
    "reputation_dispute_penalty": "reputationDisputePenalty", "expiry_mode": "expiryMode",
    "expiry_months": "expiryMonths",
}
UNIT_INTERVAL = {"confidence_floor", "safety_floor"}
MAX_TOKENS = 2**62
DECIMAL_PLACES = Decimal("0.0001")  # the columns' scale: more would be rounded silently


async def current_policy(conn: BaseDBAsyncClient | None = None) -> RewardPolicy:
    """The newest version; version 1 (the defaults of the model) is created on first use."""
    query = RewardPolicy.all().order_by("-version").limit(1)
    if conn is not None:
        query = query.using_db(conn)
    found = await query.first()
    if found is not None:
        return found
    # concurrent first uses race to create version 1: ON CONFLICT DO NOTHING lets one win quietly
    await RewardPolicy.bulk_create([RewardPolicy(version=1, reason=INITIAL_REASON, created_at=clock.now())],
                                   ignore_conflicts=True, using_db=conn)
    return await current_policy(conn)


async def get_policy(version: int) -> RewardPolicy | None:
    return await RewardPolicy.get_or_none(version=version)


def policies_query():
    return RewardPolicy.all()


def check_coefficients(values: dict[str, Any]) -> None:
    """Every coefficient of a would-be version in range (a user error naming the first that is not)."""
    for name, value in values.items():
        field = COEFFICIENTS[name]
        if name in ("expiry_mode", "expiry_months"):
            continue
        if value < 0:
            raise DomainError(field, f"must be >= 0, got {value}")
        if isinstance(value, int) and value > MAX_TOKENS:
            raise DomainError(field, f"must be <= {MAX_TOKENS}, got {value}")
        if isinstance(value, Decimal) and value > Decimal(9999):
            raise DomainError(field, f"must be <= 9999, got {value}")
        if isinstance(value, Decimal) and value != value.quantize(DECIMAL_PLACES):
            raise DomainError(field, f"at most 4 decimal places, got {value}")
        if name in UNIT_INTERVAL and value > 1:
            raise DomainError(field, f"must be in [0, 1], got {value}")
    if values["stf_base_max_tokens"] < values["stf_base_min_tokens"]:
        raise DomainError("stfBaseMaxTokens", "must be >= stfBaseMinTokens")
    if values["adoption_max"] < 1:
        raise DomainError("adoptionMax", "must be >= 1 (the factor of a first adoption)")
    if values["tokens_per_usd"] < 1:
        raise DomainError("tokensPerUsd", "must be >= 1")
    if values["reputation_half_life_days"] <= 0:
        raise DomainError("reputationHalfLifeDays", "must be > 0")
    if values["verifications_to_verify"] < 1:
        raise DomainError("verificationsToVerify", "must be >= 1")
    mode, months = values["expiry_mode"], values["expiry_months"]
    if mode is ExpiryMode.NONE and months is not None:
        raise DomainError("expiryMonths", "must be empty when expiryMode is NONE")
    if mode is not ExpiryMode.NONE and (months is None or not 1 <= months <= 120):
        raise DomainError("expiryMonths", f"{mode.value} expiry needs 1-120 months")


async def update_policy(changes: dict[str, Any], reason: str, by: Principal) -> RewardPolicy:
    """A new version: the current one with `changes` applied. Unchanged fields carry over."""
    reason = reason.strip()
    if not 3 <= len(reason) <= 500:
        raise DomainError("reason", "must be 3-500 characters")
    unknown = set(changes) - set(COEFFICIENTS)
    if unknown:
        raise ValueError(f"not policy coefficients: {sorted(unknown)}")
    async with in_transaction() as conn:
        await conn.execute_query("SELECT pg_advisory_xact_lock(hashtext('reward_policies'))")
        previous = await current_policy(conn)
        values = {name: getattr(previous, name) for name in COEFFICIENTS} | changes
        if values.get("expiry_mode") is ExpiryMode.NONE and "expiry_months" not in changes:
            values["expiry_months"] = None
        check_coefficients(values)
        if all(values[name] == getattr(previous, name) for name in COEFFICIENTS):
            raise DomainError(None, "nothing changes: every value equals the current version", "UNCHANGED")
        policy = await RewardPolicy.create(version=previous.version + 1, reason=reason, created_by=by,
                                           created_at=clock.now(), using_db=conn, **values)
        await record_event("reward.policy.updated.v1",
                           {"version": policy.version, "previousVersion": previous.version, "reason": reason,
                            "by": by.id, "changes": {COEFFICIENTS[n]: values[n] for n in COEFFICIENTS
                                                     if values[n] != getattr(previous, n)}}, conn)
    return policy
