"""fixSuggestions latency at 100,000 STFs and 1,000,000 STF attempts, executionReplay of a 500-step
execution, and the refresh time of the STF usage view at that size.

    python -m bench.debug_reads [--stfs 100000] [--attempts 1000000] [--signatures 20000] [--seconds 10]

Rows are seeded with COPY (the STFs as in bench.stf_reads), not through GraphQL; the counters and
their Wilson confidence are computed from the seeded attempts with the server's own function. The
requests go through wrk (a Lua script picks a random error text per request) at 1 connection (the
latency of one request) and at 8 (throughput). Needs wrk. Makes and drops its own database on
BENCH_DATABASE_URL (default the local server)."""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import random
import tempfile
import time
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone

import asyncpg

from bench.common import AppServer, drop_database, fresh_database, machine
from bench.stf_reads import run_wrk
from bench.stf_reads import seed as seed_stfs
from services.debug.confidence import wilson_lower_bound
from services.debug.signatures import signature

T0 = datetime(2025, 3, 1, tzinfo=timezone.utc)
ERROR_TYPES = ["KeyError", "TypeError", "ValueError", "TimeoutError", "psycopg.errors.UniqueViolation",
               "FileNotFoundError", "AssertionError", "ConnectionResetError"]
WORDS = "cache pool socket user order invoice token schema column index queue worker lock retry shard".split()
EXECUTIONS = 20_000
CANDIDATES = 8  # STFs tried on one signature


def messages(count: int, rng: random.Random) -> list[tuple[str, str]]:
    """Distinct (type, message) templates; each normalises to its own signature."""
    found: dict[str, tuple[str, str]] = {}
    while len(found) < count:
        kind = rng.choice(ERROR_TYPES)
        words = " ".join(rng.sample(WORDS, 3))
        text = f"{words} failed for '{rng.choice(WORDS)}_{rng.randrange(999)}' after {rng.randrange(99)} tries"
        sig = signature(kind, text)
        found.setdefault(sig.digest, (kind, text))
    return list(found.values())


async def seed(db_url: str, stfs: int, attempts: int, signatures: int) -> dict:
    rng = random.Random(5)
    started = time.perf_counter()
    await seed_stfs(db_url, stfs)
    conn = await asyncpg.connect(db_url)
    try:
        templates = messages(signatures, rng)
        sigs = [signature(kind, text) for kind, text in templates]
        await conn.copy_records_to_table(
            "error_signatures",
            columns=["id", "digest", "error_type", "pattern", "first_seen_at"],
            records=[(i + 1, s.digest, s.error_type, s.pattern, T0) for i, s in enumerate(sigs)],
        )
        await conn.copy_records_to_table(
            "executions",
            columns=[
                "id",
                "correlation_id",
                "agent_name",
                "task_prompt",
                "parameters",
                "fingerprint",
                "status",
                "started_at",
                "finished_at",
            ],
            records=[
                (
                    i,
                    uuid.UUID(int=i),
                    "bench-agent",
                    f"task {i}",
                    "{}",
                    hashlib.sha256(str(i).encode()).hexdigest(),
                    "SUCCEEDED",
                    T0 + timedelta(minutes=i),
                    T0 + timedelta(minutes=i, seconds=50),
                )
                for i in range(1, EXECUTIONS + 1)
            ],
        )
        candidates = {s: rng.sample(range(1, stfs + 1), CANDIDATES) for s in range(1, len(sigs) + 1)}
        weights = [1 / (rank + 1) for rank in range(len(sigs))]  # a few signatures are common, most are rare
        chosen = rng.choices(range(1, len(sigs) + 1), weights=weights, k=attempts)
        pairs: Counter[tuple[int, int]] = Counter()
        wins: Counter[tuple[int, int]] = Counter()
        errors, successes, applications = [], [], []
        success_id = 0
        for n, sig_id in enumerate(chosen, start=1):
            stf_id = candidates[sig_id][min(int(rng.expovariate(0.6)), CANDIDATES - 1)]
            execution = rng.randrange(1, EXECUTIONS + 1)
            at = T0 + timedelta(seconds=n)
            kind, text = templates[sig_id - 1]
            errors.append((n, execution, n % 500, kind, text, sig_id, at))
            good = rng.random() < 0.3 + 0.6 * ((stf_id * 7919 + sig_id) % 100) / 100
            pairs[(sig_id, stf_id)] += 1
            if good:
                wins[(sig_id, stf_id)] += 1
                success_id += 1
                successes.append((success_id, execution, n % 500, round(rng.random(), 3), at))
            applications.append((n, execution, n, sig_id, stf_id, "SUCCEEDED" if good else "FAILED",
                                 success_id if good else None, at, at))
        await conn.copy_records_to_table("error_events", records=errors, columns=[
            "id", "execution_id", "step", "error_type", "message", "signature_id", "recorded_at"])
        await conn.copy_records_to_table("success_events", records=successes, columns=[
            "id", "execution_id", "step", "quality_score", "recorded_at"])
        await conn.copy_records_to_table("stf_applications", records=applications, columns=[
            "id", "execution_id", "error_event_id", "signature_id", "stf_id", "outcome", "success_event_id",
            "applied_at", "decided_at"])
        await conn.copy_records_to_table("fix_stats", columns=[
            "signature_id", "stf_id", "attempts", "successes", "confidence", "updated_at"], records=[
            (s, f, n, wins[(s, f)], wilson_lower_bound(wins[(s, f)], n), T0) for (s, f), n in pairs.items()])
        for table in ("error_signatures", "executions", "error_events", "success_events", "stf_applications"):
            await conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM \"{table}\"))"
            )
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    return {"seconds": round(time.perf_counter() - started, 1), "stfs": stfs, "attempts": attempts,
            "signatures": len(templates), "fix_stat_pairs": len(pairs), "executions": EXECUTIONS,
            "templates": templates, "pairs_per_signature": Counter(s for s, _ in pairs)}


async def seed_replay(db_url: str, steps: int) -> uuid.UUID:
    """One execution of `steps` steps: both snapshots (about 2 KB each), an LLM call, and every tenth
    step an error, an STF attempt and a success."""
    correlation = uuid.uuid4()
    conn = await asyncpg.connect(db_url)
    try:
        eid = await conn.fetchval(
            """INSERT INTO "executions" ("correlation_id", "agent_name", "task_prompt", "parameters", "fingerprint",
               "status", "started_at") VALUES ($1, 'bench-agent', 'long run', '{}', $2, 'RUNNING', $3)
               RETURNING "id\"""",
            correlation,
            "0" * 64,
            T0,
        )
        snapshots, calls = [], []
        for step in range(1, steps + 1):
            for phase in ("INPUT", "OUTPUT"):
                text = json.dumps(
                    {"step": step, "phase": phase, "files": {f"src/m{i}.py": "x" * 60 for i in range(25)}},
                    sort_keys=True,
                    separators=(",", ":"),
                )
                snapshots.append((eid, step, phase, text, hashlib.sha256(text.encode()).hexdigest(), len(text),
                                  T0 + timedelta(seconds=step * 10 + (phase == "OUTPUT") * 5)))
            calls.append((eid, "anthropic", "claude-sonnet-4-5", 1200, 300, 0, 0, 0, 900,
                          T0 + timedelta(seconds=step * 10 + 2), False, "no price in this benchmark",
                          T0 + timedelta(seconds=step * 10 + 3)))
        await conn.copy_records_to_table("snapshots", records=snapshots, columns=[
            "execution_id", "step", "phase", "state", "sha256", "size_bytes", "recorded_at"])
        await conn.copy_records_to_table("llm_calls", records=calls, columns=[
            "execution_id", "provider", "model", "input_tokens", "output_tokens", "cache_read_tokens",
            "cache_write_tokens", "reasoning_tokens", "latency_ms", "started_at", "priced", "unpriced_reason",
            "recorded_at"])
        for step in range(10, steps + 1, 10):
            at = T0 + timedelta(seconds=step * 10 + 3)
            error = await conn.fetchval(
                """INSERT INTO "error_events" ("execution_id", "step", "error_type", "message", "signature_id",
                     "recorded_at")
                   VALUES ($1, $2, 'KeyError', 'x', 1, $3) RETURNING "id\"""",
                eid,
                step,
                at,
            )
            success = await conn.fetchval(
                """INSERT INTO "success_events" ("execution_id", "step", "quality_score", "recorded_at")
                   VALUES ($1, $2, 0.9, $3) RETURNING "id\"""", eid, step, at + timedelta(seconds=1))
            await conn.execute(
                """INSERT INTO "stf_applications" ("execution_id", "error_event_id", "signature_id", "stf_id",
                     "outcome",
                   "success_event_id", "applied_at", "decided_at") VALUES ($1, $2, 1, 1, 'SUCCEEDED', $3, $4, $4)""",
                eid,
                error,
                success,
                at,
            )
    finally:
        await conn.close()
    return correlation


async def refresh_times(db_url: str) -> dict:
    conn = await asyncpg.connect(db_url)
    try:
        figures = {}
        for label, sql in (("concurrently_ms", 'REFRESH MATERIALIZED VIEW CONCURRENTLY "stf_usage"'),
                           ("plain_ms", 'REFRESH MATERIALIZED VIEW "stf_usage"'),
                           ("concurrently_again_ms", 'REFRESH MATERIALIZED VIEW CONCURRENTLY "stf_usage"')):
            started = time.perf_counter()
            await conn.execute(sql)
            figures[label] = round((time.perf_counter() - started) * 1000, 1)
        figures["rows"] = await conn.fetchval('SELECT count(*) FROM "stf_usage"')
        return figures
    finally:
        await conn.close()


SUGGEST = """query F($t: String!) { fixSuggestions(errorText: $t, first: 10) { known
  suggestions { source attempts successes confidence stf { id name } } } }"""
TIMELINE = """timeline(first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor }
    edges { node { kind step at snapshot { step phase sha256 } llmCall { model } errorEvent { errorType }
      successEvent { qualityScore } stfApplication { outcome } } } }"""
REPLAY_PAGE = """query R($c: UUID!, $after: String) { executionReplay(correlationId: $c) { %s } }""" % TIMELINE
REPLAY = """query R($c: UUID!, $after: String) { executionReplay(correlationId: $c) { verdict missing { gap step phase }
  %s } }""" % TIMELINE

async def main(stfs: int, attempts: int, signatures: int, seconds: int) -> dict:
    at_start = machine()
    db_url = await fresh_database("omniclaude_bench_debug2")
    data_dir = tempfile.mkdtemp(prefix="omniclaude-bench-data-")
    try:
        seeded = await seed(db_url, stfs, attempts, signatures)
        correlation = await seed_replay(db_url, 500)
        refresh = await refresh_times(db_url)
        admin_key = await _admin_key(db_url)
        server = await AppServer(db_url, OMNICLAUDE_DATA_DIR=data_dir, STF_EMBED_RETRY_SECONDS="86400",
                              STF_USAGE_REFRESH_SECONDS="86400", SNAPSHOT_SWEEP_SECONDS="86400").ready()
        try:
            rng = random.Random(3)
            templates = seeded.pop("templates")
            per_signature = seeded.pop("pairs_per_signature")
            # the texts of recorded errors, with other values in the masked places
            bodies = []
            for _ in range(2000):
                kind, text = rng.choice(templates)
                varied = text.rsplit("after", 1)[0] + f"after {rng.randrange(99)} tries"
                bodies.append(json.dumps({"query": SUGGEST, "variables": {"t": f"{kind}: {varied}"}}))
            replay_body = [json.dumps({"query": REPLAY, "variables": {"c": str(correlation)}})]
            auth = {"Authorization": f"Bearer {admin_key}"}
            results = {}
            for name, body, connections in (
                ("fixSuggestions, 1 connection", bodies, 1),
                ("fixSuggestions, 8 connections", bodies, 8),
                ("executionReplay (500 steps): verdict and first page of 100, 1 connection", replay_body, 1),
            ):
                run_wrk(server.url + "/graphql", body, connections, 2, headers=auth)  # warm-up
                before = server.cpu()
                results[name] = run_wrk(server.url + "/graphql", body, connections, seconds, headers=auth)
                results[name]["server_cpu_seconds"] = round(server.cpu() - before, 2)
            results["executionReplay (500 steps), whole timeline in pages of 100"] = await _walk(
                server.url, correlation, auth)
        finally:
            server.stop()
        explain = await _explain(db_url, max(per_signature, key=per_signature.get))
    finally:
        await drop_database(db_url)
    return {"benchmark": "debug loop II", "machine": at_start, "load_average_at_end": os.getloadavg(),
            "setup": seeded | {"server_workers": 1, "load_generator": "wrk -t1/-t2 with a Lua script (random error "
                                                                      "text per request)"},
            "results": results, "usage_view_refresh": refresh, "fix_suggestions_sql": explain,
            "target": "fixSuggestions p99 <= 20 ms"}


async def _admin_key(db_url: str) -> str:
    from api.database import close_orm, init_orm
    from models.auth import Role
    from services.auth import create_principal_with_key

    await init_orm(db_url, 2)
    try:
        return (await create_principal_with_key("bench-admin", Role.ADMIN))[1]
    finally:
        await close_orm()


async def _walk(url: str, correlation: uuid.UUID, headers: dict, repeats: int = 20) -> dict:
    """The verdict with the first page, then every other page, one request after another, as a client
    replaying it would."""
    import httpx

    walks, pages, entries, size = [], 0, 0, 0
    async with httpx.AsyncClient(timeout=60) as client:
        for _ in range(repeats):
            started, after, pages, entries, size = time.perf_counter(), None, 0, 0, 0
            while True:
                response = await client.post(
                    url + "/graphql",
                    json={
                        "query": REPLAY_PAGE if after else REPLAY,
                        "variables": {"c": str(correlation), "after": after},
                    },
                    headers=headers,
                )
                body = response.json()
                assert "errors" not in body, response.text[:500]
                replay = body["data"]["executionReplay"]
                assert after or replay["verdict"] == "REPRODUCIBLE", replay["missing"][:5]
                pages, entries, size = (
                    pages + 1,
                    entries + len(replay["timeline"]["edges"]),
                    size + len(response.content),
                )
                if not replay["timeline"]["pageInfo"]["hasNextPage"]:
                    break
                after = replay["timeline"]["pageInfo"]["endCursor"]
            walks.append((time.perf_counter() - started) * 1000)
    walks.sort()
    return {"pages": pages, "entries": entries, "response_bytes": size, "walks": repeats,
            "p50_ms": round(walks[len(walks) // 2], 1), "max_ms": round(walks[-1], 1)}


async def _explain(db_url: str, busiest: int) -> dict:
    conn = await asyncpg.connect(db_url)
    try:
        plan = await conn.fetch("EXPLAIN (ANALYZE, FORMAT JSON) " + """SELECT f."stf_id", f."attempts", f."successes",
            f."confidence" FROM "fix_stats" f WHERE f."signature_id" = $1 ORDER BY f."confidence" DESC, f."stf_id"
            LIMIT 10""", busiest)
        top = json.loads(plan[0][0])[0]
        return {"busiest_signature_ms": top["Execution Time"], "plan": top["Plan"]["Plans"][0]["Node Type"]
                if top["Plan"].get("Plans") else top["Plan"]["Node Type"]}
    finally:
        await conn.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--stfs", type=int, default=100_000)
    parser.add_argument("--attempts", type=int, default=1_000_000)
    parser.add_argument("--signatures", type=int, default=20_000)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.stfs, args.attempts, args.signatures, args.seconds)), indent=2,
                     default=str))
