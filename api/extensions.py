"""Schema extensions: the document limits and caches, masking of unexpected errors, per-operation
metrics, and query-cost rate limits."""

from __future__ import annotations

import contextlib
import functools
import logging
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

from graphql import DocumentNode, GraphQLError, parse, validate
from starlette.responses import Response
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter, SchemaExtension
from strawberry.types import ExecutionResult

from api.input_strings import StringLiteralRule, check_variables
from api.logs import request_id_var
from api.metrics import Metrics
from api.query_cost import operation_cost
from api.settings import Settings
from resolvers.payload import graphql_error
from resolvers.relay import DEFAULT_PAGE_SIZE
from resolvers.request_context import Context
from services.errors import INPUT_FAULTS
from services.rate_limits import Budget, Charge, Limiter

log = logging.getLogger("api.errors")

EXPECTED_CODES = {"UNAUTHENTICATED", "FORBIDDEN", "INVALID"}


INPUT_ERRORS = (ValueError, TypeError, ArithmeticError)


def is_expected(error: GraphQLError) -> bool:
    """Validation, permission and input errors are the client's to read; anything else is masked.
    An error without a path comes from parsing, validating or coercing the request (a scalar that
    refused a value), not from a resolver."""
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        return True
    if error.path is None and isinstance(original, INPUT_ERRORS):
        return True
    return (error.extensions or {}).get("code") in EXPECTED_CODES


def mask_unexpected(result: Any) -> None:
    """Validation, permission and input errors stay; a DomainError (or a value its column cannot hold)
    becomes its GraphQL error; anything else is logged once with the request id and answered as
    INTERNAL. The error list is replaced, never changed in place: it may be a cached validation result
    shared with later requests."""
    if result and result.errors:
        result.errors = [_answer(error) for error in result.errors]


def _answer(error: GraphQLError) -> GraphQLError:
    if isinstance(error.original_error, INPUT_FAULTS):
        return _located(graphql_error(error.original_error), error)
    if is_expected(error):
        return error
    request_id = request_id_var.get()
    log.error("unexpected error in %s", ".".join(map(str, error.path or [])) or "operation",
              exc_info=error.original_error, extra={"request_id": request_id})
    return GraphQLError(
            f"Internal server error (request id {request_id}); it has been logged",
            nodes=error.nodes, path=error.path, extensions={"code": "INTERNAL", "requestId": request_id},
        )


def _located(converted: GraphQLError, original: GraphQLError) -> GraphQLError:
    return GraphQLError(converted.message, nodes=original.nodes, path=original.path, extensions=converted.extensions)


OPERATION_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")


class Pipeline:
    """Everything the API does around an operation: the document parsed and validated once per
    query text (`document_preparer`), its cost charged before it runs (`rate_limit_charger`),
    unexpected errors masked (`mask_unexpected`), the operation counted and timed. Strawberry's
    operations go through it as one extension (`operation_extension`); plain JSON POSTs go through
    it directly (api/fast_lane.py)."""

    def __init__(self, settings: Settings, metrics: Metrics, limiter: Limiter) -> None:
        self.prepare = document_preparer(settings.max_query_depth, settings.max_query_tokens,
                                         settings.max_query_aliases)
        self.charge = rate_limit_charger(limiter, settings)
        self.metrics = metrics

    async def admit(self, schema: Any, document: DocumentNode, name: str | None, variables: dict | None,
                    context: Context) -> None:
        """Before an operation runs: its variables hold only what strings may, and its cost is paid."""
        check_variables(variables)
        await self.charge(schema, document, name, variables, context)

    def finish(self, result: Any, operation_name: str | None, started: float) -> None:
        mask_unexpected(result)
        name = operation_name or "anonymous"
        errors = len(result.errors) if result and result.errors else 0
        self.metrics.observe_operation(name if OPERATION_NAME.match(name) else "invalid",
                                       time.perf_counter() - started, errors)


def operation_extension(pipeline: Pipeline) -> type[SchemaExtension]:
    """The pipeline as one strawberry extension (strawberry enters a context manager per hook and
    extension on every request)."""

    class Operation(SchemaExtension):
        def on_operation(self) -> Iterator[None]:
            started = time.perf_counter()
            yield
            context = self.execution_context
            if context.graphql_document is not None and context.operation_type.value == "subscription":
                mask_unexpected(context.result)
                return
            pipeline.finish(context.result, context.operation_name, started)

        def on_parse(self) -> Iterator[None]:
            """A document that does not parse is left to strawberry, which parses it again and answers
            the syntax error like any other (raised here, it would escape the operation's error
            handling: over WebSocket the operation then completed silently, logged as a crash)."""
            context = self.execution_context
            self.errors: list[GraphQLError] = []
            with contextlib.suppress(GraphQLError):
                context.graphql_document, self.errors = pipeline.prepare(context.schema._schema, context.query,
                                                                         context.validation_rules)
            yield

        def on_validate(self) -> Iterator[None]:
            self.execution_context.pre_execution_errors = list(self.errors)
            yield

        async def on_execute(self) -> AsyncIterator[None]:
            context = self.execution_context
            await pipeline.admit(context.schema._schema, context.graphql_document, context.operation_name,
                                 context.variables, context.context)
            yield

        def on_stream_result(self, result: ExecutionResult) -> Iterator[None]:  # type: ignore[override]
            """Each result sent over WebSocket (queries, mutations and subscription events alike)."""
            mask_unexpected(result)
            yield

    return Operation


def document_preparer(depth: int, tokens: int, aliases: int, cache_size: int = 1024) -> Callable[..., Any]:
    """Parsing (at most `tokens` tokens) and validation (with the depth and alias limits, and what a
    string literal may hold), done once per query text: validation is most of the cost of a small
    query, and clients send the same few documents again and again. A document that fails to parse is
    not cached."""
    extra_rules = (*QueryDepthLimiter(max_depth=depth).validation_rules,
                   *MaxAliasesLimiter(max_alias_count=aliases).validation_rules, StringLiteralRule)

    @functools.lru_cache(maxsize=cache_size)
    def prepare(schema: Any, query: str, rules: tuple) -> tuple[DocumentNode, list[GraphQLError]]:
        document = parse(query, max_tokens=tokens)
        return document, validate(schema, document, rules + extra_rules)

    return prepare


def rate_limit_charger(limiter: Limiter, settings: Settings) -> Callable[..., Awaitable[None]]:
    """Before an operation runs: its cost from the document (api/query_cost.py), refused above
    MAX_QUERY_COST, then charged to the caller's budget (the API key's, or the client address's
    when anonymous); refused with RATE_LIMITED when the budget cannot pay. Where the caller stands
    goes to `X-RateLimit-*` headers and the `rateLimit` field. A subscription pays once, here,
    when it starts. When the count cannot be reached (Redis down) the operation runs uncounted."""
    costs: dict[tuple[int, str | None], tuple[DocumentNode, int]] = {}

    def cost_of(schema: Any, document: DocumentNode, name: str | None, variables: dict | None) -> int:
        cached = costs.get((id(document), name))
        if cached is not None and cached[0] is document:
            return cached[1]
        cost = operation_cost(schema, document, name, variables,
                              default_page=min(DEFAULT_PAGE_SIZE, settings.max_page_size),
                              max_page=settings.max_page_size)
        if not cost.uses_variables:
            if len(costs) > 4096:
                costs.clear()
            costs[(id(document), name)] = (document, cost.points)
        return cost.points

    def budget_of(request: Context) -> Budget:
        if request.api_key is not None:
            return Budget(f"key:{request.api_key.id}", request.api_key.rate_limit_points or settings.rate_limit_points)
        client = request.request.client
        return Budget(f"address:{client.host if client else 'unknown'}", settings.rate_limit_anonymous_points)

    async def charge_operation(schema: Any, document: DocumentNode, name: str | None, variables: dict | None,
                               request: Context) -> None:
        cost = cost_of(schema, document, name, variables)
        if cost > settings.max_query_cost:
            raise GraphQLError(f"This operation costs {cost} points, over the maximum of {settings.max_query_cost} "
                               "(MAX_QUERY_COST): ask for smaller pages (first) or fewer nested connections",
                               extensions={"code": "QUERY_TOO_COSTLY", "cost": cost,
                                           "maxCost": settings.max_query_cost})
        try:
            charge = await limiter.charge(budget_of(request), cost)
        except Exception as exc:  # noqa: BLE001 - a limiter that cannot count must not stop the API
            log.warning("rate limit not counted", extra={"error": str(exc), "limiter": limiter.name})
            return
        request.rate_limit = charge
        response = request.response
        if isinstance(response, Response):
            response.headers.update(rate_limit_headers(charge))
        if not charge.allowed:
            retry = charge.retry_after()
            if isinstance(response, Response):
                response.status_code = 429
                response.headers["Retry-After"] = str(retry)
            raise GraphQLError(
                f"Rate limit exceeded: this operation costs {cost} points and {charge.remaining} of "
                f"{charge.limit} are left until {charge.reset_at.isoformat()}; retry in {retry} s",
                extensions={"code": "RATE_LIMITED", "cost": cost, "limit": charge.limit,
                            "remaining": charge.remaining, "resetAt": charge.reset_at.isoformat(),
                            "retryAfterSeconds": retry})

    return charge_operation


def rate_limit_headers(charge: Charge) -> dict[str, str]:
    return {"X-RateLimit-Limit": str(charge.limit), "X-RateLimit-Remaining": str(charge.remaining),
            "X-RateLimit-Used": str(charge.used), "X-RateLimit-Reset": str(charge.reset_epoch),
            "X-RateLimit-Cost": str(charge.cost)}
