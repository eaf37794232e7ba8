"""stf(id) and stfs(first: 20, filter) latency at 100,000 STFs and 50 concurrent clients, with wrk
(a Lua script picks a random id or tag per request) as the load generator; its CPU is reported next
to the server's.

    python -m bench.stf_reads [--stfs 100000] [--connections 50] [--seconds 15] [--workers 1]

Needs wrk (Debian: apt-get install wrk). The rows are seeded with COPY, not through GraphQL."""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import json
import os
import random
import re
import subprocess
import tempfile
from datetime import datetime, timedelta, timezone

import asyncpg

from bench.common import AppServer, drop_database, fresh_database, machine

TAGS = [f"tag{i}" for i in range(50)]
WORDS = "retry cache parse http client timeout pool async logging config migrate index schema json auth".split()
STATUSES = ["ACTIVE"] * 6 + ["DRAFT"] * 3 + ["DEPRECATED"]


async def seed(db_url: str, count: int) -> None:
    rng = random.Random(7)
    conn = await asyncpg.connect(db_url)
    try:
        contributor = await conn.fetchval(
            """INSERT INTO "contributors" ("handle", "kind", "expertise", "reputation", "reputation_at", "created_at")
               VALUES ('bench-author', 'AGENT', '[]', 1, now(), now()) RETURNING "id\"""")
        start = datetime(2025, 1, 1, tzinfo=timezone.utc)

        def row(i: int) -> tuple:
            digest = hashlib.sha256(str(i).encode()).hexdigest()
            name = " ".join(rng.sample(WORDS, 3)) + f" {i}"
            return (i, i, 1, True, name, f"Transforms {name} safely", "python",
                    json.dumps(rng.sample(TAGS, 3)), "github.com/acme/monorepo", digest[:40], f"src/m{i}.py",
                    1, 40, digest, rng.choice(STATUSES), round(rng.random(), 4), rng.randrange(0, 1000), contributor,
                    start + timedelta(seconds=i * 30), start + timedelta(seconds=i * 30))

        await conn.copy_records_to_table(
            "stfs", records=[row(i) for i in range(1, count + 1)],
            columns=["id", "lineage_id", "version", "is_latest", "name", "description", "language", "tags",
                     "repository", "commit_sha", "file_path", "line_start", "line_end", "code_sha256", "status",
                     "quality_score", "usage_count", "contributor_id", "created_at", "updated_at"])
        await conn.execute("SELECT setval(pg_get_serial_sequence('stfs', 'id'), $1)", count)
        await conn.execute('ANALYZE "stfs"')
    finally:
        await conn.close()


LUA = """
local bodies = {%s}
local headers = {%s}
request = function()
  return wrk.format("POST", "/graphql", headers, bodies[math.random(#bodies)])
end
"""
STF = "query S($id: ID!) { stf(id: $id) { id name version status qualityScore tags codePointer { commitSha } } }"
STFS = """query L($f: StfFilter) { stfs(first: 20, filter: $f) {
  edges { node { id name qualityScore tags } } pageInfo { hasNextPage endCursor } } }"""


def lua_bodies(bodies: list[str]) -> str:
    return ",".join("[==[" + b + "]==]" for b in bodies)


def run_wrk(url: str, bodies: list[str], connections: int, seconds: int, headers: dict[str, str] | None = None) -> dict:
    given = {"Content-Type": "application/json"} | (headers or {})
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % (lua_bodies(bodies), ", ".join(f'["{k}"] = "{v}"' for k, v in given.items())))
    process = subprocess.Popen(
        ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script.name, url],
        stdout=subprocess.PIPE,
        text=True,
    )
    _, status, usage = os.wait4(process.pid, 0)
    out = process.stdout.read()
    process.returncode = os.waitstatus_to_exitcode(status)
    os.unlink(script.name)

    if process.returncode != 0 or "Requests/sec" not in out:
        raise RuntimeError(f"wrk failed ({process.returncode}): {out}")

    def ms(label: str) -> float:
        value, unit = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return round(float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit], 2)

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"p50_ms": ms("50%"), "p90_ms": ms("90%"), "p99_ms": ms("99%"),
            "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "non_2xx": int(errors.group(1)) if errors else 0,
            "client_cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2)}


def global_id(pk: int) -> str:
    return base64.urlsafe_b64encode(f"Stf:{pk}".encode()).decode()


async def main(count: int, connections: int, seconds: int, workers: int) -> dict:
    rng = random.Random(11)
    db_url = await fresh_database("omniclaude_bench_stfs")
    try:
        await seed(db_url, count)
        server = await AppServer(db_url, workers).ready()
        try:
            by_id = [json.dumps({"query": STF, "variables": {"id": global_id(rng.randrange(1, count + 1))}})
                     for _ in range(2000)]
            filtered = [
                json.dumps({"query": STFS, "variables": {"f": {"status": "ACTIVE", "tags": [rng.choice(TAGS)]}}})
                for _ in range(200)
            ]
            searched = [json.dumps({"query": STFS, "variables": {"f": {"search": " ".join(rng.sample(WORDS, 2))}}})
                        for _ in range(200)]
            results = {}
            for name, bodies in (("stf(id)", by_id), ("stfs(first: 20, filter: {status, tags})", filtered),
                                 ("stfs(first: 20, filter: {search})", searched)):
                run_wrk(server.url + "/graphql", bodies, connections, 3)  # warm-up
                before = server.cpu()
                results[name] = run_wrk(server.url + "/graphql", bodies, connections, seconds)
                results[name]["server_cpu_seconds"] = round(server.cpu() - before, 2)
        finally:
            server.stop()
    finally:
        await drop_database(db_url)
    return {"benchmark": "STF reads", "machine": machine(),
            "setup": {"stfs": count, "connections": connections, "seconds_each": seconds, "server_workers": workers,
                      "load_generator": "wrk -t2 with a Lua script (random id / tag / words per request)"},
            "results": results, "target": "p99 <= 10 ms for stf(id)"}


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--stfs", type=int, default=100_000)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.stfs, args.connections, args.seconds, args.workers)), indent=2))
