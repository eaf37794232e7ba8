"""Queries and mutations over HTTP, the payload convention, Relay nodes and connections."""

from __future__ import annotations

import uuid

from models.auth import Role
from tests.conftest import make_key

CREATE = """
mutation Create($name: String!, $role: Role!) {
  apiKeyCreate(input: {name: $name, role: $role}) {
    apiKey
    principal { id name role }
    userErrors { field message code }
  }
}"""


async def test_viewer_is_null_when_anonymous(client):
    assert await client.execute("{ viewer { id } }") == {"viewer": None}


async def test_viewer_returns_the_principal_of_the_key(client, agent_key):
    viewer = (await client.execute("{ viewer { name role } }", key=agent_key))["viewer"]
    assert viewer["role"] == "AGENT" and viewer["name"].startswith("agent-")


async def test_admin_creates_a_key_that_then_works(client, admin_key):
    name = f"bot-{uuid.uuid4().hex[:6]}"
    payload = (await client.execute(CREATE, {"name": name, "role": "REVIEWER"}, key=admin_key))["apiKeyCreate"]
    assert payload["userErrors"] == []
    assert payload["apiKey"].startswith("omk_")
    viewer = (await client.execute("{ viewer { name role } }", key=payload["apiKey"]))["viewer"]
    assert viewer == {"name": name, "role": "REVIEWER"}


async def test_duplicate_name_is_a_user_error_and_writes_nothing(client, admin_key):
    name = f"dup-{uuid.uuid4().hex[:6]}"
    await client.execute(CREATE, {"name": name, "role": "AGENT"}, key=admin_key)
    before = (await client.execute("{ principals(first: 0) { totalCount } }", key=admin_key))["principals"]
    again = (await client.execute(CREATE, {"name": name, "role": "AGENT"}, key=admin_key))["apiKeyCreate"]
    assert again["apiKey"] is None and again["principal"] is None
    assert again["userErrors"] == [{"field": "name", "message": f"a principal named '{name}' already exists",
                                    "code": "DUPLICATE"}]
    after = (await client.execute("{ principals(first: 0) { totalCount } }", key=admin_key))["principals"]
    assert after == before


async def test_bad_name_is_a_user_error_naming_the_field(client, admin_key):
    payload = (await client.execute(CREATE, {"name": "  ", "role": "AGENT"}, key=admin_key))["apiKeyCreate"]
    assert payload["userErrors"][0]["field"] == "name"
    assert payload["userErrors"][0]["code"] == "INVALID"


async def test_revoked_key_stops_working(client, admin_key):
    key = await make_key(Role.CONTRIBUTOR)
    query = (
        "mutation R($p: String!) { apiKeyRevoke(input: {keyPrefix: $p}) { keyPrefix revokedAt userErrors { code } } }"
    )
    payload = (await client.execute(query, {"p": key[:12]}, key=admin_key))["apiKeyRevoke"]
    assert payload["keyPrefix"] == key[:12] and payload["revokedAt"]
    response = await client.post("{ viewer { id } }", key=key)
    assert response.status_code == 401
    again = (await client.execute(query, {"p": key[:12]}, key=admin_key))["apiKeyRevoke"]
    assert again["userErrors"] == [{"code": "ALREADY_REVOKED"}]


async def test_node_fetches_a_principal_by_global_id(client, admin_key):
    me = (await client.execute("{ viewer { id name } }", key=admin_key))["viewer"]
    node = (await client.execute('query N($id: ID!) { node(id: $id) { id ... on Principal { name } } }',
                                 {"id": me["id"]}, key=admin_key))["node"]
    assert node == me
    anonymous = await client.execute('query N($id: ID!) { node(id: $id) { id } }', {"id": me["id"]})
    assert anonymous == {"node": None}


async def test_node_with_a_malformed_id_is_a_clear_error(client):
    body = (await client.post('{ node(id: "not-base64!") { id } }')).json()
    assert "is not a valid global id" in body["errors"][0]["message"]


async def test_connection_pages_forward_without_gap_or_repeat(client, admin_key):
    for i in range(5):
        await make_key(Role.AGENT, f"page-{uuid.uuid4().hex[:6]}-{i}")
    query = """query P($after: String) { principals(first: 2, after: $after, role: AGENT) {
        totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }"""
    seen, after = [], None
    while True:
        page = (await client.execute(query, {"after": after}, key=admin_key))["principals"]
        seen += [edge["node"]["id"] for edge in page["edges"]]
        assert len(page["edges"]) <= 2
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == page["totalCount"] >= 5


async def test_first_over_the_cap_is_refused(client, admin_key):
    body = (await client.post("{ principals(first: 101) { totalCount } }", key=admin_key)).json()
    assert body["errors"][0]["message"] == "first: must be between 0 and 100, got 101"


async def test_bad_cursor_is_a_clear_error(client, admin_key):
    body = (await client.post('{ principals(after: "bogus") { totalCount } }', key=admin_key)).json()
    assert "after: 'bogus' is not a cursor of this list" in body["errors"][0]["message"]
