"""Schema extensions: the document limits and caches, masking of unexpected errors, per-operation metrics."""

from __future__ import annotations

import functools
import logging
import re
import time
from collections.abc import Iterator
from typing import Any

from graphql import DocumentNode, GraphQLError, parse, validate
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter, SchemaExtension

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


def mask_unexpected(result: Any) -> None:
    """Validation, permission and input errors stay; a DomainError becomes its GraphQL error; anything
    else is logged once with the request id and answered as INTERNAL."""
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


def operation_extension(metrics: Metrics) -> type[SchemaExtension]:
    """Per operation: errors masked (see `mask_unexpected`) and the operation counted and timed.
    One extension, so a request enters one context manager for all of it."""

    class Operation(SchemaExtension):
        def on_operation(self) -> Iterator[None]:
            started = time.perf_counter()
            yield
            context = self.execution_context
            result = context.result
            mask_unexpected(result)
            if context.graphql_document is not None and context.operation_type.value == "subscription":
                return
            name = context.operation_name or "anonymous"
            errors = len(result.errors) if result and result.errors else 0
            metrics.observe_operation(name if OPERATION_NAME.match(name) else "invalid",
                                      time.perf_counter() - started, errors)

    return Operation


def document_extension(depth: int, tokens: int, aliases: int, cache_size: int = 1024) -> type[SchemaExtension]:
    """Parsing (at most `tokens` tokens) and validation (with the depth and alias limits), done once
    per query text: validation is most of the cost of a small query, and clients send the same few
    documents again and again. A document that fails to parse is not cached."""
    extra_rules = (*QueryDepthLimiter(max_depth=depth).validation_rules,
                   *MaxAliasesLimiter(max_alias_count=aliases).validation_rules)

    @functools.lru_cache(maxsize=cache_size)
    def prepare(schema: Any, query: str, rules: tuple) -> tuple[DocumentNode, list[GraphQLError]]:
        document = parse(query, max_tokens=tokens)
        return document, validate(schema, document, rules)

    class Document(SchemaExtension):
        def on_parse(self) -> Iterator[None]:
            context = self.execution_context
            context.graphql_document, self.errors = prepare(context.schema._schema, context.query,
                                                            context.validation_rules + extra_rules)
            yield

        def on_validate(self) -> Iterator[None]:
            self.execution_context.pre_execution_errors = list(self.errors)
            yield

    return Document
