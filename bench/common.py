"""Shared by the benchmarks: the machine description, a database to run on, a server subprocess,
and wrk as the load generator (it is not the bottleneck: it reports its own CPU next to the server's)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import platform
import re
import resource
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CLK_TCK = os.sysconf("SC_CLK_TCK")


BENCH_SERVER = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
# Benchmarks measure throughput, not the query-cost rate limiter refusing it: the limiter still runs
# and counts every request, against budgets no run can spend.
UNLIMITED = {"RATE_LIMIT_POINTS": str(10**12), "RATE_LIMIT_ANONYMOUS_POINTS": str(10**12)}


def machine() -> dict:
    model = ""
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem_kb = int(next(line for line in open("/proc/meminfo") if line.startswith("MemTotal")).split()[1])
    return {"cpus": os.cpu_count(), "cpu_model": model, "memory_gib": round(mem_kb / 1024 / 1024, 1),
            "python": platform.python_version(), "platform": platform.platform(),
            "load_average_at_start": os.getloadavg(),
            "note": "a shared 2-core machine: other work may have run at the same time"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def with_database(server_url: str, name: str) -> str:
    return urlunparse(urlparse(server_url)._replace(path=f"/{name}"))


async def fresh_database(prefix: str) -> str:
    """A new database on BENCH_DATABASE_URL's server (default the local one), every migration applied."""
    from api.database import migrate

    url = with_database(BENCH_SERVER, f"{prefix}_{uuid.uuid4().hex[:8]}")
    await migrate(url)
    return url


async def drop_database(url: str) -> None:
    conn = await asyncpg.connect(BENCH_SERVER)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{urlparse(url).path.lstrip("/")}" WITH (FORCE)')
    finally:
        await conn.close()


@contextlib.asynccontextmanager
async def funded_economy(db_url: str, funds: int) -> AsyncIterator[None]:
    """Migrate `db_url` and open the ORM, with the reward policy's starter grant and daily earning
    cap raised to `funds` by a new ADMIN, so every contributor registered inside can pay."""
    from api.database import close_orm, init_orm, migrate
    from models.auth import Role
    from services.auth import create_principal_with_key
    from services.economy import policy

    await migrate(db_url)
    await init_orm(db_url, 4)
    try:
        admin, _ = await create_principal_with_key(f"bench-{uuid.uuid4().hex[:8]}", Role.ADMIN)
        await policy.update_policy({"starter_grant": funds, "daily_earning_cap": funds}, "benchmark funds", admin)
        yield
    finally:
        await close_orm()


async def priced_database(prefix: str) -> tuple[str, int, int, str]:
    """A fresh database with the default price catalog and an ADMIN: (url, prices seeded, its id, its key)."""
    from api.database import close_orm, init_orm
    from models.auth import Role
    from services.auth import create_principal_with_key
    from services.pricing.litellm import seed_default_catalog

    db_url = await fresh_database(prefix)
    await init_orm(db_url, 2)
    try:
        seeded = (await seed_default_catalog()).imported
        admin, key = await create_principal_with_key("bench-admin", Role.ADMIN)
    finally:
        await close_orm()
    return db_url, seeded, admin.id, key


class AppServer:
    """One uvicorn process (and its workers) serving the app on `db_url`."""

    def __init__(self, db_url: str, workers: int = 1, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "api.app:app_factory", "--host", "127.0.0.1",
             "--port", str(self.port), "--log-level", "warning", "--no-access-log", "--workers", str(workers)],
            cwd=ROOT, env=os.environ | UNLIMITED | {"DATABASE_URL": db_url, "PYTHONPATH": str(ROOT),
                                                    "LOG_LEVEL": "WARNING"} | env)

    async def ready(self) -> "AppServer":
        deadline = time.monotonic() + 60
        async with httpx.AsyncClient() as client:
            while time.monotonic() < deadline:
                try:
                    if (await client.get(f"{self.url}/readyz", timeout=1)).status_code == 200:
                        return self
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.2)
        raise RuntimeError("the server did not start")

    def cpu(self) -> float:
        """The server's processes (uvicorn's workers are children of the first)."""
        import psutil

        parent = psutil.Process(self.process.pid)
        return sum(sum(p.cpu_times()[:2]) for p in [parent, *parent.children(recursive=True)])

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)


class ModuleServer:
    """`python -m <module>` serving on a free port, its environment given (a server script that
    adds routes of its own, such as bench/http_server.py)."""

    def __init__(self, module: str, env: dict[str, str], start_timeout: float = 60) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen([sys.executable, "-m", module], cwd=ROOT,
                                        env=os.environ | UNLIMITED | env
                                        | {"PORT": str(self.port), "LOG_LEVEL": "WARNING"})
        deadline = time.monotonic() + start_timeout
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.2)
        raise RuntimeError(f"{module} did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)


WRK_SCRIPT = """
wrk.method = "POST"
wrk.body = {body}
wrk.headers["Content-Type"] = "application/json"
{headers}
"""


def wrk(url: str, body: dict | None = None, *, connections: int = 50, seconds: int = 10, threads: int = 2,
        headers: dict[str, str] | None = None, server_pid: int | None = None, lua: str | None = None) -> dict:
    """Requests/s and latency percentiles of POSTing `body` to `url`, with client and server CPU.
    `lua` replaces the fixed body with a script of its own (a `request()` making each body)."""
    lines = "\n".join(f'wrk.headers["{k}"] = {json.dumps(v)}' for k, v in (headers or {}).items())
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua if lua is not None else WRK_SCRIPT.format(body=json.dumps(json.dumps(body)), headers=lines))
    server_before = cpu_seconds(server_pid) if server_pid else 0.0
    started = time.monotonic()
    client = subprocess.Popen(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency",
                               "-s", script.name, url], stdout=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(client.pid, 0)
    out = client.stdout.read() if client.stdout else ""
    wall = time.monotonic() - started
    os.unlink(script.name)
    result = {"requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
              "latency_ms": {p: _ms(re.search(rf"\s{p}%\s+([\d.]+\w+)", out).group(1)) for p in ("50", "99")},
              "non_2xx": int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0,
              "errors": (m.group(0) if (m := re.search(r"Socket errors:.*", out)) else None),
              "client_cpu_percent": round(100 * (usage.ru_utime + usage.ru_stime) / wall, 1)}
    if server_pid:
        result["server_cpu_percent"] = round(100 * (cpu_seconds(server_pid) - server_before) / wall, 1)
    result["latency_ms"] = {"p50": result["latency_ms"]["50"], "p99": result["latency_ms"]["99"]}
    return result


# The start of a wrk script whose `request()` numbers its requests: `tid` is the thread, `counter` its count.
WRK_NUMBERED_LUA = """
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
function init(args)
  counter = 0
end
"""


async def raw_clients(dsn: str, *, pool_size: int, clients: int, seconds: float,
                      work: Callable[[asyncpg.Connection, int, int], Awaitable[None]]) -> dict:
    """`clients` asyncio loops over a pool of `pool_size` asyncpg connections, each calling
    `work(connection, client number, request number)` until `seconds` pass: the raw floor under an API.
    Returns requests/s and latency percentiles (acquiring a connection included)."""
    pool = await asyncpg.create_pool(dsn, min_size=pool_size, max_size=pool_size)
    done = 0
    latencies: list[float] = []
    stop = time.monotonic() + seconds

    async def client(number: int) -> None:
        nonlocal done
        n = number
        while time.monotonic() < stop:
            n += clients
            started = time.perf_counter()
            async with pool.acquire() as conn:
                await work(conn, number, n)
            latencies.append(time.perf_counter() - started)
            done += 1

    started = time.monotonic()
    await asyncio.gather(*(client(i) for i in range(clients)))
    wall = time.monotonic() - started
    await pool.close()
    latencies.sort()
    return {"per_s": round(done / wall, 1),
            "latency_ms": {"p50": round(1000 * latencies[len(latencies) // 2], 3),
                           "p99": round(1000 * latencies[int(len(latencies) * 0.99)], 3)}}


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return round(float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit], 3)


def emit(result: dict) -> None:
    """Print the result as JSON, with the machine it ran on."""
    print(json.dumps(result if "machine" in result else {"machine": machine(), **result}, indent=2, default=str))
