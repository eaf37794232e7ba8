"""The token economy inside the debug loop, through GraphQL: adoption rewards decided with the success
of an STF attempt, `stfVerify` and VERIFIED, and `llmCallsRecord` paying for compute."""

from __future__ import annotations

import math
import uuid
from datetime import datetime, timezone
from decimal import ROUND_FLOOR, Decimal

from services.economy.policy import current_policy
from services.economy.rules import StfRewardInputs, quote_stf_reward
from tests.debug_support import stf_input, unique_model
from tests.economy_support import (
    FREEZE,
    RESERVE,
    UNFREEZE,
    Member,
    assert_ledger_invariants,
    balance,
    register,
    register_funded,
    sql,
    update_policy,
)
from tests.test_debug import APPLY, ERROR, SUCCESS, ok
from tests.test_executions import call, start
from tests.test_pricing import upsert

REGISTER_STF = """mutation R($input: StfRegisterInput!) { stfRegister(input: $input) { stf { id version status }
  userErrors { field message code } } }"""
UPDATE_STF = """mutation U($input: StfUpdateInput!) { stfUpdate(input: $input) { stf { id version status }
  userErrors { field message code } } }"""
APPLICATION = """query N($id: ID!) { node(id: $id) { ... on StfApplication { id outcome adopter { handle }
  adoptionReward { status amount policyVersion factors refusalReason refusalMessage transferId
                   transfer { kind amount creditAccount } } } } }"""
CONTRIBUTOR = "query C($h: String!) { contributor(handle: $h) { reputation earned balance } }"
VERIFY = """mutation V($input: StfVerifyInput!) { stfVerify(input: $input) {
  verification { id verdict evidence verifiedAt verifier { handle } stf { id } reward { status amount } }
  stf { id status } passes fails required
  reward { status amount policyVersion factors refusalReason transferId }
  userErrors { field message code } } }"""
VERIFICATIONS = """query S($id: ID!) { node(id: $id) { ... on Stf { status verifications(first: 10) { totalCount
  edges { node { verdict evidence verifiedAt verifier { handle } reward { status amount } } } } } } }"""
RECORD = """mutation R($input: LlmCallsRecordInput!) { llmCallsRecord(input: $input) { recorded priced
  calls { id priced cost paymentStatus paymentTransfer { id kind amount debitAccount creditAccount } }
  payment { status tokens usd shortfall reason chargedCalls unpricedCalls replayed transferId
            transfer { kind amount debitAccount creditAccount reservationId } }
  userErrors { field message code } } }"""
RESERVATION = "query N($id: ID!) { node(id: $id) { ... on Reservation { amount charged state } } }"
AT = datetime(2025, 7, 1, tzinfo=timezone.utc)


async def _stf(client, author: Member, status: str = "ACTIVE", **fields) -> dict:
    return (await ok(client, REGISTER_STF, stf_input(status=status, **fields), author.key, "stfRegister"))["stf"]


async def _adopt(client, key: str, stf_id: str, prompt: str = "Fix the failing test", calls=()) -> tuple[dict, str]:
    """A run that hits an error, applies the STF, records `calls` (model, input tokens), then succeeds."""
    cid = (await start(client, key, taskPrompt=prompt))["correlationId"]
    error = (await ok(client, ERROR, {"correlationId": cid, "step": 1, "errorType": "KeyError",
                                      "message": f"'user_{uuid.uuid4().hex[:6]}'"}, key, "errorRecord"))["errorEvent"]
    application = (await ok(client, APPLY, {"errorEventId": error["id"], "stfId": stf_id}, key, "stfApply"))[
        "application"
    ]
    for model, tokens in calls:
        await _record(client, key, [call(cid, model, AT, inputTokens=tokens, outputTokens=0)])
    await ok(client, SUCCESS, {"correlationId": cid, "step": 1, "qualityScore": 0.9}, key, "successRecord")
    return (await client.execute(APPLICATION, {"id": application["id"]}, key=key))["node"], cid


async def _cap(client, admin_key: str, tokens: int) -> None:
    """The daily earning cap in force (a new policy version only when it differs)."""
    if (await current_policy()).daily_earning_cap != tokens:
        await update_policy(client, admin_key, dailyEarningCap=tokens)


async def _record(client, key: str, calls: list[dict], **charge) -> dict:
    return (await client.execute(RECORD, {"input": {"calls": calls, **charge}}, key=key))["llmCallsRecord"]


def _wilson(successes: int, n: int) -> Decimal:
    z = 1.96
    p = successes / n
    low = (p + z * z / (2 * n) - z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))) / (1 + z * z / n)
    return Decimal(str(round(low, 4)))


async def test_an_adoption_pays_the_author_by_the_formula_with_its_factors(client, admin_key):
    author, first, second = [await register(client, admin_key) for _ in range(3)]
    await _cap(client, admin_key, 5000)
    stf = await _stf(client, author)  # lines 10-42: 33 lines
    policy = await current_policy()
    before = (await client.execute(CONTRIBUTOR, {"h": author.handle}))["contributor"]

    adopted, _ = await _adopt(client, first.key, stf["id"])
    assert adopted["outcome"] == "SUCCEEDED" and adopted["adopter"] == {"handle": first.handle}
    reward = adopted["adoptionReward"]
    complexity = Decimal("0.6599")  # ln 33 / ln 200, rounded down to 4 places
    inputs = StfRewardInputs(complexity=complexity, adopters=1, confidence=_wilson(1, 1), cost_saving=Decimal(0),
                             safety=Decimal("0.5"))
    expected = quote_stf_reward(policy, inputs)
    base = Decimal(policy.stf_base_min_tokens) + (policy.stf_base_max_tokens - policy.stf_base_min_tokens) * complexity
    by_hand = (base * (policy.confidence_floor + (1 - policy.confidence_floor) * _wilson(1, 1))
               * (policy.safety_floor + (1 - policy.safety_floor) * Decimal("0.5"))).to_integral_value(ROUND_FLOOR)
    assert reward["status"] == "PAID" and reward["amount"] == expected.amount == int(by_hand)
    assert reward["policyVersion"] == policy.version
    factors = reward["factors"]
    assert {k: factors[k] for k in expected.factors} == expected.factors
    assert (factors["complexity"], factors["lines"], factors["adopters"], factors["fixConfidence"]) == (
        "0.6599", "33", "1", "0.2065")
    assert (factors["costSaved"], factors["executionCost"], factors["status"]) == ("0", "unknown", "ACTIVE")
    assert reward["transfer"] is None  # the author's transfer is private: the author sees it
    seen = (await client.execute(APPLICATION, {"id": adopted["id"]}, key=author.key))["node"]["adoptionReward"]
    assert seen["transfer"] == {"kind": "STF_REWARD", "amount": expected.amount, "creditAccount": author.handle}
    after = (await client.execute(CONTRIBUTOR, {"h": author.handle}))["contributor"]
    assert after["earned"] == before["earned"] + expected.amount
    assert after["balance"] == before["balance"] + expected.amount
    assert Decimal(after["reputation"]) > Decimal(before["reputation"])

    # a second contributor: two distinct adopters, and the counters of this signature moved on
    again, _ = await _adopt(client, second.key, stf["id"])
    assert again["adoptionReward"]["factors"]["adopters"] == "2"
    assert again["adoptionReward"]["factors"]["adoption"] == str(
        min(policy.adoption_max, 1 + policy.adoption_step).normalize()
    )
    # the first adopter again: still two distinct adopters
    third, _ = await _adopt(client, first.key, stf["id"])
    assert third["adoptionReward"]["factors"]["adopters"] == "2"

    rewards = await sql('SELECT t."idempotency_key" FROM "ledger_transfers" t JOIN "ledger_accounts" a '
                        'ON a."id" = t."credit_account_id" WHERE a."name" = $1 AND t."kind" = \'STF_REWARD\'',
                        author.handle)
    assert len(rewards) == 3 and len({r["idempotency_key"] for r in rewards}) == 3
    await assert_ledger_invariants()


async def test_no_reward_for_self_adoption_or_without_a_contributor(client, admin_key, agent_key):
    author = await register(client, admin_key)
    stf = await _stf(client, author)
    own, _ = await _adopt(client, author.key, stf["id"])
    assert own["outcome"] == "SUCCEEDED" and own["adopter"] == {"handle": author.handle}
    assert own["adoptionReward"] is None
    anonymous, _ = await _adopt(client, agent_key, stf["id"])  # an AGENT key that acts for no contributor
    assert anonymous["outcome"] == "SUCCEEDED" and anonymous["adopter"] is None
    assert anonymous["adoptionReward"] is None
    assert (await client.execute(CONTRIBUTOR, {"h": author.handle}))["contributor"]["earned"] == 0


async def test_cost_saving_compares_the_run_with_the_median_of_its_fingerprint(client, admin_key):
    author, adopter = await register(client, admin_key), await register(client, admin_key)
    model = unique_model()
    await upsert(client, admin_key, model=model, input_price="10", output_price="10", at="2025-01-01T00:00:00Z")
    prompt = f"Fix the flaky test {uuid.uuid4().hex}"
    for tokens in (1000, 2000, 3000):  # earlier runs of the same request: median $0.02
        cid = (await start(client, adopter.key, taskPrompt=prompt))["correlationId"]
        await _record(client, adopter.key, [call(cid, model, AT, inputTokens=tokens, outputTokens=0)])
    stf = await _stf(client, author)
    adopted, _ = await _adopt(client, adopter.key, stf["id"], prompt=prompt, calls=[(model, 500)])  # $0.005
    factors = adopted["adoptionReward"]["factors"]
    assert (factors["executionCost"], factors["medianCost"], factors["medianOfRuns"]) == ("0.005", "0.02", "3")
    assert factors["costSaved"] == "0.7500"
    policy = await current_policy()
    assert Decimal(factors["cost"]) == 1 + policy.cost_saving_weight * Decimal("0.75")


async def test_a_capped_or_frozen_author_is_refused_and_the_attempt_still_succeeds(client, admin_key):
    author, adopter = await register(client, admin_key), await register(client, admin_key)
    stf = await _stf(client, author)
    await _cap(client, admin_key, 10)
    try:
        capped, _ = await _adopt(client, adopter.key, stf["id"])
    finally:
        await _cap(client, admin_key, 5000)
    assert capped["outcome"] == "SUCCEEDED"
    refusal = capped["adoptionReward"]
    assert refusal["status"] == "REFUSED" and refusal["refusalReason"] == "DAILY_CAP" and refusal["amount"] > 10
    assert "daily cap of 10" in refusal["refusalMessage"] and refusal["factors"]["adopters"] == "1"
    logged = (await client.execute('query R($c: String) { rewardRefusals(contributor: $c) { totalCount '
                                   'edges { node { kind reason amount } } } }', {"c": author.handle},
                                   key=admin_key))["rewardRefusals"]
    assert logged["totalCount"] == 1
    assert logged["edges"][0]["node"] == {"kind": "STF_REWARD", "reason": "DAILY_CAP", "amount": refusal["amount"]}

    await client.execute(FREEZE, {"input": {"handle": author.handle, "reason": "investigation"}}, key=admin_key)
    try:
        frozen, _ = await _adopt(client, adopter.key, stf["id"])
    finally:
        await client.execute(UNFREEZE, {"input": {"handle": author.handle}}, key=admin_key)
    assert frozen["outcome"] == "SUCCEEDED" and frozen["adoptionReward"]["refusalReason"] == "FROZEN"
    assert (await client.execute(CONTRIBUTOR, {"h": author.handle}))["contributor"]["earned"] == 0
    await assert_ledger_invariants()


async def _verify(
    client, member: Member, stf_id: str, verdict: str = "PASS", evidence: str = "ran it on 3 repos"
) -> dict:
    return (await client.execute(VERIFY, {"input": {"stfId": stf_id, "verdict": verdict, "evidence": evidence}},
                                 key=member.key))["stfVerify"]


async def test_verifications_pay_the_verifier_and_make_an_stf_verified(client, admin_key, agent_key):
    await _cap(client, admin_key, 5000)
    policy = await current_policy()
    required = policy.verifications_to_verify
    author = await register(client, admin_key)
    verifiers = [await register(client, admin_key) for _ in range(required + 1)]
    stf = await _stf(client, author, status="DRAFT")

    own = await _verify(client, author, stf["id"])
    assert own["userErrors"][0]["field"] == "stfId" and own["userErrors"][0]["code"] == "FORBIDDEN"
    nobody = (await client.execute(VERIFY, {"input": {"stfId": stf["id"], "verdict": "PASS", "evidence": "x"}},
                                   key=agent_key))["stfVerify"]
    assert nobody["userErrors"][0]["code"] == "NO_CONTRIBUTOR"
    empty = await _verify(client, verifiers[0], stf["id"], evidence="  ")
    assert empty["userErrors"][0]["field"] == "evidence"

    before = (await client.execute(CONTRIBUTOR, {"h": verifiers[0].handle}))["contributor"]
    for i, verifier in enumerate(verifiers[:required]):
        done = await _verify(client, verifier, stf["id"])
        assert done["userErrors"] == []
        assert (done["passes"], done["fails"], done["required"]) == (i + 1, 0, required)
        assert done["reward"]["status"] == "PAID" and done["reward"]["amount"] == policy.tokens_per_verification
        assert done["stf"]["status"] == ("VERIFIED" if i + 1 == required else "DRAFT")
    after = (await client.execute(CONTRIBUTOR, {"h": verifiers[0].handle}))["contributor"]
    assert after["earned"] == before["earned"] + policy.tokens_per_verification
    assert Decimal(after["reputation"]) > Decimal(before["reputation"])

    twice = await _verify(client, verifiers[0], stf["id"], verdict="FAIL")
    assert twice["userErrors"][0]["code"] == "ALREADY_VERIFIED" and twice["userErrors"][0]["field"] == "stfId"
    events = await sql('SELECT count(*) AS n FROM "outbox_events" WHERE "name" = \'stf.stf.verified.v1\' '
                       'AND ("payload"->>\'stfId\') = $1', str(await _pk(stf["id"])))
    assert events[0]["n"] == 1

    listed = (await client.execute(VERIFICATIONS, {"id": stf["id"]}))["node"]
    assert listed["status"] == "VERIFIED" and listed["verifications"]["totalCount"] == required
    first = listed["verifications"]["edges"][0]["node"]
    assert first["verifier"] == {"handle": verifiers[0].handle} and first["verdict"] == "PASS"
    assert first["evidence"] == "ran it on 3 repos" and first["verifiedAt"]
    assert first["reward"] == {"status": "PAID", "amount": policy.tokens_per_verification}

    # a FAIL afterwards: no longer "enough PASS and no FAIL", back to ACTIVE
    failed = await _verify(client, verifiers[required], stf["id"], verdict="FAIL", evidence="breaks on py3.9")
    assert failed["userErrors"] == [] and failed["stf"]["status"] == "ACTIVE" and failed["fails"] == 1
    await assert_ledger_invariants()


async def test_a_verification_beyond_the_cap_stands_and_reports_the_refusal(client, admin_key):
    author, verifier = await register(client, admin_key), await register(client, admin_key)
    stf = await _stf(client, author)
    await _cap(client, admin_key, 1)
    try:
        done = await _verify(client, verifier, stf["id"])
    finally:
        await _cap(client, admin_key, 5000)
    assert done["userErrors"] == [] and done["verification"]["verdict"] == "PASS" and done["passes"] == 1
    assert done["reward"]["status"] == "REFUSED" and done["reward"]["refusalReason"] == "DAILY_CAP"
    assert done["reward"]["transferId"] is None
    assert (await client.execute(CONTRIBUTOR, {"h": verifier.handle}))["contributor"]["earned"] == 0


async def test_only_the_latest_version_can_be_verified(client, admin_key):
    author, verifier = await register(client, admin_key), await register(client, admin_key)
    old = await _stf(client, author)
    new = (await ok(client, UPDATE_STF, {"id": old["id"], "name": "Retry v2"}, author.key, "stfUpdate"))["stf"]
    stale = await _verify(client, verifier, old["id"])
    assert stale["userErrors"][0]["code"] == "NOT_LATEST"
    assert (await _verify(client, verifier, new["id"]))["userErrors"] == []
    missing = await _verify(client, verifier, "U3RmOjk5OTk5OTk5")
    assert missing["userErrors"][0]["field"] == "stfId"


async def _pk(global_id: str) -> int:
    from resolvers.relay import parse_global_id

    return int(parse_global_id(global_id)[1])


async def _rate() -> int:
    return (await current_policy()).tokens_per_usd


async def test_recorded_calls_are_paid_from_the_callers_account_once(client, admin_key):
    payer = await register_funded(client, admin_key, 1000)
    model = unique_model()
    await upsert(client, admin_key, model=model, input_price="10", output_price="0", at="2025-01-01T00:00:00Z")
    cid = (await start(client, payer.key))["correlationId"]
    rate = await _rate()
    batch = [call(cid, model, AT, inputTokens=1001, outputTokens=0, clientCallId="a"),
             call(cid, model, AT, inputTokens=2000, outputTokens=0, clientCallId="b"),
             call(cid, "never-priced", AT, clientCallId="c")]
    usd = Decimal("0.03001")
    tokens = math.ceil(usd * rate)  # rounded up
    start_balance = (await balance(client, payer.handle))["balance"]

    paid = await _record(client, payer.key, batch, chargeAccount=payer.handle)
    assert paid["userErrors"] == [] and paid["recorded"] == 3
    payment = paid["payment"]
    assert (payment["status"], payment["tokens"], Decimal(payment["usd"]), payment["shortfall"]) == (
        "PAID", tokens, usd, 0)
    assert (payment["chargedCalls"], payment["unpricedCalls"], payment["replayed"]) == (2, 1, False)
    assert payment["transfer"] == {"kind": "COMPUTE", "amount": tokens, "debitAccount": payer.handle,
                                   "creditAccount": "system:compute", "reservationId": None}
    assert [c["paymentStatus"] for c in paid["calls"]] == ["PAID", "PAID", "NOT_CHARGED"]
    assert paid["calls"][0]["paymentTransfer"]["id"] == payment["transferId"]
    assert paid["calls"][2]["paymentTransfer"] is None
    assert (await balance(client, payer.handle))["balance"] == start_balance - tokens

    retried = await _record(client, payer.key, batch, chargeAccount=payer.handle)
    assert retried["recorded"] == 0 and retried["payment"]["replayed"] is True
    assert retried["payment"]["status"] == "PAID" and retried["payment"]["transferId"] == payment["transferId"]
    assert (await balance(client, payer.handle))["balance"] == start_balance - tokens  # not charged twice

    free = await _record(client, payer.key, [call(cid, model, AT, clientCallId="d")])
    assert free["payment"]["status"] == "NOT_CHARGED" and free["calls"][0]["paymentStatus"] == "NOT_CHARGED"
    await assert_ledger_invariants()


async def test_calls_that_cannot_be_paid_are_recorded_unpaid(client, admin_key):
    payer = await register_funded(client, admin_key, 5)
    model = unique_model()
    await upsert(client, admin_key, model=model, input_price="10", output_price="0", at="2025-01-01T00:00:00Z")
    cid = (await start(client, payer.key))["correlationId"]
    tokens = math.ceil(Decimal("0.01") * await _rate())
    unpaid = await _record(client, payer.key, [call(cid, model, AT, inputTokens=1000, outputTokens=0)],
                           chargeAccount=payer.handle)
    assert unpaid["userErrors"] == [] and unpaid["recorded"] == 1
    assert unpaid["payment"]["status"] == "UNPAID" and unpaid["payment"]["tokens"] == tokens
    assert unpaid["payment"]["shortfall"] == tokens - 5 and "5 tokens available" in unpaid["payment"]["reason"]
    assert unpaid["payment"]["transferId"] is None and unpaid["calls"][0]["paymentStatus"] == "UNPAID"
    assert (await balance(client, payer.handle))["balance"] == 5
    await assert_ledger_invariants()


async def test_a_reservation_pays_at_most_what_it_holds(client, admin_key):
    payer = await register_funded(client, admin_key, 1000)
    model = unique_model()
    await upsert(client, admin_key, model=model, input_price="10", output_price="0", at="2025-01-01T00:00:00Z")
    rate = await _rate()
    per_call = math.ceil(Decimal("0.01") * rate)
    reserved = (await client.execute(RESERVE, {"input": {"amount": per_call + per_call // 2, "ttlSeconds": 600,
                                                         "idempotencyKey": uuid.uuid4().hex}},
                                     key=payer.key))["computeReserve"]["reservation"]
    cid = (await start(client, payer.key))["correlationId"]
    first = await _record(client, payer.key, [call(cid, model, AT, inputTokens=1000, outputTokens=0)],
                          reservationId=reserved["id"])
    assert first["payment"]["status"] == "PAID" and first["payment"]["transfer"]["reservationId"] == reserved["id"]
    second = await _record(client, payer.key, [call(cid, model, AT, inputTokens=1000, outputTokens=0)],
                           reservationId=reserved["id"])
    assert second["payment"]["status"] == "UNPAID" and second["recorded"] == 1
    assert second["payment"]["shortfall"] == per_call - per_call // 2
    state = (await client.execute(RESERVATION, {"id": reserved["id"]}, key=payer.key))["node"]
    assert state == {"amount": per_call + per_call // 2, "charged": per_call, "state": "PENDING"}
    await assert_ledger_invariants()


async def test_who_may_be_charged(client, admin_key):
    payer, other = await register_funded(client, admin_key, 1000), await register(client, admin_key)
    model = unique_model()
    await upsert(client, admin_key, model=model, input_price="10", output_price="0", at="2025-01-01T00:00:00Z")
    cid = (await start(client, payer.key))["correlationId"]
    one = [call(cid, model, AT, inputTokens=1000, outputTokens=0)]
    theirs = await _record(client, payer.key, one, chargeAccount=other.handle)
    assert theirs["userErrors"][0]["field"] == "chargeAccount" and theirs["userErrors"][0]["code"] == "FORBIDDEN"
    unknown = await _record(client, payer.key, one, chargeAccount="nobody-here")
    assert unknown["userErrors"][0]["field"] == "chargeAccount"
    system = await _record(client, payer.key, one, chargeAccount="system:mint")
    assert system["userErrors"][0]["field"] == "chargeAccount"
    both = await _record(client, payer.key, one, chargeAccount=payer.handle, reservationId="UmVzZXJ2YXRpb246MQ==")
    assert both["userErrors"][0]["field"] == "chargeAccount"
    other_reservation = (await client.execute(RESERVE, {"input": {"amount": 10, "ttlSeconds": 600,
                                                                  "idempotencyKey": uuid.uuid4().hex}},
                                              key=other.key))["computeReserve"]["reservation"]
    foreign = await _record(client, payer.key, one, reservationId=other_reservation["id"])
    assert foreign["userErrors"][0]["field"] == "reservationId"
    bad = await _record(client, payer.key, one, reservationId="not-an-id")
    assert bad["userErrors"][0]["field"] == "reservationId"
    assert (await sql('SELECT count(*) AS n FROM "llm_calls" c JOIN "executions" e ON e."id" = c."execution_id" '
                      'WHERE e."correlation_id"::text = $1', cid))[0]["n"] == 0  # nothing half written

    by_admin = await _record(client, admin_key, one, chargeAccount=payer.handle)  # an ADMIN charges anyone
    assert by_admin["userErrors"] == [] and by_admin["payment"]["status"] == "PAID"
    assert (await balance(client, payer.handle))["balance"] == 1000 - by_admin["payment"]["tokens"]
    await assert_ledger_invariants()
