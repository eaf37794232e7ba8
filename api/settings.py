"""Settings read from the environment and `.env`; every field is listed in the README."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS_DIR = PROJECT_ROOT / "migrations"
MODEL_MODULES = ["models", "aerich.models"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    database_url: str | None = None
    redis_url: str | None = None
    qdrant_url: str | None = None
    omniclaude_data_dir: Path = Path(".omniclaude")
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    log_level: str = "INFO"

    max_query_depth: int = Field(default=12, ge=1)
    max_query_tokens: int = Field(default=2000, ge=1)
    max_query_aliases: int = Field(default=30, ge=1)
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    max_page_size: int = Field(default=100, ge=1)
    max_query_cost: int = Field(default=10_000, ge=1)
    rate_limit_points: int = Field(default=100_000, ge=1)
    rate_limit_anonymous_points: int = Field(default=20_000, ge=1)
    rate_limit_window_seconds: int = Field(default=60, ge=1, le=86_400)
    rate_limit_prefix: str = Field(default="omniclaude:ratelimit", min_length=1, max_length=200)
    max_json_depth: int = Field(default=64, ge=2, le=500)
    otlp_max_body_bytes: int = Field(default=16 * 1024 * 1024, ge=1024)

    events_channel: str = "omniclaude:events"
    relay_poll_seconds: float = Field(default=1.0, gt=0)
    relay_batch_size: int = Field(default=500, ge=1)
    db_pool_max: int = Field(default=20, ge=1)
    reservation_sweep_seconds: float = Field(default=1.0, gt=0)
    expiry_sweep_seconds: float = Field(default=3600.0, gt=0)
    auth_cache_seconds: float = Field(default=5.0, ge=0)

    clarify_sweep_seconds: float = Field(default=1.0, gt=0)
    # None: the threshold trained with the estimator's weights (chosen on the validation split)
    clarify_estimator_threshold: float | None = Field(default=None, ge=0, le=1)
    clarify_default_model: str = Field(default="claude-haiku-4-5", min_length=1, max_length=200)
    snapshot_retention_days: float = Field(default=30.0, gt=0)
    snapshot_sweep_seconds: float = Field(default=3600.0, gt=0)
    stf_usage_refresh_seconds: float = Field(default=300.0, gt=0)
    stf_embed_retry_seconds: float = Field(default=60.0, gt=0)

    context_collection: str = Field(default="context_chunks", min_length=1, max_length=120,
                                    pattern=r"^[A-Za-z0-9_-]+$")
    context_candidates: int = Field(default=100, ge=1, le=10000)
    stf_collection: str = Field(default="stfs", min_length=1, max_length=120, pattern=r"^[A-Za-z0-9_-]+$")

    embedder: Literal["minilm", "hashing"] = "minilm"
    embedder_model_dir: Path | None = None
    reembed_batch: int = Field(default=256, ge=1, le=10000)
    reembed_seconds: float = Field(default=5.0, gt=0)

    @property
    def data_dir(self) -> Path:
        return self.omniclaude_data_dir.expanduser().resolve()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def tortoise_config(db_url: str, pool_max: int = 20) -> dict:
    """Tortoise config for one PostgreSQL URL (a TCP URL or a socket URL with `?host=/dir`)."""
    return {
        "connections": {"default": _credentials(db_url, pool_max)},
        "apps": {"models": {"models": MODEL_MODULES, "default_connection": "default"}},
        "use_tz": True,
        "timezone": "UTC",
    }


def _credentials(db_url: str, pool_max: int) -> dict:
    from urllib.parse import parse_qs, unquote, urlparse

    url = urlparse(db_url)
    if url.scheme not in {"postgres", "postgresql", "asyncpg"}:
        raise ValueError(f"DATABASE_URL: unsupported scheme {url.scheme!r}; use postgres://")
    query = parse_qs(url.query)
    host = query.get("host", [url.hostname or "127.0.0.1"])[0]
    return {
        "engine": "tortoise.backends.asyncpg",
        "credentials": {
            "host": host,
            "port": int(query.get("port", [url.port or 5432])[0]),
            "user": unquote(url.username or "postgres"),
            "password": unquote(url.password or ""),
            "database": (url.path or "/postgres").lstrip("/") or "postgres",
            "minsize": 1,
            "maxsize": pool_max,
            "reset": _keep_session,
        },
    }


async def _keep_session(connection: object) -> None:
    """asyncpg's pool runs RESET ALL, UNLISTEN and unlocks on every release: a round trip per
    query. Nothing here sets session state (locks are transaction-scoped, LISTEN has its own
    connection), so releasing only rolls back an open transaction, which asyncpg always does."""


# For the aerich CLI (`aerich migrate`), which needs a module-level config. The server itself
# builds its config from the resolved database (see api/database.py).
TORTOISE_ORM = tortoise_config(
    __import__("os").environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/omniclaude")
)
