"""The ledger under load.

1. Transfers/s through GraphQL (`tokenTransfer`, 50 wrk connections, every request a new
   idempotency key) between distinct accounts and out of one hot account, next to the same SQL
   statements the service runs (resolve both accounts in one query, lock them in id order, look the key up,
   post, write the outbox row) through raw asyncpg in the same run, with as many connections as
   the server's pool.
2. p50/p99 of `tokenBalance` and of the first page of `tokenTransactions` for an account with
   1,000,000 transfers (seeded with bulk SQL), at 1 and 10 connections, and of the page's SQL alone.

    .venv/bin/python bench/ledger.py [--seconds 10] [--connections 50] [--transfers 1000000]

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
import statistics  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402

import asyncpg  # noqa: E402

from bench.common import (  # noqa: E402
    BENCH_SERVER,
    ModuleServer,
    drop_database,
    emit,
    funded_economy,
    machine,
    with_database,
    wrk,
)

PAIRS = 200
POOL = 20  # the server's DB_POOL_MAX default; the raw run gets as many connections
FUNDS = 10**12

TRANSFER_LUA = """
local senders = {%(senders)s}
local recipients = {%(recipients)s}
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
function init(args)
  counter = 0
end
function request()
  counter = counter + 1
  local n = counter * %(threads)d + tid
  local s = senders[n %% #senders + 1]
  local r = recipients[n %% #recipients + 1]
  local body = '{"query":"mutation T($i: TokenTransferInput!) ' ..
    '{ tokenTransfer(input: $i) { transfer { id } userErrors { code } } }",' ..
    '"variables":{"i":{"to":"' .. r .. '","amount":1,"idempotencyKey":"%(prefix)s-' .. tid .. '-' .. counter .. '"}}}'
  local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. s}
  return wrk.format("POST", "/graphql", headers, body)
end
"""
PAGE = ("query H($a: String!) { tokenTransactions(account: $a, first: 20) { edges { cursor node { amount balanceAfter "
        "kind createdAt transferId } } pageInfo { hasNextPage endCursor } } }")
BALANCE = 'query B($a: String!) { tokenBalance(account: $a) { balance reserved available } }'
OUTBOX_SQL = 'INSERT INTO "outbox_events" ("name", "payload", "created_at") VALUES ($1, $2::jsonb, now())'


async def _prepare(db_url: str) -> dict:
    """Migrate, make every account rich (a huge starter grant), and register the contributors."""
    from models.contributors import ContributorKind
    from services import contributors

    async with funded_economy(db_url, FUNDS):
        members = {}
        for name in ["hot", *(f"s{i}" for i in range(PAIRS)), *(f"r{i}" for i in range(PAIRS))]:
            contributor, key = await contributors.register(f"bench-{name}", ContributorKind.AGENT, [], issue_key=True)
            members[name] = {"handle": contributor.handle, "key": key, "principal": contributor.principal_id}
        return members


def _transfer_run(server: ModuleServer, members: dict, hot: bool, args: argparse.Namespace, prefix: str) -> dict:
    senders = [members["hot"]] if hot else [members[f"s{i}"] for i in range(PAIRS)]
    recipients = [members[f"r{i}"] for i in range(PAIRS)]
    lua = TRANSFER_LUA % {"senders": ", ".join(json.dumps(m["key"]) for m in senders),
                          "recipients": ", ".join(json.dumps(m["handle"]) for m in recipients),
                          "threads": 2, "prefix": prefix}
    return wrk(f"{server.url}/graphql", lua=lua, connections=args.connections, seconds=args.seconds,
               server_pid=server.process.pid)


async def _count(dsn: str, prefix: str) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        return await conn.fetchval('SELECT count(*) FROM "ledger_transfers" WHERE "idempotency_key" LIKE $1',
                                   f"{prefix}-%")
    finally:
        await conn.close()


class _Raw:
    """Enough of Tortoise's client interface for the service's own lock and lookup helpers."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def execute_query_dict(self, sql: str, values: list | None = None) -> list[dict]:
        return [dict(row) for row in await self.conn.fetch(sql, *(values or []))]


async def _raw_transfers(dsn: str, members: dict, hot: bool, seconds: int, clients: int) -> dict:
    """The statements `services.economy.ledger.transfer` runs, through asyncpg: same SQL, no HTTP/GraphQL/ORM."""
    from models.economy.ledger import TransferKind
    from services.economy import ledger

    pool = await asyncpg.create_pool(dsn, min_size=POOL, max_size=POOL)
    done = 0
    latencies: list[float] = []
    stop = time.monotonic() + seconds
    prefix = f"raw-{uuid.uuid4().hex[:6]}"

    async def client(number: int) -> None:
        nonlocal done
        n = number
        while time.monotonic() < stop:
            n += clients
            sender = members["hot"] if hot else members[f"s{n % PAIRS}"]
            recipient = members[f"r{n % PAIRS}"]
            key = f"{prefix}-{number}-{n}"
            started = time.perf_counter()
            async with pool.acquire() as conn:
                raw = _Raw(conn)
                found = await conn.fetchrow(ledger.RESOLVE_TRANSFER_SQL, sender["principal"], recipient["handle"])
                debit, credit = found["sender"], found["recipient"]
                async with conn.transaction():
                    accounts = await ledger.lock_accounts(raw, [debit, credit])
                    assert await ledger.find_by_key(raw, key) is None
                    posting = ledger.Posting(kind=TransferKind.TRANSFER, debit=debit, credit=credit, amount=1,
                                             idempotency_key=key)
                    rows = await conn.fetch(ledger.POST_SQL, key, posting.kind.value, debit, credit, 1, "", None, None,
                                            None, None, None, *ledger._side_arrays(posting, accounts))
                    await conn.execute(OUTBOX_SQL, "ledger.transfer.posted.v1", json.dumps(
                        {"transferId": rows[0]["id"], "kind": "TRANSFER", "amount": 1,
                         "accounts": [accounts[debit].name, accounts[credit].name]}))
            latencies.append(time.perf_counter() - started)
            done += 1

    started = time.monotonic()
    await asyncio.gather(*(client(i) for i in range(clients)))
    wall = time.monotonic() - started
    await pool.close()
    latencies.sort()
    return {"transfers_per_s": round(done / wall, 1),
            "latency_ms": {"p50": round(1000 * latencies[len(latencies) // 2], 3),
                           "p99": round(1000 * latencies[int(len(latencies) * 0.99)], 3)}}


async def _seed_history(dsn: str, members: dict, transfers: int) -> dict:
    """`transfers` transfers out of the hot account with bulk SQL: the transfers, both entries of
    each (with running balances) and the final balances, in one transaction."""
    conn = await asyncpg.connect(dsn)
    try:
        hot = await conn.fetchval('SELECT "id" FROM "ledger_accounts" WHERE "name" = $1', members["hot"]["handle"])
        recipients = [await conn.fetchval('SELECT "id" FROM "ledger_accounts" WHERE "name" = $1',
                                          members[f"r{i}"]["handle"]) for i in range(PAIRS)]
        started = time.monotonic()
        async with conn.transaction():
            await conn.execute("SET LOCAL synchronous_commit = off")
            first = await conn.fetchval('SELECT coalesce(max("id"), 0) FROM "ledger_transfers"')
            await conn.execute("""
                INSERT INTO "ledger_transfers" ("idempotency_key", "kind", "debit_account_id", "credit_account_id",
                                                "amount", "memo", "created_at")
                SELECT 'seed-' || g, 'TRANSFER', $1, ($2::bigint[])[1 + g % array_length($2::bigint[], 1)],
                       1 + g % 50, '', now()
                FROM generate_series(1, $3) AS g""", hot, recipients, transfers)
            await conn.execute(
                """
                INSERT INTO "ledger_entries" ("account_id", "transfer_id", "counterparty_id", "amount",
                                              "balance_after", "kind", "created_at")
                SELECT s.account_id, s.transfer_id, s.counterparty_id, s.amount,
                       a."balance" + sum(s.amount) OVER (PARTITION BY s.account_id ORDER BY s.transfer_id),
                       'TRANSFER', s.created_at
                FROM (SELECT "debit_account_id" AS account_id, "id" AS transfer_id, "credit_account_id" AS
                  counterparty_id,
                             -"amount" AS amount, "created_at" FROM "ledger_transfers" WHERE "id" > $1
                      UNION ALL
                      SELECT "credit_account_id", "id", "debit_account_id", "amount", "created_at"
                      FROM "ledger_transfers" WHERE "id" > $1) AS s
                JOIN "ledger_accounts" a ON a."id" = s.account_id
                ORDER BY s.transfer_id, s.amount""",
                first,
            )
            await conn.execute("""
                UPDATE "ledger_accounts" AS a SET "balance" = a."balance" + n.net
                FROM (SELECT "account_id", sum("amount") AS net FROM "ledger_entries"
                      WHERE "transfer_id" > $1 GROUP BY 1) AS n
                WHERE a."id" = n."account_id" """, first)
        seconds = time.monotonic() - started
        await conn.execute('ANALYZE "ledger_transfers"; ANALYZE "ledger_entries"; ANALYZE "ledger_accounts"')
        entries = await conn.fetchval('SELECT count(*) FROM "ledger_entries" WHERE "account_id" = $1', hot)
        total = await conn.fetchval('SELECT sum("balance") FROM "ledger_accounts"')
        assert total == 0, total
        return {"hot_account_id": hot, "seconds": round(seconds, 1), "hot_account_entries": entries,
                "transfers_in_database": await conn.fetchval('SELECT count(*) FROM "ledger_transfers"')}
    finally:
        await conn.close()


async def _page_sql(dsn: str, hot: int, runs: int = 2000) -> dict:
    """The first page's SQL alone (what `paginate` sends), sequentially, for the floor under the API."""
    conn = await asyncpg.connect(dsn)
    try:
        sql = ('SELECT * FROM "ledger_entries" WHERE "account_id" = $1 ORDER BY "id" DESC LIMIT 21')
        plan = "\n".join(r[0] for r in await conn.fetch("EXPLAIN ANALYZE " + sql.replace("$1", str(hot))))
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            await conn.fetch(sql, hot)
            timings.append(1000 * (time.perf_counter() - started))
        timings.sort()
        return {"p50_ms": round(statistics.median(timings), 3), "p99_ms": round(timings[int(runs * 0.99)], 3),
                "plan": [line.strip() for line in plan.splitlines()[:3]]}
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--transfers", type=int, default=1_000_000)
    args = parser.parse_args()
    db_url = with_database(BENCH_SERVER, f"omniclaude_bench_ledger_{uuid.uuid4().hex[:8]}")
    members = asyncio.run(_prepare(db_url))
    from api.settings import tortoise_config

    creds = tortoise_config(db_url)["connections"]["default"]["credentials"]
    dsn = f"postgresql://{creds['user']}@/{creds['database']}?host={creds['host']}&port={creds['port']}"
    server = ModuleServer("bench.http_server", {"DATABASE_URL": db_url})
    result: dict = {"benchmark": "ledger", "machine": machine(),
                    "setup": {"server": f"1 uvicorn worker, DB pool {POOL}, in-process bus", "load": "wrk -t2",
                              "connections": args.connections, "seconds": args.seconds, "accounts": 2 * PAIRS + 1,
                              "raw_asyncpg": f"{args.connections} asyncio clients over a pool of {POOL}"}}
    try:
        wrk(f"{server.url}/graphql", {"query": "{ __typename }"}, connections=10, seconds=2)  # warm-up
        transfers = {}
        for scenario, hot in (("distinct_accounts", False), ("hot_account", True)):
            prefix = f"{scenario}-{uuid.uuid4().hex[:6]}"
            run = _transfer_run(server, members, hot, args, prefix)
            posted = asyncio.run(_count(dsn, prefix))
            run["transfers_posted"] = posted
            run["transfers_per_s"] = round(posted / args.seconds, 1)
            raw = asyncio.run(_raw_transfers(dsn, members, hot, args.seconds, args.connections))
            transfers[scenario] = {"graphql": run, "raw_asyncpg_same_sql": raw,
                                   "ratio_graphql_to_raw": round(run["transfers_per_s"] / raw["transfers_per_s"], 3)}
        result["transfers"] = transfers
        result["seed"] = asyncio.run(_seed_history(dsn, members, args.transfers))
        hot_handle, hot_key = members["hot"]["handle"], members["hot"]["key"]
        reads = {}
        for label, body, headers in (
                ("token_balance", {"query": BALANCE, "variables": {"a": hot_handle}}, None),
                ("token_transactions_first_page", {"query": PAGE, "variables": {"a": hot_handle}},
                 {"Authorization": f"Bearer {hot_key}"})):
            for connections in (1, 10):
                reads[f"{label}_c{connections}"] = wrk(f"{server.url}/graphql", body, connections=connections,
                                                       threads=1, seconds=args.seconds, headers=headers,
                                                       server_pid=server.process.pid)
        reads["first_page_sql_alone"] = asyncio.run(_page_sql(dsn, result["seed"]["hot_account_id"]))
        result["reads_with_million_transfers"] = reads
    finally:
        server.stop()
        asyncio.run(drop_database(db_url))
    emit(result)


if __name__ == "__main__":
    main()
