"""The fast lane: a plain query or mutation POSTed as JSON, run without strawberry's HTTP view and
its extension runner (a request object, adapters, an execution context and a context manager per
hook and extension, on every request: more than the execution of a small query).

It does what that path does for such a request, through the same `Pipeline` (the cached document,
the cost and budget, masking, metrics), the same context and the same executor; it answers with
strawberry's result format. Anything else (GET, GraphiQL, batches, subscriptions, multipart or
streaming transports, a document that does not parse or validate, a body that is not a JSON
object with a string `query`) goes the usual way, which also makes every error those make."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from graphql import ExecutionResult, GraphQLError, OperationType, execute, get_operation_ast, specified_rules
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from strawberry.execution.is_awaitable import optimized_is_awaitable
from strawberry.http import process_result

from api.executor import PlainFieldsExecutor
from api.extensions import Pipeline

RULES = tuple(specified_rules)
STREAMING = (b"multipart/mixed", b"text/event-stream")
PLAIN = (OperationType.QUERY, OperationType.MUTATION)


async def read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


def applies(scope: Scope) -> bool:
    if scope["method"] != "POST":
        return False
    headers = dict(scope["headers"])
    accept = headers.get(b"accept", b"")
    return b"application/json" in headers.get(b"content-type", b"") and not any(s in accept for s in STREAMING)


async def run(view: Any, pipeline: Pipeline, scope: Scope, receive: Receive, send: Send, body: bytes,
              make_context: Callable[[Request, Response], Awaitable[Any]]) -> bool:
    """Answer the request when it is a plain operation; False (nothing sent) when it is not."""
    try:
        data = view.decode_json(body)
    except ValueError:
        return False
    if not isinstance(data, dict) or set(data) - {"query", "variables", "operationName", "extensions"}:
        return False
    query, variables, name = data.get("query"), data.get("variables"), data.get("operationName")
    if not isinstance(query, str) or not isinstance(variables, (dict, type(None))) \
            or not isinstance(name, (str, type(None))) or data.get("extensions") is not None:
        return False
    schema = view.schema._schema
    try:
        document, errors = pipeline.prepare(schema, query, RULES)
    except GraphQLError:
        return False
    operation = get_operation_ast(document, name)
    if errors or operation is None or operation.operation not in PLAIN:
        return False

    started = time.perf_counter()
    sub_response = Response()
    sub_response.status_code = None  # type: ignore[assignment]
    del sub_response.headers["content-length"]
    context = await make_context(Request(scope, receive), sub_response)
    try:
        await pipeline.admit(schema, document, name, variables, context)
    except GraphQLError as refusal:
        result = ExecutionResult(data=None, errors=[refusal])
    else:
        result = execute(schema, document, context_value=context, variable_values=variables, operation_name=name,
                         executor_class=PlainFieldsExecutor, is_awaitable=optimized_is_awaitable)
        if optimized_is_awaitable(result):
            result = await result
    pipeline.finish(result, name or (operation.name.value if operation.name else None), started)
    payload = view.encode_json(process_result(result)).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode()),
               *sub_response.headers.raw]
    await send({"type": "http.response.start", "status": sub_response.status_code or 200, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
    return True
