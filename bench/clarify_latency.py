"""Vote-to-subscriber latency over WebSocket (target p99 <= 50 ms). Prints JSON.

    .venv/bin/python bench/clarify_latency.py [--votes 300]

Starts its own server (one uvicorn worker, in-process bus) on a throwaway database. A subscriber
follows `clarificationUpdates(correlationId)`; votes are cast one at a time over HTTP, and for each
the time from sending the mutation (and from its response, i.e. after commit) to the VoteCast
update arriving on the WebSocket is measured. The path is commit -> outbox NOTIFY -> relay ->
bus -> stream -> WebSocket.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a file, this folder would come first on sys.path, and bench/http.py would shadow the stdlib.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
import asyncio
import json

import websockets

from bench.support import BenchServer, Connection, emit, make_agents, now, percentile, requester_key

REQUEST = """mutation R($input: ClarificationRequestInput!) { clarificationRequest(input: $input) {
  ticket { id panel { contributor { handle } } } userErrors { code message } } }"""
VOTE = """mutation V($input: ClarificationVoteCastInput!) { clarificationVoteCast(input: $input) {
  vote { voter } userErrors { code message } } }"""
UPDATES = """subscription U($c: String!) { clarificationUpdates(correlationId: $c) {
  __typename ... on VoteCast { ticketId voter } } }"""
PROMPT = "Connect to Postgres and copy the orders table."
# five members: NEUTRAL votes never decide a ticket before the fifth, so four votes per ticket all land
VOTES_PER_TICKET = 4


async def main(votes: int) -> None:
    async with BenchServer() as server:
        requester = await requester_key()
        agents = dict(await make_agents(5, ["postgres"]))
        http = Connection(server.port)
        correlation = "latency-bench"
        tickets = []
        for i in range((votes + VOTES_PER_TICKET - 1) // VOTES_PER_TICKET):
            body = await http.post(REQUEST, {"input": {"correlationId": correlation, "prompt": PROMPT, "panelSize": 5,
                                                       "domainTags": ["postgres"], "deadlineSeconds": 3600}}, requester)
            tickets.append(body["data"]["clarificationRequest"]["ticket"])
        arrived: dict[tuple[str, str], float] = {}
        waiters: dict[tuple[str, str], asyncio.Future[float]] = {}
        async with websockets.connect(f"ws://127.0.0.1:{server.port}/graphql",
                                      subprotocols=["graphql-transport-ws"]) as ws:
            await ws.send(json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {requester}"}}))
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            await ws.send(json.dumps({"id": "1", "type": "subscribe",
                                      "payload": {"query": UPDATES, "variables": {"c": correlation}}}))
            await asyncio.sleep(0.3)

            async def reader() -> None:
                async for raw in ws:
                    message = json.loads(raw)
                    if message["type"] == "next":
                        update = message["payload"]["data"]["clarificationUpdates"]
                        if update["__typename"] == "VoteCast":
                            key = (update["ticketId"], update["voter"])
                            arrived[key] = now()
                            if key in waiters:
                                waiters.pop(key).set_result(arrived[key])

            task = asyncio.create_task(reader())
            from_send, from_commit = [], []
            cast = 0
            for ticket in tickets:
                for seat in ticket["panel"][:VOTES_PER_TICKET]:
                    if cast == votes:
                        break
                    handle = seat["contributor"]["handle"]
                    key = (ticket["id"], handle)
                    waiters[key] = asyncio.get_running_loop().create_future()
                    sent = now()
                    result = await http.post(VOTE, {"input": {"ticketId": ticket["id"], "vote": "NEUTRAL",
                                                              "confidence": "1"}}, agents[handle])
                    committed = now()
                    assert not result["data"]["clarificationVoteCast"]["userErrors"], result
                    received = await asyncio.wait_for(waiters[key], 10) if key in waiters else arrived[key]
                    from_send.append((received - sent) * 1000)
                    from_commit.append(max(0.0, received - committed) * 1000)
                    cast += 1
            task.cancel()
        http.close()

        def summary(values: list[float]) -> dict[str, float]:
            return {"p50": round(percentile(values, 50), 2), "p90": round(percentile(values, 90), 2),
                    "p99": round(percentile(values, 99), 2), "max": round(max(values), 2)}

        emit({"benchmark": "clarification vote-to-subscriber latency", "votes": len(from_send),
              "ms_from_sending_the_vote": summary(from_send), "ms_from_the_vote_response": summary(from_commit),
              "target_p99_ms": 50, "server": "1 uvicorn worker, in-process bus, PostgreSQL 15 on localhost",
              "load_average": __import__("os").getloadavg()})


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--votes", type=int, default=300)
    asyncio.run(main(parser.parse_args().votes))
