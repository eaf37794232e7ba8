"""The hand-written SQL of the debug loop II migrations downgrades and upgrades again, on a scratch
database through the aerich CLI (the session's own database is never touched)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import asyncpg

from tests.conftest import _admin_connection, _server_url, _with_database

ROOT = Path(__file__).resolve().parent.parent
AERICH = [sys.executable, "-c", "from aerich.cli import main; main()"]


def aerich(url: str, *args: str) -> str:
    done = subprocess.run([*AERICH, *args], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env=os.environ | {"DATABASE_URL": url, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


async def _objects(url: str) -> dict[str, bool]:
    conn = await asyncpg.connect(url)
    try:
        return {name: await conn.fetchval("SELECT to_regclass($1) IS NOT NULL", name)
                for name in ("stf_usage", "stf_usage_stf", "stf_usage_refreshes", "fix_stats_ranking", "snapshots")}
    finally:
        await conn.close()


async def test_debug_migrations_downgrade_and_upgrade(db_url):
    server = _server_url()
    name = f"omniclaude_scratch_{uuid.uuid4().hex[:8]}"
    url = _with_database(server, name)
    admin = await _admin_connection(server)
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        aerich(url, "upgrade")
        assert all((await _objects(url)).values())
        assert "41_" in aerich(url, "downgrade", "--version", "41", "--yes")  # it and later: view, indexes, checks
        after_sql = await _objects(url)
        assert after_sql == {"stf_usage": False, "stf_usage_stf": False, "stf_usage_refreshes": False,
                             "fix_stats_ranking": False, "snapshots": True}
        assert "40_" in aerich(url, "downgrade", "--version", "40", "--yes")  # the tables
        assert not any((await _objects(url)).values())
        aerich(url, "upgrade")
        assert all((await _objects(url)).values())
        conn = await asyncpg.connect(url)
        try:
            await conn.execute('REFRESH MATERIALIZED VIEW CONCURRENTLY "stf_usage"')
        finally:
            await conn.close()
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
