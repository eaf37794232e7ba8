"""The second half of the debug loop through GraphQL: error signatures, attempt outcomes and Wilson
ordering, fix suggestions (history and semantic), golden state reviews, replay verdicts, retention,
the usage view and STF similarity."""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid
from datetime import datetime, timezone

import asyncpg
from tortoise import connections

from models.auth import Role
from models.outbox import OutboxEvent
from services.debug.retention import sweep_snapshots
from tests.conftest import make_key
from tests.debug_support import contributor_key, stf_input
from tests.test_executions import FINISH, call, record, start

REGISTER = """mutation R($input: StfRegisterInput!) { stfRegister(input: $input) { stf { id name version }
  userErrors { field message code } } }"""
SNAPSHOT = """mutation S($input: SnapshotRecordInput!) { snapshotRecord(input: $input) { created
  snapshot { id step phase sha256 sizeBytes state } userErrors { field message code } } }"""
ERROR = """mutation E($input: ErrorRecordInput!) { errorRecord(input: $input) { failedAttempts
  errorEvent { id step errorType signature { digest errorType pattern } } userErrors { field message code } } }"""
SUCCESS = """mutation S($input: SuccessRecordInput!) { successRecord(input: $input) { succeededAttempts
  successEvent { id step qualityScore } userErrors { field message code } } }"""
APPLY = """mutation A($input: StfApplyInput!) { stfApply(input: $input) { created
  application { id outcome stf { id } errorEventId } userErrors { field message code } } }"""
SUGGEST = """query F($t: String, $type: String, $e: ID, $first: Int!) {
  fixSuggestions(errorText: $t, errorType: $type, errorEventId: $e, first: $first) { known
    signature { digest errorType pattern }
    suggestions { source attempts successes confidence similarity stf { id name tags status createdAt } } } }"""
REPLAY = """query R($c: UUID!, $first: Int = 100, $after: String) { executionReplay(correlationId: $c) {
  verdict firstStep lastStep prunedAt missing { gap step phase }
  timeline(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor }
    edges { node { kind step at llmCall { model } snapshot { step phase } errorEvent { errorType }
      successEvent { qualityScore } stfApplication { outcome } } } } } }"""


def timeline(replay: dict) -> list[dict]:
    return [edge["node"] for edge in replay["timeline"]["edges"]]
OUTCOME = """query N($id: ID!) { node(id: $id) { ... on StfApplication { outcome decidedAt
  successEvent { qualityScore } } } }"""


async def ok(client, query: str, input: dict, key: str, name: str) -> dict:
    payload = (await client.execute(query, {"input": input}, key=key))[name]
    assert payload["userErrors"] == [], payload
    return payload


async def register_stf(client, key: str, **fields) -> dict:
    return (await ok(client, REGISTER, stf_input(**fields), key, "stfRegister"))["stf"]


async def error(client, key: str, cid: str, step: int, error_type: str, message: str) -> dict:
    return await ok(client, ERROR, {"correlationId": cid, "step": step, "errorType": error_type,
                                    "message": message}, key, "errorRecord")


async def success(client, key: str, cid: str, step: int, quality: float = 0.9) -> dict:
    return await ok(client, SUCCESS, {"correlationId": cid, "step": step, "qualityScore": quality}, key,
                    "successRecord")


async def apply(client, key: str, error_id: str, stf_id: str) -> dict:
    return (await ok(client, APPLY, {"errorEventId": error_id, "stfId": stf_id}, key, "stfApply"))["application"]


async def snapshot(client, key: str, cid: str, step: int, phase: str, state) -> dict:
    return await ok(client, SNAPSHOT, {"correlationId": cid, "step": step, "phase": phase, "state": state}, key,
                    "snapshotRecord")


async def test_errors_from_different_runs_share_a_normalised_signature(client, agent_key):
    runs = [(await start(client, agent_key))["correlationId"] for _ in range(2)]
    cases = [
        (
            "FileNotFoundError",
            [
                "[Errno 2] No such file or directory: '/tmp/run-81/out.json'",
                "[Errno 2] No such file or directory: '/srv/jobs/9/out.json'",
            ],
        ),
        (
            "TypeError",
            [
                "Cannot read properties of undefined (reading 'map') at src/list.js:12:5",
                "Cannot read properties of undefined (reading 'id') at src/table.js:88:19",
            ],
        ),
        (
            "psycopg.errors.UniqueViolation",
            [
                'duplicate key value violates unique constraint "users_email_key" '
                'DETAIL: Key (email)=(a@x.io) already exists.',
                'duplicate key value violates unique constraint "users_email_key" '
                'DETAIL: Key (email)=(b@y.io) already exists.',
            ],
        ),
    ]
    for error_type, messages in cases:
        digests = set()
        for cid, message in zip(runs, messages):
            recorded = (await error(client, agent_key, cid, 1, error_type, message))["errorEvent"]
            assert recorded["signature"]["errorType"] == error_type
            digests.add(recorded["signature"]["digest"])
        assert len(digests) == 1
        looked_up = (await client.execute(SUGGEST, {"t": f"{error_type}: {messages[0]}", "first": 5},
                                          key=agent_key))["fixSuggestions"]
        assert looked_up["signature"]["digest"] in digests and looked_up["known"] is True
    other_type = (await error(client, agent_key, runs[0], 2, "KeyError", "[Errno 2] No such file or directory: 'x'"))
    assert other_type["errorEvent"]["signature"]["digest"] not in digests


async def test_attempt_outcomes_follow_the_next_success_error_or_failed_finish(client, agent_key, admin_key):
    author = (await contributor_key(client, admin_key))[1]
    stf = await register_stf(client, author)
    kind = f"Flaky{uuid.uuid4().hex[:8]}Error"

    run = (await start(client, agent_key))["correlationId"]
    first = (await error(client, agent_key, run, 1, kind, "pool 7 exhausted"))["errorEvent"]
    fixed = await apply(client, agent_key, first["id"], stf["id"])
    assert fixed["outcome"] == "PENDING"
    again = (await client.execute(APPLY, {"input": {"errorEventId": first["id"], "stfId": stf["id"]}},
                                  key=agent_key))["stfApply"]
    assert again["created"] is False and again["application"]["id"] == fixed["id"]
    assert (await success(client, agent_key, run, 1, 0.75))["succeededAttempts"] == 1
    decided = (await client.execute(OUTCOME, {"id": fixed["id"]}, key=agent_key))["node"]
    assert decided["outcome"] == "SUCCEEDED" and decided["successEvent"]["qualityScore"] == 0.75

    # the next error comes first: a failure
    second = (await error(client, agent_key, run, 2, kind, "pool 9 exhausted"))["errorEvent"]
    failing = await apply(client, agent_key, second["id"], stf["id"])
    later = await error(client, agent_key, run, 3, "ValueError", "bad input 3")
    assert later["failedAttempts"] == 1
    assert (await client.execute(OUTCOME, {"id": failing["id"]}, key=agent_key))["node"]["outcome"] == "FAILED"
    another = await register_stf(client, author)
    stale = (await client.execute(APPLY, {"input": {"errorEventId": second["id"], "stfId": another["id"]}},
                                  key=agent_key))["stfApply"]
    assert stale["userErrors"][0]["field"] == "errorEventId" and stale["userErrors"][0]["code"] == "NOT_LATEST"

    # a FAILED finish comes first: a failure
    other = (await start(client, agent_key))["correlationId"]
    third = (await error(client, agent_key, other, 1, kind, "pool 1 exhausted"))["errorEvent"]
    pending = await apply(client, agent_key, third["id"], stf["id"])
    await client.execute(FINISH, {"input": {"correlationId": other, "status": "FAILED"}}, key=agent_key)
    assert (await client.execute(OUTCOME, {"id": pending["id"]}, key=agent_key))["node"]["outcome"] == "FAILED"
    closed = (await client.execute(SUCCESS, {"input": {"correlationId": other, "step": 2, "qualityScore": 1}},
                                   key=agent_key))["successRecord"]
    assert closed["userErrors"][0]["code"] == "ALREADY_FINISHED"

    found = (await client.execute(SUGGEST, {"t": f"{kind}: pool 3 exhausted", "first": 5}, key=agent_key))
    [only] = found["fixSuggestions"]["suggestions"]
    assert (only["source"], only["attempts"], only["successes"]) == ("HISTORY", 3, 1)
    assert only["stf"]["id"] == stf["id"] and 0 < only["confidence"] < 1 / 3
    by_event = (await client.execute(SUGGEST, {"e": first["id"], "first": 5}, key=agent_key))["fixSuggestions"]
    assert by_event == found["fixSuggestions"]
    both = await client.post(SUGGEST, {"e": first["id"], "t": "x", "first": 5}, key=agent_key)
    assert both.json()["errors"][0]["message"].startswith("errorText: give errorText or errorEventId")


async def test_apply_checks_its_inputs(client, agent_key, admin_key):
    stf = await register_stf(client, (await contributor_key(client, admin_key))[1])
    run = (await start(client, agent_key))["correlationId"]
    failure = (await error(client, agent_key, run, 0, "KeyError", "'k'"))["errorEvent"]
    stranger = await make_key(Role.AGENT)
    denied = (await client.execute(APPLY, {"input": {"errorEventId": failure["id"], "stfId": stf["id"]}},
                                   key=stranger))["stfApply"]
    assert denied["userErrors"][0]["code"] == "FORBIDDEN" and denied["application"] is None
    await success(client, agent_key, run, 0)
    resolved = (await client.execute(APPLY, {"input": {"errorEventId": failure["id"], "stfId": stf["id"]}},
                                     key=agent_key))["stfApply"]
    assert resolved["userErrors"][0]["code"] == "ALREADY_RESOLVED"
    bad = (await client.execute(SUCCESS, {"input": {"correlationId": run, "step": 1, "qualityScore": 1.5}},
                                key=agent_key))["successRecord"]
    assert bad["userErrors"][0]["field"] == "qualityScore"
    negative = (await client.execute(ERROR, {"input": {"correlationId": run, "step": -1, "errorType": "E",
                                                       "message": "m"}}, key=agent_key))["errorRecord"]
    assert negative["userErrors"][0]["field"] == "step"


async def _cycles(client, key: str, kind: str, stf_id: str, succeed: list[bool]) -> None:
    """One execution: for each entry an error, the STF applied, then a success or another error."""
    run = (await start(client, key))["correlationId"]
    step = 0
    for good in succeed:
        step += 1
        failure = (await error(client, key, run, step, kind, f"lock {step} timed out"))["errorEvent"]
        await apply(client, key, failure["id"], stf_id)
        if good:
            await success(client, key, run, step)
    await client.execute(
        FINISH, {"input": {"correlationId": run, "status": "FAILED" if not succeed[-1] else "SUCCEEDED"}}, key=key
    )


async def test_wilson_ordering_two_of_two_ranks_below_ninety_five_of_a_hundred(client, agent_key, admin_key):
    author = (await contributor_key(client, admin_key))[1]
    proven = await register_stf(client, author, name="Retry with jitter")
    lucky = await register_stf(client, author, name="Bump the timeout")
    kind = f"LockTimeout{uuid.uuid4().hex[:8]}"
    outcomes = [i % 20 != 7 for i in range(100)]  # 95 successes in 100 attempts
    # five executions at once: the shared (signature, STF) counter must not lose an update
    await asyncio.gather(*(_cycles(client, agent_key, kind, proven["id"], outcomes[i::5]) for i in range(5)))
    await _cycles(client, agent_key, kind, lucky["id"], [True, True])
    ranked = (await client.execute(SUGGEST, {"t": f"{kind}: lock 1 timed out", "first": 10},
                                   key=agent_key))["fixSuggestions"]["suggestions"]
    assert [(s["stf"]["id"], s["attempts"], s["successes"]) for s in ranked] == [
        (proven["id"], 100, 95), (lucky["id"], 2, 2)]
    assert ranked[0]["confidence"] > ranked[1]["confidence"]
    assert ranked[0]["stf"]["tags"] == ["http", "retry"] and ranked[0]["stf"]["status"] == "DRAFT"
    assert abs(ranked[0]["confidence"] - 0.8882) < 1e-3 and abs(ranked[1]["confidence"] - 0.3424) < 1e-3
    assert all(s["source"] == "HISTORY" and s["similarity"] is None for s in ranked)


async def test_unknown_signatures_get_semantic_neighbours_marked_as_such(client, agent_key, admin_key):
    author = (await contributor_key(client, admin_key))[1]
    word = uuid.uuid4().hex[:6]
    target = await register_stf(client, author, name=f"Escape quote{word} characters in CSV export",
                                description="Escapes embedded double quotes when writing CSV rows to disk",
                                tags=["csv", "export"])
    found = (
        await client.execute(
            SUGGEST,
            {"t": f"CsvWriteError: unescaped quote{word} characters in csv export row 41", "first": 3},
            key=agent_key,
        )
    )["fixSuggestions"]
    assert found["known"] is False
    assert found["suggestions"][0]["stf"]["id"] == target["id"]
    assert all(
        s["source"] == "SEMANTIC" and s["attempts"] == 0 and s["similarity"] is not None for s in found["suggestions"]
    )


async def test_stfs_similar_finds_an_stf_from_a_paraphrase_and_follows_updates(client, admin_key):
    author = (await contributor_key(client, admin_key))[1]
    word = uuid.uuid4().hex[:6]
    stf = await register_stf(
        client,
        author,
        name=f"Unicode{word} filename normaliser",
        description=f"Normalises unicode{word} filenames to NFC before adding them to zip archives",
        tags=["unicode", "zip"],
    )
    query = """query S($t: String!) { stfsSimilar(text: $t, first: 3) { similarity stf { id version } } }"""
    paraphrase = f"normalize unicode{word} file names prior to zipping an archive"
    hits = (await client.execute(query, {"t": paraphrase}))["stfsSimilar"]
    assert hits[0]["stf"]["id"] == stf["id"] and hits[0]["similarity"] > 0.3
    update = """mutation U($input: StfUpdateInput!) {
      stfUpdate(input: $input) { stf { id version } userErrors { message } }
    }"""
    newer = (
        await client.execute(
            update,
            {
                "input": {
                    "id": stf["id"],
                    "description": (
                        f"Normalises unicode{word} filenames to NFC before adding them to zip and tar archives"
                    ),
                }
            },
            key=author,
        )
    )["stfUpdate"]["stf"]
    hits = (await client.execute(query, {"t": paraphrase}))["stfsSimilar"]
    assert hits[0]["stf"] == newer and stf["id"] not in [h["stf"]["id"] for h in hits]
    bad = await client.post(query, {"t": "   "})
    assert "text" in bad.json()["errors"][0]["message"]


async def test_golden_state_reviewer_rules_and_stats(client, agent_key, admin_key):
    run = (await start(client, agent_key))["correlationId"]
    snap = (await snapshot(client, agent_key, run, 1, "OUTPUT", {"tests": "green"}))["snapshot"]
    propose = """mutation P($input: GoldenStateProposeInput!) { goldenStatePropose(input: $input) {
      goldenState { id status note proposedBy { name } snapshot { id sha256 } } userErrors { field message code } } }"""
    review = """mutation R($input: GoldenStateReviewInput!) { goldenStateReview(input: $input) {
      goldenState { id status reviewedAt reviewComment reviewedBy { role } } userErrors { field message code } } }"""
    reviewer = await make_key(Role.REVIEWER)
    by_reviewer = (await client.post(propose, {"input": {"snapshot": snap["id"], "note": "n"}}, key=reviewer)).json()
    assert by_reviewer["data"] is None and by_reviewer["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    empty = (await client.execute(propose, {"input": {"snapshot": snap["id"], "note": "  "}},
                                  key=agent_key))["goldenStatePropose"]
    assert empty["userErrors"][0]["field"] == "note"
    golden = (await ok(client, propose, {"snapshot": snap["id"], "note": "all tests pass"}, agent_key,
                       "goldenStatePropose"))["goldenState"]
    assert golden["status"] == "PENDING" and golden["snapshot"]["sha256"] == snap["sha256"]
    twice = (await client.execute(propose, {"input": {"snapshot": snap["id"], "note": "again"}},
                                  key=agent_key))["goldenStatePropose"]
    assert twice["userErrors"][0]["code"] == "DUPLICATE"

    for key in (agent_key, admin_key, (await contributor_key(client, admin_key, "HUMAN"))[1]):
        denied = (await client.post(review, {"input": {"id": golden["id"], "decision": "APPROVE"}}, key=key)).json()
        assert denied["data"] is None and denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    approved = (await ok(client, review, {"id": golden["id"], "decision": "APPROVE", "comment": "verified"},
                         reviewer, "goldenStateReview"))["goldenState"]
    assert approved["status"] == "APPROVED" and approved["reviewedBy"]["role"] == "REVIEWER"
    second = (await client.execute(review, {"input": {"id": golden["id"], "decision": "REJECT"}},
                                   key=await make_key(Role.REVIEWER)))["goldenStateReview"]
    assert second["userErrors"][0]["code"] == "ALREADY_REVIEWED"
    events = [e.payload for e in await OutboxEvent.filter(name="debug.golden_state.reviewed.v1")]
    assert any(p["correlationId"] == run and p["status"] == "APPROVED" for p in events)

    # a contributor proposes too; a reviewer rejects it
    author = (await contributor_key(client, admin_key, "HUMAN"))[1]
    other_run = (await start(client, author))["correlationId"]
    other_snap = (await snapshot(client, author, other_run, 0, "INPUT", [1, 2]))["snapshot"]
    rejected = (await ok(client, propose, {"snapshot": other_snap["id"], "note": "baseline"}, author,
                         "goldenStatePropose"))["goldenState"]
    await ok(client, review, {"id": rejected["id"], "decision": "REJECT"}, reviewer, "goldenStateReview")

    listed = (await client.execute("""query { goldenStates(status: APPROVED, first: 100) { totalCount
        edges { node { id status } } } }""", key=agent_key))["goldenStates"]
    assert golden["id"] in [e["node"]["id"] for e in listed["edges"]]
    assert {e["node"]["status"] for e in listed["edges"]} == {"APPROVED"}
    stats = (await client.execute("""query { goldenStateStats { pending approved rejected medianDecisionSeconds } }""",
                                  key=agent_key))["goldenStateStats"]
    assert stats["approved"] >= 1 and stats["rejected"] >= 1 and stats["medianDecisionSeconds"] >= 0
    _, rows = await connections.get("default").execute_query(
        'SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM "reviewed_at" - "proposed_at")) AS m '
        'FROM "golden_states" WHERE "reviewed_at" IS NOT NULL')
    assert abs(stats["medianDecisionSeconds"] - float(rows[0]["m"])) < 1e-9


async def test_snapshots_are_hashed_by_the_server_and_retries_are_idempotent(client, agent_key):
    run = (await start(client, agent_key))["correlationId"]
    state = {"b": [1, 2.5, "ü"], "a": {"z": None, "y": True}}
    recorded = await snapshot(client, agent_key, run, 3, "INPUT", state)
    canonical = json.dumps(state, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert recorded["snapshot"]["sha256"] == hashlib.sha256(canonical.encode()).hexdigest()
    assert recorded["snapshot"]["sizeBytes"] == len(canonical.encode()) and recorded["snapshot"]["state"] == state
    retry = await snapshot(client, agent_key, run, 3, "INPUT", {"a": {"y": True, "z": None}, "b": [1, 2.5, "ü"]})
    assert retry["created"] is False and retry["snapshot"]["id"] == recorded["snapshot"]["id"]
    clash = (await client.execute(SNAPSHOT, {"input": {"correlationId": run, "step": 3, "phase": "INPUT",
                                                       "state": {"other": 1}}}, key=agent_key))["snapshotRecord"]
    assert clash["userErrors"][0]["code"] == "DUPLICATE"
    stranger = (await client.execute(SNAPSHOT, {"input": {"correlationId": run, "step": 4, "phase": "INPUT",
                                                          "state": {}}}, key=await make_key(Role.AGENT)))
    assert stranger["snapshotRecord"]["userErrors"][0]["code"] == "FORBIDDEN"


async def test_a_state_over_one_mebibyte_is_refused(db_url, agent_key):
    from tests.conftest import start_server, stop_server
    from tests.support import GraphQLClient

    server = await start_server(db_url, max_body_bytes=4 * 1024 * 1024)
    gql = GraphQLClient(server.url)
    try:
        run = (await start(gql, agent_key))["correlationId"]
        fits = await snapshot(gql, agent_key, run, 0, "INPUT", "x" * (1024 * 1024 - 2))
        assert fits["snapshot"]["sizeBytes"] == 1024 * 1024
        big = (await gql.execute(SNAPSHOT, {"input": {"correlationId": run, "step": 0, "phase": "OUTPUT",
                                                      "state": "x" * (1024 * 1024 - 1)}}, key=agent_key))
        assert big["snapshotRecord"]["userErrors"][0] == {"field": "state", "code": "TOO_LARGE",
                                                          "message": "at most 1048576 bytes of JSON, got 1048577"}
    finally:
        await gql.aclose()
        await stop_server(server)


async def _complete_run(client, key: str, steps: int) -> str:
    run = (await start(client, key))["correlationId"]
    for step in range(1, steps + 1):
        await snapshot(client, key, run, step, "INPUT", {"step": step, "files": [f"f{step}.py"]})
        await snapshot(client, key, run, step, "OUTPUT", {"step": step, "ok": True})
    return run


async def test_replay_of_a_complete_and_an_incomplete_execution(client, agent_key, admin_key):
    stf = await register_stf(client, (await contributor_key(client, admin_key))[1])
    run = (await start(client, agent_key))["correlationId"]
    await snapshot(client, agent_key, run, 1, "INPUT", {"task": "fix"})
    await record(client, agent_key, [call(run, "gpt-replay", datetime.now(timezone.utc))])
    failure = (await error(client, agent_key, run, 1, "AssertionError", "expected 3 got 4"))["errorEvent"]
    await apply(client, agent_key, failure["id"], stf["id"])
    await success(client, agent_key, run, 1, 0.8)
    await snapshot(client, agent_key, run, 1, "OUTPUT", {"task": "fixed"})
    await snapshot(client, agent_key, run, 2, "INPUT", {"task": "verify"})
    await snapshot(client, agent_key, run, 2, "OUTPUT", {"task": "verified"})
    complete = (await client.execute(REPLAY, {"c": run}, key=agent_key))["executionReplay"]
    assert complete["verdict"] == "REPRODUCIBLE" and complete["missing"] == []
    assert (complete["firstStep"], complete["lastStep"]) == (1, 2)
    entries = timeline(complete)
    assert [e["kind"] for e in entries] == [
        "SNAPSHOT", "LLM_CALL", "ERROR", "STF_APPLICATION", "SUCCESS", "SNAPSHOT", "SNAPSHOT", "SNAPSHOT"]
    assert entries[3]["stfApplication"]["outcome"] == "SUCCEEDED" and entries[3]["step"] == 1
    assert entries[1]["llmCall"]["model"] == "gpt-replay" and entries[2]["errorEvent"]["errorType"] == "AssertionError"
    assert complete["timeline"]["totalCount"] == 8 and not complete["timeline"]["pageInfo"]["hasNextPage"]
    times = [e["at"] for e in entries]
    assert times == sorted(times)
    walked, after = [], None
    while True:  # pages of 3 give the same timeline
        page = (await client.execute(REPLAY, {"c": run, "first": 3, "after": after}, key=agent_key))["executionReplay"]
        walked += timeline(page)
        if not page["timeline"]["pageInfo"]["hasNextPage"]:
            break
        after = page["timeline"]["pageInfo"]["endCursor"]
    assert walked == entries

    gaps = (await start(client, agent_key))["correlationId"]
    await snapshot(client, agent_key, gaps, 0, "INPUT", {"a": 1})
    await snapshot(client, agent_key, gaps, 0, "OUTPUT", {"a": 2})
    await snapshot(client, agent_key, gaps, 2, "INPUT", {"a": 3})
    await error(client, agent_key, gaps, 3, "RuntimeError", "boom")
    incomplete = (await client.execute(REPLAY, {"c": gaps}, key=agent_key))["executionReplay"]
    assert incomplete["verdict"] == "INCOMPLETE"
    assert incomplete["missing"] == [{"gap": "MISSING_SNAPSHOT", "step": s, "phase": p} for s, p in
                                     [(1, "INPUT"), (1, "OUTPUT"), (2, "OUTPUT"), (3, "INPUT"), (3, "OUTPUT")]]

    tampered = await _complete_run(client, agent_key, 1)
    await connections.get("default").execute_query(
        'UPDATE "snapshots" s SET "state" = \'{"step":1,"ok":false}\' FROM "executions" e '
        'WHERE e."id" = s."execution_id" AND e."correlation_id" = $1 AND s."phase" = \'OUTPUT\'', [tampered])
    verdict = (await client.execute(REPLAY, {"c": tampered}, key=agent_key))["executionReplay"]
    assert verdict["verdict"] == "INCOMPLETE"
    assert verdict["missing"] == [{"gap": "HASH_MISMATCH", "step": 1, "phase": "OUTPUT"}]
    empty = (await start(client, agent_key))["correlationId"]
    nothing = (await client.execute(REPLAY, {"c": empty}, key=agent_key))["executionReplay"]
    assert nothing["missing"] == [{"gap": "NO_STEPS", "step": None, "phase": None}]
    assert (await client.execute(REPLAY, {"c": str(uuid.uuid4())}, key=agent_key))["executionReplay"] is None


async def test_retention_prunes_old_snapshots_except_golden_executions(client, agent_key):
    old, kept, recent = [await _complete_run(client, agent_key, 2) for _ in range(3)]
    snap = timeline((await client.execute(REPLAY.replace("snapshot { step phase }", "snapshot { id step phase }"),
                                          {"c": kept}, key=agent_key))["executionReplay"])[0]["snapshot"]["id"]
    await client.execute("""mutation P($s: ID!) { goldenStatePropose(input: {snapshot: $s, note: "keep"}) {
        userErrors { message } } }""", {"s": snap}, key=agent_key)
    await connections.get("default").execute_query(
        'UPDATE "snapshots" s SET "recorded_at" = now() - interval \'40 days\' FROM "executions" e '
        'WHERE e."id" = s."execution_id" AND e."correlation_id" = ANY($1::uuid[])', [[old, kept]])
    deleted = await sweep_snapshots(retention_days=30, batch=1)
    assert deleted >= 4
    pruned = (await client.execute(REPLAY, {"c": old}, key=agent_key))["executionReplay"]
    assert pruned["verdict"] == "INCOMPLETE" and pruned["prunedAt"] is not None
    assert {m["gap"] for m in pruned["missing"]} == {"PRUNED_SNAPSHOT"}
    for run in (kept, recent):
        assert (await client.execute(REPLAY, {"c": run}, key=agent_key))["executionReplay"]["verdict"] == "REPRODUCIBLE"
    assert await sweep_snapshots(retention_days=30) == 0


async def test_usage_view_shows_applications_after_a_refresh(client, agent_key, admin_key):
    stf = await register_stf(client, (await contributor_key(client, admin_key))[1])
    usage = """query U($id: ID!) { stf(id: $id) { usage { applications successes failures successRate averageQuality
      lastUsedAt refreshedAt } } }"""
    refresh = "mutation { stfUsageRefresh { refreshedAt durationMs rows userErrors { message } } }"
    await client.execute(refresh, key=admin_key)
    before = (await client.execute(usage, {"id": stf["id"]}))["stf"]["usage"]
    assert before["applications"] == 0 and before["successRate"] is None
    run = (await start(client, agent_key))["correlationId"]
    for step, good in ((1, True), (2, True), (3, False)):
        failure = (await error(client, agent_key, run, step, "ImportError", f"no module named m{step}"))["errorEvent"]
        await apply(client, agent_key, failure["id"], stf["id"])
        if good:
            await success(client, agent_key, run, step, 0.5 + step / 10)
    await error(client, agent_key, run, 4, "ImportError", "no module named m4")
    stale = (await client.execute(usage, {"id": stf["id"]}))["stf"]["usage"]
    assert stale == before  # the view changes only when refreshed
    denied = await client.post(refresh, key=agent_key)
    assert denied.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    done = (await client.execute(refresh, key=admin_key))["stfUsageRefresh"]
    assert done["rows"] >= 1 and done["durationMs"] >= 0
    after = (await client.execute(usage, {"id": stf["id"]}))["stf"]["usage"]
    assert (after["applications"], after["successes"], after["failures"]) == (3, 2, 1)
    assert abs(after["successRate"] - 2 / 3) < 1e-12 and abs(after["averageQuality"] - 0.65) < 1e-9
    assert after["refreshedAt"] == done["refreshedAt"] > before["refreshedAt"] and after["lastUsedAt"]


async def test_debug_stats_count_reproducible_runs_reuse_and_confident_signatures(client, agent_key, admin_key):
    query = """query {
      debugStats { executions reproducibleShare stfReuseRate signatures signaturesWithConfidenceShare }
    }"""
    before = (await client.execute(query, key=agent_key))["debugStats"]
    stf = await register_stf(client, (await contributor_key(client, admin_key))[1])
    run = await _complete_run(client, agent_key, 1)
    failure = (await error(client, agent_key, run, 1, f"Rare{uuid.uuid4().hex[:8]}Error", "x"))["errorEvent"]
    await apply(client, agent_key, failure["id"], stf["id"])
    await success(client, agent_key, run, 1)
    await start(client, agent_key)  # no steps: not reproducible, no STF
    after = (await client.execute(query, key=agent_key))["debugStats"]

    def count(stats: dict, share: str, whole: str) -> int:
        return round(stats[share] * stats[whole])

    assert after["executions"] == before["executions"] + 2 and after["signatures"] == before["signatures"] + 1
    assert count(after, "reproducibleShare", "executions") == count(before, "reproducibleShare", "executions") + 1
    assert count(after, "stfReuseRate", "executions") == count(before, "stfReuseRate", "executions") + 1
    assert count(after, "signaturesWithConfidenceShare", "signatures") == \
        count(before, "signaturesWithConfidenceShare", "signatures") + 1


async def test_the_schedule_refreshes_the_view_one_replica_at_a_time(db_url, client, admin_key):
    from services.stf import usage as stf_usage
    from tests.conftest import start_server, stop_server
    from tests.support import GraphQLClient

    stf = await register_stf(client, (await contributor_key(client, admin_key))[1])
    usage = """query U($id: ID!) { stf(id: $id) { usage { refreshedAt } } }"""
    before = (await client.execute(usage, {"id": stf["id"]}))["stf"]["usage"]["refreshedAt"]
    # another replica holds the refresh lock: a scheduled refresh skips, an admin's waits for it
    holder = await asyncpg.connect(db_url)
    try:
        async with holder.transaction():
            await holder.execute("SELECT pg_advisory_xact_lock($1)", stf_usage.REFRESH_LOCK)
            skipped = await stf_usage.refresh(wait=False)
            assert skipped.refreshed is False
            waiting = asyncio.ensure_future(stf_usage.refresh(wait=True))
            await asyncio.sleep(0.3)
            assert not waiting.done()
    finally:
        await holder.close()
    assert (await waiting).refreshed is True
    server = await start_server(db_url, stf_usage_refresh_seconds=0.2)
    gql = GraphQLClient(server.url)
    try:
        for _ in range(100):
            now = (await gql.execute(usage, {"id": stf["id"]}))["stf"]["usage"]["refreshedAt"]
            if now > (await waiting).refreshed_at.isoformat():
                break
            await asyncio.sleep(0.1)
        assert now > before and now > (await waiting).refreshed_at.isoformat()
    finally:
        await gql.aclose()
        await stop_server(server)


async def test_an_stf_whose_vector_was_lost_is_embedded_again(client, admin_key):
    from services.search import index
    from services.stf import similar as stf_index

    word = uuid.uuid4().hex[:6]
    stf = await register_stf(client, (await contributor_key(client, admin_key))[1],
                             name=f"Deduplicate webhook{word} deliveries",
                             description=f"Drops repeated webhook{word} deliveries by idempotency key")
    query = """query S($t: String!) { stfsSimilar(text: $t, first: 3) { stf { id } } }"""
    text = f"ignore duplicate webhook{word} deliveries"
    assert (await client.execute(query, {"t": text}))["stfsSimilar"][0]["stf"]["id"] == stf["id"]
    pk = int(__import__("base64").urlsafe_b64decode(stf["id"]).decode().split(":")[1])
    # as if Qdrant had failed after the commit: no point, no record of one
    await index.delete(stf_index.KIND, [pk])
    await connections.get("default").execute_query('DELETE FROM "stf_embeddings" WHERE "stf_id" = $1', [pk])
    assert stf["id"] not in [h["stf"]["id"] for h in (await client.execute(query, {"t": text}))["stfsSimilar"]]
    while await stf_index.embed_pending(batch=500):
        pass
    assert (await client.execute(query, {"t": text}))["stfsSimilar"][0]["stf"]["id"] == stf["id"]


async def test_the_signatures_an_stf_fixed_are_embedded_with_it(client, agent_key, admin_key):
    from services.stf import similar as stf_index

    word = uuid.uuid4().hex[:6]
    stf = await register_stf(client, (await contributor_key(client, admin_key))[1], name="Pin the allocator",
                             description="Switches the arena to a fixed-size pool", tags=["memory"])
    run = (await start(client, agent_key))["correlationId"]
    failure = (await error(client, agent_key, run, 1, "ArenaError", f"quux{word} spill beyond watermark 8"))[
        "errorEvent"
    ]
    await apply(client, agent_key, failure["id"], stf["id"])
    await success(client, agent_key, run, 1)
    while await stf_index.embed_pending(batch=500):  # the schedule's job: its text now names the signature
        pass
    near = (await client.execute(SUGGEST, {"t": f"ArenaWarning: quux{word} spill beyond watermark", "first": 3},
                                 key=agent_key))["fixSuggestions"]
    assert near["known"] is False
    assert near["suggestions"][0]["stf"]["id"] == stf["id"] and near["suggestions"][0]["source"] == "SEMANTIC"
