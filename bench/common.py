"""Shared by the benchmarks: the machine description, a database to run on, a server subprocess,
and wrk as the load generator (it is not the bottleneck: it reports its own CPU next to the server's)."""

from __future__ import annotations

import json
import os
import platform
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
CLK_TCK = os.sysconf("SC_CLK_TCK")


def machine() -> dict:
    model = ""
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem_kb = int(next(l for l in open("/proc/meminfo") if l.startswith("MemTotal")).split()[1])
    return {"cpus": os.cpu_count(), "cpu_model": model, "memory_gib": round(mem_kb / 1024 / 1024, 1),
            "python": platform.python_version(), "platform": platform.platform(),
            "load_average_at_start": os.getloadavg()}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    """DATABASE_URL when set; otherwise an embedded PostgreSQL in a temporary directory."""
    if url := os.environ.get("DATABASE_URL"):
        return url
    sys.path.insert(0, str(ROOT))
    from api.database import start_embedded_postgres

    return start_embedded_postgres(Path(tempfile.mkdtemp(prefix="omniclaude-bench-")))


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


class Server:
    """`python -m <module>` serving on a free port, its environment given."""

    def __init__(self, module: str, env: dict[str, str], start_timeout: float = 60) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen([sys.executable, "-m", module], cwd=ROOT,
                                        env=os.environ | env | {"PORT": str(self.port), "LOG_LEVEL": "WARNING"})
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


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return round(float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit], 3)


def emit(result: dict) -> None:
    print(json.dumps(result, indent=2))
