"""PostGraphile 5 as the anchor of the read benchmarks: found on disk (never installed by the
benchmark), started on the benchmark's database in one Node process, stopped after.

Install it once, outside the repository (PostGraphile 5 needs Node >= 22; npm's `node` package
brings one without touching the system's Node):

    mkdir -p ~/postgraphile && cd ~/postgraphile && npm init -y
    npm install node@22 postgraphile@5.1.5 postgraphile-plugin-connection-filter@4
    export POSTGRAPHILE_DIR=~/postgraphile
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import httpx

from bench.common import free_port

INSTALL = ("PostGraphile is not installed, so there is no anchor in this run. Install it outside the repository "
           "(Node >= 22 comes from npm's `node` package): mkdir -p ~/postgraphile && cd ~/postgraphile && "
           "npm init -y && npm install node@22 postgraphile@5.1.5 postgraphile-plugin-connection-filter@4; "
           "then run with POSTGRAPHILE_DIR=~/postgraphile (or --postgraphile-dir).")

CONFIG = """import { makePgService } from "postgraphile/adaptors/pg";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { PostGraphileConnectionFilterPreset } from "postgraphile-plugin-connection-filter";

export default {
  extends: [PostGraphileAmberPreset, PostGraphileConnectionFilterPreset],
  pgServices: [makePgService({ connectionString: process.env.BENCH_DATABASE_URL, schemas: ["public"],
                               poolConfig: { max: 20 } })],
  grafserv: { port: Number(process.env.BENCH_PORT), host: "127.0.0.1", graphiql: false },
  grafast: { explain: false },
  // PostgreSQL uses the same indexes either way; this plugin only hides filters and orders on
  // columns without a plain index (stfs' are partial and GIN)
  disablePlugins: ["PgIndexBehaviorsPlugin"],
};
"""


def find(directory: str | None) -> tuple[Path, Path] | None:
    """(the folder holding node_modules/postgraphile, a Node >= 22 binary), or None."""
    folder = Path(directory or os.environ.get("POSTGRAPHILE_DIR", "")).expanduser()
    if not directory and not os.environ.get("POSTGRAPHILE_DIR"):
        return None
    if not (folder / "node_modules/postgraphile").is_dir() or \
            not (folder / "node_modules/postgraphile-plugin-connection-filter").is_dir():
        return None
    for node in (folder / "node_modules/node/bin/node", Path(shutil.which("node") or "/nonexistent")):
        if node.is_file() and _major(node) >= 22:
            return folder, node
    return None


def _major(node: Path) -> int:
    try:
        version = subprocess.run([str(node), "--version"], capture_output=True, text=True, timeout=10).stdout
        return int(version.strip().lstrip("v").split(".")[0])
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return 0


async def expose_only(db_url: str, tables: list[str], filterable: list[str] = ()) -> None:
    """Hide every other table of the benchmark's throwaway database from PostGraphile (a smart
    comment): its names for the whole schema clash, and the benchmark reads only these. Columns in
    `filterable` ("table.column") get filters that PostGraphile leaves out by default (JSONB)."""
    import asyncpg

    conn = await asyncpg.connect(db_url)
    try:
        for row in await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"):
            if row["tablename"] not in tables:
                await conn.execute(f'COMMENT ON TABLE "{row["tablename"]}" IS E\'@behavior -*\'')
        for column in filterable:
            table, name = column.split(".")
            await conn.execute(f'COMMENT ON COLUMN "{table}"."{name}" IS E\'@behavior +attribute:filterBy\'')
    finally:
        await conn.close()


def version(folder: Path) -> str:
    import json

    return json.loads((folder / "node_modules/postgraphile/package.json").read_text())["version"]


class PostGraphileServer:
    """`postgraphile -C <config>` on a free port; `pid` is the one Node process that serves."""

    def __init__(self, folder: Path, node: Path, db_url: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.config = folder / "graphile.bench.config.mjs"
        self.config.write_text(CONFIG)
        self.process = subprocess.Popen(
            [str(node), str(folder / "node_modules/postgraphile/dist/cli-run.js"), "-C", str(self.config)],
            cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            env=os.environ | {"BENCH_DATABASE_URL": db_url, "BENCH_PORT": str(self.port), "NODE_ENV": "production",
                              "GRAPHILE_ENV": "production"})
        self.pid = self.process.pid

    def ready(self, timeout: float = 90) -> "PostGraphileServer":
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"postgraphile exited: {self.process.stderr.read().decode()[-2000:]}")
            try:
                body = httpx.post(self.url + "/graphql", json={"query": "{ __typename }"}, timeout=2).json()
                if body.get("data"):
                    return self
            except (httpx.TransportError, ValueError):
                pass
            time.sleep(0.3)
        raise RuntimeError("postgraphile did not start")

    def cpu(self) -> float:
        import psutil

        process = psutil.Process(self.pid)
        return sum(sum(p.cpu_times()[:2]) for p in [process, *process.children(recursive=True)])

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.config.unlink(missing_ok=True)
