"""The span -> call mapping as pure rules: which spans are calls, the token conversion to disjoint
counts, what is rejected, and that docs/otlp.md lists every attribute the module reads."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.trace.v1.trace_pb2 import Span

from services.executions.genai_spans import ATTRIBUTES, UNKNOWN_PROVIDER, Reported, SpanRejected, disjoint, span_call

TRACE, SPAN = bytes.fromhex("4bf92f3577b34da6a3ce929d0e0e4736"), bytes.fromhex("00f067aa0ba902b7")
START = 1_767_225_600_000_000_000  # 2026-01-01T00:00:00Z
DOC = Path(__file__).resolve().parent.parent / "docs" / "otlp.md"
counts = st.integers(min_value=0, max_value=10**9)


def value(v: object) -> AnyValue:
    if isinstance(v, bool):
        return AnyValue(bool_value=v)
    if isinstance(v, int):
        return AnyValue(int_value=v)
    if isinstance(v, float):
        return AnyValue(double_value=v)
    return AnyValue(string_value=str(v))


def span(attributes: dict, *, start: int = START, millis: float = 250, trace: bytes = TRACE,
         span_id: bytes = SPAN) -> Span:
    return Span(trace_id=trace, span_id=span_id, name="s", start_time_unix_nano=start,
                end_time_unix_nano=start + int(millis * 10**6),
                attributes=[KeyValue(key=k, value=value(v)) for k, v in attributes.items()])


@given(cache_read=counts, cache_write=counts, fresh=counts, reasoning=counts, visible=counts)
def test_inclusive_counts_become_disjoint_and_keep_every_token(cache_read, cache_write, fresh, reasoning, visible):
    reported = Reported(input=fresh + cache_read + cache_write, output=visible + reasoning, cache_read=cache_read,
                        cache_write=cache_write, reasoning=reasoning)
    tokens = disjoint(reported)
    assert (tokens.input, tokens.output, tokens.cache_read, tokens.cache_write, tokens.reasoning) == (
        fresh, visible, cache_read, cache_write, reasoning)


@given(input_tokens=counts, output=counts, cache_read=counts, cache_write=counts, reasoning=counts)
def test_disjoint_counts_are_never_negative_and_never_more_than_reported(input_tokens, output, cache_read, cache_write,
                                                                        reasoning):
    tokens = disjoint(Reported(input_tokens, output, cache_read, cache_write, reasoning))
    assert min(tokens.input, tokens.output) >= 0
    assert tokens.input <= input_tokens and tokens.output <= output


def test_counts_reported_apart_are_kept_as_they_are():
    # an instrumentation that reports Anthropic's input_tokens (cache excluded): fewer than the cached ones
    tokens = disjoint(Reported(input=20, output=300, cache_read=5000, cache_write=100, reasoning=0))
    assert (tokens.input, tokens.cache_read, tokens.cache_write) == (20, 5000, 100)
    assert disjoint(Reported(output=10, reasoning=50)).output == 10


def test_a_genai_span_is_a_call_with_its_ids_time_and_latency():
    call = span_call(span({"gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai",
                           "gen_ai.request.model": "gpt-4o", "gen_ai.response.model": "gpt-4o-2024-08-06",
                           "gen_ai.usage.input_tokens": 1200, "gen_ai.usage.output_tokens": 80,
                           "gen_ai.usage.cache_read.input_tokens": 1000.0}, millis=1234.6))
    assert call.correlation_id == uuid.UUID("4bf92f35-77b3-4da6-a3ce-929d0e0e4736")
    assert call.client_call_id == "00f067aa0ba902b7"
    assert (call.provider, call.model) == ("openai", "gpt-4o-2024-08-06")
    assert (call.input_tokens, call.output_tokens, call.cache_read_tokens) == (200, 80, 1000)
    assert call.started_at == datetime(2026, 1, 1, tzinfo=UTC) and call.latency_ms == 1235


@pytest.mark.parametrize("attributes", [
    {"http.request.method": "GET"},
    {"gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o"},  # no usage
    {"gen_ai.operation.name": "invoke_agent", "gen_ai.request.model": "m", "gen_ai.usage.input_tokens": 10},
    {"gen_ai.operation.name": "execute_tool", "gen_ai.usage.output_tokens": 10},
    {"openinference.span.kind": "CHAIN", "llm.token_count.prompt": 10, "llm.model_name": "m"},
    {"openinference.span.kind": "LLM", "llm.model_name": "m"},  # no usage
])
def test_spans_that_are_not_calls(attributes):
    assert span_call(span(attributes)) is None


def test_genai_wins_over_openinference_on_one_span():
    call = span_call(span({"gen_ai.request.model": "a", "gen_ai.usage.input_tokens": 10, "gen_ai.provider.name": "p",
                           "openinference.span.kind": "LLM", "llm.model_name": "b", "llm.token_count.prompt": 99}))
    assert (call.model, call.input_tokens) == ("a", 10)


def test_a_call_without_a_provider_is_kept_with_an_unknown_one():
    call = span_call(span({"llm.model_name": "m", "llm.token_count.prompt": 5, "openinference.span.kind": "LLM"}))
    assert call.provider == UNKNOWN_PROVIDER


@pytest.mark.parametrize(("built", "message"), [
    (span({"gen_ai.usage.input_tokens": 5}), "an LLM span needs a model"),
    (span({"gen_ai.request.model": "m", "gen_ai.usage.input_tokens": "5"}),
     "gen_ai.usage.input_tokens must be an integer"),
    (span({"gen_ai.request.model": "m", "gen_ai.usage.input_tokens": 2.5}), "must be an integer"),
    (span({"gen_ai.request.model": "m", "gen_ai.usage.input_tokens": -1}), "must be between 0 and"),
    (span({"gen_ai.request.model": 7, "gen_ai.usage.input_tokens": 1}), "gen_ai.request.model must be a string"),
    (span({"gen_ai.request.model": "m" * 201, "gen_ai.usage.input_tokens": 1}), "1-200 characters"),
    (span({"gen_ai.request.model": "m", "gen_ai.provider.name": "p\x00", "gen_ai.usage.input_tokens": 1}),
     "without NUL"),
    (span({"gen_ai.request.model": "m", "gen_ai.usage.input_tokens": 1}, trace=bytes(16)), "traceId must be 16 bytes"),
    (span({"gen_ai.request.model": "m", "gen_ai.usage.input_tokens": 1}, span_id=b"\x01"), "spanId must be 8 bytes"),
    (span({"gen_ai.request.model": "m", "gen_ai.usage.input_tokens": 1}, millis=-1), "before startTimeUnixNano"),
    (span({"gen_ai.request.model": "m", "gen_ai.usage.input_tokens": 1}, start=0), "needs its startTimeUnixNano"),
])
def test_bad_llm_spans_are_rejected_naming_the_attribute(built, message):
    with pytest.raises(SpanRejected) as rejected:
        span_call(built)
    assert message in rejected.value.message


def test_the_reference_lists_every_attribute_read():
    text = DOC.read_text()
    assert [name for name in sorted(ATTRIBUTES) if f"`{name}`" not in text] == []
