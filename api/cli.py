"""`omniclaude`: serve, migrate, create-key, prices import, export-schema, clarify, simulate."""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import os
import signal
import socket
import sys
import warnings
from pathlib import Path
from typing import IO

from api.settings import Settings, get_settings


def _fail(message: str, code: int = 1) -> int:
    print(f"omniclaude: {message}", file=sys.stderr)
    return code


def _take_serve_lock(data_dir: Path) -> IO[str] | None:
    """One `serve` per data directory: the lock file holds the pid of the one that runs."""
    data_dir.mkdir(parents=True, exist_ok=True)
    handle = open(data_dir / "serve.lock", "a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        return None
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    return handle


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
            return True
        except OSError:
            return False


def _say(message: str) -> None:
    print(f"omniclaude: {message}", file=sys.stderr)


def _safe_url(url: str) -> str:
    """A URL without its password, for people to read."""
    from urllib.parse import urlparse

    parsed = urlparse(url)
    if parsed.password:
        parsed = parsed._replace(netloc=parsed.netloc.replace(f":{parsed.password}@", ":***@"))
    return parsed.geturl()


def _database_where(settings: Settings) -> str:
    if settings.database_url:
        return _safe_url(settings.database_url)
    return f"embedded, data in {settings.data_dir / 'pgdata'}"


def serve(settings: Settings, host: str, port: int, workers: int) -> int:
    import uvicorn

    from api.database import migrate, resolve_database_url
    from api.logs import configure_logging, log_config

    configure_logging(settings.log_level)
    if workers > 1 and not settings.qdrant_url:
        return _fail("--workers > 1 needs a Qdrant server (QDRANT_URL): local mode lets one process open its data")
    lock = _take_serve_lock(settings.data_dir)
    if lock is None:
        pid = (settings.data_dir / "serve.lock").read_text().strip() or "?"
        return _fail(f"already running (pid {pid}) with data in {settings.data_dir}; stop it first, "
                     "or give this one another OMNICLAUDE_DATA_DIR and PORT")
    if not _port_free(host, port):
        return _fail(f"{host}:{port} is already in use; is another server running? Set PORT or --port")
    with warnings.catch_warnings():  # the embedded PostgreSQL asks for XDG_RUNTIME_DIR, which servers rarely set
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
        db_url = resolve_database_url(settings)
    os.environ["DATABASE_URL"] = db_url  # worker processes join this database instead of starting one
    _say(f"PostgreSQL: {_database_where(settings)}")
    applied = asyncio.run(migrate(db_url))
    if applied:
        _say(f"applied {len(applied)} migration{'s' if len(applied) > 1 else ''} (up to {applied[-1]})")
    seeded = asyncio.run(_with_orm(db_url, _seed_prices))
    if seeded:
        _say(f"seeded the price catalog with {seeded} default prices")
    _say("events: " + (f"Redis at {_safe_url(settings.redis_url)}" if settings.redis_url else "in-process bus"))
    _say("vectors: " + (f"Qdrant at {_safe_url(settings.qdrant_url)}" if settings.qdrant_url
                        else f"Qdrant local mode in {settings.data_dir / 'qdrant'}"))
    _say(f"serving GraphQL on http://{host}:{port}/graphql (Ctrl-C stops; LOG_LEVEL=DEBUG shows every library's logs)")
    if workers > 1:
        uvicorn.run("api.app:app_factory", factory=True, host=host, port=port, workers=workers,
                    log_config=log_config(settings.log_level), access_log=False)
    else:
        from api.app import create_app

        uvicorn.run(create_app(settings, db_url=db_url), host=host, port=port,
                    log_config=log_config(settings.log_level), access_log=False)
    _say("stopped")
    lock.close()
    return 0


async def _with_orm(db_url: str, work):  # noqa: ANN001, ANN202
    from api.database import close_orm, init_orm

    await init_orm(db_url, 2)
    try:
        return await work()
    finally:
        await close_orm()


async def _seed_prices() -> int:
    """The default catalog, for provider+model pairs the catalog does not have yet (idempotent)."""
    from services.pricing.litellm import seed_default_catalog

    return (await seed_default_catalog()).imported


def import_prices(settings: Settings, path: str, source: str | None, effective_from: str | None) -> int:
    import json
    from datetime import datetime

    from api.database import migrate, resolve_database_url
    from services.errors import DomainError
    from services.pricing.litellm import import_catalog

    try:
        catalog = json.loads(Path(path).read_text())
        at = datetime.fromisoformat(effective_from) if effective_from else None
    except (OSError, ValueError) as exc:
        return _fail(f"prices import: {exc}")
    db_url = resolve_database_url(settings)
    asyncio.run(migrate(db_url))
    try:
        report = asyncio.run(_with_orm(db_url, lambda: import_catalog(catalog, source or Path(path).name, at, by=None)))
    except DomainError as exc:
        return _fail(f"prices import: {exc.field}: {exc.message}")
    print(f"imported {report.imported}, updated {report.updated}, skipped {report.skipped_count}")
    for reason, keys in sorted(report.skipped.items(), key=lambda item: -len(item[1])):
        print(f"  skipped {len(keys)}: {reason} (e.g. {', '.join(keys[:3])})")
    return 0


def run_migrate(settings: Settings) -> int:
    from api.database import migrate, resolve_database_url

    applied = asyncio.run(migrate(resolve_database_url(settings)))
    print("applied: " + (", ".join(applied) if applied else "nothing, the database is up to date"))
    return 0


def create_key(settings: Settings, role: str, name: str) -> int:
    from api.database import close_orm, init_orm, migrate, resolve_database_url
    from services.auth import create_principal_with_key, parse_role
    from services.errors import DomainError

    async def run() -> str:
        db_url = resolve_database_url(settings)
        await migrate(db_url)
        await init_orm(db_url, 2)
        try:
            _, key = await create_principal_with_key(name, parse_role(role))
            return key
        finally:
            await close_orm()

    try:
        key = asyncio.run(run())
    except DomainError as exc:
        return _fail(f"{exc.field}: {exc.message}")
    print(key)
    print(f"# API key for {name!r} ({role.upper()}); shown once, only its hash is stored", file=sys.stderr)
    return 0


def export_schema(output: str | None) -> int:
    from api.schema import schema

    sdl = schema.as_str() + "\n"
    if output:
        Path(output).write_text(sdl)
    else:
        sys.stdout.write(sdl)
    return 0


def _cancel_on_sigterm() -> None:
    """SIGTERM cancels the running command, as Ctrl-C does, so that its clean-up runs (the embedded
    PostgreSQL it started is stopped, its temporary folder removed) instead of being left behind."""
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, asyncio.current_task().cancel)


def simulate(scenario_path: str, database_url: str | None, *, out: str, sweeps: list[str], days: int | None,
             quiet: bool) -> int:
    """Run a scenario (or a sweep of it) against the real services on a throwaway database."""
    import logging

    from api import database
    from simulator import engine, report, sweep
    from simulator.scenario import ScenarioError, load
    from simulator.world import Server

    logging.basicConfig(level=logging.ERROR)  # refusals and sweeps log warnings by the thousand
    try:
        scenario = load(scenario_path)
        if days is not None:
            scenario = scenario.first_days(days)
        knobs = [sweep.parse_knob(text) for text in sweeps]
        if knobs:
            sweep.check_grid(knobs)
    except ScenarioError as exc:
        return _fail(f"simulate: {exc}")
    progress = None if quiet else engine.print_progress(scenario.name)
    folder = Path(out)

    async def run() -> list[Path]:
        _cancel_on_sigterm()
        async with Server(database_url, database) as server:
            if knobs:
                grid = await sweep.run_sweep(scenario, knobs, server, out=folder, progress=progress)
                print(sweep.table(grid))
                return sweep.write(grid, folder)
            result = await engine.simulate(scenario, server, progress)
            print(f"omniclaude: {result.actions:,} actions in {result.seconds:.1f} s", file=sys.stderr)
            for key, verdict in result.report["verdicts"].items():
                first = f", first failed on day {verdict['firstFailedDay']}" if verdict["firstFailedDay"] else ""
                print(f"{verdict['label']}: {verdict['verdict']}{first} ({verdict['rule']})")
            return report.write(result.report, folder)

    try:
        written = asyncio.run(run())
    except ScenarioError as exc:
        return _fail(f"simulate: {exc}")
    except asyncio.CancelledError:
        return _fail("simulate: stopped; the throwaway databases were dropped", code=128 + signal.SIGTERM)
    print(f"omniclaude: wrote {', '.join(str(p) for p in written[:3])}", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="omniclaude", description="OmniClaude Intelligence API")
    commands = parser.add_subparsers(dest="command", required=True)
    serve_cmd = commands.add_parser("serve", help="migrate, then serve GraphQL")
    serve_cmd.add_argument("--host")
    serve_cmd.add_argument("--port", type=int)
    serve_cmd.add_argument("--workers", type=int)
    commands.add_parser("migrate", help="apply pending migrations")
    key_cmd = commands.add_parser("create-key", help="create a principal and print its new API key once")
    key_cmd.add_argument("--role", required=True, help="ADMIN, REVIEWER, AGENT or CONTRIBUTOR")
    key_cmd.add_argument("--name", required=True)
    prices_cmd = commands.add_parser("prices", help="the model price catalog")
    prices_sub = prices_cmd.add_subparsers(dest="prices_command", required=True)
    import_cmd = prices_sub.add_parser("import", help="import LiteLLM's model_prices_and_context_window.json")
    import_cmd.add_argument("file")
    import_cmd.add_argument("--source", help="recorded as each price's source (default: the file name)")
    import_cmd.add_argument("--effective-from", help="ISO 8601 with offset (default: now)")
    export_cmd = commands.add_parser("export-schema", help="print the GraphQL SDL")
    export_cmd.add_argument("--output", "-o")
    clarify_cmd = commands.add_parser("clarify", help="answer a clarification ticket and watch its panel vote")
    clarify_cmd.add_argument("ticket_id", metavar="TICKET_ID")
    clarify_cmd.add_argument("--url", default=os.environ.get("OMNICLAUDE_URL", "http://127.0.0.1:8000"),
                             help="the server (default $OMNICLAUDE_URL or http://127.0.0.1:8000)")
    clarify_cmd.add_argument("--key", default=os.environ.get("OMNICLAUDE_API_KEY"),
                             help="an API key (default $OMNICLAUDE_API_KEY)")
    sim_cmd = commands.add_parser("simulate", help="run a token-economy scenario against the real services on a "
                                  "throwaway database, with simulated time")
    sim_cmd.add_argument("scenario", metavar="SCENARIO", help="a YAML or TOML scenario (see scenarios/)")
    sim_cmd.add_argument("--database-url", help="a PostgreSQL server to create the throwaway databases on "
                         "(default: an embedded server in a temporary folder); its own databases are not touched")
    sim_cmd.add_argument("--out", default="simulation", help="folder for report.json, report.html and charts/")
    sim_cmd.add_argument("--sweep", action="append", default=[], metavar="KNOB=V1,V2,...",
                         help="vary a policy coefficient over these values (once or twice: a grid)")
    sim_cmd.add_argument("--days", type=int, help="run only the first N days of the scenario")
    sim_cmd.add_argument("--quiet", action="store_true", help="no progress lines")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "clarify":
        from api.clarify_client import run

        return run(args.ticket_id, args.url, args.key)
    if args.command == "simulate":
        return simulate(args.scenario, args.database_url, out=args.out, sweeps=args.sweep, days=args.days,
                        quiet=args.quiet)
    settings = get_settings()
    if args.command == "serve":
        return serve(settings, args.host or settings.host, args.port or settings.port, args.workers or settings.workers)
    if args.command == "migrate":
        return run_migrate(settings)
    if args.command == "create-key":
        return create_key(settings, args.role, args.name)
    if args.command == "prices":
        return import_prices(settings, args.file, args.source, args.effective_from)
    return export_schema(args.output)


if __name__ == "__main__":
    sys.exit(main())
