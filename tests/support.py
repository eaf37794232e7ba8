"""Test helpers: an in-process uvicorn server, a GraphQL HTTP client and a graphql-transport-ws client."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import uvicorn
import websockets
from starlette.applications import Starlette


class RunningServer:
    """A real uvicorn server for `app` on a free port, in the test's event loop."""

    def __init__(self, app: Starlette) -> None:
        self.app = app
        self._server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="on",
                                                     log_level="warning", ws="websockets-sansio"))
        self._task: asyncio.Task | None = None

    async def start(self) -> "RunningServer":
        self._server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            if self._task.done():
                self._task.result()
            await asyncio.sleep(0.01)
        return self

    @property
    def port(self) -> int:
        return self._server.servers[0].sockets[0].getsockname()[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def relay(self):
        return self.app.state.runtime.relay

    async def stop(self) -> None:
        self._server.should_exit = True
        if self._task:
            await self._task


class GraphQLClient:
    def __init__(self, base_url: str, key: str | None = None, timeout: float = 30) -> None:
        self.base_url = base_url
        self.key = key
        self.http = httpx.AsyncClient(base_url=base_url, timeout=timeout)

    def headers(self, key: str | None = None) -> dict[str, str]:
        key = key if key is not None else self.key
        return {"Authorization": f"Bearer {key}"} if key else {}

    async def post(self, query: str, variables: dict | None = None, *, key: str | None = None,
                   operation_name: str | None = None) -> httpx.Response:
        body: dict[str, Any] = {"query": query, "variables": variables or {}}
        if operation_name:
            body["operationName"] = operation_name
        return await self.http.post("/graphql", json=body, headers=self.headers(key))

    async def execute(self, query: str, variables: dict | None = None, *, key: str | None = None) -> dict:
        """The `data` of a successful response; fails the test on any GraphQL error."""
        response = await self.post(query, variables, key=key)
        body = response.json()
        assert response.status_code == 200 and not body.get("errors"), body
        return body["data"]

    def as_(self, key: str | None) -> "GraphQLClient":
        return GraphQLClient(self.base_url, key)

    async def aclose(self) -> None:
        await self.http.aclose()


class WsClosed(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(f"closed {code} {reason}")
        self.code = code
        self.reason = reason


class GraphQLWebSocket:
    """A minimal graphql-transport-ws client."""

    def __init__(self, ws: websockets.ClientConnection) -> None:
        self.ws = ws
        self._ids = 0

    @classmethod
    @contextlib.asynccontextmanager
    async def connect(cls, base_url: str, key: str | None = None) -> AsyncIterator["GraphQLWebSocket"]:
        url = base_url.replace("http://", "ws://") + "/graphql"
        async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:
            payload = {"authorization": f"Bearer {key}"} if key else {}
            await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
            try:
                ack = json.loads(await asyncio.wait_for(ws.recv(), 10))
            except websockets.ConnectionClosed as closed:
                raise WsClosed(
                    closed.rcvd.code if closed.rcvd else 0, closed.rcvd.reason if closed.rcvd else ""
                ) from None
            assert ack["type"] == "connection_ack", ack
            yield cls(ws)

    async def subscribe(self, query: str, variables: dict | None = None) -> str:
        self._ids += 1
        op_id = str(self._ids)
        await self.ws.send(json.dumps({"id": op_id, "type": "subscribe",
                                       "payload": {"query": query, "variables": variables or {}}}))
        return op_id

    async def receive(self, timeout: float = 10) -> dict:
        """The next message (`next`, `error` or `complete`), pings answered."""
        while True:
            message = json.loads(await asyncio.wait_for(self.ws.recv(), timeout))
            if message["type"] == "ping":
                await self.ws.send(json.dumps({"type": "pong"}))
                continue
            return message

    async def next_data(self, timeout: float = 10) -> dict:
        message = await self.receive(timeout)
        assert message["type"] == "next", message
        assert not message["payload"].get("errors"), message
        return message["payload"]["data"]

    async def nothing_within(self, seconds: float) -> bool:
        try:
            await self.receive(seconds)
        except asyncio.TimeoutError:
            return True
        return False
