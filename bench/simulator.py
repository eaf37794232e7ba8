"""How fast `omniclaude simulate` runs a scenario (default: scenarios/balanced.yaml, 1,000 agents,
a year), where the time goes (per action kind and phase), and the floor beside it in the same run:
one PostgreSQL round trip (`SELECT 1`) on the same server, before and after.

    .venv/bin/python bench/simulator.py [--scenario PATH] [--days N] [--database-url URL] [--out DIR]

Without --database-url the simulation starts its own embedded PostgreSQL, as the command does."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# run as a script, bench/ would come first on the path and its http.py would shadow the standard library's
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from bench.common import emit, machine, own_cpu  # noqa: E402


async def round_trip_us(url: str, n: int = 2000) -> float:
    import asyncpg

    from simulator.world import _with_database

    conn = await asyncpg.connect(_with_database(url, "postgres").replace("postgres://", "postgresql://", 1))
    try:
        started = time.perf_counter()
        for _ in range(n):
            await conn.fetchval("SELECT 1")
        return round((time.perf_counter() - started) / n * 1e6, 1)
    finally:
        await conn.close()


async def main(args: argparse.Namespace) -> dict:
    from api import database
    from simulator import report
    from simulator.engine import print_progress, simulate
    from simulator.scenario import load
    from simulator.world import Server

    logging.basicConfig(level=logging.ERROR)
    scenario = load(args.scenario)
    if args.days:
        scenario = scenario.first_days(args.days)
    async with Server(args.database_url, database) as server:
        floor_before = await round_trip_us(server.url)
        cpu_before = own_cpu()
        result = await simulate(scenario, server, print_progress(scenario.name))  # progress on stderr
        cpu = own_cpu() - cpu_before
        floor_after = await round_trip_us(server.url)
    if args.out:
        report.write(result.report, Path(args.out))
    per_kind = {name: {"count": int(n), "seconds": round(s, 2), "ms_each": round(1000 * s / n, 2),
                       "share_percent": round(100 * s / result.seconds, 1)}
                for name, (n, s) in sorted(result.timings.items(), key=lambda kv: -kv[1][1])}
    actions_seconds = sum(s for name, (_, s) in result.timings.items() if not name.startswith(("sweep", "observe")))
    return {
        "benchmark": "simulator", "scenario": scenario.name, "days": scenario.days,
        "agents_at_end": result.report["totals"]["agents"], "actions": result.actions,
        "seconds": round(result.seconds, 1), "days_per_second": round(scenario.days / result.seconds, 3),
        "actions_per_second": round(result.actions / result.seconds, 1),
        "ms_per_action": round(1000 * actions_seconds / max(1, result.actions), 3),
        "simulator_process_cpu_seconds": round(cpu, 1),
        "floor_select1_round_trip_us": {"before": floor_before, "after": floor_after},
        "ms_per_action_in_round_trips": round(1000 * actions_seconds / max(1, result.actions)
                                              / ((floor_before + floor_after) / 2 / 1000), 1),
        "where_the_time_goes": per_kind,
        "load_average_at_end": os.getloadavg(),
        "database": "given" if args.database_url else "embedded",
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "balanced.yaml"))
    parser.add_argument("--days", type=int, help="only the first N days (the policy changes within them)")
    parser.add_argument("--database-url")
    parser.add_argument("--out", help="also write the run's report here")
    arguments = parser.parse_args()
    started_machine = machine()
    emit({"machine": started_machine, **asyncio.run(main(arguments))})
