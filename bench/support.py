"""Shared by the clarification benchmarks: the machine, a throwaway database, a server process,
and a small keep-alive HTTP/1.1 client that is not the bottleneck (httpx tops out near 250
requests/s on two cores; see STACK_NOTES)."""

from __future__ import annotations

import asyncio
import json
import os
import platform
import resource
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def machine() -> dict[str, Any]:
    model = ""
    try:
        model = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                     if line.startswith("model name"))
    except (OSError, StopIteration):
        model = platform.processor()
    return {"cpus": os.cpu_count(), "cpu_model": model, "python": platform.python_version(),
            "note": "shared 2-core machine: other engineers' test runs may have been using it at the same time"}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class BenchServer:
    """A fresh database on BENCH_DATABASE_URL's server, migrated, and `uvicorn` serving it."""

    def __init__(self) -> None:
        base = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
        self.name = f"omniclaude_bench_{uuid.uuid4().hex[:8]}"
        self.server_url = base
        self.db_url = urlunparse(urlparse(base)._replace(path=f"/{self.name}"))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    async def __aenter__(self) -> "BenchServer":
        from api.database import init_orm, migrate

        await migrate(self.db_url)
        await init_orm(self.db_url, 5)
        env = {**os.environ, "DATABASE_URL": self.db_url, "PYTHONPATH": str(ROOT), "LOG_LEVEL": "WARNING"}
        env.pop("REDIS_URL", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "api.app:app_factory", "--host", "127.0.0.1",
             "--port", str(self.port), "--log-level", "warning", "--no-access-log"], env=env, cwd=ROOT)
        for _ in range(200):
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
                writer.close()
                break
            except OSError:
                await asyncio.sleep(0.05)
        return self

    def server_cpu_seconds(self) -> float:
        stat = Path(f"/proc/{self.process.pid}/stat").read_text().split()
        return (int(stat[13]) + int(stat[14])) / os.sysconf("SC_CLK_TCK")

    async def __aexit__(self, *exc: object) -> None:
        import asyncpg

        from api.database import close_orm

        if self.process:
            self.process.terminate()
            self.process.wait(10)
        await close_orm()
        u = urlparse(self.server_url)
        conn = await asyncpg.connect(host=u.hostname, port=u.port or 5432, user=u.username or "postgres",
                                     password=u.password, database=(u.path or "/postgres").lstrip("/"))
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        finally:
            await conn.close()


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
        contributor, key = await register(f"bench-{uuid.uuid4().hex[:10]}", ContributorKind.AGENT, tags, True)
        agents.append((contributor.handle, key))
    return agents


async def requester_key() -> str:
    from models.auth import Role
    from services.auth import create_principal_with_key

    _, key = await create_principal_with_key(f"bench-requester-{uuid.uuid4().hex[:8]}", Role.AGENT)
    return key


def emit(result: dict[str, Any]) -> None:
    print(json.dumps({"machine": machine(), **result}, indent=2))


def now() -> float:
    return time.perf_counter()
