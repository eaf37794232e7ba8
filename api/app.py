"""The app factory: Starlette with the GraphQL endpoint (HTTP and WebSocket), health and metrics."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route, WebSocketRoute
from tortoise import connections

from api.database import close_orm, init_orm, resolve_database_url
from api.extensions import Pipeline, operation_extension
from api.gc_tuning import tune_collector
from api.graphql_app import OmniGraphQL
from api.jobs import BackgroundJobs, replica_jobs
from api.metrics import Metrics
from api.middleware import BodySizeLimitMiddleware, RequestIdMiddleware
from api.otlp import Limits, traces_endpoint
from api.schema import build_schema
from api.settings import Settings, get_settings, tortoise_config
from api.web import web_routes
from services.auth import key_cache
from services.clarification import tickets as clarification_tickets
from services.context_market import market as context_market
from services.context_market.market import open_market
from services.rate_limits import Limiter, make_limiter
from services.search import collections
from services.search.embedding import configure as configure_embedder
from services.search.vectors import close_store, get_store, open_store
from services.stf import similar as stf_index
from subscriptions.bus import Bus, make_bus
from subscriptions.outbox import outbox_lag
from subscriptions.relay import Relay

log = logging.getLogger(__name__)

OTLP_TRACES = "/v1/traces"


@dataclass
class Runtime:
    """What the lifespan opens and closes; reachable as `app.state.runtime`."""

    settings: Settings
    bus: Bus
    limiter: Limiter
    relay: Relay | None = None
    jobs: BackgroundJobs | None = None


def _listen_dsn(db_url: str) -> dict:
    creds = tortoise_config(db_url)["connections"]["default"]["credentials"]
    return {k: creds[k] for k in ("host", "port", "user", "database")} | {"password": creds["password"] or None}


def create_app(settings: Settings | None = None, *, db_url: str | None = None, manage_db: bool = True) -> Starlette:
    """`manage_db=False` leaves Tortoise to the caller (tests that run several apps in one process)."""
    settings = settings or get_settings()
    key_cache.ttl = settings.auth_cache_seconds
    metrics = Metrics()
    runtime = Runtime(settings=settings, bus=make_bus(settings.redis_url, settings.events_channel),
                      limiter=make_limiter(settings.redis_url, settings.rate_limit_prefix,
                                           settings.rate_limit_window_seconds))
    pipeline = Pipeline(settings, metrics, runtime.limiter)
    schema = build_schema([operation_extension(pipeline)])
    graphql = OmniGraphQL(schema, bus=runtime.bus, max_page_size=settings.max_page_size, pipeline=pipeline,
                          max_json_depth=settings.max_json_depth)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        url = db_url or resolve_database_url(settings)
        if manage_db:
            await init_orm(url, settings.db_pool_max)
        await open_store(settings.qdrant_url, settings.data_dir)
        embedder = await asyncio.to_thread(configure_embedder, settings.embedder, settings.data_dir,
                                           settings.embedder_model_dir)
        await collections.open_collections(search_bases(settings), period_seconds=settings.reembed_seconds)
        await open_market(settings.context_candidates)
        clarification_tickets.configure(default_model=settings.clarify_default_model,
                                        estimator_threshold=settings.clarify_estimator_threshold)
        await runtime.bus.start()
        runtime.relay = Relay(runtime.bus, _listen_dsn(url), settings.relay_poll_seconds, settings.relay_batch_size)
        await runtime.relay.start()
        runtime.jobs = BackgroundJobs(replica_jobs(settings))
        runtime.jobs.start()
        tune_collector()
        log.info("ready", extra={"bus": runtime.bus.name, "qdrant": get_store().where, "embedder": embedder.name})
        try:
            yield
        finally:
            await runtime.jobs.close()
            await runtime.relay.close()
            await runtime.bus.close()
            await runtime.limiter.close()
            await close_store()
            if manage_db:
                await close_orm()

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        store = get_store()
        components = {"database": {"ok": await _database_ok()},
                      "bus": {"ok": await runtime.bus.ping(), "backend": runtime.bus.name},
                      "vectors": {"ok": await store.ping(), "backend": store.where,
                                  "collections": collections.status_json()}}
        ready = all(c["ok"] for c in components.values())
        return JSONResponse({"status": "ok" if ready else "unavailable", "components": components},
                            status_code=200 if ready else 503)

    async def metrics_route(request: Request) -> Response:
        body = await metrics.render(runtime.bus.fanout.listeners, outbox_lag)
        return Response(body, media_type="text/plain; version=0.0.4")

    app = Starlette(
        routes=[
            Route("/", lambda request: RedirectResponse("/graphql")),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics_route),
            Route(OTLP_TRACES, traces_endpoint(Limits(settings.otlp_max_body_bytes), metrics), methods=["POST"]),
            *web_routes(),
        ],
        lifespan=lifespan,
    )
    app.add_middleware(BodySizeLimitMiddleware, limit=settings.max_body_bytes, exempt=frozenset({OTLP_TRACES}))
    app.add_middleware(RequestIdMiddleware)
    app.state.runtime = runtime
    app.state.metrics = metrics
    return app


def search_bases(settings: Settings) -> dict[str, str]:
    """Each kind of vectors and the base name of its collections."""
    return {context_market.KIND: settings.context_collection, stf_index.KIND: settings.stf_collection}


async def _database_ok() -> bool:
    try:
        await connections.get("default").execute_query("SELECT 1")
        return True
    except Exception:
        return False


def app_factory() -> Starlette:
    """For `uvicorn --factory api.app:app_factory` (and worker processes of `omniclaude serve`)."""
    return create_app()
