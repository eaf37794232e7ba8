"""Search through GraphQL with the default embedder: requests in other words find their chunk or STF
(`contextRetrieve`, `stfsSimilar`, `fixSuggestions` SEMANTIC), and an exact identifier that the dense
ranking alone misses is found by the hybrid ranking. Pairs come from the tune split of the paraphrase
set only (the frozen split is for bench/search_quality.py)."""

from __future__ import annotations

import json
import threading
import uuid
from pathlib import Path

from services.search.embedding import get_embedder, set_embedder
from services.search.vectors import get_store
from tests.debug_support import contributor_key
from tests.economy_support import register, register_funded
from tests.test_context_market import RETRIEVE, share, tag
from tests.test_debug import SUGGEST, register_stf

PAIRS = [p for p in json.loads((Path(__file__).parent / "data" / "paraphrases.json").read_text())["pairs"]
         if p["split"] == "tune"]
SIMILAR = """query S($t: String!, $first: Int!, $r: SearchRanking!) {
  stfsSimilar(text: $t, first: $first, ranking: $r) { similarity stf { id name } } }"""
REASONS = ["timed out waiting for the bank", "found the card expired", "saw a currency it does not support",
           "hit the daily limit of the merchant", "could not verify the 3-D Secure challenge",
           "flagged the payment as fraud", "received a malformed amount", "lost the connection to the acquirer",
           "rejected a duplicate order number", "refused an address that failed AVS", "declined for insufficient funds",
           "found the merchant account suspended"]
CODES = ["E4417", "E4470", "E4771", "E4407", "E4147", "E4714", "E1447", "E7441", "E4741", "E4174", "E4471", "E4711"]


def payment_error(code: str, reason: str) -> str:
    return f"Payment error {code}: the gateway {reason}. See the merchant dashboard for the request log."


async def _retrieve(client, member, query: str, tags: list[str], ranking: str = "HYBRID") -> dict:
    payload = (await client.execute(RETRIEVE, {"input": {"query": query, "budgetBytes": 1024, "minScore": -1.0,
                                                         "tags": tags, "ranking": ranking}},
                                    key=member.key))["contextRetrieve"]
    assert payload["userErrors"] == [], payload
    return payload["retrieval"]


async def test_requests_in_other_words_retrieve_their_chunk(client, admin_key):
    peer, requester = await register(client, admin_key), await register_funded(client, admin_key, 10_000)
    t = tag()
    pairs = PAIRS[:40]
    for start in range(0, len(pairs), 20):
        await share(client, peer, [p["chunk"] for p in pairs[start:start + 20]], [t])
    right = 0
    for p in pairs[:20]:
        served = (await _retrieve(client, requester, p["request"], [t]))["chunks"]
        right += served[0]["text"] == p["chunk"]
    # measured: 19 of 20 among these 40 chunks; the hashing embedder finds about 5
    assert right >= 16, right


async def test_an_exact_identifier_is_found_by_the_hybrid_ranking_that_dense_alone_misses(client, admin_key):
    peer, requester = await register(client, admin_key), await register_funded(client, admin_key, 10_000)
    t = tag()
    await share(client, peer, [payment_error(c, r) for c, r in zip(CODES, REASONS)], [t])
    query = "customers see E4471 at checkout"
    dense = (await _retrieve(client, requester, query, [t], "DENSE"))["chunks"][0]
    hybrid = (await _retrieve(client, requester, query, [t], "HYBRID"))["chunks"][0]
    assert "E4471" not in dense["text"]  # a near miss: another code of the same shape
    assert hybrid["text"] == payment_error("E4471", REASONS[CODES.index("E4471")])
    assert -1 <= hybrid["score"] <= 1  # the score shown is the cosine similarity, whatever the ranking
    sparse = (await _retrieve(client, requester, query, [t], "SPARSE"))["chunks"][0]
    assert sparse["text"] == hybrid["text"]


async def test_stfs_similar_finds_paraphrases_and_exact_identifiers(client, admin_key):
    key = (await contributor_key(client, admin_key))[1]
    word = uuid.uuid4().hex[:6]
    picked = [p for p in PAIRS if p["domain"] == "programming"][:6]
    stfs = [await register_stf(client, key, name=f"{word} {p['chunk'].split('.')[0][:80]}", description=p["chunk"],
                               tags=["paraphrase"]) for p in picked]
    right = 0
    for p, stf in zip(picked, stfs):
        found = (await client.execute(SIMILAR, {"t": p["request"], "first": 3, "r": "HYBRID"}))["stfsSimilar"]
        right += found[0]["stf"]["id"] == stf["id"]
    assert right >= 5, right

    codes = {c: await register_stf(client, key, name=f"Handle payment error {c} {word}",
                                   description=payment_error(c, r), tags=["payments"])
             for c, r in zip(CODES, REASONS)}
    dense = (await client.execute(SIMILAR, {"t": "E4471", "first": 1, "r": "DENSE"}))["stfsSimilar"]
    hybrid = (await client.execute(SIMILAR, {"t": "E4471", "first": 1, "r": "HYBRID"}))["stfsSimilar"]
    assert dense[0]["stf"]["id"] != codes["E4471"]["id"]
    assert hybrid[0]["stf"]["id"] == codes["E4471"]["id"]


async def test_fix_suggestions_without_history_rank_by_meaning_and_identifiers(client, admin_key, agent_key):
    key = (await contributor_key(client, admin_key))[1]
    word = uuid.uuid4().hex[:6]
    money = await register_stf(client, key, name=f"Exact money {word}", tags=["money"], description=(
        "Keep prices as integer cents or a fixed-scale decimal type instead of binary floats, and round only "
        "when formatting an amount for display."))
    await register_stf(client, key, name=f"Paginate with keyset {word}", tags=["sql"], description=(
        "Page through large tables by remembering the last sort key seen instead of using OFFSET."))
    found = (await client.execute(SUGGEST, {"t": f"AssertionError{word}: cart sum 0.30000000000000004 is not 0.3, "
                                                 "the float rounding broke the price check", "first": 3},
                                  key=agent_key))["fixSuggestions"]
    assert not found["known"] and found["suggestions"][0]["source"] == "SEMANTIC"
    assert found["suggestions"][0]["stf"]["id"] == money["id"], found["suggestions"]

    gateway = await register_stf(client, key, name=f"Retry gateway E4471 {word}", tags=["payments"],
                                 description=payment_error("E4471", REASONS[CODES.index("E4471")]))
    found = (await client.execute(SUGGEST, {"t": f"PaymentGatewayError{word}: E4471 returned for order 88",
                                            "first": 3}, key=agent_key))["fixSuggestions"]
    assert found["suggestions"][0]["stf"]["id"] == gateway["id"]


async def test_embedding_runs_in_worker_threads_never_on_the_event_loop(client, admin_key):
    inner = get_embedder()
    threads: list[str] = []

    class Recording:
        name, dimensions = inner.name, inner.dimensions

        def embed_batch(self, texts: list[str]):
            threads.append(threading.current_thread().name)
            return inner.embed_batch(texts)

    peer, requester = await register(client, admin_key), await register_funded(client, admin_key, 10_000)
    t = tag()
    set_embedder(Recording())
    try:
        await share(client, peer, [p["chunk"] for p in PAIRS[:3]], [t])  # bulk: the announcement's chunks
        await _retrieve(client, requester, PAIRS[0]["request"], [t])  # a query
    finally:
        set_embedder(inner)
    assert threads and all(name.startswith(("embed-bulk", "embed-query")) for name in threads), threads
    assert {name.split("_")[0] for name in threads} == {"embed-bulk", "embed-query"}


async def test_the_local_vector_store_works_in_its_own_thread_never_on_the_event_loop(client, admin_key,
                                                                                      monkeypatch):
    store = get_store()
    assert store.local
    threads: list[tuple[str, str]] = []

    def recorded(what: str, fn):
        def call(*args, **kwargs):
            threads.append((what, threading.current_thread().name))
            return fn(*args, **kwargs)
        return call

    monkeypatch.setattr(store.client, "upsert", recorded("upsert", store.client.upsert))
    monkeypatch.setattr(store, "_search_local", recorded("search", store._search_local))
    peer, requester = await register(client, admin_key), await register_funded(client, admin_key, 10_000)
    t = tag()
    await share(client, peer, [p["chunk"] for p in PAIRS[:3]], [t])
    retrieval = await _retrieve(client, requester, PAIRS[0]["request"], [t])
    assert retrieval["chunks"], retrieval
    assert {what for what, _ in threads} == {"upsert", "search"}, threads
    assert all(name.startswith("qdrant-local") for _, name in threads), threads
