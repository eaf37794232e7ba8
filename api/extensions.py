"""Schema extensions: request limits, masking of unexpected errors, and per-operation metrics."""

from __future__ import annotations

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

from api.logs import request_id_var
from api.metrics import Metrics
from resolvers.payload import graphql_error
from services.errors import DomainError

log = logging.getLogger("api.errors")

EXPECTED_CODES = {"UNAUTHENTICATED", "FORBIDDEN", "INVALID"}


def is_expected(error: GraphQLError) -> bool:
    """Validation, permission and input errors are the client's to read; anything else is masked."""
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        return True
    return (error.extensions or {}).get("code") in EXPECTED_CODES


class MaskUnexpectedErrors(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if not result or not result.errors:
            return
        request_id = request_id_var.get()
        for i, error in enumerate(result.errors):
            if isinstance(error.original_error, DomainError):
                result.errors[i] = _located(graphql_error(error.original_error), error)
                continue
            if is_expected(error):
                continue
            log.error("unexpected error in %s", ".".join(map(str, error.path or [])) or "operation",
                      exc_info=error.original_error)
            result.errors[i] = GraphQLError(
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


def limit_extensions(depth: int, tokens: int, aliases: int) -> list:
    """The limits, and caches of parsed and validated documents (validation is most of the cost of
    a small query; clients send the same few documents again and again)."""
    # The rule classes are made once: ValidationCache keys on them, so new ones per request
    # would never hit the cache.
    rules = [*QueryDepthLimiter(max_depth=depth).validation_rules,
             *MaxAliasesLimiter(max_alias_count=aliases).validation_rules]
    return [
        lambda: MaxTokensLimiter(max_token_count=tokens),
        lambda: ParserCache(maxsize=1024),
        lambda: AddValidationRules(rules),
        lambda: ValidationCache(maxsize=1024),
    ]
