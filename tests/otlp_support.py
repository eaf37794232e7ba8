"""Helpers for the OTLP tests: spans made by the real OpenTelemetry SDK, sent by its OTLP/HTTP exporter
(in a thread: it is synchronous and the test server runs in the test's event loop), and the
OTLP/JSON encoding of the same spans."""

from __future__ import annotations

import asyncio
import base64
import random
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from google.protobuf import json_format
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExportResult
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

PROTOBUF = {"Content-Type": "application/x-protobuf"}
JSON = {"Content-Type": "application/json"}
CALLS = """query C($c: UUID!) { execution(correlationId: $c) { agentName status taskPrompt parameters
  llmCalls(first: 100) { totalCount edges { node { provider model inputTokens outputTokens cacheReadTokens
    cacheWriteTokens reasoningTokens latencyMs startedAt clientCallId priced unpricedReason cost paymentStatus
    price { id } } } } } }"""


def unique_hour() -> datetime:
    """A start time no other test uses: a random hour in 2031-2040 (so a costSummary window holds only ours)."""
    return datetime(2031, 1, 1, tzinfo=UTC) + timedelta(hours=random.randrange(80_000))


def ns(at: datetime) -> int:
    return int(at.timestamp()) * 10**9 + at.microsecond * 1000


@dataclass
class Recorder:
    """A tracer whose finished spans are kept in memory, to be sent (and sent again) by an exporter."""

    provider: TracerProvider
    memory: InMemorySpanExporter

    @classmethod
    def new(cls, service_name: str | None = "support-agent") -> Recorder:
        memory = InMemorySpanExporter()
        resource = Resource.create({"service.name": service_name} if service_name else {})
        provider = TracerProvider(resource=resource)
        provider.add_span_processor(SimpleSpanProcessor(memory))
        return cls(provider, memory)

    @property
    def tracer(self) -> trace.Tracer:
        return self.provider.get_tracer("tests.otlp")

    def span(self, name: str, at: datetime, millis: int, attributes: dict,
             parent: trace.Span | None = None) -> trace.Span:
        context = trace.set_span_in_context(parent) if parent is not None else None
        span = self.tracer.start_span(name, context=context, start_time=ns(at), attributes=attributes)
        span.end(end_time=ns(at) + millis * 10**6)
        return span

    def root(self, name: str, at: datetime) -> trace.Span:
        """A root span left open: end it with `finish` after its children."""
        return self.tracer.start_span(name, start_time=ns(at))

    @staticmethod
    def finish(span: trace.Span, at: datetime) -> None:
        span.end(end_time=ns(at))

    def spans(self) -> list[ReadableSpan]:
        return list(self.memory.get_finished_spans())


def correlation_id(span: ReadableSpan | trace.Span) -> str:
    return str(uuid.UUID(int=span.get_span_context().trace_id))


def span_hex(span: ReadableSpan | trace.Span) -> str:
    return f"{span.get_span_context().span_id:016x}"


async def export(url: str, key: str, spans: Sequence[ReadableSpan], **options) -> SpanExportResult:
    """The SDK's OTLP/HTTP exporter sends `spans` to the server's /v1/traces."""
    exporter = OTLPSpanExporter(endpoint=f"{url}/v1/traces", headers={"Authorization": f"Bearer {key}"}, timeout=30,
                                **options)
    try:
        return await asyncio.to_thread(exporter.export, spans)
    finally:
        exporter.shutdown()


def protobuf_body(spans: Sequence[ReadableSpan]) -> bytes:
    return encode_spans(spans).SerializeToString()


def json_body(spans: Sequence[ReadableSpan], transform: Callable[[dict], None] | None = None) -> dict:
    """OTLP/JSON of the spans: the protobuf JSON mapping with hex trace and span ids and integer enums."""
    document = json_format.MessageToDict(encode_spans(spans), use_integers_for_enums=True)
    for resource_spans in document["resourceSpans"]:
        for scope_spans in resource_spans["scopeSpans"]:
            for span in scope_spans["spans"]:
                for name in ("traceId", "spanId", "parentSpanId"):
                    if name in span:
                        span[name] = base64.b64decode(span[name]).hex().upper()  # hex is case-insensitive
    if transform:
        transform(document)
    return document
