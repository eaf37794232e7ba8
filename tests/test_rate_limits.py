"""Query cost and rate limits: the cost of a document, refusal above MAX_QUERY_COST, budgets per key
shared by replicas through Redis, refill when the window turns, subscriptions charged once."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import datetime

from graphql import parse
from hypothesis import given
from hypothesis import strategies as st

from api.query_cost import operation_cost
from api.schema import schema
from models.auth import Role
from tests.conftest import make_key, start_server, stop_server
from tests.support import GraphQLClient, GraphQLWebSocket

PAGE = "{ stfs(first: %d) { edges { node { id name } } pageInfo { endCursor } } }"
RATE = "{ rateLimit { limit cost remaining resetAt } }"
VIEWER = "{ viewer { id } }"  # costs 2: the operation and one object


def cost(query: str, variables: dict | None = None, name: str | None = None) -> int:
    return operation_cost(schema._schema, parse(query), name, variables, default_page=20, max_page=100).points


def test_a_page_costs_its_edges_and_nodes():
    # 1 for the operation, the connection, 20 edges, 20 nodes, pageInfo
    assert cost(PAGE % 20) == 1 + 1 + 20 + 20 + 1
    assert cost("{ stfs { edges { node { id } } } }") == 1 + 1 + 20 + 20  # the default page size
    assert cost('{ stf(id: "x") { id codePointer { commitSha } } }') == 1 + 1 + 1
    assert cost("{ __typename }") == 1


def test_nested_connections_multiply():
    query = "{ stfs(first: 10) { edges { node { id versions(first: 5) { edges { node { id } } } } } } }"
    # each of the 10 nodes holds a connection of 5 edges with 5 nodes
    assert cost(query) == 1 + 1 + 10 + 10 + 10 * (1 + 5 + 5)


def test_page_sizes_from_variables_and_fragments_count():
    query = """query Q($n: Int) { stfs(first: $n) { ...page } }
               fragment page on StfConnection { edges { node { id } } }"""
    result = operation_cost(schema._schema, parse(query), None, {"n": 50}, default_page=20, max_page=100)
    assert result.points == 1 + 1 + 50 + 50 and result.uses_variables
    assert cost(query, {"n": 1000}) == 1 + 1 + 100 + 100  # capped at the page size limit


def test_mutations_cost_a_fixed_amount_per_root_field():
    assert cost('mutation { a: apiKeyRevoke(input: {keyPrefix: "x"}) { keyPrefix } }') == 10
    assert cost('mutation { a: apiKeyRevoke(input: {keyPrefix: "x"}) { keyPrefix } '
                'b: apiKeyRevoke(input: {keyPrefix: "y"}) { keyPrefix } }') == 20


@given(st.integers(min_value=0, max_value=100), st.integers(min_value=0, max_value=100))
def test_cost_grows_with_the_page_size(a: int, b: int):
    small, large = sorted((a, b))
    assert cost(PAGE % small) <= cost(PAGE % large)


async def test_an_operation_over_the_maximum_is_refused_with_its_cost(db_url):
    server = await start_server(db_url, max_query_cost=100)
    client = GraphQLClient(server.url)
    try:
        response = await client.post(PAGE % 60)
        body = response.json()
        assert response.status_code == 200 and body["data"] is None
        [error] = body["errors"]
        assert error["extensions"] == {"code": "QUERY_TOO_COSTLY", "cost": 123, "maxCost": 100}
        assert "costs 123 points" in error["message"] and "MAX_QUERY_COST" in error["message"]
        assert (await client.post(PAGE % 40)).json()["data"]["stfs"] is not None  # 83 points
    finally:
        await client.aclose()
        await stop_server(server)


async def test_a_key_spent_on_one_replica_is_refused_on_another(db_url, redis_url, only_these_relays):
    settings = {"redis_url": redis_url, "events_channel": f"test:{uuid.uuid4().hex}",
                "rate_limit_prefix": f"test:ratelimit:{uuid.uuid4().hex}", "rate_limit_points": 50,
                "rate_limit_window_seconds": 3600}
    a = await start_server(db_url, **settings)
    b = await start_server(db_url, **settings)
    only_these_relays(a, b)
    key = await make_key(Role.AGENT)
    on_a, on_b = GraphQLClient(a.url, key), GraphQLClient(b.url, key)
    try:
        for _ in range(16):  # 16 x 3 points of the 50
            assert (await on_a.post("{ viewer { id role createdAt } rateLimit { cost } }")).status_code == 200
        spent = await on_b.post(RATE)  # 2 points: 50 used
        assert spent.json()["data"]["rateLimit"]["remaining"] == 0
        refused = await on_b.post(VIEWER)
        body = refused.json()
        assert refused.status_code == 429 and body["data"] is None
        [error] = body["errors"]
        assert error["extensions"]["code"] == "RATE_LIMITED"
        assert error["extensions"]["remaining"] == 0 and error["extensions"]["limit"] == 50
        retry = int(refused.headers["retry-after"])
        assert 0 < retry <= 3600 and error["extensions"]["retryAfterSeconds"] == retry
        assert refused.headers["x-ratelimit-remaining"] == "0" and refused.headers["x-ratelimit-limit"] == "50"
        other = GraphQLClient(a.url, await make_key(Role.AGENT))  # another key has its own budget
        assert (await other.post(VIEWER)).status_code == 200
        await other.aclose()
    finally:
        await on_a.aclose()
        await on_b.aclose()
        await stop_server(a)
        await stop_server(b)


async def test_the_budget_refills_when_the_window_turns(db_url):
    server = await start_server(db_url, rate_limit_points=6, rate_limit_window_seconds=2)
    client = GraphQLClient(server.url, await make_key(Role.AGENT))
    try:
        while True:  # start at the beginning of a window, so three calls fit in it
            response = await client.post(VIEWER)
            if response.status_code == 200 and response.headers["x-ratelimit-used"] == "2":
                break
            await asyncio.sleep(0.05)
        reset = int(response.headers["x-ratelimit-reset"])
        await client.post(VIEWER)
        await client.post(VIEWER)
        refused = await client.post(VIEWER)
        assert refused.status_code == 429 and refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        await asyncio.sleep(max(0.0, reset - time.time()) + 0.05)
        again = await client.post(RATE)
        assert again.status_code == 200
        assert again.json()["data"]["rateLimit"] == {"limit": 6, "cost": 2, "remaining": 4,
                                                     "resetAt": again.json()["data"]["rateLimit"]["resetAt"]}
        assert datetime.fromisoformat(again.json()["data"]["rateLimit"]["resetAt"]).timestamp() > reset
    finally:
        await client.aclose()
        await stop_server(server)


async def test_headers_and_field_show_where_the_caller_stands(client, agent_key):
    response = await client.post(RATE, key=agent_key)
    state = response.json()["data"]["rateLimit"]
    assert state["limit"] == 100_000 and state["cost"] == 2
    assert response.headers["x-ratelimit-limit"] == "100000"
    assert int(response.headers["x-ratelimit-remaining"]) == state["remaining"]
    assert response.headers["x-ratelimit-cost"] == "2"
    assert datetime.fromisoformat(state["resetAt"]).timestamp() == int(response.headers["x-ratelimit-reset"])
    anonymous = (await client.post(RATE)).json()["data"]["rateLimit"]
    assert anonymous["limit"] == 20_000


async def test_admin_gives_a_key_its_own_limit(client, admin_key, agent_key):
    set_limit = """mutation S($input: ApiKeySetRateLimitInput!) { apiKeySetRateLimit(input: $input) {
                   keyPrefix points userErrors { field code message } } }"""
    refused = await client.post(set_limit, {"input": {"keyPrefix": agent_key[:12], "points": 5}}, key=agent_key)
    assert refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    bad = await client.execute(set_limit, {"input": {"keyPrefix": agent_key[:12], "points": 0}}, key=admin_key)
    assert bad["apiKeySetRateLimit"]["userErrors"][0]["field"] == "points"
    done = await client.execute(set_limit, {"input": {"keyPrefix": agent_key[:12], "points": 500}}, key=admin_key)
    assert done["apiKeySetRateLimit"] == {"keyPrefix": agent_key[:12], "points": 500, "userErrors": []}
    assert (await client.execute(RATE, key=agent_key))["rateLimit"]["limit"] == 500
    back = await client.execute(set_limit, {"input": {"keyPrefix": agent_key[:12], "points": None}}, key=admin_key)
    assert back["apiKeySetRateLimit"]["points"] is None
    assert (await client.execute(RATE, key=agent_key))["rateLimit"]["limit"] == 100_000


async def test_a_subscription_is_charged_once_when_it_starts(server, client, admin_key):
    events = "subscription E($names: [String!]) { events(names: $names) { name payload } }"
    other_admin = await make_key(Role.ADMIN)
    for _attempt in range(3):  # the window may turn in between: then measure again
        before = (await client.execute(RATE, key=admin_key))["rateLimit"]
        async with GraphQLWebSocket.connect(server.url, admin_key) as ws:
            await ws.subscribe(events, {"names": ["auth.api_key.created.v1"]})
            await asyncio.sleep(0.1)
            for _ in range(3):
                await client.execute('mutation { apiKeyCreate(input: {name: "%s", role: AGENT}) { apiKey } }'
                                     % f"sub-cost-{uuid.uuid4().hex[:8]}", key=other_admin)
            for _ in range(3):
                assert (await ws.next_data())["events"]["name"] == "auth.api_key.created.v1"
        after = (await client.execute(RATE, key=admin_key))["rateLimit"]
        if after["resetAt"] == before["resetAt"]:
            break
    # the subscription (2: the operation, one Event) once, and this query (2); nothing per event
    assert before["remaining"] - after["remaining"] == 2 + 2
