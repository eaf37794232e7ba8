"""Budget admission under load.

`budgetReserve` admissions/s through GraphQL (50 wrk connections, every request a new idempotency key)
on one hot budget (every reservation queues on one period row) and across 1,000 budgets, next to the
same statements the service runs (in one transaction: look the budget and its current period up in one
query, then insert the reservation and admit it with the conditional UPDATE, one statement) through
raw asyncpg in the same run, with
as many connections as the server's pool. Every request is admitted (the limits are far above what a
run can reserve); the admissions are counted in the database afterwards.

    .venv/bin/python bench/budgets.py [--seconds 10] [--connections 50] [--pool 20]

Uses the PostgreSQL server at BENCH_DATABASE_URL (default the local one): a fresh database is
created on it and dropped afterwards.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import uuid  # noqa: E402
from datetime import datetime, timedelta, timezone  # noqa: E402
from decimal import Decimal  # noqa: E402

import asyncpg  # noqa: E402

from bench.common import (  # noqa: E402
    BENCH_SERVER,
    WRK_NUMBERED_LUA,
    ModuleServer,
    drop_database,
    emit,
    machine,
    raw_clients,
    with_database,
    wrk,
)

POOL = 20  # the server's DB_POOL_MAX default; the raw run gets as many connections (--pool)
BUDGETS = 1000
LIMIT = Decimal("1000000000")
ESTIMATE = Decimal("0.001")
TTL = 3600

RESERVE_LUA = WRK_NUMBERED_LUA.replace("%", "%%") + """
local scopes = {%(scopes)s}
function request()
  counter = counter + 1
  local n = counter * %(threads)d + tid
  local scope = scopes[n %% #scopes + 1]
  local body = '{"query":"mutation R($i: BudgetReserveInput!) { budgetReserve(input: $i) { ' ..
    'reservation { id } userErrors { code } } }",' ..
    '"variables":{"i":{"scope":{"kind":"AGENT","value":"' .. scope .. '"},"estimateUsd":"%(estimate)s",' ..
    '"idempotencyKey":"%(prefix)s-' .. tid .. '-' .. counter .. '","ttlSeconds":%(ttl)d}}}'
  local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer %(key)s"}
  return wrk.format("POST", "/graphql", headers, body)
end
"""


async def _prepare(db_url: str) -> tuple[str, list[str]]:
    """Migrate, make an AGENT key, and set the hot budget and 1,000 others (DAY periods)."""
    from api.database import close_orm, init_orm, migrate
    from models.auth import Role
    from models.budgets import BudgetPeriodKind, BudgetScope
    from services.auth import create_principal_with_key
    from services.budgets import limits

    await migrate(db_url)
    await init_orm(db_url, 4)
    try:
        admin, _ = await create_principal_with_key(f"bench-admin-{uuid.uuid4().hex[:6]}", Role.ADMIN)
        _, key = await create_principal_with_key(f"bench-agent-{uuid.uuid4().hex[:6]}", Role.AGENT)
        names = ["hot", *(f"agent-{i}" for i in range(BUDGETS))]
        for name in names:
            await limits.set_budget(admin, scope=limits.Scope(BudgetScope.AGENT, name), limit_usd=LIMIT,
                                    period=BudgetPeriodKind.DAY)
        return key, names
    finally:
        await close_orm()


def _run(server: ModuleServer, key: str, scopes: list[str], args: argparse.Namespace, prefix: str) -> dict:
    lua = RESERVE_LUA % {"scopes": ", ".join(json.dumps(s) for s in scopes), "threads": 2, "prefix": prefix,
                         "estimate": ESTIMATE, "ttl": TTL, "key": key}
    return wrk(f"{server.url}/graphql", lua=lua, connections=args.connections, seconds=args.seconds,
               server_pid=server.process.pid)


async def _count(dsn: str, prefix: str) -> dict:
    conn = await asyncpg.connect(dsn)
    try:
        admitted = await conn.fetchval('SELECT count(*) FROM "budget_reservations" WHERE "idempotency_key" LIKE $1',
                                       f"{prefix}-%")
        over = await conn.fetchval('SELECT count(*) FROM "budget_periods" p JOIN "budgets" b ON b."id" = p."budget_id" '
                                   'WHERE p."spent" + p."reserved" > b."limit_usd"')
        return {"admitted": admitted, "periods_over_limit": over}
    finally:
        await conn.close()


async def _raw(dsn: str, scopes: list[str], seconds: int, clients: int, pool: int) -> dict:
    """The statements `services.budgets.admission.reserve` runs, through asyncpg: same SQL, no HTTP/GraphQL/ORM."""
    from services.budgets import admission

    prefix = f"raw-{uuid.uuid4().hex[:6]}"

    async def admit(conn: asyncpg.Connection, number: int, n: int) -> None:
        now = datetime.now(timezone.utc)
        async with conn.transaction():
            found = await conn.fetchrow(admission.BUDGET_AND_PERIOD, "AGENT", scopes[n % len(scopes)],
                                        *admission.calendar_spans(now))
            done = await conn.fetchrow(admission.RESERVE, f"{prefix}-{number}-{n}", found["id"], found["period_id"],
                                       ESTIMATE, now + timedelta(seconds=TTL), None, now)
            assert done["reservation"] and done["period"]

    run = await raw_clients(dsn, pool_size=pool, clients=clients, seconds=seconds, work=admit)
    return {"admissions_per_s": run["per_s"], "latency_ms": run["latency_ms"]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--pool", type=int, default=POOL, help="the server's DB_POOL_MAX, and the raw run's pool")
    args = parser.parse_args()
    db_url = with_database(BENCH_SERVER, f"omniclaude_bench_budgets_{uuid.uuid4().hex[:8]}")
    key, names = asyncio.run(_prepare(db_url))
    from api.settings import tortoise_config

    creds = tortoise_config(db_url)["connections"]["default"]["credentials"]
    dsn = f"postgresql://{creds['user']}@/{creds['database']}?host={creds['host']}&port={creds['port']}"
    server = ModuleServer("bench.http_server", {"DATABASE_URL": db_url, "DB_POOL_MAX": str(args.pool)})
    result: dict = {"benchmark": "budgets", "machine": machine(),
                    "setup": {"server": f"1 uvicorn worker, DB pool {args.pool}, in-process bus", "load": "wrk -t2",
                              "connections": args.connections, "seconds": args.seconds, "budgets": BUDGETS,
                              "raw_asyncpg": f"{args.connections} asyncio clients over a pool of {args.pool}"}}
    try:
        wrk(f"{server.url}/graphql", {"query": "{ __typename }"}, connections=10, seconds=2)  # warm-up
        runs = {}
        for scenario, scopes in (("one_hot_budget", ["hot"]), ("across_1000_budgets", names[1:])):
            prefix = f"{scenario}-{uuid.uuid4().hex[:6]}"
            run = _run(server, key, scopes, args, prefix)
            run |= asyncio.run(_count(dsn, prefix))
            run["admissions_per_s"] = round(run["admitted"] / args.seconds, 1)
            raw = asyncio.run(_raw(dsn, scopes, args.seconds, args.connections, args.pool))
            runs[scenario] = {"graphql": run, "raw_asyncpg_same_sql": raw,
                              "ratio_graphql_to_raw": round(run["admissions_per_s"] / raw["admissions_per_s"], 3)}
        result["budget_reserve"] = runs
        result["load_average_at_end"] = os.getloadavg()
    finally:
        server.stop()
        asyncio.run(drop_database(db_url))
    emit(result)


if __name__ == "__main__":
    main()
