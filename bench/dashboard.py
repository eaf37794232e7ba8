"""First paint of each dashboard page in headless Chromium, on an empty database (the floor: the page,
its scripts and its queries with nothing to count) and on one holding 100,000 LLM calls, 10,000
clarification tickets and 1,000,000 ledger transfers, in the same run.

    python bench/dashboard.py [--calls 100000] [--tickets 10000] [--transfers 1000000] [--runs 5]

"First paint" is the time from the start of a full page load to the moment every card of the page shows
its data (the page sets `body[data-ready]` then and `data-ready-ms` to `performance.now()`). Each page is
loaded `--runs` times in one tab (browser cache warm after the first) and once in a new tab (cold cache).
The data is written with SQL (generate_series) in the shapes the services write; see `seed()`.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)  # run as a file: bench/http.py must not shadow http

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from datetime import datetime, timedelta, timezone  # noqa: E402

import asyncpg  # noqa: E402
import httpx  # noqa: E402

from bench.common import BENCH_SERVER, AppServer, drop_database, emit, machine, with_database  # noqa: E402
from tests.browser import Guard, chromium, missing, new_page  # noqa: E402

PAGES = ["costs", "clarifications", "economy", "debug", "context"]
TARGET_MS = 1000

SEED_SQL = [
    # contributors (agents and humans) with their ledger accounts; 50 of them offer context
    """INSERT INTO contributors (handle, kind, expertise, reputation, created_at, reputation_at)
       SELECT 'c' || g, CASE WHEN g % 10 = 0 THEN 'HUMAN' ELSE 'AGENT' END, '["python", "postgres"]'::jsonb,
              0.5 + (g % 50) / 100.0, now() - interval '60 days', now() - interval '60 days'
       FROM generate_series(1, {contributors}) g""",
    """INSERT INTO ledger_accounts (name, kind, balance, reserved, earned, spent, earned_today, frozen, frozen_reason,
                                    created_at, contributor_id)
       SELECT handle, 'USER', 0, 0, 0, 0, 0, false, '', created_at, id FROM contributors""",
    # executions, 10 LLM calls each over the last 30 days, 40 models, 1 in 20 unpriced
    """INSERT INTO executions (correlation_id, agent_name, task_prompt, parameters, fingerprint, status, started_at)
       SELECT md5('e' || g)::uuid, 'agent-' || (g % 50), 'Fix the failing test ' || g, '{{}}'::jsonb,
              md5('f' || (g % 5000)) || md5('g' || (g % 5000)), 'SUCCEEDED',
              now() - (g % 720) * interval '1 hour'
       FROM generate_series(1, {executions}) g""",
    """INSERT INTO llm_calls (provider, model, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens,
                              reasoning_tokens, latency_ms, started_at, priced, unpriced_reason, cost, recorded_at,
                              execution_id, price_id, payment_status)
       SELECT p.provider, CASE WHEN g % 20 = 0 THEN 'in-house-' || (g % 3) ELSE p.model END,
              1000 + g % 5000, 200 + g % 800, 0, 0, 0, 100 + g % 900,
              e.started_at + (g % 10) * interval '1 minute', g % 20 <> 0,
              CASE WHEN g % 20 = 0 THEN 'model in-house is not in the price catalog' END,
              CASE WHEN g % 20 <> 0 THEN round(((1000 + g % 5000) * coalesce(p.input_per_mtok, 0)
                   + (200 + g % 800) * coalesce(p.output_per_mtok, 0)) / 1000000, 10) END,
              now(), e.id, CASE WHEN g % 20 <> 0 THEN p.id END, 'NOT_CHARGED'
       FROM generate_series(1, {calls}) g
       JOIN executions e ON e.id = (g - 1) / 10 + 1
       JOIN (SELECT row_number() OVER (ORDER BY id) - 1 AS n, * FROM (
               SELECT * FROM model_prices WHERE superseded_at IS NULL AND input_per_mtok IS NOT NULL
               ORDER BY id LIMIT 40) x) p ON p.n = g % 40""",
    # 1,000,000 transfers over 30 days: rewards from system:mint to contributors, compute spent back
    """INSERT INTO ledger_transfers (idempotency_key, kind, amount, memo, created_at, credit_account_id,
                                     debit_account_id, policy_version)
       SELECT 'bench-' || g,
              CASE WHEN g % 5 < 3 THEN (ARRAY['STF_REWARD', 'VERIFICATION_REWARD', 'CONTEXT_REWARD'])[g % 3 + 1]
                   ELSE 'COMPUTE' END,
              CASE WHEN g % 5 < 3 THEN 20 + g % 80 ELSE 1 + g % 10 END, '',
              now() - ({transfers} - g) * (interval '30 days' / {transfers}),
              CASE WHEN g % 5 < 3 THEN u.id ELSE s.compute END,
              CASE WHEN g % 5 < 3 THEN s.mint ELSE u.id END, 1
       FROM generate_series(1, {transfers}) g
       JOIN (SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM ledger_accounts WHERE kind = 'USER') u
         ON u.n = (g / 5) % {contributors}
       CROSS JOIN (SELECT max(id) FILTER (WHERE name = 'system:mint') AS mint,
                          max(id) FILTER (WHERE name = 'system:compute') AS compute FROM ledger_accounts) s""",
    """INSERT INTO ledger_entries (amount, balance_after, kind, created_at, account_id, counterparty_id, transfer_id)
       SELECT amount, sum(amount) OVER (PARTITION BY account_id ORDER BY transfer_id), kind, created_at, account_id,
              counterparty_id, transfer_id
       FROM (SELECT t.amount, t.kind, t.created_at, t.credit_account_id AS account_id,
                    t.debit_account_id AS counterparty_id, t.id AS transfer_id FROM ledger_transfers t
             UNION ALL
             SELECT -t.amount, t.kind, t.created_at, t.debit_account_id, t.credit_account_id, t.id
             FROM ledger_transfers t) e""",
    """UPDATE ledger_accounts a SET balance = m.balance, earned = m.earned, spent = m.spent, last_activity_at = now()
       FROM (SELECT account_id, sum(amount) AS balance,
                    coalesce(sum(amount) FILTER (WHERE kind LIKE '%REWARD' AND amount > 0), 0) AS earned,
                    coalesce(-sum(amount) FILTER (WHERE kind = 'COMPUTE' AND amount < 0), 0) AS spent
             FROM ledger_entries GROUP BY account_id) m
       WHERE a.id = m.account_id""",
    # clarification tickets cloned from one the detector made: 2% open, the rest decided or timed out
    """INSERT INTO clarification_tickets (correlation_id, prompt, known_parameters, domain_tags, questions, answers,
                                          status, panel_size, deadline_at, created_at, decided_at, requester_id)
       SELECT 'task-' || g, $1, '{{}}'::jsonb, '["postgres"]'::jsonb, $2::jsonb, '{{}}'::jsonb,
              CASE WHEN g % 50 = 0 THEN 'OPEN' WHEN g % 5 = 1 THEN 'REJECTED' WHEN g % 5 = 2 THEN 'TIMED_OUT'
                   ELSE 'APPROVED' END, 3,
              CASE WHEN g % 50 = 0 THEN now() + interval '5 minutes' ELSE now() - (g % 720) * interval '1 hour' END,
              now() - (g % 720) * interval '1 hour' - interval '5 minutes',
              CASE WHEN g % 50 <> 0 THEN now() - (g % 720) * interval '1 hour' - interval '2 minutes' END, $3
       FROM generate_series(1, {tickets}) g""",
    """INSERT INTO clarification_panel_members (weight, position, contributor_id, ticket_id)
       SELECT 1, p, (t.id * 7 + p) % {contributors} + 1, t.id
       FROM clarification_tickets t CROSS JOIN generate_series(0, 2) p""",
    """INSERT INTO clarification_votes (choice, confidence, weight, created_at, contributor_id, ticket_id)
       SELECT CASE WHEN t.status = 'REJECTED' THEN 'DISAGREE' ELSE 'AGREE' END, 1, 1, t.created_at,
              m.contributor_id, t.id
       FROM clarification_tickets t JOIN clarification_panel_members m ON m.ticket_id = t.id AND m.position < 2
       WHERE t.status IN ('APPROVED', 'REJECTED') OR (t.status = 'OPEN' AND m.position = 0)""",
    # the debug loop: 500 signatures, 20 error events per 100 executions, 50 STFs with confidences
    """INSERT INTO error_signatures (digest, error_type, pattern, first_seen_at)
       SELECT encode(sha256(('sig' || g)::bytea), 'hex'), 'TimeoutError' || (g % 7),
              'request <n> timed out in module ' || g,
              now() - interval '30 days' FROM generate_series(1, 500) g""",
    """INSERT INTO error_events (step, error_type, message, recorded_at, execution_id, signature_id)
       SELECT g % 5, 'TimeoutError', 'request ' || g || ' timed out', now() - (g % 720) * interval '1 hour',
              (g * 5) % {executions} + 1, (SELECT min(id) FROM error_signatures) + (g * g) % 500
       FROM generate_series(1, {executions} * 2) g""",
    """INSERT INTO stfs (lineage_id, version, is_latest, name, description, language, tags, repository, commit_sha,
                         file_path, line_start, line_end, code_sha256, status, quality_score, usage_count, created_at,
                         updated_at, contributor_id)
       SELECT -g, 1, true, 'Fix ' || g, 'A fix', 'python', '["retry"]'::jsonb, 'github.com/acme/tools',
              substr(md5('c' || g) || md5('d' || g), 1, 40), 'src/fix.py', 1, 10,
              encode(sha256(('s' || g)::bytea), 'hex'),
              'ACTIVE', 0.8, 0, now(), now(), (SELECT min(id) FROM contributors) + g
       FROM generate_series(1, 50) g""",
    "UPDATE stfs SET lineage_id = id WHERE lineage_id < 0",
    """INSERT INTO fix_stats (attempts, successes, confidence, updated_at, signature_id, stf_id)
       SELECT 10 + g % 40, (10 + g % 40) / 2, 0.2 + (g % 60) / 100.0, now(), s.id, f.id
       FROM generate_series(0, 999) g
       JOIN (SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM error_signatures) s ON s.n = g % 500
       JOIN (SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM stfs) f ON f.n = (g + g / 500) % 50""",
    # the context market: 2,000 chunks of 50 peers, 5,000 retrievals serving 3 chunks each. The chunks are marked
    # indexed without vectors: no page searches them, and start-up would otherwise embed them all first
    """INSERT INTO context_chunks (sha256, text, bytes, source, tags, indexed, created_at, peer_id)
       SELECT encode(sha256(('k' || g)::bytea), 'hex'), repeat('context ', 200), 1600, 'docs/' || g || '.md',
              '["docs"]'::jsonb, true, now() - interval '20 days', (SELECT min(id) FROM contributors) + g % 50
       FROM generate_series(1, 2000) g""",
    """INSERT INTO context_retrievals (query, budget_bytes, min_score, tags, candidates, candidate_bytes, served_bytes,
                                       tokens_charged, tokens_paid, policy_version, duration_ms, created_at,
                                       requester_id)
       SELECT 'how do I retry', 8192, 0.2, '[]'::jsonb, 10, 16000, 4800, 0, 0, 1, 5 + g % 40,
              now() - (g % 720) * interval '1 hour', (SELECT min(id) FROM contributors) + 100 + g % 500
       FROM generate_series(1, 5000) g""",
    """INSERT INTO context_served (rank, score, bytes, kb, tokens, chunk_id, peer_id, retrieval_id)
       SELECT r.rank, 0.9 - r.rank / 10.0, 1600, 2, 4, c.id, c.peer_id, t.id
       FROM context_retrievals t CROSS JOIN generate_series(1, 3) r(rank)
       JOIN context_chunks c ON c.id = (SELECT min(id) FROM context_chunks) + (t.id * 3 + r.rank) % 2000""",
]


def new_database(prefix: str) -> str:
    """Created and migrated by `omniclaude migrate` (aerich keeps state per process: one migration run each)."""
    url = with_database(BENCH_SERVER, f"{prefix}_{uuid.uuid4().hex[:8]}")
    subprocess.run([str(Path(sys.executable).parent / "omniclaude"), "migrate"], check=True, capture_output=True,
                   env=os.environ | {"DATABASE_URL": url})
    return url


async def seed(db_url: str, *, calls: int, tickets: int, transfers: int) -> dict:
    from api.database import close_orm, init_orm
    from services.clarification.ambiguity import detect
    from services.clarification.tickets import detector_defaults
    from services.pricing.litellm import seed_default_catalog

    await init_orm(db_url, 2)
    try:
        await seed_default_catalog()
    finally:
        await close_orm()
    prompt = "Connect to Postgres and copy the orders table."
    questions = [q.to_json() for q in detect(prompt, {}, detector_defaults()).questions]
    sizes = {"contributors": 2000, "executions": calls // 10, "calls": calls, "transfers": transfers,
             "tickets": tickets}
    conn = await asyncpg.connect(db_url)
    timings = {}
    try:
        requester = await conn.fetchval("INSERT INTO principals (name, role, created_at) "
                                        "VALUES ('bench-agent', 'AGENT', now()) RETURNING id")
        for sql in SEED_SQL:
            began = time.perf_counter()
            text = sql.format(**sizes)
            if "$1" in text:
                await conn.execute(text, prompt, json.dumps(questions, default=str), requester)
            else:
                await conn.execute(text)
            table = text.split()[2] if text.startswith("INSERT") else text.split()[1]
            timings[table] = round(time.perf_counter() - began, 1)
        await conn.execute("VACUUM ANALYZE")
        assert await conn.fetchval("SELECT sum(balance) FROM ledger_accounts") == 0
    finally:
        await conn.close()
    return {"rows": await row_counts(db_url), "seed_seconds": timings}


async def row_counts(db_url: str) -> dict[str, int]:
    conn = await asyncpg.connect(db_url)
    try:
        return {t: await conn.fetchval(f"SELECT count(*) FROM {t}") for t in
                ("llm_calls", "clarification_tickets", "ledger_transfers", "ledger_entries", "error_events",
                 "context_retrievals")}
    finally:
        await conn.close()


async def measure(url: str, key: str, runs: int) -> dict:
    out = {}
    guard = Guard()
    async with chromium() as browser:
        page = await new_page(browser, guard)
        await page.goto(f"{url}/dashboard")
        await page.fill("#key-input", key)
        await page.click("#key button[type=submit]")
        await page.wait_for_selector("body[data-ready]", state="attached", timeout=60000)
        queries: dict[str, list[float]] = {}

        def timed(request) -> None:
            if request.method == "POST" and request.url.endswith("/graphql"):
                body = json.loads(request.post_data or "{}").get("query", "")
                label = " ".join(body.replace("{", " ").replace("(", " ").split()[:3])
                timing = request.timing  # ms from the request's start: the server's time plus one localhost hop
                queries.setdefault(label, []).append(timing["responseEnd"] - timing["requestStart"])

        page.on("requestfinished", timed)
        for name in PAGES:
            times = []
            queries.clear()
            for _ in range(runs):
                await page.goto("about:blank")
                await page.goto(f"{url}/dashboard#/{name}")
                await page.wait_for_selector(f"body[data-ready='{name}']", state="attached", timeout=60000)
                times.append(int(await page.get_attribute("body", "data-ready-ms")))
            states = await page.eval_on_selector_all("#page section.card", "cs => cs.map(c => c.dataset.state)")
            assert set(states) == {"ready"}, (name, states)
            cold = await new_page(browser, guard)  # a new tab and context: nothing cached, the key entered again
            await cold.goto(f"{url}/dashboard#/{name}")
            await cold.fill("#key-input", key)
            began = time.perf_counter()
            await cold.click("#key button[type=submit]")
            await cold.wait_for_selector(f"body[data-ready='{name}']", state="attached", timeout=60000)
            cold_ms = round((time.perf_counter() - began) * 1000)
            await cold.context.close()
            out[name] = {"first_paint_ms_median": statistics.median(times), "first_paint_ms_max": max(times),
                         "runs": times, "cold_tab_after_key_ms": cold_ms,
                         "query_ms_median": {q: round(statistics.median(t), 1) for q, t in queries.items()}}
        await page.context.close()
    assert guard.outside == [], guard.outside
    return out


async def economy_windows(url: str, runs: int) -> dict[str, float]:
    """`economyStats` alone over the Economy page's three windows: the slowest query of the dashboard."""
    out = {}
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        for days in (1, 7, 30):
            times = []
            for _ in range(runs):
                since = (datetime.now(timezone.utc) - timedelta(days=days)).isoformat()
                began = time.perf_counter()
                response = await http.post("/graphql", json={
                    "query": "query E($f: DateTime!) { economyStats(from: $f) { minted velocity } }",
                    "variables": {"f": since}})
                times.append((time.perf_counter() - began) * 1000)
                assert "errors" not in response.json(), response.text
            out[f"{days}d"] = round(statistics.median(times), 1)
    return out


async def serve_and_measure(db_url: str, runs: int) -> dict:
    from api.database import close_orm, init_orm
    from models.auth import Role
    from services.auth import create_principal_with_key

    await init_orm(db_url, 2)
    try:
        _, key = await create_principal_with_key(f"bench-{uuid.uuid4().hex[:6]}", Role.ADMIN)
    finally:
        await close_orm()
    with tempfile.TemporaryDirectory() as data_dir:
        server = AppServer(db_url, OMNICLAUDE_DATA_DIR=data_dir, EMBEDDER="hashing")
        try:
            await server.ready()
            pages = await measure(server.url, key, runs)
            return {"pages": pages, "economy_stats_ms": await economy_windows(server.url, runs)}
        finally:
            server.stop()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--transfers", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database", help="measure on this database, already seeded by an earlier run (kept)")
    args = parser.parse_args()
    if (why := missing()) is not None:
        raise SystemExit(f"bench/dashboard.py: {why}")
    started_with = machine()
    empty_db = new_database("bench_dash_empty")
    full_db = args.database or new_database("bench_dash_full")
    try:
        if args.database:
            seeded = {"rows": await row_counts(full_db), "seeded_by": "an earlier run (--database)"}
        else:
            seeded = await seed(full_db, calls=args.calls, tickets=args.tickets, transfers=args.transfers)
        floor = await serve_and_measure(empty_db, args.runs)
        loaded = await serve_and_measure(full_db, args.runs)
    finally:
        await drop_database(empty_db)
        if not args.database:
            await drop_database(full_db)
    pages = {name: {"empty_database": floor["pages"][name], "loaded": loaded["pages"][name],
                    "ratio_median": round(loaded["pages"][name]["first_paint_ms_median"]
                                          / max(1, floor["pages"][name]["first_paint_ms_median"]), 2),
                    "under_target": loaded["pages"][name]["first_paint_ms_max"] < TARGET_MS} for name in PAGES}
    emit({"benchmark": "dashboard first paint", "machine": started_with,
          "load_average_at_end": os.getloadavg(), "target_ms": TARGET_MS,
          "volumes": {"llm_calls": args.calls, "tickets": args.tickets, "transfers": args.transfers}, **seeded,
          "pages": pages, "economy_stats_ms_by_window": {"empty_database": floor["economy_stats_ms"],
                                                         "loaded": loaded["economy_stats_ms"]}})


if __name__ == "__main__":
    asyncio.run(main())
