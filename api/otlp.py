"""OTLP/HTTP trace intake, `POST /v1/traces`: binary protobuf or JSON bodies, gzip or deflate,
the API key in `Authorization: Bearer`, answers as the OTLP specification asks (an
ExportTraceServiceResponse, with partial success when spans were rejected; a google.rpc.Status
with every 4xx and 5xx), in the encoding of the request."""

from __future__ import annotations

import base64
import json
import logging
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from google.protobuf import json_format
from google.protobuf.any_pb2 import Any as AnyMessage
from google.protobuf.message import DecodeError, Message
from google.rpc import code_pb2, error_details_pb2, status_pb2
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTracePartialSuccess,
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from starlette.requests import Request
from starlette.responses import Response

from api.graphql_app import INVALID_KEY, bearer_key
from api.logs import request_id_var
from api.metrics import Metrics
from services.auth import authenticate
from services.executions.otlp import Busy, Ingested, ingest

log = logging.getLogger(__name__)

PROTOBUF = "application/x-protobuf"
JSON = "application/json"
ID_FIELDS = {"traceId": 16, "trace_id": 16, "spanId": 8, "span_id": 8, "parentSpanId": 8, "parent_span_id": 8}
RETRY_AFTER_SECONDS = 1


class Refusal(Exception):
    """A request answered with an HTTP error and a google.rpc.Status."""

    def __init__(self, status: int, code: int, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field


@dataclass(frozen=True)
class Limits:
    body_bytes: int  # before and after decompression


def traces_endpoint(limits: Limits, metrics: Metrics) -> Callable[[Request], Awaitable[Response]]:
    async def traces(request: Request) -> Response:
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        answer_in = JSON if media == JSON else PROTOBUF
        try:
            principal = await _principal(request)
            if media not in (PROTOBUF, JSON):
                raise Refusal(415, code_pb2.INVALID_ARGUMENT, f"Content-Type must be {PROTOBUF} or {JSON}, got "
                                                               f"{media or 'none'}")
            body = _decompress(await _body(request, limits.body_bytes), request.headers.get("content-encoding", ""),
                               limits.body_bytes)
            message = _decode_json(body) if media == JSON else _decode_protobuf(body)
            try:
                result = await ingest(principal, message)
            except Busy as exc:
                raise Refusal(503, code_pb2.UNAVAILABLE, f"{exc}; retry") from None
            except Exception:
                log.exception("OTLP export failed")
                raise Refusal(500, code_pb2.INTERNAL, f"Internal error (request id {request_id_var.get()})") from None
        except Refusal as refusal:
            metrics.otlp_requests.labels(str(refusal.status)).inc()
            return _refused(refusal, answer_in)
        metrics.otlp_requests.labels("200").inc()
        _count(metrics, result)
        return _accepted(result, answer_in)

    return traces


async def _principal(request: Request):
    key = bearer_key(request.headers.get("authorization"))
    if key is None:
        raise Refusal(401, code_pb2.UNAUTHENTICATED, "Send the API key as `Authorization: Bearer <key>`")
    principal = await authenticate(key) if key else None
    if principal is None:
        raise Refusal(401, code_pb2.UNAUTHENTICATED, INVALID_KEY)
    return principal


def _too_large(limit: int) -> Refusal:
    return Refusal(413, code_pb2.RESOURCE_EXHAUSTED, f"Request body too large; the limit is {limit} bytes, before "
                                                     "and after decompression (OTLP_MAX_BODY_BYTES)")


async def _body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _decompress(body: bytes, encoding: str, limit: int) -> bytes:
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return body
    if encoding not in ("gzip", "deflate"):
        raise Refusal(415, code_pb2.INVALID_ARGUMENT, f"Content-Encoding must be gzip, deflate or identity, got "
                                                       f"{encoding}")
    out, rest = [], body
    try:
        while rest:  # gzip bodies may hold several members
            inflater = zlib.decompressobj(31 if encoding == "gzip" else 15)
            out.append(inflater.decompress(rest, limit + 1 - sum(map(len, out))))
            if sum(map(len, out)) > limit:
                raise _too_large(limit)
            if not inflater.eof:
                raise Refusal(400, code_pb2.INVALID_ARGUMENT, f"the {encoding} body is truncated")
            rest = inflater.unused_data if encoding == "gzip" else b""
    except zlib.error as exc:
        raise Refusal(400, code_pb2.INVALID_ARGUMENT, f"the body is not valid {encoding}: {exc}") from None
    return b"".join(out)


def _decode_protobuf(body: bytes) -> ExportTraceServiceRequest:
    try:
        return ExportTraceServiceRequest.FromString(body)
    except (DecodeError, RecursionError, ValueError) as exc:
        raise Refusal(400, code_pb2.INVALID_ARGUMENT,
                      f"the body is not a protobuf ExportTraceServiceRequest: {exc or 'cannot be parsed'}") from None


def _decode_json(body: bytes) -> ExportTraceServiceRequest:
    """OTLP/JSON: the protobuf JSON mapping, except that trace and span ids are hex strings."""
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise Refusal(400, code_pb2.INVALID_ARGUMENT, f"the body is not UTF-8 JSON: {exc}") from None
    if not isinstance(document, dict):
        raise Refusal(400, code_pb2.INVALID_ARGUMENT, "the body must be a JSON object (an ExportTraceServiceRequest)")
    _hex_ids_to_base64(document)
    try:
        return json_format.ParseDict(document, ExportTraceServiceRequest(), ignore_unknown_fields=True)
    except (json_format.ParseError, RecursionError, ValueError, TypeError, UnicodeError) as exc:
        raise Refusal(400, code_pb2.INVALID_ARGUMENT,
                      f"the body is not an OTLP ExportTraceServiceRequest: {exc}") from None


def _hex_ids_to_base64(document: dict[str, Any]) -> None:
    """Rewrite the hex ids of spans and their links to the base64 that the protobuf JSON mapping reads."""
    for r, resource_spans in enumerate(_list(document, "resourceSpans", "resource_spans")):
        for s, scope_spans in enumerate(_list(resource_spans, "scopeSpans", "scope_spans")):
            for n, span in enumerate(_list(scope_spans, "spans")):
                where = f"resourceSpans[{r}].scopeSpans[{s}].spans[{n}]"
                _rewrite_ids(span, where)
                for k, link in enumerate(_list(span, "links")):
                    _rewrite_ids(link, f"{where}.links[{k}]")


def _list(parent: Any, *names: str) -> list:
    if not isinstance(parent, dict):
        return []
    for name in names:
        value = parent.get(name)
        if isinstance(value, list):
            return value
    return []


def _rewrite_ids(holder: Any, where: str) -> None:
    if not isinstance(holder, dict):
        return
    for name, size in ID_FIELDS.items():
        value = holder.get(name)
        if value is None or value == "":
            continue
        try:
            raw = bytes.fromhex(value) if isinstance(value, str) else None
        except ValueError:
            raw = None
        if raw is None or len(raw) != size:
            raise Refusal(400, code_pb2.INVALID_ARGUMENT, f"{where}.{name} must be {2 * size} hexadecimal characters",
                          f"{where}.{name}")
        holder[name] = base64.b64encode(raw).decode()


def _count(metrics: Metrics, result: Ingested) -> None:
    for outcome, n in (("recorded", result.recorded), ("already_recorded", result.already_recorded),
                       ("ignored", result.ignored), ("rejected", result.rejected)):
        if n:
            metrics.otlp_spans.labels(outcome).inc(n)


def _encode(message: Message, media: str) -> bytes:
    if media == JSON:
        return json_format.MessageToJson(message, indent=None).encode()
    return message.SerializeToString()


def _accepted(result: Ingested, media: str) -> Response:
    response = ExportTraceServiceResponse()
    text = result.message()
    if result.rejected or text:
        response.partial_success.CopyFrom(ExportTracePartialSuccess(rejected_spans=result.rejected,
                                                                    error_message=text[:4000]))
    spans = (f"recorded={result.recorded}, already-recorded={result.already_recorded}, ignored={result.ignored}, "
             f"rejected={result.rejected}")
    return Response(_encode(response, media), media_type=media, headers={"X-OmniClaude-Spans": spans})


def _refused(refusal: Refusal, media: str) -> Response:
    status = status_pb2.Status(code=refusal.code, message=refusal.message)
    if refusal.field:
        detail = AnyMessage()
        detail.Pack(error_details_pb2.BadRequest(field_violations=[
            error_details_pb2.BadRequest.FieldViolation(field=refusal.field, description=refusal.message)]))
        status.details.append(detail)
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)} if refusal.status == 503 else None
    return Response(_encode(status, media), status_code=refusal.status, media_type=media, headers=headers)
