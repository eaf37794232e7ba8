"""Which OpenTelemetry spans are LLM calls, and what call each one is: the one table of attribute
names (GenAI semantic conventions and OpenInference) and the conversion of their token counts to
this server's disjoint ones. docs/otlp.md shows the same table.

A span is an LLM call when it carries token usage of a convention and its operation
(`gen_ai.operation.name` / `openinference.span.kind`) does not name an agent, chain, tool or
retrieval step: those add up the usage of the calls beneath them and would count it twice. The
GenAI conventions are read first; OpenInference only when the span has no GenAI usage.

Both conventions count cached tokens inside the input (prompt) count and reasoning tokens inside
the output (completion) count; an `LlmCall` keeps each token in exactly one field, so
input = reported input - cache reads - cache writes and output = reported output - reasoning.
An instrumentation that reports fewer input tokens than cached ones (or fewer output tokens than
reasoning ones) has reported them apart already: its counts are kept as they are.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from opentelemetry.proto.common.v1.common_pb2 import AnyValue
from opentelemetry.proto.trace.v1.trace_pb2 import Span

from services.executions.llm_calls import MAX_TOKENS, CallInput

UNKNOWN_PROVIDER = "unknown"
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
ZERO_TRACE, ZERO_SPAN = bytes(16), bytes(8)


@dataclass(frozen=True)
class Convention:
    """Attribute names of one convention; for each quantity the first name present wins."""

    name: str
    operation: str
    aggregate_operations: frozenset[str]  # operations whose usage sums their children's
    provider: tuple[str, ...]
    model: tuple[str, ...]
    input: tuple[str, ...]  # includes cache reads and writes
    output: tuple[str, ...]  # includes reasoning
    cache_read: tuple[str, ...]
    cache_write: tuple[str, ...]
    reasoning: tuple[str, ...]

    @property
    def usage(self) -> tuple[str, ...]:
        return self.input + self.output + self.cache_read + self.cache_write + self.reasoning

    @property
    def names(self) -> frozenset[str]:
        return frozenset((self.operation, *self.provider, *self.model, *self.usage))


GENAI = Convention(
    name="GenAI semantic conventions",
    operation="gen_ai.operation.name",
    aggregate_operations=frozenset({"invoke_agent", "create_agent", "execute_tool", "retrieval", "invoke_workflow"}),
    provider=("gen_ai.provider.name", "gen_ai.system"),
    model=("gen_ai.response.model", "gen_ai.request.model"),
    input=("gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens"),
    output=("gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens"),
    cache_read=("gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_read_input_tokens"),
    cache_write=("gen_ai.usage.cache_creation.input_tokens", "gen_ai.usage.cache_write.input_tokens",
                 "gen_ai.usage.cache_creation_input_tokens"),
    reasoning=("gen_ai.usage.reasoning.output_tokens",),
)

OPENINFERENCE = Convention(
    name="OpenInference",
    operation="openinference.span.kind",
    aggregate_operations=frozenset({"AGENT", "CHAIN", "TOOL", "RETRIEVER", "RERANKER", "GUARDRAIL", "EVALUATOR",
                                    "PROMPT"}),
    provider=("llm.provider", "llm.system"),
    model=("llm.model_name", "llm.response.model_name", "llm.request.model_name", "embedding.model_name"),
    input=("llm.token_count.prompt",),
    output=("llm.token_count.completion",),
    cache_read=("llm.token_count.prompt_details.cache_read",),
    cache_write=("llm.token_count.prompt_details.cache_write",),
    reasoning=("llm.token_count.completion_details.reasoning",),
)

CONVENTIONS = (GENAI, OPENINFERENCE)
ATTRIBUTES = frozenset().union(*(c.names for c in CONVENTIONS))


class SpanRejected(Exception):
    """The span is an LLM call whose data cannot be recorded; the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Reported:
    """Token counts as a convention reports them (input includes cache, output includes reasoning)."""

    input: int = 0
    output: int = 0
    cache_read: int = 0
    cache_write: int = 0
    reasoning: int = 0


@dataclass(frozen=True)
class Disjoint:
    input: int
    output: int
    cache_read: int
    cache_write: int
    reasoning: int


def disjoint(reported: Reported) -> Disjoint:
    """This server's counts, where each token is in exactly one field."""
    cached = reported.cache_read + reported.cache_write
    input_tokens = reported.input - cached if reported.input >= cached else reported.input
    output = reported.output - reported.reasoning if reported.output >= reported.reasoning else reported.output
    return Disjoint(input_tokens, output, reported.cache_read, reported.cache_write, reported.reasoning)


def attributes(span: Span) -> dict[str, AnyValue]:
    """The span's attributes that the table names (keys are unique in a span, as OpenTelemetry requires)."""
    return {kv.key: kv.value for kv in span.attributes if kv.key in ATTRIBUTES}


def convention_of(attrs: dict[str, AnyValue]) -> Convention | None:
    """The convention whose usage the span reports, unless its operation aggregates other calls."""
    for convention in CONVENTIONS:
        if any(name in attrs for name in convention.usage):
            operation = attrs.get(convention.operation)
            if operation is not None and operation.string_value in convention.aggregate_operations:
                return None
            return convention
    return None


def span_call(span: Span) -> CallInput | None:
    """The LLM call a span describes, None when it describes none; SpanRejected when its data is bad."""
    attrs = attributes(span)
    convention = convention_of(attrs)
    if convention is None:
        return None
    if len(span.trace_id) != 16 or span.trace_id == ZERO_TRACE:
        raise SpanRejected("traceId must be 16 bytes, not all zero")
    if len(span.span_id) != 8 or span.span_id == ZERO_SPAN:
        raise SpanRejected("spanId must be 8 bytes, not all zero")
    model = _text(attrs, convention.model, 200)
    if model is None:
        raise SpanRejected(f"an LLM span needs a model: set one of {', '.join(convention.model)}")
    tokens = disjoint(Reported(*(_count(attrs, names) for names in (
        convention.input, convention.output, convention.cache_read, convention.cache_write, convention.reasoning))))
    started_at, latency_ms = _timing(span)
    provider = _text(attrs, convention.provider, 64) or UNKNOWN_PROVIDER
    return CallInput(
        correlation_id=uuid.UUID(bytes=span.trace_id), provider=provider, model=model, input_tokens=tokens.input,
        output_tokens=tokens.output, cache_read_tokens=tokens.cache_read, cache_write_tokens=tokens.cache_write,
        reasoning_tokens=tokens.reasoning, latency_ms=latency_ms, started_at=started_at,
        client_call_id=span.span_id.hex())


def _first(attrs: dict[str, AnyValue], names: tuple[str, ...]) -> tuple[str, AnyValue] | None:
    for name in names:
        value = attrs.get(name)
        if value is not None:
            return name, value
    return None


def _text(attrs: dict[str, AnyValue], names: tuple[str, ...], max_length: int) -> str | None:
    found = _first(attrs, names)
    if found is None:
        return None
    name, value = found
    if value.WhichOneof("value") != "string_value":
        raise SpanRejected(f"{name} must be a string")
    text = value.string_value.strip()
    if not text:
        return None
    if len(text) > max_length or "\x00" in text:
        raise SpanRejected(f"{name} must be 1-{max_length} characters without NUL")
    return text


def _count(attrs: dict[str, AnyValue], names: tuple[str, ...]) -> int:
    found = _first(attrs, names)
    if found is None:
        return 0
    name, value = found
    kind = value.WhichOneof("value")
    if kind == "int_value":
        count = value.int_value
    elif kind == "double_value" and value.double_value.is_integer():
        count = int(value.double_value)
    else:
        raise SpanRejected(f"{name} must be an integer")
    if not 0 <= count <= MAX_TOKENS:
        raise SpanRejected(f"{name} must be between 0 and {MAX_TOKENS}, got {count}")
    return count


def _timing(span: Span) -> tuple[datetime, int]:
    start, end = span.start_time_unix_nano, span.end_time_unix_nano
    if start == 0 or end == 0:
        raise SpanRejected("an LLM span needs its startTimeUnixNano and endTimeUnixNano")
    if end < start:
        raise SpanRejected("endTimeUnixNano is before startTimeUnixNano")
    return EPOCH + timedelta(microseconds=start // 1000), (end - start + 500_000) // 1_000_000
