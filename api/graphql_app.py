"""The strawberry GraphQL app: API-key authentication on HTTP and WebSocket, and the context."""

from __future__ import annotations

from typing import Any

import orjson
from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from api import fast_lane
from api.extensions import Pipeline
from api.logs import request_id_var
from api.middleware import replaying, send_json
from api.request_body import BodyRefused, decode
from api.web import graphiql_page
from models.auth import ApiKey
from resolvers.request_context import Context
from services.auth import authenticate_key
from subscriptions.bus import Bus

INVALID_KEY = "Invalid API key: unknown, malformed or revoked"
HTTP_CODES = {400: "BAD_REQUEST", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}


def bearer_key(value: str | None) -> str | None:
    """The key of an `Authorization: Bearer <key>` value; '' when the value is not of that form."""
    if not value:
        return None
    scheme, _, key = value.strip().partition(" ")
    return key.strip() if scheme.lower() == "bearer" and key.strip() else ""


class OmniGraphQL(GraphQL):
    def __init__(self, schema: Any, bus: Bus, max_page_size: int, pipeline: Pipeline, max_json_depth: int,
                 graphql_ide: str | None = "graphiql") -> None:
        super().__init__(schema, graphql_ide=graphql_ide, subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,))
        self.bus = bus
        self.max_page_size = max_page_size
        self.pipeline = pipeline
        self.max_json_depth = max_json_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """HTTP: a key that is sent must be valid, or the whole request is refused with 401."""
        if scope["type"] == "http":
            key = bearer_key(dict(scope["headers"]).get(b"authorization", b"").decode("latin-1") or None)
            api_key = None
            if key is not None:
                api_key = await authenticate_key(key) if key else None
                if api_key is None:
                    return await send_json(send, 401, {"errors": [
                        {"message": INVALID_KEY, "extensions": {"code": "UNAUTHENTICATED"}}]})
            scope.setdefault("state", {})["api_key"] = api_key
            if fast_lane.applies(scope):
                body = await fast_lane.read_body(receive)
                receive = replaying(body, receive)
                if await fast_lane.run(self, self.pipeline, scope, receive, send, body, self.get_context):
                    return None
            try:
                response = await self.run(Request(scope=scope, receive=receive))
            except HTTPException as exc:
                response = JSONResponse({"errors": [{"message": exc.reason, "extensions": {
                    "code": HTTP_CODES.get(exc.status_code, "BAD_REQUEST")}}]}, status_code=exc.status_code)
            return await response(scope, receive, send)
        await super().__call__(scope, receive, send)

    def decode_json(self, data: str | bytes) -> object:
        """Bodies and WebSocket messages alike (see api/request_body.py)."""
        return decode(data, max_depth=self.max_json_depth)

    def encode_json(self, data: object) -> str:
        """orjson; a str, since WebSocket messages must go as text frames."""
        return orjson.dumps(data).decode()

    def parse_json(self, data: str | bytes) -> Any:
        """A request body (or the `variables` of a GET) must be a JSON object."""
        try:
            value = self.decode_json(data)
        except BodyRefused as exc:
            raise HTTPException(400, f"Unable to parse the request: {exc}") from None
        if not isinstance(value, dict):
            raise HTTPException(400, f"The request must be a JSON object such as {{\"query\": \"...\"}}, "
                                     f"got {_json_kind(value)}")
        return value

    async def render_graphql_ide(self, request: Request) -> Response:
        """GraphiQL from the files this server vendors (strawberry's page loads them from a CDN)."""
        return graphiql_page()

    async def get_context(self, request: Request | WebSocket, response: Any = None) -> Context:
        api_key: ApiKey | None = request.scope.get("state", {}).get("api_key")
        return Context(request=request, response=response, bus=self.bus, max_page_size=self.max_page_size,
                       principal=api_key.principal if api_key else None, api_key=api_key,
                       request_id=request_id_var.get())

    async def on_ws_connect(self, context: Context) -> None:
        """WebSocket: the key comes in the `connection_init` payload; a bad one closes with 4403."""
        params = context.connection_params or {}
        raw = params.get("authorization") or params.get("Authorization")
        key = bearer_key(raw) if isinstance(raw, str) else ("" if raw is not None else None)
        if key is None:
            return None
        api_key = await authenticate_key(key) if key else None
        if api_key is None:
            raise ConnectionRejectionError({"message": INVALID_KEY})
        context.principal = api_key.principal
        context.api_key = api_key
        return None


def _json_kind(value: object) -> str:
    kinds = {list: "an array", str: "a string", bool: "a boolean", int: "a number", float: "a number"}
    return "null" if value is None else kinds.get(type(value), type(value).__name__)
