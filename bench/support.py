"""Shared by the clarification benchmarks: the machine, a throwaway database, a server process,
and a small keep-alive HTTP/1.1 client that is not the bottleneck (httpx tops out near 250
requests/s on two cores; see STACK_NOTES)."""

from __future__ import annotations

import asyncio
import json
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import AppServer, drop_database, emit, fresh_database, machine, own_cpu, percentile  # noqa: E402,F401


class BenchServer:
    """A fresh database on BENCH_DATABASE_URL's server, migrated, and `uvicorn` serving it (no Redis)."""

    def __init__(self) -> None:
        self.db_url = ""
        self.server: AppServer | None = None

    @property
    def url(self) -> str:
        assert self.server
        return self.server.url

    @property
    def port(self) -> int:
        assert self.server
        return self.server.port

    async def __aenter__(self) -> "BenchServer":
        from api.database import init_orm

        self.db_url = await fresh_database("omniclaude_bench_clarify")
        await init_orm(self.db_url, 5)
        self.server = await AppServer(self.db_url, REDIS_URL="").ready()
        return self

    def server_cpu_seconds(self) -> float:
        assert self.server
        return self.server.cpu()

    async def __aexit__(self, *exc: object) -> None:
        from api.database import close_orm

        if self.server:
            self.server.stop()
        await close_orm()
        await drop_database(self.db_url)


class Connection:
    """One keep-alive HTTP/1.1 connection posting GraphQL."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, query: str, variables: dict[str, Any], key: str) -> dict[str, Any]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        body = json.dumps({"query": query, "variables": variables}).encode()
        self.writer.write(b"POST /graphql HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
                          b"Authorization: Bearer " + key.encode() + b"\r\nContent-Length: "
                          + str(len(body)).encode() + b"\r\n\r\n" + body)
        head = await self.reader.readuntil(b"\r\n\r\n")
        length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:"))
        return json.loads(await self.reader.readexactly(length))

    def close(self) -> None:
        if self.writer:
            self.writer.close()


class Pool:
    def __init__(self, port: int, size: int) -> None:
        self.queue: asyncio.Queue[Connection] = asyncio.Queue()
        for _ in range(size):
            self.queue.put_nowait(Connection(port))

    async def post(self, query: str, variables: dict[str, Any], key: str) -> dict[str, Any]:
        conn = await self.queue.get()
        try:
            return await conn.post(query, variables, key)
        finally:
            self.queue.put_nowait(conn)

    def close(self) -> None:
        while not self.queue.empty():
            self.queue.get_nowait().close()


async def make_agents(n: int, tags: list[str]) -> list[tuple[str, str]]:
    from models.contributors import ContributorKind
    from services.contributors import register

    agents = []
    for i in range(n):
        contributor, key = await register(f"bench-{uuid.uuid4().hex[:10]}", ContributorKind.AGENT, tags, issue_key=True)
        agents.append((contributor.handle, key))
    return agents


async def requester_key() -> str:
    from models.auth import Role
    from services.auth import create_principal_with_key

    _, key = await create_principal_with_key(f"bench-requester-{uuid.uuid4().hex[:8]}", Role.AGENT)
    return key


def now() -> float:
    return time.perf_counter()
