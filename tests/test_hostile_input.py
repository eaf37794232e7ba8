"""Hostile input, one row per kind, each sent over HTTP and over WebSocket (graphql-transport-ws):
scalars written inline and as variables, strings longer than their column or holding NUL or a lone
surrogate, date-times without a zone or at the ends of the range, global ids that cannot exist, and
request bodies that are not acceptable JSON. Every answer is a clear error naming what is wrong (or
simply "not found" for a lookup), never INTERNAL, and nothing reaches the error log."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
import pytest
import websockets

from models.auth import Role
from resolvers.relay import to_global_id
from tests.conftest import make_key
from tests.support import GraphQLWebSocket

LONG = "x" * 2000
TOO_BIG = 99999999999999999999

Check = Callable[[dict | None, list[dict]], None]


def _messages(errors: list[dict]) -> str:
    return " | ".join(e.get("message", "") for e in errors)


def refused(*fragments: str) -> Check:
    """A GraphQL error (not INTERNAL) whose message holds every fragment."""

    def check(data: dict | None, errors: list[dict]) -> None:
        assert errors, f"expected an error, got data {data}"
        assert all((e.get("extensions") or {}).get("code") != "INTERNAL" for e in errors), errors
        assert any(all(f in e["message"] for f in fragments) for e in errors), _messages(errors)

    return check


def user_error(root: str, field_name: str, *fragments: str) -> Check:
    """The mutation answered with a userError naming `field_name`; nothing else went wrong."""

    def check(data: dict | None, errors: list[dict]) -> None:
        assert not errors, errors
        found = data[root]["userErrors"]
        assert any(e["field"] == field_name and all(f in e["message"] for f in fragments) for e in found), found

    return check


def answered(expected: Callable[[dict], bool] = lambda data: True) -> Check:
    """No error; the data satisfies `expected` (e.g. the lookup found nothing)."""

    def check(data: dict | None, errors: list[dict]) -> None:
        assert not errors, errors
        assert expected(data), data

    return check


def not_found(fragment: str) -> Check:
    def check(data: dict | None, errors: list[dict]) -> None:
        assert errors and all(e["extensions"]["code"] == "NOT_FOUND" for e in errors), errors
        assert fragment in _messages(errors)

    return check


@dataclass(frozen=True)
class Case:
    name: str
    query: str
    check: Check
    variables: dict = field(default_factory=dict)
    role: Role | None = Role.ADMIN


def gid(type_name: str, pk: object) -> str:
    return to_global_id(type_name, pk)


def transfer(**values: object) -> dict:
    return {"input": {"to": "system:mint", "amount": 1, "idempotencyKey": uuid.uuid4().hex} | values}


TRANSFER = ("mutation T($input: TokenTransferInput!) { tokenTransfer(input: $input) "
            "{ transfer { id } userErrors { field message code } } }")
POLICY = 'mutation { rewardPolicyUpdate(input: {reason: "because", %s}) { userErrors { code } } }'
START = ('mutation E($p: JSON!) { executionStart(input: {agentName: "a", taskPrompt: "t", parameters: $p}) '
         "{ userErrors { code } } }")
PRICE = ('mutation M($m: String!, $at: DateTime) { modelPriceUpsert(input: {provider: "hostile", model: $m, '
         'inputUsdPerMtok: "1", outputUsdPerMtok: "2", source: "test", effectiveFrom: $at}) '
         "{ userErrors { field message code } } }")
FREEZE = ('mutation F($h: String!) { contributorFreeze(input: {handle: $h, reason: "fraud suspected"}) '
          "{ userErrors { field message code } } }")
UNFREEZE = "mutation F($h: String!) { contributorUnfreeze(input: {handle: $h}) { userErrors { field message code } } }"
REVOKE = "mutation R($p: String!) { apiKeyRevoke(input: {keyPrefix: $p}) { userErrors { field message code } } }"
SETTLE = ("mutation S($id: ID!) { computeSettle(input: {reservation: $id, actual: 1}) "
          "{ userErrors { field code } } }")
ECONOMY = "query E($from: DateTime!, $to: DateTime) { economyStats(from: $from, to: $to) { minted circulatingSupply } }"
MARKET = "query M($from: DateTime!, $to: DateTime) { marketStats(from: $from, to: $to) { peers } }"
COSTS = ("query C($from: DateTime, $to: DateTime) { costSummary(groupBy: MODEL, from: $from, to: $to, first: 5) "
         "{ total { cost } } }")
CLARIFY_STATS = "query C($since: DateTime) { clarificationStats(since: $since) { tickets } }"
REPRICE = ("mutation R($from: DateTime, $to: DateTime) { llmCallsReprice(input: {from: $from, to: $to}) "
           "{ userErrors { code } } }")
FIRST = "0001-01-02T00:00:00Z"  # the range of docs/api.md
LAST = "9999-12-30T23:59:59.999999Z"
BEFORE_FIRST = "0001-01-01T00:00:00+14:00"
AFTER_LAST = "9999-12-31T23:59:59-14:00"
NODE = "query N($id: ID!) { node(id: $id) { id } }"


def is_none(root: str) -> Check:
    return answered(lambda data: data[root] is None)


def is_empty(root: str) -> Check:
    return answered(lambda data: data[root]["totalCount"] == 0)


CASES = [
    # Scalars written inline and as variables
    Case("bigint literal out of range",
         f'mutation {{ tokenTransfer(input: {{to: "a", amount: {TOO_BIG}, idempotencyKey: "k"}}) '
         "{ userErrors { code } } }", refused("BigInt", "outside the signed 64-bit range")),
    Case("bigint variable out of range", TRANSFER, refused("BigInt", "outside the signed 64-bit range"),
         transfer(amount=TOO_BIG)),
    Case("bigint literal not digits",
         'mutation { computeSettle(input: {reservation: "x", actual: "1e3"}) { replayed } }',
         refused("BigInt", "expected an integer")),
    Case("bigint variable not digits", TRANSFER, refused("BigInt", "expected an integer"), transfer(amount="1e3")),
    Case("bigint string of 400 digits", TRANSFER, refused("BigInt", "outside the signed 64-bit range"),
         transfer(amount="9" * 400)),
    Case("decimal NaN inline", POLICY % 'adoptionStep: "NaN"', refused("Decimal", "finite")),
    Case("decimal Infinity as variable",
         'mutation P($v: Decimal) { rewardPolicyUpdate(input: {reason: "because", safetyFloor: $v}) '
         "{ userErrors { code } } }", refused("Decimal", "finite"), {"v": "-Infinity"}),
    Case("decimal with a huge exponent", POLICY % 'adoptionMax: "1E+400"',
         refused("Decimal", "digits before the point")),
    Case("decimal as a float literal too precise", POLICY % "adoptionMax: 1e-30",
         refused("Decimal", "digits after the point")),
    # Strings longer than their column: lookups find nothing, writes are user errors with the limit
    Case("contributor handle too long", "query Q($h: String!) { contributor(handle: $h) { id } }",
         is_none("contributor"), {"h": LONG}, role=None),
    Case("token balance account too long", "query Q($a: String!) { tokenBalance(account: $a) { balance } }",
         is_none("tokenBalance"), {"a": LONG}),
    Case("token transactions account too long",
         "query Q($a: String!) { tokenTransactions(account: $a) { totalCount } }", not_found("no account"),
         {"a": LONG}),
    Case("context chunks peer too long", "query Q($p: String) { contextChunks(peer: $p) { totalCount } }",
         not_found("no contributor"), {"p": LONG}),
    Case("reward refusals contributor too long",
         "query Q($c: String) { rewardRefusals(contributor: $c) { totalCount } }", not_found("no contributor"),
         {"c": LONG}),
    Case("model price at, names too long", "query Q($p: String!) { modelPriceAt(provider: $p, model: $p) { id } }",
         is_none("modelPriceAt"), {"p": LONG}, role=None),
    Case("model prices filter too long", "query Q($p: String) { modelPrices(provider: $p, model: $p) { totalCount } }",
         is_empty("modelPrices"), {"p": LONG}, role=None),
    Case("assumptions correlation id too long",
         "query Q($c: String) { assumptions(correlationId: $c) { totalCount } }", is_empty("assumptions"), {"c": LONG}),
    Case("tickets correlation id too long",
         "query Q($c: String) { clarificationTickets(correlationId: $c) { totalCount } }",
         is_empty("clarificationTickets"), {"c": LONG}),
    Case("freeze a handle too long", FREEZE, user_error("contributorFreeze", "handle", "no contributor"), {"h": LONG}),
    Case("unfreeze a handle too long", UNFREEZE, user_error("contributorUnfreeze", "handle", "no contributor"),
         {"h": LONG}),
    Case("revoke a key prefix too long", REVOKE, user_error("apiKeyRevoke", "keyPrefix"), {"p": LONG}),
    Case("write longer than the column", PRICE, user_error("modelPriceUpsert", "model", "200 characters"),
         {"m": "m" * 201}),
    # What no string may hold
    Case("NUL in a literal",
         'mutation { tokenTransfer(input: {to: "a", amount: 1, idempotencyKey: "k", memo: "a\\u0000b"}) '
         "{ userErrors { code } } }", refused("input.memo", "U+0000")),
    Case("NUL in a variable", TRANSFER, refused("$input.memo", "U+0000"), transfer(memo="a\x00b")),
    Case("lone surrogate in a variable", TRANSFER, refused("$input.memo", "lone surrogate"), transfer(memo="\ud800")),
    Case("lone surrogate escaped in the document", 'query { contributor(handle: "\\ud800") { id } }',
         refused("Invalid Unicode escape sequence"), role=None),
    Case("NUL inside a JSON argument", START, refused("$p.deep[1]", "U+0000"), {"p": {"deep": ["ok", "bad\x00"]}}),
    Case("lone surrogate as a JSON key", START, refused("(a key)", "lone surrogate"), {"p": {"\udc00": 1}}),
    Case("NUL in a lookup", "query Q($h: String!) { contributor(handle: $h) { id } }", refused("$h", "U+0000"),
         {"h": "\x00"}, role=None),
    # Date-times: no zone is UTC; the ends of the range with offsets are refused or served, never a crash
    Case("date without a zone", MARKET, answered(), {"from": "2025-07-01"}),
    Case("economy stats before the first instant", ECONOMY, refused("DateTime", "outside"), {"from": BEFORE_FIRST}),
    Case("economy stats after the last instant", ECONOMY, refused("DateTime", "outside"),
         {"from": "2025-01-01", "to": AFTER_LAST}),
    Case("economy stats over all time", ECONOMY, answered(), {"from": FIRST, "to": LAST}),
    Case("market stats over all time", MARKET, answered(), {"from": FIRST, "to": LAST}),
    Case("cost summary over all time", COSTS, answered(), {"from": FIRST, "to": LAST}),
    Case("cost summary after the last instant", COSTS, refused("DateTime", "outside"), {"to": AFTER_LAST}),
    Case("clarification stats since the first instant", CLARIFY_STATS, answered(), {"since": FIRST}),
    Case("clarification stats before the first instant", CLARIFY_STATS, refused("DateTime", "outside"),
         {"since": BEFORE_FIRST}),
    Case("price effective from the last instant", PRICE, answered(), {"m": f"end-{uuid.uuid4().hex}", "at": LAST}),
    Case("price effective after the last instant", PRICE, refused("DateTime", "outside"), {"m": "m", "at": AFTER_LAST}),
    Case("reprice over all time", REPRICE, answered(), {"from": FIRST, "to": LAST}),
    Case("reprice after the last instant", REPRICE, refused("DateTime", "outside"), {"to": AFTER_LAST}),
    Case("Python's first instant", CLARIFY_STATS, refused("DateTime", "outside"), {"since": "0001-01-01T00:00:00Z"}),
    Case("Python's last instant", ECONOMY, refused("DateTime", "outside"),
         {"from": FIRST, "to": "9999-12-31T23:59:59.999999Z"}),
    Case("date-time that is not one", CLARIFY_STATS, refused("DateTime", "ISO 8601"), {"since": "yesterday"}),
    Case("date-time inline before the first instant",
         f'{{ clarificationStats(since: "{BEFORE_FIRST}") {{ tickets }} }}',
         refused("DateTime", "outside")),
    # Global ids whose number cannot be a key
    Case("node id over 64 bits", NODE, is_none("node"), {"id": gid("Principal", TOO_BIG)}),
    Case("node id negative", NODE, is_none("node"), {"id": gid("Stf", -1)}),
    Case("stf id over 64 bits", "query S($id: ID!) { stf(id: $id) { id } }", is_none("stf"),
         {"id": gid("Stf", TOO_BIG)}),
    Case("ticket id over 64 bits", "query S($id: ID!) { clarificationTicket(id: $id) { id } }",
         is_none("clarificationTicket"), {"id": gid("ClarificationTicket", TOO_BIG)}),
    Case("settle a reservation id over 64 bits", SETTLE, user_error("computeSettle", "reservation"),
         {"id": gid("Reservation", TOO_BIG)}),
]


async def _http(server_url: str, key: str | None, case: Case) -> tuple[dict | None, list[dict]]:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    async with httpx.AsyncClient(base_url=server_url, timeout=30) as http:
        body = json.dumps({"query": case.query, "variables": case.variables})  # ASCII: lone surrogates as \\udXXX
        response = await http.post("/graphql", content=body, headers=headers | {"content-type": "application/json"})
    assert response.status_code == 200, response.text
    body = response.json()
    return body.get("data"), body.get("errors") or []


async def _ws(server_url: str, key: str | None, case: Case) -> tuple[dict | None, list[dict]]:
    async with GraphQLWebSocket.connect(server_url, key) as ws:
        await ws.subscribe(case.query, case.variables)
        try:
            message = await ws.receive()
        except websockets.ConnectionClosed as closed:  # the protocol's answer to a document that does not parse
            assert closed.rcvd.code == 4400, closed
            return None, [{"message": closed.rcvd.reason, "extensions": {"code": "BAD_REQUEST"}}]
    if message["type"] == "error":
        return None, message["payload"]
    assert message["type"] == "next", message
    return message["payload"].get("data"), message["payload"].get("errors") or []


@pytest.fixture(scope="module")
async def keys(db_url: str) -> dict[Role | None, str | None]:
    return {Role.ADMIN: await make_key(Role.ADMIN), None: None}


REQUEST_LOGGERS = ("api.errors", "strawberry")  # where a request's fault is logged (jobs log elsewhere)


@pytest.fixture
def error_log(caplog: pytest.LogCaptureFixture) -> Callable[[], list[logging.LogRecord]]:
    caplog.set_level(logging.ERROR)
    return lambda: [r for r in caplog.records if r.levelno >= logging.ERROR and r.name.startswith(REQUEST_LOGGERS)]


@pytest.mark.parametrize("transport", ["http", "ws"])
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_hostile_input_is_a_clear_answer(server, keys, error_log, case: Case, transport: str) -> None:
    send = _http if transport == "http" else _ws
    data, errors = await send(server.url, keys[case.role], case)
    case.check(data, errors)
    assert not error_log(), error_log()


BODIES = [
    ("null", b"null", "got null"),
    ("a JSON string", b'"{ viewer { id } }"', "got a string"),
    ("an array", b'[{"query": "{ viewer { id } }"}]', "got an array"),
    ("invalid UTF-8", b'{"query": "{ viewer { id } }", "operationName": "\xff\xfe"}', "not valid UTF-8"),
    ("nested 5000 deep", b'{"query": "{ viewer { id } }", "variables": {"a": ' + b"[" * 5000 + b"]" * 5000 + b"}}",
     "nested deeper than 64 levels"),
    ("nested 100 deep inside a JSON argument",
     b'{"query": "mutation E($p: JSON!) { executionStart(input: {agentName: \\"a\\", taskPrompt: \\"t\\", '
     b'parameters: $p}) '
     b'{ userErrors { code } } }", "variables": {"p": ' + b'{"a": ' * 100 + b"1" + b"}" * 100 + b"}}", "nested deeper"),
    ("a number of 5000 digits", b'{"query": "{ viewer { id } }", "variables": {"n": ' + b"9" * 5000 + b"}}",
     "a number of 5000 characters"),
    ("NaN", b'{"query": "{ viewer { id } }", "variables": {"n": NaN}}', "NaN is not JSON"),
    ("a float too large", b'{"query": "{ viewer { id } }", "variables": {"n": 1e400}}', "too large"),
    ("not JSON at all", b"{query: viewer}", "not JSON"),
]


@pytest.mark.parametrize("name,body,fragment", BODIES, ids=[b[0] for b in BODIES])
async def test_bad_body_is_a_json_400(client, error_log, name: str, body: bytes, fragment: str) -> None:
    response = await client.http.post("/graphql", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400, response.text
    error = response.json()["errors"][0]
    assert fragment in error["message"] and error["extensions"]["code"] == "BAD_REQUEST", error
    assert not error_log(), error_log()


WS_MESSAGES = [b for b in BODIES if b[0] not in {"invalid UTF-8", "null", "a JSON string", "an array"}]


@pytest.mark.parametrize("name,body,fragment", WS_MESSAGES, ids=[b[0] for b in WS_MESSAGES])
async def test_bad_websocket_message_closes_only_that_socket(server, error_log, name: str, body: bytes,
                                                             fragment: str) -> None:
    async with GraphQLWebSocket.connect(server.url) as ws:
        await ws.ws.send(body.decode())
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.receive()
    assert closed.value.rcvd.code == 4400
    async with GraphQLWebSocket.connect(server.url) as ws:  # the server still serves
        await ws.subscribe("{ viewer { id } }")
        assert await ws.next_data() == {"viewer": None}
    assert not error_log(), error_log()


async def test_get_with_bad_variables_is_a_json_400(client) -> None:
    response = await client.http.get("/graphql", params={"query": "{ viewer { id } }", "variables": "[1]"})
    assert response.status_code == 400 and response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"

