"""`omniclaude serve` as a child process on a database of its own: for tests that must read the
server's log, or kill the process (SIGKILL) and start it again on the same data."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import asyncpg
import httpx

from api.settings import tortoise_config

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_beside(url: str, name: str) -> str:
    """The URL of database `name` on the server of `url`."""
    return urlunparse(urlparse(url)._replace(path=f"/{name}"))


async def connect(url: str, database: str | None = None) -> asyncpg.Connection:
    """A plain asyncpg connection to the server of `url`: to `database`, or to the database of `url`."""
    creds = tortoise_config(url)["connections"]["default"]["credentials"]
    return await asyncpg.connect(host=creds["host"], port=creds["port"], user=creds["user"],
                                 password=creds["password"] or None, database=database or creds["database"])


async def create_database(beside_url: str, prefix: str) -> str:
    """A new empty database on the server of `beside_url` (`omniclaude serve` migrates it)."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    conn = await connect(beside_url, "postgres")
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return database_beside(beside_url, name)


async def drop_database(url: str) -> None:
    conn = await connect(url, "postgres")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{urlparse(url).path.lstrip("/")}" WITH (FORCE)')
    finally:
        await conn.close()


class ServerProcess:
    """One `omniclaude serve` child. Its stderr (JSON log lines) goes to `log_path`, kept across restarts."""

    def __init__(self, db_url: str, data_dir: Path, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = data_dir / "server.log"
        data_dir.mkdir(parents=True, exist_ok=True)
        inherited = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "QDRANT_URL"}}
        self.env = inherited | {"DATABASE_URL": db_url, "OMNICLAUDE_DATA_DIR": str(data_dir),
                                "PORT": str(self.port), "LOG_LEVEL": "INFO", "DB_POOL_MAX": "5"} | env
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 120) -> "ServerProcess":
        with open(self.log_path, "a") as log:
            self.process = subprocess.Popen([BIN / "omniclaude", "serve"], env=self.env, stdout=log, stderr=log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"server exited with {self.process.returncode}:\n{self.log_path.read_text()}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"server not ready within {timeout} s:\n{self.log_path.read_text()}")

    def create_key(self, role: str, name: str) -> str:
        """A principal and its API key, made with the CLI on this server's database."""
        made = subprocess.run([BIN / "omniclaude", "create-key", "--role", role, "--name", name], env=self.env,
                              capture_output=True, text=True, timeout=120)
        assert made.returncode == 0, made.stderr
        return made.stdout.strip()

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as in a power cut or the OOM killer."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def log_lines(self) -> list[dict]:
        lines = []
        for raw in self.log_path.read_text(errors="replace").splitlines():
            try:
                line = json.loads(raw)
            except ValueError:
                line = {"raw": raw}
            lines.append(line if isinstance(line, dict) else {"raw": raw})
        return lines

    def faults(self) -> list[dict]:
        """Log lines that report a server fault: an error, a traceback, or output that is not a JSON log line
        (a traceback printed by something outside the logging setup)."""
        return [line for line in self.log_lines()
                if line.get("level") in {"ERROR", "CRITICAL"} or "exc" in line
                or ("raw" in line and "Traceback" in line["raw"])]
