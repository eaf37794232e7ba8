"""Prometheus metrics of one process: requests and latency per operation, errors, open
subscriptions and outbox lag (the last two read when scraped)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

MAX_OPERATION_NAMES = 200


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("omniclaude_graphql_requests_total", "GraphQL operations served",
                                ["operation"], registry=self.registry)
        self.errors = Counter("omniclaude_graphql_errors_total", "GraphQL errors returned",
                              ["operation"], registry=self.registry)
        self.latency = Histogram("omniclaude_graphql_request_seconds", "GraphQL operation latency",
                                 ["operation"], registry=self.registry,
                                 buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5))
        self.subscriptions = Gauge("omniclaude_subscriptions_open", "Open GraphQL subscriptions",
                                   registry=self.registry)
        self.outbox_unpublished = Gauge("omniclaude_outbox_unpublished", "Outbox rows not yet published",
                                        registry=self.registry)
        self.outbox_lag = Gauge("omniclaude_outbox_lag_seconds", "Age of the oldest unpublished outbox row",
                                registry=self.registry)
        self.otlp_requests = Counter("omniclaude_otlp_requests_total", "OTLP /v1/traces requests by HTTP status",
                                     ["status"], registry=self.registry)
        self.otlp_spans = Counter("omniclaude_otlp_spans_total", "OTLP spans received, by outcome (recorded, "
                                  "already_recorded, ignored: not an LLM call, rejected)", ["outcome"],
                                  registry=self.registry)
        self._names: set[str] = set()

    def observe_operation(self, name: str, seconds: float, errors: int) -> None:
        if name not in self._names:
            if len(self._names) >= MAX_OPERATION_NAMES:
                name = "other"  # operation names come from clients: keep the label set bounded
            else:
                self._names.add(name)
        self.requests.labels(name).inc()
        self.latency.labels(name).observe(seconds)
        if errors:
            self.errors.labels(name).inc(errors)

    async def render(self, open_subscriptions: int, outbox: Callable[[], Awaitable[tuple[int, float]]]) -> bytes:
        self.subscriptions.set(open_subscriptions)
        unpublished, lag = await outbox()
        self.outbox_unpublished.set(unpublished)
        self.outbox_lag.set(lag)
        return generate_latest(self.registry)
