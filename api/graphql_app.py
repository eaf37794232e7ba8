"""The strawberry GraphQL app: API-key authentication on HTTP and WebSocket, and the context."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from api.logs import request_id_var
from api.middleware import send_json
from models.auth import Principal
from resolvers.request_context import Context
from services.auth import authenticate
from subscriptions.bus import Bus

INVALID_KEY = "Invalid API key: unknown, malformed or revoked"


def bearer_key(value: str | None) -> str | None:
    """The key of an `Authorization: Bearer <key>` value; '' when the value is not of that form."""
    if not value:
        return None
    scheme, _, key = value.strip().partition(" ")
    return key.strip() if scheme.lower() == "bearer" and key.strip() else ""


class OmniGraphQL(GraphQL):
    def __init__(self, schema: Any, bus: Bus, max_page_size: int, graphql_ide: str | None = "graphiql") -> None:
        super().__init__(schema, graphql_ide=graphql_ide, subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,))
        self.bus = bus
        self.max_page_size = max_page_size

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """HTTP: a key that is sent must be valid, or the whole request is refused with 401."""
        if scope["type"] == "http":
            key = bearer_key(dict(scope["headers"]).get(b"authorization", b"").decode("latin-1") or None)
            principal = None
            if key is not None:
                principal = await authenticate(key) if key else None
                if principal is None:
                    return await send_json(send, 401, {"errors": [
                        {"message": INVALID_KEY, "extensions": {"code": "UNAUTHENTICATED"}}]})
            scope.setdefault("state", {})["principal"] = principal
        await super().__call__(scope, receive, send)

    async def get_context(self, request: Request | WebSocket, response: Any = None) -> Context:
        principal: Principal | None = request.scope.get("state", {}).get("principal")
        return Context(request=request, response=response, bus=self.bus, max_page_size=self.max_page_size,
                       principal=principal, request_id=request_id_var.get())

    async def on_ws_connect(self, context: Context) -> None:
        """WebSocket: the key comes in the `connection_init` payload; a bad one closes with 4403."""
        params = context.connection_params or {}
        raw = params.get("authorization") or params.get("Authorization")
        key = bearer_key(raw) if isinstance(raw, str) else ("" if raw is not None else None)
        if key is None:
            return None
        principal = await authenticate(key) if key else None
        if principal is None:
            raise ConnectionRejectionError({"message": INVALID_KEY})
        context.principal = principal
        return None
