"""Rewards and governance through GraphQL: the versioned policy, rewards that name their policy
version and factors, the daily earning cap, freezes, reputation and its decay, token expiry."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from models.contributors import Contributor
from models.economy.ledger import TransferKind
from services.economy import expiry as expiry_service
from services.economy import rewards as reward_service
from services.economy.policy import current_policy
from services.economy.rules import StfRewardInputs, flat_quote, quote_stf_reward
from services.errors import DomainError
from tests.economy_support import (
    FREEZE,
    HISTORY,
    POLICY_UPDATE,
    REGISTER,
    assert_ledger_invariants,
    balance,
    new_handle,
    register,
    register_funded,
    sql,
    update_policy,
)

POLICY = """query P($v: Int) { rewardPolicy(version: $v) {
  version reason stfBaseMinTokens stfBaseMaxTokens adoptionStep adoptionMax confidenceFloor costSavingWeight
  safetyFloor tokensPerKb tokensPerVerification verificationsToVerify tokensPerUsd starterGrant dailyEarningCap
  reputationHalfLifeDays reputationPerAdoption reputationPerVerification reputationDisputePenalty expiryMode
    expiryMonths
} }"""
REPUTATION = "query C($h: String!) { contributor(handle: $h) { reputation earned balance } }"
REFUSALS = """query R($c: String) { rewardRefusals(contributor: $c) {
  totalCount edges { node { id kind amount reason message policyVersion } } } }"""


async def _contributor_id(handle: str) -> int:
    return (await Contributor.get(handle=handle)).id


async def test_the_policy_holds_every_coefficient_and_changes_only_as_a_new_version(client, admin_key, agent_key):
    policy = (await client.execute(POLICY))["rewardPolicy"]
    assert policy["stfBaseMinTokens"] == 100 and policy["stfBaseMaxTokens"] == 1000
    assert (policy["tokensPerKb"], policy["tokensPerVerification"]) == (2, 5)
    assert policy["expiryMode"] == "NONE" and policy["expiryMonths"] is None
    forbidden = await client.post(POLICY_UPDATE, {"input": {"reason": "more", "starterGrant": 1}}, key=agent_key)
    assert forbidden.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    updated = (await client.execute(POLICY_UPDATE, {"input": {"reason": "cheaper compute", "tokensPerUsd": 2000}},
                                    key=admin_key))["rewardPolicyUpdate"]
    assert updated["userErrors"] == []
    assert updated["policy"]["version"] == policy["version"] + 1 and updated["policy"]["reason"] == "cheaper compute"
    assert updated["policy"]["tokensPerUsd"] == 2000 and updated["policy"]["starterGrant"] == policy["starterGrant"]
    old = (await client.execute(POLICY, {"v": policy["version"]}))["rewardPolicy"]
    assert old == policy  # the old version is kept as it was
    listed = (await client.execute("{ rewardPolicies(first: 2) { totalCount edges { node { version } } } }"))[
        "rewardPolicies"
    ]
    assert [e["node"]["version"] for e in listed["edges"]] == [updated["policy"]["version"], policy["version"]]
    await update_policy(client, admin_key, tokensPerUsd=policy["tokensPerUsd"])


async def test_bad_policy_values_name_the_field_and_make_no_version(client, admin_key):
    before = (await client.execute(POLICY))["rewardPolicy"]["version"]
    cases = [({"confidenceFloor": "1.5"}, "confidenceFloor"), ({"stfBaseMaxTokens": 10}, "stfBaseMaxTokens"),
             ({"expiryMode": "ROLLING"}, "expiryMonths"), ({"tokensPerUsd": 0}, "tokensPerUsd"),
             ({"starterGrant": -1}, "starterGrant"), ({"reputationHalfLifeDays": "0"}, "reputationHalfLifeDays"),
             ({"adoptionMax": "0.5"}, "adoptionMax"), ({"reason": "x", "starterGrant": 7}, "reason"),
             ({"expiryMonths": 3}, "expiryMonths"), ({"adoptionStep": "0.12345"}, "adoptionStep")]
    for given, field in cases:
        payload = (await client.execute(POLICY_UPDATE, {"input": {"reason": "checking"} | given},
                                        key=admin_key))["rewardPolicyUpdate"]
        assert payload["policy"] is None and payload["userErrors"][0]["field"] == field, given
    assert (await client.execute(POLICY))["rewardPolicy"]["version"] == before


async def test_the_starter_grant_follows_the_policy_in_force_and_names_it(client, admin_key):
    member = await register_funded(client, admin_key, 777)
    history = (await client.execute(HISTORY, {"a": member.handle}, key=member.key))["tokenTransactions"]
    grant = history["edges"][0]["node"]
    assert grant["amount"] == 777 and grant["kind"] == "STARTER_GRANT"
    version = grant["transfer"]["policyVersion"]
    assert (await client.execute(POLICY, {"v": version}))["rewardPolicy"]["starterGrant"] == 777


async def test_an_stf_reward_names_its_policy_version_and_factors_and_raises_reputation(client, admin_key):
    author = await register(client, admin_key)
    contributor_id = await _contributor_id(author.handle)
    policy = await current_policy()
    inputs = StfRewardInputs(complexity=Decimal("0.5"), adopters=3, confidence=Decimal("0.8"),
                             cost_saving=Decimal("0.25"), safety=Decimal(1))
    quote = quote_stf_reward(policy, inputs)
    # 550 x 1.2 x 0.9 x 1.25 x 1 = 742.5 -> 742
    assert quote.amount == 742
    before = (await client.execute(REPUTATION, {"h": author.handle}))["contributor"]
    outcome = await reward_service.issue_reward(
        contributor_id, TransferKind.STF_REWARD, quote, idempotency_key=f"adoption:{uuid.uuid4()}"
    )
    after = (await client.execute(REPUTATION, {"h": author.handle}))["contributor"]
    assert after["earned"] == 742 and after["balance"] == before["balance"] + 742
    assert Decimal(after["reputation"]) == Decimal(before["reputation"]) + policy.reputation_per_adoption
    history = (await client.execute(HISTORY, {"a": author.handle, "kinds": ["STF_REWARD"]}, key=author.key))[
        "tokenTransactions"
    ]
    transfer = history["edges"][0]["node"]["transfer"]
    assert transfer["id"] and transfer["policyVersion"] == policy.version
    assert transfer["factors"] == {"base": "550", "adoption": "1.2", "confidence": "0.9", "cost": "1.25", "safety": "1"}
    replay = await reward_service.issue_reward(contributor_id, TransferKind.STF_REWARD, quote,
                                               idempotency_key=outcome.transfer.idempotency_key)
    assert replay.replayed and replay.transfer.id == outcome.transfer.id
    await assert_ledger_invariants()


async def test_earning_above_the_daily_cap_is_refused_recorded_and_never_dropped(client, admin_key):
    policy = await update_policy(client, admin_key, dailyEarningCap=20)
    try:
        member = await register(client, admin_key)
        contributor_id = await _contributor_id(member.handle)
        quote = flat_quote(policy["version"], 5, 3, unit_name="verifications")  # 15 tokens
        await reward_service.issue_reward(
            contributor_id, TransferKind.VERIFICATION_REWARD, quote, idempotency_key=f"v:{uuid.uuid4()}"
        )
        with pytest.raises(DomainError) as refused:
            await reward_service.issue_reward(
                contributor_id, TransferKind.VERIFICATION_REWARD, quote, idempotency_key=f"v:{uuid.uuid4()}"
            )
        assert refused.value.code == "EARNING_CAP" and "daily cap of 20" in refused.value.message
        assert (await client.execute(REPUTATION, {"h": member.handle}))["contributor"]["earned"] == 15
        small = flat_quote(policy["version"], 5, 1, unit_name="verifications")
        await reward_service.issue_reward(
            contributor_id, TransferKind.VERIFICATION_REWARD, small, idempotency_key=f"v:{uuid.uuid4()}"
        )
        log = (await client.execute(REFUSALS, {"c": member.handle}, key=admin_key))["rewardRefusals"]
        assert log["totalCount"] == 1
        refusal = log["edges"][0]["node"]
        fetched = await client.execute("query N($id: ID!) { node(id: $id) { ... on RewardRefusal { amount } } }",
                                       {"id": refusal["id"]}, key=admin_key)
        assert fetched["node"] == {"amount": 15}
        assert refusal | {"message": "", "id": ""} == {"id": "", "kind": "VERIFICATION_REWARD", "amount": 15,
                                                              "reason": "DAILY_CAP", "message": "",
                                                              "policyVersion": policy["version"]}
        events = await sql('SELECT count(*) AS n FROM "outbox_events" WHERE "name" = \'reward.token.refused.v1\' '
                           'AND ("payload"->>\'contributorId\')::bigint = $1', contributor_id)
        assert events[0]["n"] == 1
    finally:
        await update_policy(client, admin_key, dailyEarningCap=5000)


async def test_the_helpers_for_adoption_and_verification_work_inside_the_callers_transaction(client, admin_key):
    author, verifier = await register(client, admin_key), await register(client, admin_key)
    author_id, verifier_id = await _contributor_id(author.handle), await _contributor_id(verifier.handle)
    policy = await current_policy()
    inputs = StfRewardInputs(complexity=Decimal(1), adopters=1, confidence=Decimal(1), cost_saving=Decimal(0),
                             safety=Decimal(1))
    from tortoise.transactions import in_transaction

    async with in_transaction() as conn:
        adopted = await reward_service.issue_stf_reward(
            conn, author_id, inputs, idempotency_key=f"adoption:{uuid.uuid4()}"
        )
        verified = await reward_service.issue_verification_reward(conn, verifier_id, f"verify:{uuid.uuid4()}")
    assert adopted.transfer.amount == policy.stf_base_max_tokens and adopted.transfer.policy_version == policy.version
    assert verified.transfer.amount == policy.tokens_per_verification
    assert (await client.execute(REPUTATION, {"h": verifier.handle}))["contributor"]["earned"] == 5
    with pytest.raises(RuntimeError):  # the caller's rollback takes the reward with it
        async with in_transaction() as conn:
            await reward_service.issue_verification_reward(conn, verifier_id, f"verify:{uuid.uuid4()}")
            raise RuntimeError("the verification failed to save")
    assert (await client.execute(REPUTATION, {"h": verifier.handle}))["contributor"]["earned"] == 5


async def test_a_frozen_account_earns_nothing_and_the_refusal_is_kept(client, admin_key):
    member = await register(client, admin_key)
    contributor_id = await _contributor_id(member.handle)
    await client.execute(FREEZE, {"input": {"handle": member.handle, "reason": "investigation"}}, key=admin_key)
    start = (await balance(client, member.handle))["balance"]
    with pytest.raises(DomainError) as refused:
        await reward_service.issue_reward(
            contributor_id,
            TransferKind.STF_REWARD,
            flat_quote(1, 100, 1, unit_name="stf"),
            idempotency_key=f"adoption:{uuid.uuid4()}",
        )
    assert refused.value.code == "FROZEN"
    assert (await balance(client, member.handle))["balance"] == start
    log = (await client.execute(REFUSALS, {"c": member.handle}, key=admin_key))["rewardRefusals"]
    assert log["edges"][0]["node"]["reason"] == "FROZEN"


async def test_reputation_halves_every_half_life(client, admin_key):
    member = await register(client, admin_key)
    policy = await current_policy()
    half_life = timedelta(days=float(policy.reputation_half_life_days))
    await Contributor.filter(handle=member.handle).update(reputation=Decimal("0.8"),
                                                          reputation_at=datetime.now(timezone.utc) - half_life)
    shown = Decimal((await client.execute(REPUTATION, {"h": member.handle}))["contributor"]["reputation"])
    assert abs(shown - Decimal("0.4")) <= Decimal("0.000001")
    await Contributor.filter(handle=member.handle).update(reputation_at=datetime.now(timezone.utc) - 2 * half_life)
    shown = Decimal((await client.execute(REPUTATION, {"h": member.handle}))["contributor"]["reputation"])
    assert abs(shown - Decimal("0.2")) <= Decimal("0.000001")


@pytest.mark.parametrize("mode", ["ROLLING", "ACTIVITY"])
async def test_expired_tokens_go_back_to_mint_and_reserved_ones_stay(client, admin_key, mode):
    member = await register_funded(client, admin_key, 500)
    await client.execute(
        """mutation R($i: ComputeReserveInput!) { computeReserve(input: $i) { userErrors { code } } }""",
        {"i": {"amount": 200, "ttlSeconds": 604800, "idempotencyKey": uuid.uuid4().hex}},
        key=member.key,
    )
    policy = await update_policy(client, admin_key, expiryMode=mode, expiryMonths=1)
    try:
        now = datetime.now(timezone.utc)
        assert await expiry_service.sweep_expired_tokens(now=now + timedelta(days=20)) == 0
        assert (await balance(client, member.handle))["balance"] == 500
        assert await expiry_service.sweep_expired_tokens(now=now + timedelta(days=40)) >= 1
        after = await balance(client, member.handle)
        assert (after["balance"], after["reserved"], after["available"]) == (200, 200, 0)
        history = (await client.execute(HISTORY, {"a": member.handle}, key=member.key))["tokenTransactions"]
        expiry = history["edges"][0]["node"]
        assert (expiry["kind"], expiry["amount"], expiry["counterparty"]) == ("EXPIRY", -300, "system:mint")
        assert expiry["transfer"]["policyVersion"] == policy["version"]
        # once: a second pass finds nothing more to expire for this account
        await expiry_service.sweep_expired_tokens(now=now + timedelta(days=40))
        assert (await balance(client, member.handle))["balance"] == 200
        await assert_ledger_invariants()
    finally:
        await update_policy(client, admin_key, expiryMode="NONE")


async def test_register_validation_still_names_the_field(client, admin_key):
    payload = (await client.execute(REGISTER, {"input": {"handle": "A!", "kind": "HUMAN"}}, key=admin_key))[
        "contributorRegister"
    ]
    assert payload["userErrors"][0]["field"] == "handle" and payload["contributor"] is None
    assert (await client.execute("query C($h: String!) { contributor(handle: $h) { id } }",
                                 {"h": new_handle()}))["contributor"] is None
