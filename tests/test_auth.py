"""Authentication and roles on HTTP and on WebSocket: no key, a bad key, the wrong role."""

from __future__ import annotations

import pytest

from api.schema import schema
from models.auth import Role
from tests.conftest import make_key
from tests.support import GraphQLWebSocket, WsClosed

ADMIN_ONLY = "{ principals { totalCount } }"
MUTATION = 'mutation { apiKeyCreate(input: {name: "x-never", role: AGENT}) { apiKey userErrors { code } } }'
SUBSCRIPTION = "subscription { events { name } }"


async def test_http_no_key_may_query_public_data_but_not_mutate(client):
    assert (await client.post("{ viewer { id } }")).json() == {"data": {"viewer": None}}
    body = (await client.post(MUTATION)).json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "Authorization: Bearer" in body["errors"][0]["message"]


async def test_http_bad_key_is_refused_whole(client):
    for header in ("Bearer omk_not-a-real-key", "Bearer", "Basic abc", "Bearer nokeyprefix"):
        response = await client.http.post("/graphql", json={"query": "{ viewer { id } }"},
                                          headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_http_wrong_role_is_forbidden(client, agent_key):
    for query in (ADMIN_ONLY, MUTATION):
        body = (await client.post(query, key=agent_key)).json()
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert body["errors"][0]["message"] == "Forbidden: this field needs the role ADMIN"


async def test_ws_bad_key_is_rejected_at_connect(server):
    with pytest.raises(WsClosed) as closed:
        async with GraphQLWebSocket.connect(server.url, "omk_wrong"):
            pass
    assert closed.value.code == 4403


async def test_ws_no_key_cannot_subscribe_to_events(server):
    async with GraphQLWebSocket.connect(server.url) as ws:
        await ws.subscribe(SUBSCRIPTION)
        message = await ws.receive()
        assert message["type"] in ("error", "next")
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_ws_wrong_role_cannot_subscribe_to_events(server):
    key = await make_key(Role.CONTRIBUTOR)
    async with GraphQLWebSocket.connect(server.url, key) as ws:
        await ws.subscribe(SUBSCRIPTION)
        message = await ws.receive()
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == "FORBIDDEN"


async def test_ws_queries_see_the_principal_of_the_connection(server, agent_key):
    async with GraphQLWebSocket.connect(server.url, agent_key) as ws:
        await ws.subscribe("{ viewer { role } }")
        assert await ws.next_data() == {"viewer": {"role": "AGENT"}}


def test_every_mutation_field_demands_authentication():
    """'Every mutation needs a key': enforced per field, so a new mutation without it fails here."""
    from resolvers.permissions import IsAuthenticated

    mutation = schema.get_type_by_name("Mutation")
    for field in mutation.fields:
        assert any(isinstance(p, type) and issubclass(p, IsAuthenticated) or isinstance(p, IsAuthenticated)
                   for p in field.permission_classes), f"{field.python_name} has no IsAuthenticated"
