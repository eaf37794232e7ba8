"""Changing EMBEDDER re-embeds in the background, resumes after a restart, and searches keep answering
from the old collection until the new one is complete. `omniclaude serve` as an operator runs it
(embedded PostgreSQL and local Qdrant in a temporary data directory)."""

from __future__ import annotations

import subprocess
import time

import httpx

from tests.context_corpus import corpus
from tests.test_serve import BIN, _query, _start, _stop, _wait_ready, embedded_env  # noqa: F401 (a fixture)

STATUS = """{ searchCollections { kind configuredEmbedder active { name embedder hybrid }
  reembedding { collection { embedder } done total percent } } }"""
REGISTER = """mutation { contributorRegister(input: {handle: "docs-bot", kind: AGENT, issueKey: true}) { apiKey } }"""
ANNOUNCE = """mutation A($input: ContextAnnounceInput!) {
  contextAnnounce(input: $input) { created userErrors { code } } }"""
RETRIEVE = """mutation R($q: String!) { contextRetrieve(input: {query: $q, budgetBytes: 1024}) {
  retrieval { chunks { source } } userErrors { field message code } } }"""
CHUNKS = 240


def _post(url: str, key: str, query: str, variables: dict) -> dict:
    response = httpx.post(f"{url}/graphql", json={"query": query, "variables": variables},
                          headers={"Authorization": f"Bearer {key}"}, timeout=30)
    body = response.json()
    assert response.status_code == 200 and "errors" not in body, body
    return body["data"]


def _context(url: str) -> dict:
    return httpx.get(f"{url}/readyz", timeout=10).json()["components"]["vectors"]["collections"]["context"]


def _first_source(url: str, key: str, query: str) -> str | None:
    served = _post(url, key, RETRIEVE, {"q": query})["contextRetrieve"]["retrieval"]["chunks"]
    return served[0]["source"] if served else None


def test_a_new_embedder_is_built_in_the_background_and_resumes_after_a_restart(embedded_env):  # noqa: F811
    env = embedded_env | {"EMBEDDER": "hashing", "REEMBED_SECONDS": "0.2", "REEMBED_BATCH": "8"}
    made = subprocess.run([BIN / "omniclaude", "create-key", "--role", "ADMIN", "--name", "ops"], env=env,
                          capture_output=True, text=True, timeout=120)
    admin = made.stdout.strip()
    docs = corpus()[:CHUNKS]

    server = _start(env)
    url = _wait_ready(env, server)
    peer = _query(url, admin, REGISTER)["contributorRegister"]["apiKey"]
    for start in range(0, CHUNKS, 80):
        chunks = [{"text": d.text, "source": d.source, "tags": d.tags} for d in docs[start:start + 80]]
        assert _post(url, peer, ANNOUNCE, {"input": {"chunks": chunks}})["contextAnnounce"]["created"] == 80
    deadline = time.monotonic() + 60
    while _context(url).get("embedder") != "feature-hashing-v1" or "reembedding" in _context(url):
        assert time.monotonic() < deadline, _context(url)  # the first collection of a new data directory
        time.sleep(0.1)
    _stop(server)

    # the model from now on: the chunks are re-embedded batch by batch while searches use the old vectors
    env = env | {"EMBEDDER": "minilm"}
    server = _start(env)
    url = _wait_ready(env, server)
    seen_during = None
    deadline = time.monotonic() + 300
    while seen_during is None or seen_during["reembedding"]["done"] < 24:
        assert time.monotonic() < deadline, _context(url)
        state = _context(url)
        if "reembedding" in state and state["reembedding"]["done"] > 0:
            seen_during = state
            assert state["embedder"] == "feature-hashing-v1"
            assert state["reembedding"]["embedder"] == "minilm-l6-v2-onnx-v1"
            assert state["reembedding"]["done"] < CHUNKS, "finished before a restart could interrupt it"
            assert _first_source(url, peer, docs[5].query) is not None  # searches keep answering
            [status] = [s for s in _query(url, admin, STATUS)["searchCollections"] if s["kind"] == "context"]
            assert status["configuredEmbedder"] == "minilm-l6-v2-onnx-v1"
            assert status["active"]["embedder"] == "feature-hashing-v1"
            assert 0 < status["reembedding"]["done"] <= status["reembedding"]["total"] == CHUNKS
        time.sleep(0.05)
    _stop(server)

    server = _start(env)
    url = _wait_ready(env, server)
    resumed = _context(url)
    # it resumes from its committed cursor: what was done stays done (a restart from zero would show less)
    assert "reembedding" in resumed and resumed["embedder"] == "feature-hashing-v1", resumed
    assert resumed["reembedding"]["done"] >= seen_during["reembedding"]["done"]
    deadline = time.monotonic() + 300
    while "reembedding" in _context(url):
        assert time.monotonic() < deadline, _context(url)
        time.sleep(0.2)
    assert _context(url)["embedder"] == "minilm-l6-v2-onnx-v1"
    [status] = [s for s in _query(url, admin, STATUS)["searchCollections"] if s["kind"] == "context"]
    assert status["reembedding"] is None and status["active"]["hybrid"] is True
    right = sum(_first_source(url, peer, d.query) == d.source for d in docs[:40])
    assert right >= 30, right  # the model now: the hashing embedder ranks about 8 in 10 first
    _stop(server)
