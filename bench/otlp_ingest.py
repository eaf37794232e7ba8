"""OTLP ingestion: LLM-call spans/s through POST /v1/traces in batches of 512 (GenAI attributes,
priced at ingest on the default catalog, a new execution per trace of 8 calls), beside
llmCallsRecord on the same calls in the same run (its executions made beforehand, untimed).

    python -m bench.otlp_ingest [--calls 40960] [--clients 4] [--workers 1] [--rounds 2]

Each round sends fresh calls through both paths, in alternating order; OTLP/JSON runs once, after
them. The bodies are encoded before the clock starts. BENCH_DATABASE_URL names the PostgreSQL server
(default the local one); a fresh database is made and dropped."""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import random
import statistics
import time
import uuid
from datetime import datetime, timedelta, timezone

import asyncpg
import httpx
from google.protobuf import json_format
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from bench.common import AppServer, drop_database, machine, own_cpu, priced_database
from bench.llm_calls_ingest import TRAFFIC, graphql_run

BATCH = 512
CALLS_PER_TRACE = 8
SPANS_HEADER = "x-omniclaude-spans"
PROTOBUF = "application/x-protobuf"


def make_calls(n: int, seed: int) -> list[dict]:
    """llmCallsRecord inputs (disjoint counts), 8 calls to a trace, span ids as client call ids."""
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(days=seed % 300)
    calls = []
    for i in range(n):
        if i % CALLS_PER_TRACE == 0:
            trace = str(uuid.UUID(int=rng.getrandbits(128)))
        provider, model = rng.choice(TRAFFIC)
        calls.append({"correlationId": trace, "provider": provider, "model": model,
                      "inputTokens": rng.randrange(100, 20_000), "outputTokens": rng.randrange(10, 2_000),
                      "cacheReadTokens": rng.randrange(0, 10_000), "reasoningTokens": rng.randrange(0, 1_000),
                      "latencyMs": rng.randrange(100, 5_000), "startedAt": (start + timedelta(seconds=i)).isoformat(),
                      "clientCallId": f"{rng.getrandbits(64) | 1:016x}"})
    return calls


def otlp_request(calls: list[dict]) -> ExportTraceServiceRequest:
    """The spans an instrumented agent would send for these calls: GenAI attributes, inclusive counts."""
    request = ExportTraceServiceRequest()
    resource_spans = request.resource_spans.add()
    attribute = resource_spans.resource.attributes.add()
    attribute.key, attribute.value.string_value = "service.name", "bench-agent"
    scope = resource_spans.scope_spans.add()
    scope.scope.name = "opentelemetry.instrumentation.openai_v2"
    for call in calls:
        span = scope.spans.add()
        span.trace_id = uuid.UUID(call["correlationId"]).bytes
        span.span_id = bytes.fromhex(call["clientCallId"])
        span.parent_span_id = span.trace_id[:8]
        span.name, span.kind = f"chat {call['model']}", 3  # SPAN_KIND_CLIENT
        start = int(datetime.fromisoformat(call["startedAt"]).timestamp()) * 10**9
        span.start_time_unix_nano, span.end_time_unix_nano = start, start + call["latencyMs"] * 10**6
        for key, value in (("gen_ai.operation.name", "chat"), ("gen_ai.provider.name", call["provider"]),
                           ("gen_ai.request.model", call["model"]),
                           ("gen_ai.usage.input_tokens", call["inputTokens"] + call["cacheReadTokens"]),
                           ("gen_ai.usage.output_tokens", call["outputTokens"] + call["reasoningTokens"]),
                           ("gen_ai.usage.cache_read.input_tokens", call["cacheReadTokens"]),
                           ("gen_ai.usage.reasoning.output_tokens", call["reasoningTokens"])):
            kv = span.attributes.add()
            kv.key = key
            if isinstance(value, int):
                kv.value.int_value = value
            else:
                kv.value.string_value = value
    return request


def otlp_json(request: ExportTraceServiceRequest) -> bytes:
    document = json_format.MessageToDict(request, use_integers_for_enums=True)
    for span in document["resourceSpans"][0]["scopeSpans"][0]["spans"]:
        for name in ("traceId", "spanId", "parentSpanId"):
            span[name] = base64.b64decode(span[name]).hex()
    return json.dumps(document).encode()


async def otlp_run(url: str, key: str, bodies: list[bytes], media: str, clients: int) -> float:
    queue: asyncio.Queue = asyncio.Queue()
    for body in bodies:
        queue.put_nowait(body)
    headers = {"Authorization": f"Bearer {key}", "Content-Type": media}

    async def worker() -> None:
        async with httpx.AsyncClient(base_url=url, timeout=120, headers=headers) as http:
            while not queue.empty():
                response = await http.post("/v1/traces", content=queue.get_nowait())
                assert response.status_code == 200 and response.headers[SPANS_HEADER].startswith(
                    f"recorded={BATCH}, already-recorded=0, ignored=0, rejected=0"), (
                    response.status_code, response.headers.get(SPANS_HEADER), response.content[:300])

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    return time.perf_counter() - started


async def start_executions(db_url: str, principal_id: int, batches: list[list[dict]]) -> None:
    """llmCallsRecord's calls need their executions: made here, outside the timed part."""
    ids = list(dict.fromkeys(c["correlationId"] for batch in batches for c in batch))
    conn = await asyncpg.connect(db_url)
    try:
        await conn.execute(
            'INSERT INTO "executions" ("correlation_id", "agent_name", "task_prompt", "parameters", "fingerprint", '
            '"status", "started_by_id", "started_at") SELECT c::uuid, \'bench-agent\', \'bench\', \'{}\'::jsonb, '
            'md5(c) || md5(c), \'RUNNING\', $2, now() FROM unnest($1::text[]) AS c', ids, principal_id)
    finally:
        await conn.close()


def measured(name: str, calls: int, seconds: float, server_cpu: float, client_cpu: float) -> dict:
    """`server_cores_busy` below 1 means the server waited (on PostgreSQL, or for a core others held);
    `calls_per_server_cpu_second` is what one core given wholly to the server would take."""
    return {"path": name, "seconds": round(seconds, 3), "calls_per_second": round(calls / seconds),
            "server_cpu_ms_per_call": round(1000 * server_cpu / calls, 4),
            "server_cores_busy": round(server_cpu / seconds, 2),
            "calls_per_server_cpu_second": round(calls / server_cpu), "client_cpu_seconds": round(client_cpu, 2)}


async def timed(server: AppServer, run) -> tuple[float, float, float]:
    server_cpu, client_cpu = server.cpu(), own_cpu()
    seconds = await run
    return seconds, server.cpu() - server_cpu, own_cpu() - client_cpu


async def main(total: int, clients: int, workers: int, rounds: int) -> dict:
    started_on = machine()
    db_url, seeded, principal_id, key = await priced_database("omniclaude_bench_otlp")
    server = await AppServer(db_url, workers).ready()
    n_batches = total // BATCH
    runs: list[dict] = []
    seed = 0

    def fresh(count: int) -> list[list[dict]]:
        nonlocal seed
        seed += 1
        calls = make_calls(count * BATCH, seed)
        return [calls[i:i + BATCH] for i in range(0, len(calls), BATCH)]

    try:
        warm_graphql, warm_otlp = fresh(2), fresh(2)
        await start_executions(db_url, principal_id, warm_graphql)
        await graphql_run(server.url, key, warm_graphql, clients)
        await otlp_run(server.url, key, [otlp_request(b).SerializeToString() for b in warm_otlp], PROTOBUF, clients)
        for round_no in range(rounds):
            order = ["otlp", "graphql"] if round_no % 2 == 0 else ["graphql", "otlp"]
            for path in order:
                batches = fresh(n_batches)
                if path == "graphql":
                    await start_executions(db_url, principal_id, batches)
                    run = graphql_run(server.url, key, batches, clients)
                else:
                    bodies = [otlp_request(b).SerializeToString() for b in batches]
                    run = otlp_run(server.url, key, bodies, PROTOBUF, clients)
                runs.append(measured(f"{path} round {round_no + 1}", n_batches * BATCH, *await timed(server, run)))
        json_batches = fresh(n_batches)
        bodies = [otlp_json(otlp_request(b)) for b in json_batches]
        runs.append(measured("otlp-json", n_batches * BATCH, *await timed(
            server, otlp_run(server.url, key, bodies, "application/json", clients))))
        conn = await asyncpg.connect(db_url)
        priced = await conn.fetch(
            'SELECT e."task_prompt" = \'bench\' AS graphql, avg(c."priced"::int) AS priced '
            'FROM "llm_calls" c JOIN "executions" e ON e."id" = c."execution_id" GROUP BY 1')
        await conn.close()
    finally:
        server.stop()
        await drop_database(db_url)
    otlp = [r["calls_per_second"] for r in runs if r["path"].startswith("otlp round")]
    graphql = [r["calls_per_second"] for r in runs if r["path"].startswith("graphql")]
    return {
        "benchmark": "OTLP /v1/traces ingestion (LLM-call spans/s), batches of 512, beside llmCallsRecord",
        "machine": started_on,
        "setup": {"calls_per_run": n_batches * BATCH, "batch": BATCH, "calls_per_trace": CALLS_PER_TRACE,
                  "concurrent_clients": clients, "server_workers": workers, "rounds": rounds,
                  "default_catalog_prices": seeded,
                  "share_priced": {("llmCallsRecord" if r["graphql"] else "otlp"): round(float(r["priced"]), 4)
                                   for r in priced},
                  "client": "httpx in this process, bodies encoded beforehand (not the bottleneck)",
                  "executions": "OTLP opens one per new trace inside the timed run; llmCallsRecord's are inserted "
                                "before its run, untimed"},
        "runs": runs,
        "otlp_protobuf_spans_per_second_median": round(statistics.median(otlp)),
        "llm_calls_record_calls_per_second_median": round(statistics.median(graphql)),
        "ratio_otlp_to_llm_calls_record": round(statistics.median(otlp) / statistics.median(graphql), 3),
        "target_spans_per_second": 5000,
        "load_average_at_end": os.getloadavg(),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=40_960)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.calls, args.clients, args.workers, args.rounds)), indent=2))
