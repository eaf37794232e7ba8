"""500 tickets opened concurrently, 3 votes each, until every ticket is decided. Prints JSON.

    .venv/bin/python bench/clarify_quorum.py [--tickets 500] [--connections 32]

Starts its own server (one uvicorn worker, in-process bus) on a throwaway database on
BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres). The client speaks raw
keep-alive HTTP/1.1 so that it is not the bottleneck; its CPU is reported next to the server's.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a file, this folder would come first on sys.path, and bench/http.py would shadow the stdlib.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
import asyncio

from bench.support import BenchServer, Pool, emit, make_agents, now, own_cpu, requester_key

REQUEST = """mutation R($input: ClarificationRequestInput!) { clarificationRequest(input: $input) {
  ticket { id panel { contributor { handle } } } userErrors { code message } } }"""
VOTE = """mutation V($input: ClarificationVoteCastInput!) { clarificationVoteCast(input: $input) {
  progress { votesCast decision } userErrors { code message } } }"""
PROMPT = "Connect to Postgres and copy the orders table into the warehouse, maybe with some retries."
# AGREE, DISAGREE, AGREE: undecided after two votes (2/3 is still reachable), APPROVED at the third
CHOICES = ["AGREE", "DISAGREE", "AGREE"]


async def main(tickets: int, connections: int, agents_count: int) -> None:
    async with BenchServer() as server:
        requester = await requester_key()
        agents = dict(await make_agents(agents_count, ["postgres"]))
        pool = Pool(server.port, connections)
        server_cpu, client_cpu = server.server_cpu_seconds(), own_cpu()
        started = now()

        async def one_ticket(i: int) -> str:
            body = await pool.post(REQUEST, {"input": {"correlationId": f"bench-{i}", "prompt": PROMPT,
                                                       "domainTags": ["postgres"], "deadlineSeconds": 3600}}, requester)
            payload = body["data"]["clarificationRequest"]
            assert not payload["userErrors"], payload
            ticket = payload["ticket"]
            decisions = []
            for choice, seat in zip(CHOICES, ticket["panel"]):
                result = (
                    await pool.post(
                        VOTE,
                        {"input": {"ticketId": ticket["id"], "vote": choice, "confidence": "1"}},
                        agents[seat["contributor"]["handle"]],
                    )
                )["data"]["clarificationVoteCast"]
                assert not result["userErrors"], result
                decisions.append(result["progress"]["decision"])
            assert decisions == ["PENDING", "PENDING", "APPROVED"], decisions
            return ticket["id"]

        done = await asyncio.gather(*(one_ticket(i) for i in range(tickets)))
        elapsed = now() - started
        server_used, client_used = server.server_cpu_seconds() - server_cpu, own_cpu() - client_cpu
        pool.close()
        from models.clarification import ClarificationTicket

        approved = await ClarificationTicket.filter(status="APPROVED").count()
        emit({"benchmark": "clarification quorum", "tickets": len(done), "votes": 3 * len(done),
              "approved": approved, "requests": 4 * len(done), "connections": connections, "agents": agents_count,
              "seconds_all_decided": round(elapsed, 3), "requests_per_second": round(4 * len(done) / elapsed, 1),
              "server_cpu_seconds": round(server_used, 2), "client_cpu_seconds": round(client_used, 2),
              "server": "1 uvicorn worker, in-process bus, PostgreSQL 15 on localhost",
              "load_average": __import__("os").getloadavg()})


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=500)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--agents", type=int, default=6)
    args = parser.parse_args()
    asyncio.run(main(args.tickets, args.connections, args.agents))
