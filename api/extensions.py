"""Schema extensions: request limits, masking of unexpected errors, and per-operation metrics."""

from __future__ import annotations

import contextlib
import logging
import re
import time
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.types import ExecutionResult

from api.input_strings import StringLiteralRule, StringVariables
from api.logs import request_id_var
from api.metrics import Metrics
from resolvers.payload import graphql_error
from services.errors import INPUT_FAULTS

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


class MaskUnexpectedErrors(SchemaExtension):
    """Every unexpected error becomes INTERNAL with this request's id, logged once with its traceback.
    The result's error list is replaced, never changed in place: it may be a cached validation result
    shared with later requests."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if not result or not result.errors:
            return
        result.errors = [self._answer(error) for error in result.errors]

    def on_stream_result(self, result: ExecutionResult) -> Iterator[None]:  # type: ignore[override]
        """Each result sent over WebSocket (queries, mutations and subscription events alike)."""
        if result.errors:
            result.errors = [self._answer(error) for error in result.errors]
        yield

    def _answer(self, error: GraphQLError) -> GraphQLError:
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


def metrics_extension(metrics: Metrics) -> type[SchemaExtension]:
    class RecordMetrics(SchemaExtension):
        def on_operation(self) -> Iterator[None]:
            started = time.perf_counter()
            yield
            context = self.execution_context
            if context.graphql_document is not None and context.operation_type.value == "subscription":
                return
            name = context.operation_name or "anonymous"
            result = context.result
            errors = len(result.errors) if result and result.errors else 0
            metrics.observe_operation(name if OPERATION_NAME.match(name) else "invalid",
                                      time.perf_counter() - started, errors)

    return RecordMetrics


class ParserCacheReportingErrors(ParserCache):
    """strawberry's ParserCache parses in its hook, where a syntax error escapes the operation's error
    handling (over WebSocket the operation then completes silently and the error is logged as a crash).
    Here a document that does not parse is left to strawberry, which parses it again and answers
    the syntax error like any other."""

    def on_parse(self) -> Iterator[None]:
        with contextlib.suppress(GraphQLError):
            self.execution_context.graphql_document = self.cached_parse_document(
                self.execution_context.query, **self.execution_context.parse_options)
        yield


def limit_extensions(depth: int, tokens: int, aliases: int) -> list:
    """The limits (what a string may hold among them), and caches of parsed and validated documents
    (validation is most of the cost of a small query; clients send the same few documents again and again)."""
    # The rule classes are made once: ValidationCache keys on them, so new ones per request
    # would never hit the cache.
    rules = [*QueryDepthLimiter(max_depth=depth).validation_rules,
             *MaxAliasesLimiter(max_alias_count=aliases).validation_rules, StringLiteralRule]
    return [
        lambda: MaxTokensLimiter(max_token_count=tokens),
        lambda: ParserCacheReportingErrors(maxsize=1024),
        lambda: AddValidationRules(rules),
        lambda: ValidationCache(maxsize=1024),
        StringVariables,
    ]
