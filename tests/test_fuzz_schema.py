"""The whole schema, fuzzed. hypothesis-graphql writes queries and mutations from the schema the code
exports (every root field, today's and tomorrow's), with hostile values for every scalar and real
ids harvested from the answers; each is sent as ADMIN, as a contributor or anonymously to a real
`omniclaude serve` on a database of its own. The run fails on any 5xx, any answer that is not JSON,
any INTERNAL error and any fault in the server's log.

It prints its seed; `FUZZ_SEED=<seed>` generates the same documents again. `FUZZ_SECONDS` sets the
budget (default 60)."""

from __future__ import annotations

import base64
import json
import os
import random
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta, timezone

import graphql
import httpx
import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, from_schema, nodes

from api.schema import schema
from tests.server_process import ServerProcess, create_database, drop_database

FUZZ_SECONDS = float(os.environ.get("FUZZ_SECONDS", "60"))
HARVESTED_NAMES = {"handle", "name", "correlationId", "account", "provider", "model", "idempotencyKey", "peer"}


class BudgetSpent(Exception):
    """Raised by an example once the time budget is spent: ends the hypothesis run."""


@dataclass
class Pools:
    """Real values the server gave back, drawn from by the scalar strategies as the run goes on."""

    ids: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    type_names: list[str] = field(default_factory=list)

    def harvest(self, value: object, key: str | None = None) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                self.harvest(v, k)
        elif isinstance(value, list):
            for item in value:
                self.harvest(item, key)
        elif isinstance(value, str) and key == "id" and value not in self.ids:
            self.ids.append(value)
            type_name = base64.urlsafe_b64decode(value.encode() + b"==").decode(errors="replace").partition(":")[0]
            if type_name not in self.type_names:
                self.type_names.append(type_name)
        elif isinstance(value, str) and key in HARVESTED_NAMES and value not in self.names:
            self.names.append(value)


def _pick(pool: list[str]) -> st.SearchStrategy[str]:
    """A value of a pool that grows during the run (drawn by index, so a seed replays the same draws)."""
    return st.integers(min_value=0, max_value=10_000).map(lambda i: pool[i % len(pool)] if pool else "")


def _forged_id(pools: Pools) -> st.SearchStrategy[str]:
    numbers = st.integers(min_value=-1, max_value=2**70).map(str) | st.text(max_size=30)
    types = _pick(pools.type_names) | st.text(max_size=20)
    return st.builds(lambda t, n: base64.urlsafe_b64encode(f"{t}:{n}".encode()).decode(), types, numbers)


TEXT = st.text(alphabet=st.characters(codec="utf-8"))
LONG_TEXT = st.text(alphabet=st.characters(codec="utf-8"), min_size=33, max_size=2100)
OFFSETS = st.integers(min_value=-14 * 60, max_value=14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
GRAPHQL_NAMES = st.from_regex(r"[_A-Za-z][_0-9A-Za-z]{0,12}", fullmatch=True)


def _json_values() -> st.SearchStrategy[graphql.ValueNode]:
    leaves = (TEXT.map(nodes.String) | st.integers(-2**70, 2**70).map(nodes.Int)
              | st.floats(allow_nan=False, allow_infinity=False).map(nodes.Float) | st.booleans().map(nodes.Boolean)
              | st.just(nodes.Null))

    def objects(children: st.SearchStrategy) -> st.SearchStrategy:
        return st.dictionaries(GRAPHQL_NAMES, children, max_size=4).map(lambda d: nodes.Object(
            [graphql.ObjectFieldNode(name=graphql.NameNode(value=k), value=v) for k, v in d.items()]))

    return st.recursive(leaves, lambda children: st.lists(children, max_size=4).map(nodes.List) | objects(children),
                        max_leaves=20)


def scalar_strategies(pools: Pools) -> dict[str, st.SearchStrategy[graphql.ValueNode]]:
    """Hostile values per scalar, for every scalar of the schema: today's custom scalars get their own,
    one added later gets strings, numbers and JSON until someone writes it a better one."""
    integers = st.integers(min_value=-2**70, max_value=2**70)
    known = {
        "String": (TEXT | LONG_TEXT | _pick(pools.names)).map(nodes.String),
        "ID": (_pick(pools.ids) | _pick(pools.ids) | _forged_id(pools) | TEXT).map(nodes.String),
        "BigInt": integers.map(nodes.Int)
                  | (integers.map(str) | st.sampled_from(["1e3", "", "-", "0x10"])).map(nodes.String),
        "Decimal": (st.decimals(allow_nan=True, allow_infinity=True).map(str)
                    | st.sampled_from(["NaN", "-Infinity", "1E+400", "1e-400", "sNaN", "", "1,5"])).map(nodes.String)
                   | st.floats(allow_nan=False, allow_infinity=False).map(nodes.Float) | integers.map(nodes.Int),
        "DateTime": (st.datetimes(timezones=st.none() | OFFSETS).map(lambda d: d.isoformat())
                     | st.dates().map(str)
                     | st.sampled_from(["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "now", ""])
                     | TEXT).map(nodes.String),
        "UUID": (st.uuids().map(str) | _pick(pools.names) | TEXT).map(nodes.String),
        "JSON": _json_values(),
    }
    generic = (TEXT.map(nodes.String) | integers.map(nodes.Int) | _json_values())
    custom = {}
    for name, type_ in schema._schema.type_map.items():
        if isinstance(type_, graphql.GraphQLScalarType) and not name.startswith("__") and name != "Boolean":
            custom[name] = known.get(name, generic if name not in ("Int", "Float") else None)
    return {name: strategy for name, strategy in custom.items() if strategy is not None}


@dataclass
class Finding:
    role: str
    document: str
    problem: str


@dataclass
class Target:
    server: ServerProcess
    keys: dict[str, str | None]
    pools: Pools = field(default_factory=Pools)
    findings: list[Finding] = field(default_factory=list)
    sent: dict[str, tuple[str, str]] = field(default_factory=dict)  # request id -> (role, document)
    counts: dict[str, int] = field(default_factory=dict)
    internal: set[str] = field(default_factory=set)  # request ids answered with INTERNAL

    def send(self, document: str, role: str) -> None:
        request_id = uuid.uuid4().hex
        self.sent[request_id] = (role, document)
        key = self.keys[role]
        headers = {"X-Request-ID": request_id} | ({"Authorization": f"Bearer {key}"} if key else {})
        response = httpx.post(f"{self.server.url}/graphql", json={"query": document}, headers=headers, timeout=60)
        self.counts[str(response.status_code)] = self.counts.get(str(response.status_code), 0) + 1
        if response.status_code >= 500:
            return self.findings.append(Finding(role, document, f"HTTP {response.status_code}: {response.text[:300]}"))
        try:
            body = response.json()
        except ValueError:
            return self.findings.append(Finding(role, document, f"not JSON: {response.text[:300]}"))
        for error in body.get("errors") or []:
            if (error.get("extensions") or {}).get("code") == "INTERNAL":
                self.internal.add(request_id)
        self.pools.harvest(body.get("data"))

    def log_faults(self) -> Iterator[Finding]:
        faults = self.server.faults()
        logged = {line.get("request_id") for line in faults}
        for request_id in sorted(self.internal - logged):
            yield Finding(*self.sent[request_id], "INTERNAL in the answer, nothing in the log")
        for line in faults:
            role, document = self.sent.get(line.get("request_id", ""), ("?", "?"))
            yield Finding(role, document, line.get("exc") or json.dumps(line)[:1500])


def _seed(target: Target) -> None:
    """Real objects of several domains, so that ids and names the fuzzer draws exist."""
    admin = target.keys["ADMIN"]

    def run(query: str, key: str | None) -> dict:
        response = httpx.post(f"{target.server.url}/graphql", json={"query": query},
                              headers={"Authorization": f"Bearer {key}"}, timeout=60)
        body = response.json()
        assert response.status_code == 200 and not body.get("errors"), body
        payloads = [payload for payload in body["data"].values() if isinstance(payload, dict)]
        assert not any(payload.get("userErrors") for payload in payloads), body
        target.pools.harvest(body["data"])
        return body["data"]

    agent = run('mutation { contributorRegister(input: {handle: "fuzz-agent", kind: AGENT, issueKey: true}) '
                '{ apiKey contributor { id handle } userErrors { message } } }', admin)["contributorRegister"]
    human = run('mutation { contributorRegister(input: {handle: "fuzz-human", kind: HUMAN, issueKey: true}) '
                '{ apiKey contributor { id handle } userErrors { message } } }', admin)["contributorRegister"]
    target.keys["CONTRIBUTOR"] = human["apiKey"]
    for panelist in ("fuzz-agent-2", "fuzz-agent-3", "fuzz-agent-4"):  # a panel: three agents besides the requester
        run('mutation { contributorRegister(input: {handle: "' + panelist + '", kind: AGENT, issueKey: true}) '
            '{ apiKey userErrors { message } } }', admin)
    run('mutation { stfRegister(input: {name: "fuzz fix", language: "python", codeSha256: "' + "a" * 64 + '", '
        'codePointer: {repository: "https://example.org/r.git", commitSha: "' + "b" * 40 + '", filePath: "f.py", '
        'lineStart: 1, lineEnd: 2}, status: ACTIVE}) { stf { id } userErrors { message } } }', agent["apiKey"])
    run('mutation { executionStart(input: {agentName: "fuzz", taskPrompt: "fix the build"}) '
        '{ execution { id correlationId } userErrors { message } } }', agent["apiKey"])
    run('mutation { clarificationRequest(input: {correlationId: "fuzz-1", prompt: "deploy it somewhere"}) '
        '{ ticket { id } userErrors { message } } }', agent["apiKey"])
    run('mutation { contextAnnounce(input: {chunks: [{text: "PostgreSQL VACUUM reclaims space", source: "doc"}]}) '
        '{ chunks { id } userErrors { message } } }', human["apiKey"])
    run("{ contributors { edges { node { id handle } } } principals { edges { node { id name } } } "
        "stfs { edges { node { id } } } modelPrices(first: 5) { edges { node { id provider model } } } }", admin)


@pytest.fixture(scope="module")
async def target(db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    url = await create_database(db_url, "omniclaude_fuzz")
    server = ServerProcess(url, tmp_path_factory.mktemp("fuzz"))
    try:
        server.start()
        keys = {"ADMIN": server.create_key("ADMIN", "fuzz-admin"), "CONTRIBUTOR": None, "ANONYMOUS": None}
        target = Target(server, keys)
        _seed(target)
        yield target
    finally:
        server.stop()
        await drop_database(url)


def _violable(root_field: graphql.GraphQLField) -> bool:
    """Whether NEGATIVE mode has something to break: a required argument."""
    return any(isinstance(arg.type, graphql.GraphQLNonNull) for arg in root_field.args.values())


def _documents(scalars: dict) -> st.SearchStrategy[str]:
    """A document of one root field (query or mutation), valid or with one violation of the schema."""
    roots = [root for root in (schema._schema.query_type, schema._schema.mutation_type) if root is not None]
    by_field = {(name, mode): from_schema(schema._schema, fields=[name], custom_scalars=scalars, mode=mode)
                for root in roots for name, root_field in root.fields.items()
                for mode in (Mode.POSITIVE, Mode.NEGATIVE) if mode is Mode.POSITIVE or _violable(root_field)}
    return st.sampled_from(sorted(by_field, key=lambda k: (k[0], k[1].name))).flatmap(lambda k: by_field[k])


def test_fuzz_the_whole_schema(target: Target) -> None:
    run_seed = int(os.environ.get("FUZZ_SEED") or random.randrange(2**32))
    print(f"\nfuzz: seed {run_seed} (FUZZ_SEED={run_seed} generates the same documents), {FUZZ_SECONDS:.0f} s")
    scalars = scalar_strategies(target.pools)
    documents = _documents(scalars)
    deadline = time.monotonic() + FUZZ_SECONDS

    @seed(run_seed)
    @settings(max_examples=1_000_000, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(document=documents, role=st.sampled_from(sorted(target.keys)))
    def probe(document: str, role: str) -> None:
        if time.monotonic() > deadline:
            raise BudgetSpent
        target.send(document, role)

    try:
        probe()
    except BudgetSpent:
        pass
    findings = target.findings + list(target.log_faults())
    print(f"fuzz: {len(target.sent)} requests, by status {target.counts}, {len(target.pools.ids)} ids harvested")
    assert not findings, (f"seed {run_seed} (FUZZ_SEED={run_seed} replays it): {len(findings)} findings\n"
                          + _report(findings))


def _report(findings: list[Finding]) -> str:
    """One example per kind of fault (an exception's last line, numbers masked), most frequent first."""
    kinds: dict[str, list[Finding]] = {}
    for finding in findings:
        kinds.setdefault(re.sub(r"\d+", "N", finding.problem.splitlines()[-1])[:200], []).append(finding)
    parts = []
    for kind, group in sorted(kinds.items(), key=lambda item: -len(item[1])):
        example = group[0]
        parts.append(f"--- {len(group)} x {kind}\n[{example.role}] {example.problem[-1500:]}\n"
                     f"{example.document[:1500]}")
    return "\n\n".join(parts)
