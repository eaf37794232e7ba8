"""Request limits, error masking, health, readiness, metrics and the exported schema."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import httpx
from graphql import get_introspection_query

from api.app import create_app
from api.schema import schema
from resolvers import auth as auth_resolvers
from tests.conftest import settings_for_test


def _tight_client(**limits) -> httpx.AsyncClient:
    app = create_app(settings_for_test(**limits), manage_db=False)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def test_over_deep_query_is_refused(db_url):
    async with _tight_client(max_query_depth=2) as http:
        response = await http.post("/graphql", json={"query": "{ principals { edges { node { name } } } }"})
    assert response.status_code == 200
    assert response.json()["errors"][0]["message"] == "'anonymous' exceeds maximum operation depth of 2"


async def test_too_many_aliases_are_refused(client):
    aliases = " ".join(f"a{i}: viewer {{ id }}" for i in range(31))
    body = (await client.post(f"{{ {aliases} }}")).json()
    assert body["errors"][0]["message"] == "31 aliases found. Allowed: 30"


async def test_too_many_tokens_are_refused(db_url):
    async with _tight_client(max_query_tokens=10) as http:
        response = await http.post(
            "/graphql", json={"query": "{ viewer { id name role createdAt } node(id: \"x\") { id } }"}
        )
    assert "Document contains more than 10 tokens" in response.json()["errors"][0]["message"]


async def test_oversized_body_is_refused_with_413(client):
    big = "{ viewer { id } }" + " " * (1024 * 1024)
    response = await client.http.post("/graphql", json={"query": big})
    assert response.status_code == 413
    assert "Request body too large" in response.json()["errors"][0]["message"]
    assert "MAX_BODY_BYTES" in response.json()["errors"][0]["message"]


async def test_streamed_oversized_body_is_refused(db_url):
    async def chunks():
        for _ in range(5):
            yield b" " * 1024

    async with _tight_client(max_body_bytes=4096) as http:
        response = await http.post("/graphql", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413


async def test_malformed_json_is_a_400_not_a_500(client):
    response = await client.http.post("/graphql", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 400


async def test_unexpected_errors_are_masked_and_logged_with_the_request_id(client, admin_key, monkeypatch, caplog):
    async def explode(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(auth_resolvers.auth_service, "revoke_key", explode)
    with caplog.at_level(logging.ERROR, logger="api.errors"):
        response = await client.http.post(
            "/graphql", headers={**client.headers(admin_key), "X-Request-ID": "req-test-123"},
            json={"query": 'mutation { apiKeyRevoke(input: {keyPrefix: "omk_x"}) { keyPrefix } }'})
    error = response.json()["errors"][0]
    assert response.status_code == 200 and response.headers["x-request-id"] == "req-test-123"
    assert "secret internals" not in response.text
    assert error["message"] == "Internal server error (request id req-test-123); it has been logged"
    assert error["extensions"] == {"code": "INTERNAL", "requestId": "req-test-123"}
    assert any("secret internals" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)


async def test_health_and_readiness(client):
    assert (await client.http.get("/healthz")).json() == {"status": "ok"}
    ready = await client.http.get("/readyz")
    assert ready.status_code == 200
    body = ready.json()
    assert body["status"] == "ok"
    assert body["components"]["database"] == {"ok": True}
    assert body["components"]["bus"] == {"ok": True, "backend": "inprocess"}
    assert body["components"]["vectors"]["ok"] is True
    assert body["components"]["vectors"]["backend"].startswith("local:")


async def test_metrics_count_operations_by_name(client):
    for _ in range(3):
        await client.post("query MetricsProbe { viewer { id } }", operation_name="MetricsProbe")
    text = (await client.http.get("/metrics")).text
    assert 'omniclaude_graphql_requests_total{operation="MetricsProbe"} 3.0' in text
    assert 'omniclaude_graphql_request_seconds_count{operation="MetricsProbe"} 3.0' in text
    assert "omniclaude_outbox_unpublished " in text and "omniclaude_subscriptions_open " in text


def test_schema_graphql_matches_the_code():
    committed = (Path(__file__).resolve().parent.parent / "schema.graphql").read_text()
    assert committed == schema.as_str() + "\n", "schema.graphql drifted: run `make schema` and commit it"


async def test_the_full_introspection_query_answers_without_errors(client):
    """What GraphiQL and code generators send; a JSON object default (`parameters: JSON! = {}`) once
    failed it with INTERNAL."""
    data = await client.execute(get_introspection_query())
    inputs = {t["name"]: {f["name"]: f["defaultValue"] for f in t["inputFields"] or []}
              for t in data["__schema"]["types"]}
    assert inputs["ExecutionStartInput"]["parameters"] == "{  }"
    assert inputs["ClarificationRequestInput"]["knownParameters"] == "{  }"


async def test_graphiql_is_served_to_browsers(client):
    response = await client.http.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200 and "graphiql" in response.text.lower()


def test_log_lines_are_json_with_the_request_id():
    import json

    from api.logs import JsonFormatter, request_id_var

    token = request_id_var.set("rid-42")
    try:
        record = logging.LogRecord("api.test", logging.WARNING, __file__, 1, "outbox lag %s", (3,), None)
        record.component = "relay"
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id_var.reset(token)
    assert line["msg"] == "outbox lag 3" and line["level"] == "WARNING"
    assert line["request_id"] == "rid-42" and line["component"] == "relay"



def _graphql_schema(server):
    endpoint = next(route.endpoint for route in server.app.routes if getattr(route, "path", "") == "/graphql")
    return endpoint.schema._schema


async def test_every_answer_names_its_own_request_id(server, client, monkeypatch, caplog):
    """The same document failing twice while it is validated (a scalar crashing on a literal): each
    answer and each log line carry their own request's id. Validated documents are cached with their
    errors; masking must not rewrite the cached ones."""
    def explode(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(_graphql_schema(server).type_map["BigInt"], "parse_literal", explode)
    query = 'mutation { tokenTransfer(input: {to: "a", amount: 5, idempotencyKey: "k"}) { userErrors { code } } }'
    with caplog.at_level(logging.ERROR, logger="api.errors"):
        for request_id in ("req-first", "req-second"):
            response = await client.http.post("/graphql", json={"query": query}, headers={"X-Request-ID": request_id})
            assert response.headers["x-request-id"] == request_id
            assert response.json()["errors"][0]["extensions"] == {"code": "INTERNAL", "requestId": request_id}
            assert "secret internals" not in response.text
    assert [r.request_id for r in caplog.records if r.exc_info] == ["req-first", "req-second"]


async def test_unexpected_errors_over_websocket_are_masked_and_logged(server, admin_key, monkeypatch, caplog):
    from tests.support import GraphQLWebSocket

    async def explode(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(auth_resolvers.auth_service, "revoke_key", explode)
    with caplog.at_level(logging.ERROR, logger="api.errors"):
        async with GraphQLWebSocket.connect(server.url, admin_key) as ws:
            await ws.subscribe('mutation { apiKeyRevoke(input: {keyPrefix: "omk_x"}) { keyPrefix } }')
            message = await ws.receive()
    error = message["payload"]["errors"][0]
    assert "secret internals" not in json.dumps(message)
    assert error["extensions"]["code"] == "INTERNAL" and error["extensions"]["requestId"]
    assert [r.request_id for r in caplog.records if r.exc_info] == [error["extensions"]["requestId"]]
