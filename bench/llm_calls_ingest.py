"""llmCallsRecord ingestion: calls/s in batches of 500 through GraphQL (priced at ingest on the
default catalog), next to inserting the same rows with raw asyncpg in the same run.

    python -m bench.llm_calls_ingest [--calls 40000] [--clients 4] [--workers 1]

BENCH_DATABASE_URL names the PostgreSQL server (default the local one); a fresh database is made and dropped."""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from datetime import datetime, timedelta, timezone

import asyncpg
import httpx

from bench.common import AppServer, drop_database, machine, own_cpu, priced_database

BATCH = 500
RECORD = """mutation R($input: LlmCallsRecordInput!) { llmCallsRecord(input: $input) {
  recorded priced userErrors { field message } } }"""
TRAFFIC = [("openai", "gpt-4o"), ("openai", "openai/gpt-4o-mini"), ("anthropic", "claude-sonnet-4-5"),
           ("anthropic", "anthropic/claude-haiku-4-5"), ("google", "gemini-2.5-pro"), ("deepseek", "deepseek-chat"),
           ("openai", "gpt-4.1"), ("ollama", "llama3.1:8b")]


def make_calls(correlation_ids: list[str], n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    return [{"correlationId": rng.choice(correlation_ids), "provider": p, "model": m,
             "inputTokens": rng.randrange(100, 20_000), "outputTokens": rng.randrange(10, 2_000),
             "cacheReadTokens": rng.randrange(0, 10_000), "reasoningTokens": rng.randrange(0, 1_000),
             "latencyMs": rng.randrange(100, 5_000), "startedAt": (start + timedelta(seconds=i)).isoformat(),
             "clientCallId": f"c{seed}-{i}"}
            for i, (p, m) in enumerate(rng.choice(TRAFFIC) for _ in range(n))]


async def graphql_run(url: str, key: str, batches: list[list[dict]], clients: int) -> float:
    queue: asyncio.Queue = asyncio.Queue()
    for batch in batches:
        queue.put_nowait(batch)

    async def worker() -> None:
        async with httpx.AsyncClient(base_url=url, timeout=120, headers={"Authorization": f"Bearer {key}"}) as http:
            while not queue.empty():
                batch = queue.get_nowait()
                body = (
                    await http.post("/graphql", json={"query": RECORD, "variables": {"input": {"calls": batch}}})
                ).json()
                result = body["data"]["llmCallsRecord"]
                assert not result["userErrors"] and result["recorded"] == len(batch), body

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    return time.perf_counter() - started


RAW_INSERT = (
    'INSERT INTO "llm_calls" ("execution_id", "provider", "model", "input_tokens", "output_tokens", '
    '"cache_read_tokens", "cache_write_tokens", "reasoning_tokens", "latency_ms", "started_at", "client_call_id", '
    '"priced", "unpriced_reason", "recorded_at") SELECT *, now() FROM unnest($1::bigint[], $2::text[], $3::text[], '
    '$4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::int[], $10::timestamptz[], '
    '$11::text[], $12::bool[], $13::text[])')


async def raw_run(db_url: str, execution_ids: dict[str, int], batches: list[list[dict]], clients: int) -> float:
    pool = await asyncpg.create_pool(db_url, min_size=clients, max_size=clients)
    queue: asyncio.Queue = asyncio.Queue()
    for batch in batches:
        queue.put_nowait(batch)

    async def worker() -> None:
        async with pool.acquire() as conn:
            while not queue.empty():
                rows = queue.get_nowait()
                await conn.execute(RAW_INSERT, [execution_ids[r["correlationId"]] for r in rows],
                                   [r["provider"] for r in rows], [r["model"] for r in rows],
                                   [r["inputTokens"] for r in rows], [r["outputTokens"] for r in rows],
                                   [r["cacheReadTokens"] for r in rows], [0] * len(rows),
                                   [r["reasoningTokens"] for r in rows], [r["latencyMs"] for r in rows],
                                   [datetime.fromisoformat(r["startedAt"]) for r in rows],
                                   ["raw-" + r["clientCallId"] for r in rows], [False] * len(rows),
                                   ["raw insert"] * len(rows))

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    elapsed = time.perf_counter() - started
    await pool.close()
    return elapsed


async def main(total: int, clients: int, workers: int) -> dict:
    db_url, seeded, _, key = await priced_database("omniclaude_bench_calls")
    server = await AppServer(db_url, workers).ready()
    try:
        async with httpx.AsyncClient(base_url=server.url, headers={"Authorization": f"Bearer {key}"}) as http:
            correlation_ids = []
            for i in range(8):
                body = (await http.post("/graphql", json={"query": """mutation S($i: ExecutionStartInput!) {
                    executionStart(input: $i) { execution { correlationId } } }""", "variables": {"i": {
                    "agentName": f"agent-{i}", "taskPrompt": f"task {i}"}}})).json()
                correlation_ids.append(body["data"]["executionStart"]["execution"]["correlationId"])
        warmup = [make_calls(correlation_ids, BATCH, 10_000 + i) for i in range(4)]
        await graphql_run(server.url, key, warmup, clients)
        batches = [make_calls(correlation_ids, BATCH, i) for i in range(total // BATCH)]
        server_cpu, client_cpu = server.cpu(), own_cpu()
        graphql_seconds = await graphql_run(server.url, key, batches, clients)
        server_cpu, client_cpu = server.cpu() - server_cpu, own_cpu() - client_cpu
        conn = await asyncpg.connect(db_url)
        execution_ids = {str(r["correlation_id"]): r["id"] for r in await conn.fetch(
            'SELECT "id", "correlation_id" FROM "executions"')}
        priced = await conn.fetchval('SELECT avg("priced"::int) FROM "llm_calls"')
        await conn.close()
        raw_seconds = await raw_run(db_url, execution_ids, batches, clients)
    finally:
        server.stop()
        await drop_database(db_url)
    calls = len(batches) * BATCH
    return {
        "benchmark": "llmCallsRecord ingestion, batches of 500",
        "machine": machine(),
        "setup": {"calls": calls, "batch": BATCH, "concurrent_clients": clients, "server_workers": workers,
                  "default_catalog_prices": seeded, "share_priced": round(float(priced), 4),
                  "client": "httpx in this process (1 request per 500 calls, not the bottleneck)"},
        "graphql": {"seconds": round(graphql_seconds, 3), "calls_per_second": round(calls / graphql_seconds),
                    "server_cpu_seconds": round(server_cpu, 2), "client_cpu_seconds": round(client_cpu, 2)},
        "raw_asyncpg": {"seconds": round(raw_seconds, 3), "calls_per_second": round(calls / raw_seconds)},
        "ratio_graphql_to_raw": round(raw_seconds / graphql_seconds, 3),
        "target_calls_per_second": 5000,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=40_000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.calls, args.clients, args.workers)), indent=2))
