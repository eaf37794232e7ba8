"""Requests/s and p50/p99 of the trivial `viewer` query at 50 concurrent clients, next to a bare
Starlette JSON route in the same server process and run. Load from wrk (see bench/common.py).

    .venv/bin/python bench/http.py [--seconds 10] [--connections 50]

Makes a fresh database on BENCH_DATABASE_URL's server (default the local PostgreSQL) and drops it.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file is named http.py: keep its folder off sys.path so it does not shadow the stdlib `http`.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse  # noqa: E402
import asyncio  # noqa: E402

from bench.common import ModuleServer, drop_database, emit, fresh_database, machine, wrk  # noqa: E402


async def _admin_key(db_url: str) -> str:
    from api.database import close_orm, init_orm
    from models.auth import Role
    from services.auth import create_principal_with_key

    await init_orm(db_url, 2)
    try:
        import uuid

        _, key = await create_principal_with_key(f"bench-{uuid.uuid4().hex[:8]}", Role.ADMIN)
        return key
    finally:
        await close_orm()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    args = parser.parse_args()
    db_url = asyncio.run(fresh_database("omniclaude_bench_http"))
    key = asyncio.run(_admin_key(db_url))
    server = ModuleServer("bench.http_server", {"DATABASE_URL": db_url})
    pid = server.process.pid
    run = dict(connections=args.connections, seconds=args.seconds, server_pid=pid)
    try:
        wrk(f"{server.url}/bare", {"query": "{ viewer { id } }"}, connections=10, seconds=2)  # warm-up
        bare = wrk(f"{server.url}/bare", {"query": "{ viewer { id } }"}, **run)
        anonymous = wrk(f"{server.url}/graphql", {"query": "{ viewer { id } }"}, **run)
        authenticated = wrk(f"{server.url}/graphql", {"query": "{ viewer { id name role } }"},
                            headers={"Authorization": f"Bearer {key}"}, **run)
    finally:
        server.stop()
        asyncio.run(drop_database(db_url))
    emit({
        "benchmark": "http", "machine": machine(),
        "setup": {"server": "1 uvicorn worker, httptools, in-process bus", "load": "wrk -t2",
                  "connections": args.connections, "seconds": args.seconds},
        "bare_starlette_json": bare,
        "graphql_viewer_anonymous": anonymous,
        "graphql_viewer_with_api_key": authenticated,
        "ratio_anonymous_to_bare": round(anonymous["requests_per_s"] / bare["requests_per_s"], 3),
        "ratio_api_key_to_bare": round(authenticated["requests_per_s"] / bare["requests_per_s"], 3),
    })


if __name__ == "__main__":
    main()
