"""Live fan-out: one event to 100 and 1,000 WebSocket subscribers (graphql-transport-ws), with the
in-process bus and with Redis. Each event is a mutation (`apiKeyCreate`) sent over HTTP; its time
to each subscriber counts from the moment the mutation was sent, through the outbox, the relay and
the bus, to the subscriber's socket. Reports the latency of every delivery and of the last
subscriber of each event (p50, p99), the server's CPU per delivery, its RSS idle, with the
subscriptions open and after the events, and whether every subscriber got every event exactly once.

    python -m bench.fanout [--subscribers 100,1000] [--events 20] [--buses inprocess,redis]

Subscribers live in 4 client processes (their CPU is reported). Redis at REDIS_URL
(default redis://127.0.0.1:6379/0), PostgreSQL at BENCH_DATABASE_URL."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
import uuid

import httpx

from bench.common import ROOT, AppServer, drop_database, fresh_database, machine, own_cpu, percentile

SUBSCRIPTION = 'subscription { events(names: ["auth.api_key.created.v1"]) { name payload } }'
CREATE = 'mutation C($n: String!) { apiKeyCreate(input: {name: $n, role: AGENT}) { apiKey } }'
CLIENT_PROCESSES = 4


async def client_main(url: str, key: str, count: int, events: int, deadline: float) -> None:
    """One client process: `count` subscribers; prints READY, then the receipt times as JSON."""
    import websockets

    received: list[list[tuple[str, float]]] = [[] for _ in range(count)]

    async def subscriber(i: int, ready: asyncio.Event) -> None:
        async with websockets.connect(url, subprotocols=["graphql-transport-ws"], max_queue=None,
                                      compression=None, open_timeout=60) as ws:
            await ws.send(json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {key}"}}))
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIPTION}}))
            ready.set()
            while len(received[i]) < events:
                remaining = deadline - time.time()
                if remaining <= 0:
                    return
                try:
                    raw = await asyncio.wait_for(ws.recv(), remaining)
                except asyncio.TimeoutError:
                    return
                at = time.time()
                message = json.loads(raw)
                if message["type"] == "ping":
                    await ws.send('{"type":"pong"}')
                elif message["type"] == "next":
                    received[i].append((message["payload"]["data"]["events"]["payload"]["name"], at))

    readies = [asyncio.Event() for _ in range(count)]
    tasks = []
    for i in range(count):
        tasks.append(asyncio.create_task(subscriber(i, readies[i])))
        if i % 50 == 49:
            await asyncio.sleep(0.05)  # do not open every socket at once
    await asyncio.gather(*(r.wait() for r in readies))
    print("READY", flush=True)
    started = own_cpu()
    await asyncio.gather(*tasks, return_exceptions=True)
    print(json.dumps({"received": received, "cpu_seconds": own_cpu() - started}), flush=True)


async def run(db_url: str, subscribers: int, events: int, bus: str, redis_url: str) -> dict:
    import psutil

    from api.database import close_orm, init_orm
    from models.auth import Role
    from services.auth import create_principal_with_key

    env = {"REDIS_URL": redis_url if bus == "redis" else "", "EVENTS_CHANNEL": f"bench:fanout:{uuid.uuid4().hex}",
           "OMNICLAUDE_DATA_DIR": f"/tmp/omniclaude-bench-fanout-{uuid.uuid4().hex[:8]}"}
    server = await AppServer(db_url, **env).ready()
    process = psutil.Process(server.process.pid)
    await init_orm(db_url, 2)
    try:
        _, key = await create_principal_with_key(f"bench-fanout-{uuid.uuid4().hex[:8]}", Role.ADMIN)
        _, writer_key = await create_principal_with_key(f"bench-writer-{uuid.uuid4().hex[:8]}", Role.ADMIN)
        await asyncio.sleep(1)
        rss_idle = process.memory_info().rss
        deadline = time.time() + 60 + events * 2
        ws_url = server.url.replace("http://", "ws://") + "/graphql"
        share = [subscribers // CLIENT_PROCESSES + (i < subscribers % CLIENT_PROCESSES)
                 for i in range(CLIENT_PROCESSES)]
        clients = [subprocess.Popen([sys.executable, "-m", "bench.fanout", "--client", ws_url, key, str(n), str(events),
                                     str(deadline)], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                                    env=os.environ | {"PYTHONPATH": str(ROOT)}) for n in share if n]
        for client in clients:
            assert client.stdout.readline().strip() == "READY"
        await asyncio.sleep(2)
        rss_open = process.memory_info().rss
        sent: dict[str, float] = {}
        cpu_before = server.cpu()
        async with httpx.AsyncClient(base_url=server.url, timeout=30,
                                     headers={"Authorization": f"Bearer {writer_key}"}) as http:
            for n in range(events):
                name = f"fanout-{uuid.uuid4().hex[:10]}"
                sent[name] = time.time()
                body = (await http.post("/graphql", json={"query": CREATE, "variables": {"n": name}})).json()
                assert not body.get("errors"), body
                await asyncio.sleep(0.5)
        results, client_cpu = [], 0.0
        for client in clients:
            out, _ = client.communicate(timeout=deadline - time.time() + 30)
            report = json.loads(out.strip().splitlines()[-1])
            results.extend(report["received"])
            client_cpu += report["cpu_seconds"]
        cpu = server.cpu() - cpu_before
        rss_after = process.memory_info().rss
    finally:
        await close_orm()
        server.stop()
    latencies, last_by_event, exact = [], {name: 0.0 for name in sent}, 0
    for got in results:
        names = [name for name, _ in got]
        exact += sorted(names) == sorted(sent)
        for name, at in got:
            if name in sent:
                latency = (at - sent[name]) * 1000
                latencies.append(latency)
                last_by_event[name] = max(last_by_event[name], latency)
    last = list(last_by_event.values())
    deliveries = subscribers * events
    return {"subscribers": subscribers, "events": events, "bus": bus,
            "latency_ms_every_delivery": {"p50": round(percentile(latencies, 50), 1),
                                          "p99": round(percentile(latencies, 99), 1)} if latencies else None,
            "latency_ms_last_subscriber_of_each_event": {"p50": round(percentile(last, 50), 1),
                                                         "p99": round(percentile(last, 99), 1),
                                                         "max": round(max(last), 1)},
            "server_cpu_us_per_delivery": round(cpu * 1e6 / deliveries, 1),
            "client_cpu_us_per_delivery": round(client_cpu * 1e6 / deliveries, 1),
            "rss_mib": {"idle": round(rss_idle / 2**20), "subscriptions_open": round(rss_open / 2**20),
                        "after_events": round(rss_after / 2**20)},
            "every_subscriber_got_every_event_exactly_once": exact == subscribers and len(latencies) == deliveries,
            "deliveries": {"expected": deliveries, "received": len(latencies)},
            "targets_met": {"p99 last subscriber <= 100 ms": percentile(last, 99) <= 100,
                            "rss <= 300 MB with subscriptions open": rss_open <= 300 * 10**6,
                            "exactly once": exact == subscribers}}


async def main(args: argparse.Namespace) -> dict:
    started_on = machine()  # the load average before the run
    db_url = await fresh_database("omniclaude_bench_fanout")
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    results = []
    try:
        for bus in args.buses:
            for subscribers in args.subscribers:
                results.append(await run(db_url, subscribers, args.events, bus, redis_url))
                print(json.dumps(results[-1]), file=sys.stderr, flush=True)
    finally:
        await drop_database(db_url)
    return {"benchmark": "live fan-out over WebSocket", "machine": started_on, "load_average_at_end": os.getloadavg(),
            "setup": {"events_each": args.events, "event_spacing_s": 0.5, "client_processes": CLIENT_PROCESSES,
                      "server": "one uvicorn worker, as `omniclaude serve` runs it"},
            "results": results,
            "median_last_subscriber_ms": statistics.median(
                r["latency_ms_last_subscriber_of_each_event"]["p50"] for r in results)}


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--client":
        url, key, count, events, deadline = sys.argv[2:7]
        asyncio.run(client_main(url, key, int(count), int(events), float(deadline)))
        sys.exit(0)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subscribers", type=lambda v: [int(x) for x in v.split(",")], default=[100, 1000])
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--buses", type=lambda v: v.split(","), default=["inprocess", "redis"])
    print(json.dumps(asyncio.run(main(parser.parse_args())), indent=2))
