"""`omniclaude serve` as a user runs it: embedded PostgreSQL, stop, restart, data kept."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def embedded_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "QDRANT_URL"}}
    return env | {"OMNICLAUDE_DATA_DIR": str(tmp_path / "data"), "PORT": str(_free_port()), "LOG_LEVEL": "WARNING"}


def _start(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([BIN / "omniclaude", "serve"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def _wait_ready(env: dict[str, str], process: subprocess.Popen) -> str:
    url = f"http://127.0.0.1:{env['PORT']}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return url
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError("server did not become ready")


def _query(url: str, key: str, query: str) -> dict:
    response = httpx.post(
        f"{url}/graphql", json={"query": query}, headers={"Authorization": f"Bearer {key}"}, timeout=10
    )
    assert response.status_code == 200 and "errors" not in response.json(), response.text
    return response.json()["data"]


def _stop(process: subprocess.Popen) -> str:
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    return stderr


def test_serve_on_embedded_defaults_keeps_data_across_restarts(embedded_env):
    made = subprocess.run([BIN / "omniclaude", "create-key", "--role", "ADMIN", "--name", "first-admin"],
                          env=embedded_env, capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    key = made.stdout.strip()
    assert key.startswith("omk_")

    first = _start(embedded_env)
    url = _wait_ready(embedded_env, first)
    assert _query(url, key, "{ viewer { name role } }") == {"viewer": {"name": "first-admin", "role": "ADMIN"}}
    created = _query(url, key, 'mutation { apiKeyCreate(input: {name: "second", role: AGENT}) { apiKey } }')
    second_key = created["apiKeyCreate"]["apiKey"]

    duplicate = subprocess.run([BIN / "omniclaude", "serve"], env=embedded_env | {"PORT": str(_free_port())},
                               capture_output=True, text=True, timeout=60)
    assert duplicate.returncode == 1
    assert f"already running (pid {first.pid})" in duplicate.stderr

    said = _stop(first)
    assert "stopped" in said
    assert "PostgreSQL: embedded, data in" in said and "serving GraphQL on http://" in said
    lines = [json.loads(line) for line in said.splitlines() if line.startswith("{")]
    chatter = [line for line in lines if line["level"] in ("DEBUG", "INFO") and not line["logger"].startswith("api.")]
    assert chatter == []  # other libraries only warn unless LOG_LEVEL=DEBUG
    pgdata = Path(embedded_env["OMNICLAUDE_DATA_DIR"]) / "pgdata"
    assert not (pgdata / "postmaster.pid").exists(), "embedded PostgreSQL still running after Ctrl-C"

    again = _start(embedded_env)
    try:
        url = _wait_ready(embedded_env, again)
        assert _query(url, second_key, "{ viewer { name } }") == {"viewer": {"name": "second"}}
        total = _query(url, key, "{ principals { totalCount } }")["principals"]["totalCount"]
        assert total == 2
    finally:
        _stop(again)
