"""LLM calls from OpenTelemetry: the real SDK and its OTLP/HTTP exporter send spans to /v1/traces;
GenAI and OpenInference spans become calls priced as llmCallsRecord prices them, re-exports record
nothing twice, charging follows the principal's OTLP charge account, and bad requests get the
answers the OTLP specification asks for."""

from __future__ import annotations

import asyncio
import gzip
import json
import logging
import math
import re
import uuid
from datetime import datetime, timedelta
from decimal import Decimal

import httpx
from google.rpc import status_pb2
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.exporter.otlp.proto.http import Compression
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceResponse
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExportResult

from tests.conftest import start_server, stop_server
from tests.debug_support import unique_model
from tests.economy_support import assert_ledger_invariants, balance, register, register_funded
from tests.otlp_support import (
    CALLS,
    JSON,
    PROTOBUF,
    Recorder,
    correlation_id,
    export,
    json_body,
    ns,
    protobuf_body,
    span_hex,
    unique_hour,
)
from tests.test_executions import start
from tests.test_pricing import upsert

SUMMARY = """query S($from: DateTime, $to: DateTime) { costSummary(groupBy: CORRELATION, from: $from, to: $to) {
  total { calls pricedCalls inputTokens outputTokens cacheReadTokens cacheWriteTokens reasoningTokens cost }
  groups { key calls cost } } }"""
CHARGE_SET = """mutation C($input: OtlpChargeAccountSetInput!) { otlpChargeAccountSet(input: $input) {
  principal { id name otlpChargeAccount } userErrors { field message code } } }"""
# USD per 1M tokens: input, output, cache read, cache write; reasoning falls back to the output price
RATES = {"input": Decimal(3), "output": Decimal(15), "cache_read": Decimal("0.3"), "cache_write": Decimal("3.75")}


async def priced_model(client, admin_key) -> str:
    model = unique_model()
    result = await upsert(client, admin_key, model=model, input_price="3", output_price="15", at="2025-01-01T00:00:00Z",
                          cacheReadUsdPerMtok="0.3", cacheWriteUsdPerMtok="3.75")
    assert result["userErrors"] == [], result
    return model


def hand_cost(input_tokens: int, output: int, cache_read: int = 0, cache_write: int = 0, reasoning: int = 0) -> Decimal:
    """USD of disjoint counts at RATES (reasoning at the output price)."""
    return (input_tokens * RATES["input"] + output * RATES["output"] + cache_read * RATES["cache_read"]
            + cache_write * RATES["cache_write"] + reasoning * RATES["output"]) / Decimal(10**6)


def genai(model: str, operation: str = "chat", **usage: int) -> dict:
    return {"gen_ai.operation.name": operation, "gen_ai.provider.name": "acme", "gen_ai.request.model": model,
            **{f"gen_ai.usage.{name}": count for name, count in usage.items()}}


async def calls_of(client, key: str, cid: str) -> dict | None:
    return (await client.execute(CALLS, {"c": cid}, key=key))["execution"]


def nodes(execution: dict) -> dict[str, dict]:
    return {e["node"]["clientCallId"]: e["node"] for e in execution["llmCalls"]["edges"]}


async def post(url: str, key: str | None, body: bytes, headers: dict[str, str]) -> httpx.Response:
    auth = {"Authorization": f"Bearer {key}"} if key else {}
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        return await http.post("/v1/traces", content=body, headers=headers | auth)


def partial(response: httpx.Response) -> tuple[int, str] | None:
    """(rejected spans, message) of an OTLP answer; None for full success."""
    assert response.status_code == 200, response.content
    if response.headers["content-type"].startswith("application/json"):
        found = response.json().get("partialSuccess")
        return (int(found.get("rejectedSpans", 0)), found.get("errorMessage", "")) if found else None
    answer = ExportTraceServiceResponse.FromString(response.content)
    if not answer.HasField("partial_success"):
        return None
    return answer.partial_success.rejected_spans, answer.partial_success.error_message


def refusal(response: httpx.Response) -> status_pb2.Status:
    if response.headers["content-type"].startswith("application/json"):
        body = response.json()
        return status_pb2.Status(code=body.get("code", 0), message=body.get("message", ""))
    return status_pb2.Status.FromString(response.content)


async def test_genai_spans_from_the_sdk_become_priced_calls_and_count_in_cost_summary(server, client, admin_key,
                                                                                       agent_key):
    model = await priced_model(client, admin_key)
    at = unique_hour()
    service = f"travel-planner-{uuid.uuid4().hex[:6]}"
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(
        endpoint=f"{server.url}/v1/traces", headers={"Authorization": f"Bearer {agent_key}"}, timeout=30)))
    tracer = provider.get_tracer("tests.otlp")
    # an agent span that adds up its children's usage (counted once, through the children)
    root = tracer.start_span("invoke_agent planner", start_time=ns(at), attributes=genai(
        model, "invoke_agent", input_tokens=14_000, output_tokens=1_000))
    context = trace.set_span_in_context(root)

    def child(name: str, offset_s: int, millis: int, attributes: dict):
        span = tracer.start_span(name, context=context, start_time=ns(at + timedelta(seconds=offset_s)),
                                 attributes=attributes)
        span.end(end_time=ns(at + timedelta(seconds=offset_s)) + millis * 10**6)
        return span

    # input 12,000 includes 8,000 cache reads and 1,000 cache writes; output 900 includes 400 reasoning
    chat = child(f"chat {model}", 1, 1234, genai(model, input_tokens=12_000, output_tokens=900,
                                                  **{"cache_read.input_tokens": 8_000,
                                                     "cache_creation.input_tokens": 1_000,
                                                     "reasoning.output_tokens": 400}))
    # the older names: gen_ai.system, prompt/completion tokens; the response model wins over the request's
    older = child("completion", 3, 50, {"gen_ai.system": "acme", "gen_ai.request.model": "what-was-asked",
                                         "gen_ai.response.model": model, "gen_ai.usage.prompt_tokens": 2_000,
                                         "gen_ai.usage.completion_tokens": 100})
    embed = child("embeddings", 5, 20, genai(model, "embeddings", input_tokens=3_000))
    child("execute_tool search_flights", 6, 300, {"gen_ai.operation.name": "execute_tool"})
    child("GET /flights", 7, 80, {"http.request.method": "GET", "url.full": "https://flights.example/api"})
    root.end(end_time=ns(at + timedelta(seconds=10)))
    assert await asyncio.to_thread(provider.force_flush, 30_000)
    provider.shutdown()

    cid = correlation_id(chat)
    assert cid == correlation_id(root)
    execution = await calls_of(client, agent_key, cid)
    assert execution["agentName"] == service and execution["status"] == "RUNNING"
    assert execution["taskPrompt"].startswith(f"OpenTelemetry trace {uuid.UUID(cid).hex}")
    assert execution["parameters"]["traceId"] == uuid.UUID(cid).hex
    calls = nodes(execution)
    assert execution["llmCalls"]["totalCount"] == 3 and set(calls) == {span_hex(chat), span_hex(older), span_hex(embed)}
    first = calls[span_hex(chat)]
    assert (first["provider"], first["model"], first["inputTokens"], first["outputTokens"], first["cacheReadTokens"],
            first["cacheWriteTokens"], first["reasoningTokens"]) == ("acme", model, 3_000, 500, 8_000, 1_000, 400)
    assert datetime.fromisoformat(first["startedAt"]) == at + timedelta(seconds=1) and first["latencyMs"] == 1234
    assert first["priced"] and first["paymentStatus"] == "NOT_CHARGED"
    expected = {span_hex(chat): hand_cost(3_000, 500, 8_000, 1_000, 400), span_hex(older): hand_cost(2_000, 100),
                span_hex(embed): hand_cost(3_000, 0)}
    assert {k: Decimal(c["cost"]) for k, c in calls.items()} == expected
    assert expected[span_hex(chat)] == Decimal("0.02865")  # 9,000 + 7,500 + 2,400 + 3,750 + 6,000 micro-USD
    assert calls[span_hex(older)]["model"] == model

    summary = (await client.execute(SUMMARY, {"from": at.isoformat(), "to": (at + timedelta(hours=1)).isoformat()},
                                    key=agent_key))["costSummary"]
    assert [(g["key"], g["calls"], Decimal(g["cost"])) for g in summary["groups"]] == [(cid, 3, sum(expected.values()))]
    total = summary["total"]
    assert (total["calls"], total["pricedCalls"], total["inputTokens"], total["outputTokens"],
            total["cacheReadTokens"], total["cacheWriteTokens"], total["reasoningTokens"]) == (
        3, 3, 8_000, 600, 8_000, 1_000, 400)
    assert Decimal(total["cost"]) == sum(expected.values())


async def test_a_re_export_of_the_same_spans_records_nothing_new(server, client, admin_key, agent_key):
    model = await priced_model(client, admin_key)
    at = unique_hour()
    recorder = Recorder.new()
    root = recorder.root("agent run", at)
    for i in range(3):
        recorder.span(f"chat {i}", at + timedelta(seconds=i), 100, genai(model, input_tokens=1000 + i,
                                                                          output_tokens=10), root)
    recorder.finish(root, at + timedelta(seconds=5))
    spans = recorder.spans()
    cid = correlation_id(root)

    assert await export(server.url, agent_key, spans) is SpanExportResult.SUCCESS
    before = await calls_of(client, agent_key, cid)
    assert before["llmCalls"]["totalCount"] == 3
    assert await export(server.url, agent_key, spans) is SpanExportResult.SUCCESS  # the SDK's retry after a lost answer
    assert await calls_of(client, agent_key, cid) == before
    again = await post(server.url, agent_key, protobuf_body(spans), PROTOBUF)
    assert partial(again) is None
    assert again.headers["x-omniclaude-spans"] == "recorded=0, already-recorded=3, ignored=1, rejected=0"
    assert await calls_of(client, agent_key, cid) == before


async def test_openinference_attributes_map_like_the_genai_ones(server, client, admin_key, agent_key):
    model = await priced_model(client, admin_key)
    at = unique_hour()
    recorder = Recorder.new("rag-service")
    root = recorder.span("agent", at, 5000, {"openinference.span.kind": "AGENT", "llm.token_count.prompt": 99_999})
    llm = recorder.span("ChatCompletion", at + timedelta(seconds=1), 700, {
        "openinference.span.kind": "LLM", "llm.provider": "acme", "llm.system": "openai", "llm.model_name": model,
        "llm.token_count.prompt": 12_000, "llm.token_count.completion": 900, "llm.token_count.total": 12_900,
        "llm.token_count.prompt_details.cache_read": 8_000, "llm.token_count.prompt_details.cache_write": 1_000,
        "llm.token_count.completion_details.reasoning": 400}, root)
    embed = recorder.span("embed", at + timedelta(seconds=2), 30, {
        "openinference.span.kind": "EMBEDDING", "llm.provider": "acme", "embedding.model_name": model,
        "llm.token_count.prompt": 3_000}, root)
    recorder.span("retrieve", at + timedelta(seconds=3), 30, {"openinference.span.kind": "RETRIEVER"}, root)
    response = await post(server.url, agent_key, protobuf_body(recorder.spans()), PROTOBUF)
    assert partial(response) is None
    assert response.headers["x-omniclaude-spans"] == "recorded=2, already-recorded=0, ignored=2, rejected=0"

    execution = await calls_of(client, agent_key, correlation_id(llm))
    assert execution["agentName"] == "rag-service"
    calls = nodes(execution)
    first = calls[span_hex(llm)]
    assert (first["provider"], first["model"], first["inputTokens"], first["outputTokens"], first["cacheReadTokens"],
            first["cacheWriteTokens"], first["reasoningTokens"], first["latencyMs"]) == (
        "acme", model, 3_000, 500, 8_000, 1_000, 400, 700)
    assert Decimal(first["cost"]) == hand_cost(3_000, 500, 8_000, 1_000, 400) == Decimal("0.02865")
    assert Decimal(calls[span_hex(embed)]["cost"]) == hand_cost(3_000, 0)


async def test_json_gzip_and_deflate_bodies(server, client, admin_key, agent_key):
    model = await priced_model(client, admin_key)

    def one_call(n: int) -> tuple[list, str]:
        recorder = Recorder.new()
        span = recorder.span("chat", unique_hour(), 10, genai(model, input_tokens=1000 * n, output_tokens=n))
        return recorder.spans(), correlation_id(span)

    async def recorded(cid: str, n: int) -> None:
        execution = await calls_of(client, agent_key, cid)
        [call] = nodes(execution).values()
        assert (call["inputTokens"], call["outputTokens"], Decimal(call["cost"])) == (
            1000 * n, n, hand_cost(1000 * n, n))

    spans, cid = one_call(1)
    assert await export(server.url, agent_key, spans, compression=Compression.Gzip) is SpanExportResult.SUCCESS
    await recorded(cid, 1)
    spans, cid = one_call(2)
    assert await export(server.url, agent_key, spans, compression=Compression.Deflate) is SpanExportResult.SUCCESS
    await recorded(cid, 2)

    spans, cid = one_call(3)
    response = await post(server.url, agent_key, json.dumps(json_body(spans)).encode(), JSON)
    assert response.headers["content-type"] == "application/json" and response.json() == {}
    await recorded(cid, 3)

    spans, cid = one_call(4)
    body = gzip.compress(json.dumps(json_body(spans)).encode())
    response = await post(server.url, agent_key, body, JSON | {"Content-Encoding": "gzip"})
    assert partial(response) is None
    await recorded(cid, 4)


async def test_a_bad_or_missing_key_is_401_and_records_nothing(server, client, admin_key, agent_key, caplog):
    model = await priced_model(client, admin_key)
    recorder = Recorder.new()
    span = recorder.span("chat", unique_hour(), 10, genai(model, input_tokens=10, output_tokens=1))
    with caplog.at_level(logging.CRITICAL, logger="opentelemetry.exporter.otlp.proto.http"):
        assert await export(server.url, "omk_not-a-key", recorder.spans()) is SpanExportResult.FAILURE
    for key in ("omk_not-a-key", None):
        response = await post(server.url, key, protobuf_body(recorder.spans()), PROTOBUF)
        assert response.status_code == 401 and response.headers["content-type"] == "application/x-protobuf"
        assert refusal(response).code == 16  # UNAUTHENTICATED
    response = await post(server.url, "omk_nope", json.dumps(json_body(recorder.spans())).encode(), JSON)
    assert response.status_code == 401 and "Invalid API key" in response.json()["message"]
    assert await calls_of(client, agent_key, correlation_id(span)) is None


async def test_a_malformed_body_is_400_with_a_message_and_records_nothing(server, client, admin_key, agent_key):
    model = await priced_model(client, admin_key)
    recorder = Recorder.new()
    span = recorder.span("chat", unique_hour(), 10, genai(model, input_tokens=10, output_tokens=1))
    good = json_body(recorder.spans())

    def bad_trace_id(document: dict) -> None:
        document["resourceSpans"][0]["scopeSpans"][0]["spans"].append(
            dict(document["resourceSpans"][0]["scopeSpans"][0]["spans"][0], traceId="not-hex",
                 spanId="00f067aa0ba902b7"))

    cases = [
        (b"\xff\xff\xff\xff", PROTOBUF, "not a protobuf ExportTraceServiceRequest"),
        (protobuf_body(recorder.spans())[:-3], PROTOBUF, "not a protobuf ExportTraceServiceRequest"),
        (b'{"resourceSpans": [', JSON, "not UTF-8 JSON"),
        (b"[1, 2]", JSON, "must be a JSON object"),
        (b'{"resourceSpans": "many"}', JSON, "not an OTLP ExportTraceServiceRequest"),
        (json.dumps(json_body(recorder.spans(), bad_trace_id)).encode(), JSON,
         "resourceSpans[0].scopeSpans[0].spans[1].traceId must be 32 hexadecimal characters"),
        (b"definitely not gzip", PROTOBUF | {"Content-Encoding": "gzip"}, "not valid gzip"),
        (gzip.compress(json.dumps(good).encode())[:-12], JSON | {"Content-Encoding": "gzip"}, "truncated"),
    ]
    for body, headers, message in cases:
        response = await post(server.url, agent_key, body, headers)
        assert response.status_code == 400, (message, response.content)
        assert response.headers["content-type"] == headers["Content-Type"]
        status = refusal(response)
        assert status.code == 3 and message in status.message, (message, status)
    assert await calls_of(client, agent_key, correlation_id(span)) is None


async def test_bad_spans_are_rejected_one_by_one_as_a_partial_success(server, client, admin_key, agent_key):
    model = await priced_model(client, admin_key)
    at = unique_hour()
    recorder = Recorder.new()
    root = recorder.root("agent", at)
    good = recorder.span("chat ok", at, 10, genai(model, input_tokens=100, output_tokens=5), root)
    recorder.span("tokens as text", at, 10, genai(model, input_tokens=100) | {"gen_ai.usage.output_tokens": "5"}, root)
    recorder.span("negative", at, 10, genai(model, input_tokens=-3, output_tokens=5), root)
    recorder.span("no model", at, 10, {"gen_ai.provider.name": "acme", "gen_ai.usage.input_tokens": 5}, root)
    recorder.span("a day and more", at, 25 * 3600 * 1000, genai(model, input_tokens=1, output_tokens=1), root)
    recorder.span("nul", at, 10, genai(model, input_tokens=1) | {"gen_ai.request.model": "gpt\x00-4"}, root)
    recorder.finish(root, at + timedelta(seconds=1))
    spans = recorder.spans()

    response = await post(server.url, agent_key, protobuf_body(spans), PROTOBUF)
    rejected, message = partial(response)
    assert rejected == 5, message
    assert message.startswith("rejected 5 of 7 spans: ")
    for expected in ("gen_ai.usage.output_tokens must be an integer", "gen_ai.usage.input_tokens must be between 0",
                     "an LLM span needs a model", "latencyMs: must be between 0 and 86400000",
                     "gen_ai.request.model must be 1-200 characters without NUL"):
        assert expected in message, (expected, message)
    assert response.headers["x-omniclaude-spans"] == "recorded=1, already-recorded=0, ignored=1, rejected=5"
    execution = await calls_of(client, agent_key, correlation_id(good))
    assert list(nodes(execution)) == [span_hex(good)]

    as_json = await post(server.url, agent_key, json.dumps(json_body(spans)).encode(), JSON)
    assert as_json.json()["partialSuccess"]["rejectedSpans"] == "5"
    assert as_json.headers["x-omniclaude-spans"] == "recorded=0, already-recorded=1, ignored=1, rejected=5"


async def test_spans_that_are_not_llm_calls_are_ignored_and_counted(server, agent_key):
    recorder = Recorder.new()
    at = unique_hour()
    root = recorder.root("GET /checkout", at)
    recorder.span("SELECT orders", at, 3, {"db.system.name": "postgresql"}, root)
    recorder.span("chat without usage", at, 3, {"gen_ai.operation.name": "chat", "gen_ai.request.model": "m"}, root)
    recorder.finish(root, at + timedelta(seconds=1))

    async def ignored() -> float:
        async with httpx.AsyncClient(base_url=server.url) as http:
            text = (await http.get("/metrics")).text
        found = re.search(r'^omniclaude_otlp_spans_total\{outcome="ignored"\} ([0-9.e+]+)$', text, re.MULTILINE)
        return float(found.group(1)) if found else 0.0

    before = await ignored()
    response = await post(server.url, agent_key, protobuf_body(recorder.spans()), PROTOBUF)
    assert partial(response) is None and response.content == b""  # full success: an empty response message
    assert response.headers["x-omniclaude-spans"] == "recorded=0, already-recorded=0, ignored=3, rejected=0"
    assert await ignored() == before + 3


async def test_calls_are_charged_to_the_principals_otlp_charge_account(server, client, admin_key):
    payer = await register_funded(client, admin_key, 1000)
    model = await priced_model(client, admin_key)
    rate = (await client.execute("{ rewardPolicy { tokensPerUsd } }"))["rewardPolicy"]["tokensPerUsd"]
    at = unique_hour()

    def batch(n: int) -> tuple[list, str]:
        recorder = Recorder.new()
        root = recorder.root("agent", at)
        for i in range(n):
            recorder.span(f"chat {i}", at + timedelta(seconds=i), 10, genai(model, input_tokens=1001 + i,
                                                                             output_tokens=0), root)
        recorder.finish(root, at + timedelta(seconds=n))
        return recorder.spans(), correlation_id(root)

    spans, cid = batch(1)
    assert await export(server.url, payer.key, spans) is SpanExportResult.SUCCESS
    assert [c["paymentStatus"] for c in nodes(await calls_of(client, payer.key, cid)).values()] == ["NOT_CHARGED"]

    set_own = (await client.execute(CHARGE_SET, {"input": {"chargeAccount": payer.handle}}, key=payer.key))
    assert set_own["otlpChargeAccountSet"]["userErrors"] == []
    assert set_own["otlpChargeAccountSet"]["principal"]["otlpChargeAccount"] == payer.handle
    viewer = await client.execute("{ viewer { otlpChargeAccount } }", key=payer.key)
    assert viewer["viewer"]["otlpChargeAccount"] == payer.handle

    start_balance = (await balance(client, payer.handle))["balance"]
    spans, cid = batch(2)
    usd = hand_cost(1001, 0) + hand_cost(1002, 0)
    tokens = math.ceil(usd * rate)
    assert await export(server.url, payer.key, spans) is SpanExportResult.SUCCESS
    assert [c["paymentStatus"] for c in nodes(await calls_of(client, payer.key, cid)).values()] == ["PAID", "PAID"]
    assert (await balance(client, payer.handle))["balance"] == start_balance - tokens
    assert await export(server.url, payer.key, spans) is SpanExportResult.SUCCESS
    assert (await balance(client, payer.handle))["balance"] == start_balance - tokens  # not charged twice

    cleared = await client.execute(CHARGE_SET, {"input": {"chargeAccount": None}}, key=payer.key)
    assert cleared["otlpChargeAccountSet"]["principal"]["otlpChargeAccount"] is None
    spans, cid = batch(1)
    assert await export(server.url, payer.key, spans) is SpanExportResult.SUCCESS
    assert [c["paymentStatus"] for c in nodes(await calls_of(client, payer.key, cid)).values()] == ["NOT_CHARGED"]
    assert (await balance(client, payer.handle))["balance"] == start_balance - tokens
    await assert_ledger_invariants()


async def test_calls_that_cannot_be_paid_are_recorded_unpaid_with_a_warning(server, client, admin_key):
    payer = await register_funded(client, admin_key, 1)
    model = await priced_model(client, admin_key)
    await client.execute(CHARGE_SET, {"input": {"chargeAccount": payer.handle}}, key=payer.key)
    recorder = Recorder.new()
    span = recorder.span("chat", unique_hour(), 10, genai(model, input_tokens=1_000_000, output_tokens=0))
    response = await post(server.url, payer.key, protobuf_body(recorder.spans()), PROTOBUF)
    rejected, message = partial(response)
    assert rejected == 0 and "1 calls were recorded UNPAID" in message, message
    [call] = nodes(await calls_of(client, payer.key, correlation_id(span))).values()
    assert call["paymentStatus"] == "UNPAID"
    await assert_ledger_invariants()


async def test_who_may_set_an_otlp_charge_account(client, admin_key):
    member, other = await register(client, admin_key), await register(client, admin_key)

    async def set_account(key: str, account: str | None, principal_id: str | None = None) -> dict:
        given = {"chargeAccount": account} | ({"principalId": principal_id} if principal_id else {})
        return (await client.execute(CHARGE_SET, {"input": given}, key=key))["otlpChargeAccountSet"]

    member_principal = (await client.execute("{ viewer { id } }", key=member.key))["viewer"]["id"]
    other_principal = (await client.execute("{ viewer { id } }", key=other.key))["viewer"]["id"]
    theirs = await set_account(member.key, other.handle)
    assert [(e["field"], e["code"]) for e in theirs["userErrors"]] == [("chargeAccount", "FORBIDDEN")]
    unknown = await set_account(member.key, "nobody-at-all")
    assert [(e["field"], e["code"]) for e in unknown["userErrors"]] == [("chargeAccount", "NOT_FOUND")]
    system = await set_account(member.key, "system:mint")
    assert [e["field"] for e in system["userErrors"]] == ["chargeAccount"]
    someone_else = await set_account(member.key, other.handle, other_principal)
    assert [(e["field"], e["code"]) for e in someone_else["userErrors"]] == [("principalId", "FORBIDDEN")]
    not_a_principal = await set_account(admin_key, member.handle, "UHJpbmNpcGFsOjk5OTk5OTk5")
    assert [(e["field"], e["code"]) for e in not_a_principal["userErrors"]] == [("principalId", "NOT_FOUND")]
    # an ADMIN sets a member's setting, but only to what that member may charge: its own account
    by_admin = await set_account(admin_key, member.handle, member_principal)
    assert by_admin["userErrors"] == [] and by_admin["principal"]["otlpChargeAccount"] == member.handle
    wrong = await set_account(admin_key, other.handle, member_principal)
    assert [(e["field"], e["code"]) for e in wrong["userErrors"]] == [("chargeAccount", "FORBIDDEN")]
    # an ADMIN principal (a platform's service key) may charge any contributor
    own = await set_account(admin_key, other.handle)
    assert own["userErrors"] == [] and own["principal"]["otlpChargeAccount"] == other.handle
    assert (await set_account(admin_key, None))["principal"]["otlpChargeAccount"] is None
    anonymous = await client.post(CHARGE_SET, {"input": {"chargeAccount": member.handle}})
    assert anonymous.json()["errors"]


async def test_a_trace_joins_an_execution_of_its_own_principal_only(server, client, admin_key):
    model = await priced_model(client, admin_key)
    first, second = await register(client, admin_key), await register(client, admin_key)
    recorder = Recorder.new()
    at = unique_hour()
    root = recorder.root("agent", at)
    mine = recorder.span("chat", at, 10, genai(model, input_tokens=10, output_tokens=1), root)
    spans_so_far = recorder.spans()
    theirs = recorder.span("chat 2", at, 10, genai(model, input_tokens=20, output_tokens=1), root)
    cid = correlation_id(root)
    # the agent started the execution itself, with the trace id as its correlation id: the spans join it
    started = await start(client, first.key, correlationId=cid, agentName="booked-by-hand")
    assert started["correlationId"] == cid
    assert await export(server.url, first.key, spans_so_far) is SpanExportResult.SUCCESS
    response = await post(server.url, second.key, protobuf_body([s for s in recorder.spans() if s.name == "chat 2"]),
                          PROTOBUF)
    rejected, message = partial(response)
    assert rejected == 1 and "another principal started" in message
    execution = await calls_of(client, first.key, cid)
    assert execution["agentName"] == "booked-by-hand" and list(nodes(execution)) == [span_hex(mine)]
    assert span_hex(theirs) not in nodes(execution)


async def test_content_types_encodings_and_body_limits(db_url, server, agent_key):
    unsupported = await post(server.url, agent_key, b"x", {"Content-Type": "text/plain"})
    assert unsupported.status_code == 415 and "Content-Type must be" in refusal(unsupported).message
    brotli = await post(server.url, agent_key, b"x", PROTOBUF | {"Content-Encoding": "br"})
    assert brotli.status_code == 415 and "Content-Encoding" in refusal(brotli).message
    # the GraphQL body limit (1 MiB) is not the OTLP one: a 1.5 MiB batch is taken
    recorder = Recorder.new()
    recorder.span("big", unique_hour(), 1, {"payload": "x" * 1_500_000})
    big = await post(server.url, agent_key, protobuf_body(recorder.spans()), PROTOBUF)
    assert big.status_code == 200 and big.headers["x-omniclaude-spans"].endswith("ignored=1, rejected=0")

    small = await start_server(db_url, otlp_max_body_bytes=4096)
    try:
        too_big = await post(small.url, agent_key, protobuf_body(recorder.spans()), PROTOBUF)
        assert too_big.status_code == 413 and "OTLP_MAX_BODY_BYTES" in refusal(too_big).message
        bomb = gzip.compress(protobuf_body(recorder.spans()))
        assert len(bomb) < 4096
        inflated = await post(small.url, agent_key, bomb, PROTOBUF | {"Content-Encoding": "gzip"})
        assert inflated.status_code == 413 and refusal(inflated).code == 8  # RESOURCE_EXHAUSTED
        as_json = await post(small.url, agent_key, b"{" + b" " * 5000 + b"}", JSON)
        assert as_json.status_code == 413 and "limit is 4096 bytes" in as_json.json()["message"]
    finally:
        await stop_server(small)


async def test_a_span_sent_again_with_other_values_is_rejected_alone(server, client, admin_key, agent_key):
    model = await priced_model(client, admin_key)
    at = unique_hour()
    first = Recorder.new()
    root = first.root("agent", at)
    kept = first.span("chat", at, 10, genai(model, input_tokens=100, output_tokens=5), root)
    first.finish(root, at + timedelta(seconds=1))
    assert await export(server.url, agent_key, first.spans()) is SpanExportResult.SUCCESS
    # the same span id of the same trace, now with other token counts, beside a new span of the trace
    body = encode_spans(first.spans())
    spans = body.resource_spans[0].scope_spans[0].spans
    for span in spans:
        if span.name == "chat":
            span.attributes[[kv.key for kv in span.attributes].index("gen_ai.usage.input_tokens")].value.int_value = 999
    new = spans.add()
    new.CopyFrom(spans[0] if spans[0].name == "chat" else spans[1])
    new.span_id = bytes.fromhex("00000000000000aa")
    response = await post(server.url, agent_key, body.SerializeToString(), PROTOBUF)
    rejected, message = partial(response)
    assert rejected == 1 and "clientCallId: already recorded for this execution with other values" in message
    assert f"span {span_hex(kept)}" in message
    calls = nodes(await calls_of(client, agent_key, correlation_id(kept)))
    assert set(calls) == {span_hex(kept), "00000000000000aa"}
    assert calls[span_hex(kept)]["inputTokens"] == 100 and calls["00000000000000aa"]["inputTokens"] == 999


async def test_names_from_the_sender_are_made_safe_for_the_execution(server, client, admin_key, agent_key):
    model = await priced_model(client, admin_key)
    at = unique_hour()
    recorder = Recorder.new("unknown_service:python")  # the SDK's default: the root span names the agent
    root = recorder.root("Plan\x00 a trip (v2) ✈", at)
    recorder.span("chat", at, 10, genai(model, input_tokens=10, output_tokens=1), root)
    recorder.finish(root, at + timedelta(seconds=1))
    nul_service = Recorder.new("billing\x00bot")
    other = nul_service.span("chat", at, 10, genai(model, input_tokens=10, output_tokens=1))
    for spans in (recorder.spans(), nul_service.spans()):
        response = await post(server.url, agent_key, protobuf_body(spans), PROTOBUF)
        assert partial(response) is None, response.content
    execution = await calls_of(client, agent_key, correlation_id(root))
    assert execution["agentName"] == "Plan a trip -v2- -"
    assert execution["taskPrompt"] == f"OpenTelemetry trace {uuid.UUID(correlation_id(root)).hex}: Plan a trip (v2) ✈"
    named = await calls_of(client, agent_key, correlation_id(other))
    assert named["agentName"] == "billingbot" and named["parameters"]["serviceName"] == "billingbot"


async def test_a_request_of_more_than_one_batch_is_recorded_whole(server, client, admin_key, agent_key):
    model = await priced_model(client, admin_key)
    at = unique_hour()
    recorder = Recorder.new()
    root = recorder.root("agent", at)
    for i in range(1_201):  # record() takes 1,000 calls at a time
        recorder.span(f"chat {i}", at + timedelta(milliseconds=i), 5, genai(model, input_tokens=i + 1, output_tokens=1),
                      root)
    recorder.finish(root, at + timedelta(seconds=5))
    response = await post(server.url, agent_key, protobuf_body(recorder.spans()), PROTOBUF)
    assert partial(response) is None
    assert response.headers["x-omniclaude-spans"] == "recorded=1201, already-recorded=0, ignored=1, rejected=0"
    summary = (await client.execute(SUMMARY, {"from": at.isoformat(), "to": (at + timedelta(hours=1)).isoformat()},
                                    key=agent_key))["costSummary"]["total"]
    assert (summary["calls"], summary["inputTokens"]) == (1_201, sum(range(1, 1_202)))


async def test_concurrent_sends_of_the_same_spans_record_them_once(server, client, admin_key, agent_key):
    model = await priced_model(client, admin_key)
    at = unique_hour()
    recorder = Recorder.new()
    root = recorder.root("agent", at)
    first = recorder.span("first", at, 5, genai(model, input_tokens=1, output_tokens=1), root)
    opened = recorder.spans()
    for i in range(50):
        recorder.span(f"chat {i}", at, 5, genai(model, input_tokens=10 + i, output_tokens=1), root)
    recorder.finish(root, at + timedelta(seconds=1))
    assert partial(await post(server.url, agent_key, protobuf_body(opened), PROTOBUF)) is None  # the execution exists
    body = protobuf_body(recorder.spans())
    for _ in range(3):
        answers = await asyncio.gather(*(post(server.url, agent_key, body, PROTOBUF) for _ in range(4)))
        for answer in answers:  # taken, or "retry" (503 with Retry-After) when a twin holds the same spans
            assert answer.status_code in (200, 503), answer.content
            if answer.status_code == 503:
                assert answer.headers["retry-after"] == "1" and refusal(answer).code == 14
    execution = await calls_of(client, agent_key, correlation_id(first))
    assert execution["llmCalls"]["totalCount"] == 51
