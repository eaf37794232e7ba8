"""The outbox, the relay and the `events` subscription: live delivery, resume with `after`,
nothing for rolled-back work, two replicas on one Redis, and a Redis outage."""

from __future__ import annotations

import asyncio
import contextlib
import uuid

import pytest
from tortoise.transactions import in_transaction

from models.auth import Role
from models.outbox import OutboxEvent
from services.auth import create_principal_with_key
from subscriptions.outbox import record_event
from tests.conftest import make_key, start_server, stop_server
from tests.support import GraphQLClient, GraphQLWebSocket

EVENTS = """subscription E($after: String, $names: [String!]) {
  events(after: $after, names: $names) { cursor name payload }
}"""
CREATED = ["auth.api_key.created.v1"]
CREATE = 'mutation C($n: String!) { apiKeyCreate(input: {name: $n, role: AGENT}) { userErrors { code } } }'


async def _create(client: GraphQLClient, admin_key: str, name: str) -> None:
    payload = (await client.execute(CREATE, {"n": name}, key=admin_key))["apiKeyCreate"]
    assert payload["userErrors"] == []


async def _names(ws: GraphQLWebSocket, count: int, prefix: str) -> list[dict]:
    """The next `count` events whose principal name starts with `prefix`."""
    found = []
    while len(found) < count:
        event = (await ws.next_data())["events"]
        if event["payload"].get("name", "").startswith(prefix):
            found.append(event)
    return found


async def test_subscriber_receives_a_committed_change(server, client, admin_key):
    prefix = f"live-{uuid.uuid4().hex[:6]}"
    async with GraphQLWebSocket.connect(server.url, admin_key) as ws:
        await ws.subscribe(EVENTS, {"names": CREATED, "after": await client.events_cursor(admin_key)})
        await _create(client, admin_key, f"{prefix}-a")
        [event] = await _names(ws, 1, prefix)
    assert event["name"] == "auth.api_key.created.v1"
    assert event["payload"]["role"] == "AGENT" and event["payload"]["keyPrefix"].startswith("omk_")


async def test_reconnect_with_after_receives_exactly_what_was_missed(server, client, admin_key):
    prefix = f"resume-{uuid.uuid4().hex[:6]}"
    async with GraphQLWebSocket.connect(server.url, admin_key) as ws:
        await ws.subscribe(EVENTS, {"names": CREATED, "after": await client.events_cursor(admin_key)})
        await _create(client, admin_key, f"{prefix}-1")
        [first] = await _names(ws, 1, prefix)
    for n in (2, 3, 4):
        await _create(client, admin_key, f"{prefix}-{n}")
    async with GraphQLWebSocket.connect(server.url, admin_key) as ws:
        await ws.subscribe(EVENTS, {"names": CREATED, "after": first["cursor"]})
        missed = await _names(ws, 3, prefix)
        await _create(client, admin_key, f"{prefix}-5")
        [live] = await _names(ws, 1, prefix)
        assert await ws.nothing_within(0.5)
    assert [e["payload"]["name"] for e in missed] == [f"{prefix}-2", f"{prefix}-3", f"{prefix}-4"]
    assert live["payload"]["name"] == f"{prefix}-5"
    cursors = [first["cursor"], *[e["cursor"] for e in missed], live["cursor"]]
    assert len(set(cursors)) == 5


async def test_rolled_back_work_publishes_nothing(server, client, admin_key):
    prefix = f"rollback-{uuid.uuid4().hex[:6]}"
    async with GraphQLWebSocket.connect(server.url, admin_key) as ws:
        await ws.subscribe(EVENTS, {"after": await client.events_cursor(admin_key)})
        with pytest.raises(RuntimeError):
            async with in_transaction() as conn:
                await record_event("auth.api_key.created.v1", {"name": f"{prefix}-ghost"}, conn)
                raise RuntimeError("the unit of work fails after writing its event")
        await _create(client, admin_key, f"{prefix}-dup")
        again = await client.execute(CREATE, {"n": f"{prefix}-dup"}, key=admin_key)
        assert again["apiKeyCreate"]["userErrors"] == [{"code": "DUPLICATE"}]  # rolled back
        await _create(client, admin_key, f"{prefix}-real")
        received = await _names(ws, 2, prefix)
        assert await ws.nothing_within(0.5)
    assert [e["payload"]["name"] for e in received] == [f"{prefix}-dup", f"{prefix}-real"]
    assert not await OutboxEvent.filter(payload__contains={"name": f"{prefix}-ghost"}).exists()


async def test_bad_after_cursor_is_a_clear_error(server, admin_key):
    async with GraphQLWebSocket.connect(server.url, admin_key) as ws:
        await ws.subscribe(EVENTS, {"after": "nope"})
        message = await ws.receive()
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert "after: 'nope' is not an event cursor" in errors[0]["message"]


async def test_two_replicas_share_events_through_redis(db_url, redis_url, only_these_relays):
    channel = f"test:{uuid.uuid4().hex}"
    a = await start_server(db_url, redis_url=redis_url, events_channel=channel)
    b = await start_server(db_url, redis_url=redis_url, events_channel=channel)
    only_these_relays(a, b)
    admin_key = await make_key(Role.ADMIN)
    prefix = f"replica-{uuid.uuid4().hex[:6]}"
    client_a = GraphQLClient(a.url, admin_key)
    try:
        async with GraphQLWebSocket.connect(b.url, admin_key) as ws:
            await ws.subscribe(EVENTS, {"names": CREATED})
            await asyncio.sleep(0.2)
            await _create(client_a, admin_key, f"{prefix}-via-a")
            [event] = await _names(ws, 1, prefix)
        assert event["payload"]["name"] == f"{prefix}-via-a"
    finally:
        await client_a.aclose()
        await stop_server(a)
        await stop_server(b)


class TcpProxy:
    """A loopback TCP proxy to Redis that can be cut and restored: a Redis outage as the app sees it."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server:
            self._server.close()
            await self._server.wait_closed()
        for writer in list(self._writers):
            writer.close()
        self._writers.clear()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self._writers |= {writer, up_writer}

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(Exception):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))


async def test_events_wait_out_a_redis_outage(db_url, redis_url, only_these_relays):
    from urllib.parse import urlparse

    target = urlparse(redis_url)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 6379)
    await proxy.start()
    channel = f"test:{uuid.uuid4().hex}"
    app = await start_server(db_url, redis_url=f"redis://127.0.0.1:{proxy.port}/0", events_channel=channel)
    only_these_relays(app)
    admin_key = await make_key(Role.ADMIN)
    prefix = f"outage-{uuid.uuid4().hex[:6]}"
    try:
        async with GraphQLWebSocket.connect(app.url, admin_key) as ws:
            await ws.subscribe(EVENTS, {"names": CREATED})
            await asyncio.sleep(0.2)
            await proxy.stop()  # Redis is gone for the app
            principal, _ = await create_principal_with_key(f"{prefix}-during", Role.AGENT)
            await asyncio.sleep(1.0)
            row = await OutboxEvent.filter(payload__contains={"name": f"{prefix}-during"}).get()
            assert row.published_at is None, "published while Redis was down"
            body = (await GraphQLClient(app.url).http.get("/readyz")).json()
            assert body["components"]["bus"] == {"ok": False, "backend": "redis"}
            await proxy.start()  # Redis is back, on the same port
            [event] = await _names(ws, 1, prefix)
            assert event["payload"]["principalId"] == principal.id
            await row.refresh_from_db()
            assert row.published_at is not None
    finally:
        await stop_server(app)
        await proxy.stop()
