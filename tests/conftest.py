"""Fixtures: a fresh PostgreSQL database with every migration applied (TEST_DATABASE_URL, or an
embedded server when unset), Redis at REDIS_URL (tests that need it are skipped when unset), and
a real uvicorn server on the in-process bus."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Callable

import asyncpg
import pytest

from api.app import create_app
from api.database import close_orm, init_orm, migrate
from api.settings import Settings
from models.auth import Role
from services.auth import create_principal_with_key
from tests.server_process import connect, database_beside
from tests.support import GraphQLClient, RunningServer

RUNNING: list[RunningServer] = []


def _server_url() -> str:
    if url := os.environ.get("TEST_DATABASE_URL"):
        return url
    from api.database import start_embedded_postgres

    data_dir = tempfile.mkdtemp(prefix="omniclaude-test-")
    return start_embedded_postgres(__import__("pathlib").Path(data_dir)).replace("/omniclaude?", "/postgres?")


def _with_database(url: str, name: str) -> str:
    return database_beside(url, name)


async def _admin_connection(url: str) -> asyncpg.Connection:
    return await connect(url, "postgres")


@pytest.fixture(scope="session")
async def db_url() -> AsyncIterator[str]:
    server_url = _server_url()
    name = f"omniclaude_test_{uuid.uuid4().hex[:10]}"
    url = _with_database(server_url, name)
    await migrate(url)  # creates the database, then applies every migration
    await init_orm(url, pool_max=20)
    yield url
    await close_orm()
    conn = await _admin_connection(server_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def redis_url() -> str:
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL is not set: this test needs a real Redis (.ci/run sets it)")
    return url


TEST_DATA_DIR = tempfile.mkdtemp(prefix="omniclaude-test-data-")


def settings_for_test(**overrides) -> Settings:
    base = {"redis_url": None, "database_url": None, "qdrant_url": None, "relay_poll_seconds": 0.2,
            "omniclaude_data_dir": TEST_DATA_DIR}
    return Settings(_env_file=None, **(base | overrides))


async def start_server(db_url: str, **overrides) -> RunningServer:
    server = await RunningServer(create_app(settings_for_test(**overrides), db_url=db_url, manage_db=False)).start()
    RUNNING.append(server)
    return server


async def stop_server(server: RunningServer) -> None:
    await server.stop()
    RUNNING.remove(server)


@pytest.fixture(scope="session")
async def server(db_url: str) -> AsyncIterator[RunningServer]:
    running = await start_server(db_url)
    yield running
    await stop_server(running)


@pytest.fixture
def only_these_relays() -> Callable[..., None]:
    """Every app in this process shares one outbox; a test that watches particular relays pauses
    the others for its duration."""
    paused: list[RunningServer] = []

    def pause_others(*keep: RunningServer) -> None:
        for other in RUNNING:
            if other not in keep and not other.relay.paused:
                other.relay.paused = True
                paused.append(other)

    yield pause_others
    for other in paused:
        other.relay.paused = False


@pytest.fixture
async def client(server: RunningServer) -> AsyncIterator[GraphQLClient]:
    gql = GraphQLClient(server.url)
    yield gql
    await gql.aclose()


async def make_key(role: Role, name: str | None = None) -> str:
    _, key = await create_principal_with_key(name or f"{role.value.lower()}-{uuid.uuid4().hex[:8]}", role)
    return key


@pytest.fixture
async def admin_key(db_url: str) -> str:
    return await make_key(Role.ADMIN)


@pytest.fixture
async def agent_key(db_url: str) -> str:
    return await make_key(Role.AGENT)
