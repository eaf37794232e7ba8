"""Reads side by side with PostGraphile on the same PostgreSQL and the same 100,000 STFs: one STF by
id (7 fields), the first 20 and the first 100 ACTIVE STFs of a tag (4 fields and the page info), at
1, 10 and 50 connections with wrk (a random id or tag per request). For each: requests/s, p50 and
p99, CPU per request of the server and of PostgreSQL (the backends of the benchmark's database),
the same queries through raw asyncpg as the floor, and PostGraphile 5 (one Node process) as the
anchor when it is installed (see bench/postgraphile.py; without it the benchmark says how).
Rounds alternate the servers; figures are medians over the rounds.

    python -m bench.graphql_reads [--stfs 100000] [--seconds 10] [--rounds 3] [--workers 1]
                                  [--connections 1,10,50] [--reads stf,stfs20,stfs100]
                                  [--postgraphile-dir DIR] [--while-indexing]

`--workers N` serves from N uvicorn processes sharing one listening socket (what uvicorn's
--workers does); without QDRANT_URL each gets its own local-mode data folder, since Qdrant's
local mode lets one process open a folder (these reads never touch Qdrant)."""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlparse

import asyncpg
import httpx

from bench import postgraphile
from bench.common import ROOT, UNLIMITED, cpu_seconds, drop_database, fresh_database, machine, own_cpu
from bench.stf_reads import TAGS, run_wrk, seed

STF = "query S($id: ID!) { stf(id: $id) { id name version status qualityScore tags codePointer { commitSha } } }"
PG_STF = "query S($id: BigInt!) { stfByRowId(rowId: $id) { id name version status qualityScore tags commitSha } }"
STFS = """query L($f: StfFilter) { stfs(first: %d, filter: $f) {
  edges { node { id name qualityScore tags } } pageInfo { hasNextPage endCursor } } }"""
PG_STFS = """query L($tag: JSON!) { allStfs(first: %d, condition: {isLatest: true, status: "ACTIVE"},
  filter: {tags: {contains: $tag}}, orderBy: [CREATED_AT_DESC, ROW_ID_DESC]) {
  edges { node { id name qualityScore tags } } pageInfo { hasNextPage endCursor } } }"""
SQL_STF = 'SELECT "id", "name", "version", "status", "quality_score", "tags", "commit_sha" FROM "stfs" WHERE "id" = $1'
SQL_STFS = ('SELECT "id", "name", "quality_score", "tags", "created_at" FROM "stfs" WHERE "is_latest" '
            'AND "status" = \'ACTIVE\' AND "tags" @> $1::jsonb ORDER BY "created_at" DESC, "id" DESC LIMIT $2')
FLOOR_CONNECTIONS = 20  # DB_POOL_MAX's default; more would not fit beside two servers' pools
TARGET_CPU_MS = {"stf": 0.6, "stfs20": 0.9, "stfs100": 2.2}


@dataclass(frozen=True)
class Read:
    name: str
    label: str
    ours: Callable[[random.Random], dict]
    theirs: Callable[[random.Random], dict]
    sql: Callable[[random.Random], tuple]


def _stf_id(pk: int) -> str:
    return base64.urlsafe_b64encode(f"Stf:{pk}".encode()).decode()


def reads(count: int) -> dict[str, Read]:
    def by_id(rng: random.Random) -> int:
        return rng.randrange(1, count + 1)

    def page(size: int) -> Read:
        return Read(
            f"stfs{size}", f"first {size} ACTIVE STFs of a tag (4 fields)",
            lambda rng: {"query": STFS % size, "variables": {"f": {"status": "ACTIVE", "tags": [rng.choice(TAGS)]}}},
            lambda rng: {"query": PG_STFS % size, "variables": {"tag": [rng.choice(TAGS)]}},
            lambda rng: (SQL_STFS, json.dumps([rng.choice(TAGS)]), size + 1))

    return {"stf": Read("stf", "one STF by id (7 fields)",
                        lambda rng: {"query": STF, "variables": {"id": _stf_id(by_id(rng))}},
                        lambda rng: {"query": PG_STF, "variables": {"id": by_id(rng)}},
                        lambda rng: (SQL_STF, by_id(rng))),
            "stfs20": page(20), "stfs100": page(100)}


class OurServer:
    """`workers` uvicorn processes serving the app from one listening socket."""

    def __init__(self, db_url: str, workers: int) -> None:
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(2048)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.data = tempfile.mkdtemp(prefix="omniclaude-bench-reads-")
        env = os.environ | UNLIMITED | {
            "DATABASE_URL": db_url, "PYTHONPATH": str(ROOT), "LOG_LEVEL": "WARNING", "REDIS_URL": "",
            # the seeded STFs are not in the vector store yet: the server indexes them once (see `indexed`)
            # with the cheap embedder, and the usage view's refresh waits; the measured reads touch
            # neither, and PostGraphile has no such work
            "EMBEDDER": "hashing", "STF_EMBED_RETRY_SECONDS": "86400", "STF_USAGE_REFRESH_SECONDS": "86400"}
        self.processes = [
            subprocess.Popen([sys.executable, "-m", "bench.uvicorn_socket", str(self.listener.fileno())],
                             cwd=ROOT, pass_fds=[self.listener.fileno()],
                             env=env | {"OMNICLAUDE_DATA_DIR": f"{self.data}/{i}"})
            for i in range(workers)]

    def ready(self) -> "OurServer":
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if all(httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200 for _ in self.processes * 3):
                    return self
            except httpx.TransportError:
                pass
            if any(p.poll() is not None for p in self.processes):
                raise RuntimeError("the server exited")
            time.sleep(0.3)
        raise RuntimeError("the server did not start")

    def collections(self) -> dict[str, dict]:
        """What /readyz says of the vector collections: per kind, the active one and any rebuild."""
        return httpx.get(f"{self.url}/readyz", timeout=10).json()["components"]["vectors"]["collections"]

    def indexed(self, timeout: float = 3600) -> "OurServer":
        """Wait until the one-time indexing of the seeded STFs (the search upkeep) is over, so that it does
        not run during the measured reads."""
        deadline, shown = time.monotonic() + timeout, None
        while time.monotonic() < deadline:
            kinds = self.collections()
            building = {kind: entry["reembedding"]["percent"]
                        for kind, entry in kinds.items() if "reembedding" in entry}
            if kinds and all(entry["active"] for entry in kinds.values()) and not building:
                return self
            if building != shown:
                print(f"waiting for the server to index the seeded STFs: {building or kinds}", file=sys.stderr)
                shown = building
            time.sleep(2)
        raise RuntimeError("the server did not finish indexing the seeded STFs")

    def cpu(self) -> float:
        return sum(cpu_seconds(p.pid) for p in self.processes)

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.wait(30)
        self.listener.close()


async def backend_cpu(admin: asyncpg.Connection, database: str) -> dict[int, float]:
    """CPU seconds of every PostgreSQL backend connected to `database`, by pid."""
    pids = await admin.fetch("SELECT pid FROM pg_stat_activity WHERE datname = $1", database)
    found = {}
    for row in pids:
        try:
            found[row["pid"]] = cpu_seconds(row["pid"])
        except (FileNotFoundError, ProcessLookupError):
            continue
    return found


def _spent(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(after[pid] - before.get(pid, 0.0) for pid in after)


def bodies(make: Callable[[random.Random], dict], seed_value: int) -> list[str]:
    rng = random.Random(seed_value)
    return [json.dumps(make(rng)) for _ in range(1000)]


def check_same(read: Read, our_url: str, their_url: str | None) -> None:
    """One request each: no error, and both servers return the same rows."""
    rng = random.Random(5)
    ours = httpx.post(our_url + "/graphql", json=read.ours(rng), timeout=30).json()
    assert not ours.get("errors"), ours
    if their_url is None:
        return
    rng = random.Random(5)
    theirs = httpx.post(their_url + "/graphql", json=read.theirs(rng), timeout=30).json()
    assert not theirs.get("errors"), theirs

    def names(body: dict) -> list[str]:
        value = next(iter(body["data"].values()))
        return [value["name"]] if "name" in value else [e["node"]["name"] for e in value["edges"]]

    assert names(ours) == names(theirs), (names(ours)[:3], names(theirs)[:3])


async def load(url: str, body_list: list[str], connections: int, seconds: int, cpu: Callable[[], float],
               admin: asyncpg.Connection, database: str) -> dict:
    before_pg = await backend_cpu(admin, database)
    before = cpu()
    result = await asyncio.to_thread(run_wrk, url + "/graphql", body_list, connections, seconds)
    spent = cpu() - before
    pg = _spent(before_pg, await backend_cpu(admin, database))
    requests = result["requests_per_second"] * seconds
    return {"requests_per_s": result["requests_per_second"], "p50_ms": result["p50_ms"], "p99_ms": result["p99_ms"],
            "non_2xx": result["non_2xx"], "server_cpu_ms_per_request": round(1000 * spent / requests, 3),
            "postgres_cpu_ms_per_request": round(1000 * pg / requests, 3),
            "client_cpu_percent": round(100 * result["client_cpu_seconds"] / seconds, 1)}


async def floor(db_url: str, read: Read, connections: int, seconds: int, admin: asyncpg.Connection,
                database: str) -> dict:
    """The same query as plain SQL through asyncpg, as fast as it goes, on as many connections as
    the load has (at most FLOOR_CONNECTIONS, the server's own pool size)."""
    conns = [await asyncpg.connect(db_url) for _ in range(min(connections, FLOOR_CONNECTIONS))]
    done = 0
    stop_at = 0.0

    async def worker(conn: asyncpg.Connection, rng: random.Random) -> None:
        nonlocal done
        while time.monotonic() < stop_at:
            query, *args = read.sql(rng)
            await conn.fetch(query, *args)
            done += 1

    try:
        stop_at = time.monotonic() + 1  # warm-up: statements prepared
        await asyncio.gather(*(worker(c, random.Random(i)) for i, c in enumerate(conns)))
        done = 0
        before_pg, before = await backend_cpu(admin, database), own_cpu()
        started = time.monotonic()
        stop_at = started + seconds
        await asyncio.gather(*(worker(c, random.Random(100 + i)) for i, c in enumerate(conns)))
        wall = time.monotonic() - started
        pg = _spent(before_pg, await backend_cpu(admin, database))
        return {"queries_per_s": round(done / wall, 1),
                "client_cpu_ms_per_query": round(1000 * (own_cpu() - before) / done, 3),
                "postgres_cpu_ms_per_query": round(1000 * pg / done, 3)}
    finally:
        for conn in conns:
            await conn.close()


def median_of(runs: list[dict]) -> dict:
    return {key: round(statistics.median(r[key] for r in runs), 3) for key in runs[0]}


def verdicts(name: str, connections: int, ours: dict, theirs: dict | None) -> dict:
    target = TARGET_CPU_MS[name]
    checks = {f"cpu_ms_per_request <= {target}": ours["server_cpu_ms_per_request"] <= target}
    if connections == 50:
        checks["p99 <= 3 x p50"] = ours["p99_ms"] <= 3 * ours["p50_ms"]
    if theirs and connections in (10, 50):
        checks["requests_per_s ratio >= 0.7"] = ours["requests_per_s"] / theirs["requests_per_s"] >= 0.7
    return checks


async def while_indexing(ours: OurServer, admin: asyncpg.Connection, database: str,
                         args: argparse.Namespace) -> dict:
    """The STF-by-id read at 10 connections while the server's search upkeep indexes the seeded STFs
    (a first start on existing data, or a change of embedder), to show whether requests wait for it."""
    read = reads(args.stfs)["stf"]
    run = await load(ours.url, bodies(read.ours, 1), 10, args.seconds, ours.cpu, admin, database)
    under_way = any("reembedding" in entry for entry in ours.collections().values())
    return {"10 connections": run, "indexing_still_under_way_at_the_end": under_way}


async def main(args: argparse.Namespace) -> dict:
    started_on = machine()  # the load average before the run
    anchor = postgraphile.find(args.postgraphile_dir)
    if anchor is None:
        print(postgraphile.INSTALL, file=sys.stderr)
    db_url = await fresh_database("omniclaude_bench_reads")
    database = urlparse(db_url).path.lstrip("/")
    admin = await asyncpg.connect(db_url)
    results: dict = {}
    try:
        await seed(db_url, args.stfs)
        if anchor:
            await postgraphile.expose_only(db_url, ["stfs"], ["stfs.tags"])
        ours = OurServer(db_url, args.workers).ready()
        if args.while_indexing:
            results["while the server indexes the seeded STFs"] = await while_indexing(ours, admin, database, args)
        ours.indexed()
        theirs = postgraphile.PostGraphileServer(*anchor, db_url).ready() if anchor else None
        try:
            chosen = {k: v for k, v in reads(args.stfs).items() if k in args.reads}
            for read in chosen.values():
                check_same(read, ours.url, theirs.url if theirs else None)
            for connections in args.connections:
                for read in chosen.values():
                    servers = {"this_server": (ours.url, bodies(read.ours, 1), ours.cpu)}
                    if theirs:
                        servers["postgraphile"] = (theirs.url, bodies(read.theirs, 1), theirs.cpu)
                    runs: dict[str, list[dict]] = {name: [] for name in servers}
                    for name, (url, body_list, _) in servers.items():  # warm-up
                        await asyncio.to_thread(run_wrk, url + "/graphql", body_list, connections, 2)
                    for round_no in range(args.rounds):
                        order = list(servers) if round_no % 2 == 0 else list(reversed(servers))
                        for name in order:
                            url, body_list, cpu = servers[name]
                            runs[name].append(await load(url, body_list, connections, args.seconds, cpu, admin,
                                                         database))
                    entry = {name: median_of(r) for name, r in runs.items()}
                    entry["asyncpg_floor"] = await floor(db_url, read, connections, args.seconds, admin, database)
                    mine, anchor_run = entry["this_server"], entry.get("postgraphile")
                    if anchor_run:
                        entry["ratio_requests_per_s"] = round(mine["requests_per_s"] / anchor_run["requests_per_s"], 2)
                        entry["cpu_ms_per_request_here_vs_there"] = [mine["server_cpu_ms_per_request"],
                                                                     anchor_run["server_cpu_ms_per_request"]]
                    entry["targets_met"] = verdicts(read.name, connections, mine, anchor_run)
                    results.setdefault(f"{read.name}: {read.label}", {})[f"{connections} connections"] = entry
                    print(json.dumps({read.name: {connections: entry}}), file=sys.stderr, flush=True)
        finally:
            ours.stop()
            if theirs:
                theirs.stop()
    finally:
        await admin.close()
        await drop_database(db_url)
    return {"benchmark": "GraphQL reads against PostGraphile and the asyncpg floor", "machine": started_on,
            "load_average_at_end": os.getloadavg(),
            "setup": {"stfs": args.stfs, "seconds_each": args.seconds, "rounds": args.rounds,
                      "this_server_workers": args.workers,
                      "postgraphile": (f"{postgraphile.version(anchor[0])} (one Node process, amber preset, "
                                       "connection-filter plugin)") if anchor else "not installed",
                      "load_generator": "wrk -t2 (-t1 at 1 connection), a Lua script picking a random body per request",
                      "figures": "medians over the rounds; rounds alternate the servers"},
            "results": results}


def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stfs", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--connections", type=lambda v: [int(c) for c in _csv(v)], default=[1, 10, 50])
    parser.add_argument("--reads", type=_csv, default=["stf", "stfs20", "stfs100"])
    parser.add_argument("--postgraphile-dir", default=None)
    parser.add_argument("--while-indexing", action="store_true",
                        help="first measure the by-id read while the server indexes the seeded STFs")
    print(json.dumps(asyncio.run(main(parser.parse_args())), indent=2))
