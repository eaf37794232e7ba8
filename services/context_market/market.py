"""The context market: peers announce chunks, requesters retrieve what fits a byte budget and pay.

Money flows through `system:market` in the retrieval's one transaction: the requester pays the
price of every chunk served from another peer to the market (a CONTEXT_PURCHASE, counted as spent),
and the market pays each serving peer for its chunks (a CONTEXT_REWARD, counted as earned, subject
to the daily earning cap and freezes like every reward: a refused reward is recorded in
`reward_refusals` and its tokens stay with the market). The requester's own chunks are free.

PostgreSQL is the truth; Qdrant holds one point per chunk (point id = chunk id), written after the
commit. A retrieval takes Qdrant's hits and keeps only chunks that PostgreSQL says are live, with
the same SHA-256, of a peer whose account is not frozen, and that carry the tags asked for; so a
withdrawn chunk is never served even while Qdrant still holds its point. `reconcile()` (at start-up)
indexes chunks whose upsert failed and deletes points of withdrawn chunks.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import Any

from qdrant_client import models as qmodels
from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from models.auth import Principal, Role
from models.columns import max_length
from models.context_market import ContextChunk, ContextRetrieval
from models.economy.ledger import Transfer, TransferKind
from models.economy.rewards import RewardPolicy
from services import clock
from services.context_market.rules import (
    MAX_BUDGET,
    MAX_CHUNK_BYTES,
    MIN_BUDGET,
    Candidate,
    Pick,
    fill_budget,
    payouts,
)
from services.contributors import check_tags
from services.economy import ledger
from services.economy.policy import current_policy
from services.economy.rewards import Award, adjust_reputation, pay_rewards
from services.economy.rules import decayed_reputation, flat_quote
from services.errors import DomainError, NotFound
from services.rows import from_row
from services.search import collections, sparse
from services.search import index as search_index
from services.search.vectors import Ranking, get_store
from subscriptions.outbox import record_event

log = logging.getLogger(__name__)

MAX_PER_CALL = 100
MAX_SOURCE = max_length(ContextChunk, "source")
MAX_QUERY = 8192
RECONCILE_BATCH = 256


@dataclass
class MarketConfig:
    candidates: int = 100  # how many hits the search returns: the candidates are drawn from these


config = MarketConfig()

CALLER_SQL = (
    'SELECT c."id" AS "contributor_id", a."id" AS "account_id", a."name" AS "account_name", '
    '(SELECT "id" FROM "ledger_accounts" WHERE "name" = $2) AS "market_id" '
    'FROM "contributors" c JOIN "ledger_accounts" a ON a."contributor_id" = c."id" WHERE c."principal_id" = $1'
)
ANNOUNCE_SQL = """
INSERT INTO "context_chunks" ("peer_id", "sha256", "text", "bytes", "source", "tags", "indexed", "created_at")
SELECT $1::bigint, v.sha, v.body, v.size, v.source, v.tags::jsonb, false, $7::timestamptz
FROM unnest($2::text[], $3::text[], $4::int[], $5::text[], $6::text[]) AS v(sha, body, size, source, tags)
ON CONFLICT ("peer_id", "sha256") DO UPDATE SET "withdrawn_at" = NULL
RETURNING "id", "sha256", (xmax = 0) AS "inserted"
"""
# The search's hits that may be served, locked FOR SHARE so a withdrawal waits for this retrieval.
CANDIDATES_SQL = """
SELECT c."id", c."peer_id", c."sha256", c."bytes", p."reputation", p."reputation_at"
FROM "context_chunks" c
JOIN "contributors" p ON p."id" = c."peer_id"
JOIN "ledger_accounts" a ON a."contributor_id" = c."peer_id"
WHERE c."id" = ANY($1::bigint[]) AND c."withdrawn_at" IS NULL AND NOT a."frozen" AND c."tags" @> $2::jsonb
FOR SHARE OF c
"""
PEER_ACCOUNTS_SQL = 'SELECT "id", "contributor_id" FROM "ledger_accounts" WHERE "contributor_id" = ANY($1::bigint[])'
NEXT_RETRIEVAL_SQL = "SELECT nextval(pg_get_serial_sequence('context_retrievals', 'id')) AS \"id\""
SAVE_RETRIEVAL_SQL = """
WITH r AS (
    INSERT INTO "context_retrievals" ("id", "requester_id", "query", "budget_bytes", "min_score", "tags", "candidates",
        "candidate_bytes", "served_bytes", "tokens_charged", "tokens_paid", "purchase_id", "policy_version",
        "duration_ms", "created_at", "idempotency_key")
    VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $11, $12, $13, $14, $15, $24)
    RETURNING "id"
)
INSERT INTO "context_served" ("retrieval_id", "chunk_id", "peer_id", "rank", "score", "bytes", "kb", "tokens",
  "reward_id")
SELECT r."id", v.* FROM r, unnest($16::bigint[], $17::bigint[], $18::int[], $19::float8[], $20::int[], $21::int[],
                                 $22::bigint[], $23::bigint[]) AS v
"""
SERVED_SQL = """
SELECT s."rank", s."score", s."bytes", s."kb", s."tokens", s."reward_id", s."chunk_id", s."peer_id",
       p."handle" AS "peer_handle", c."text", c."source", c."tags", c."sha256"
FROM "context_served" s
JOIN "context_chunks" c ON c."id" = s."chunk_id"
JOIN "contributors" p ON p."id" = s."peer_id"
WHERE s."retrieval_id" = $1 ORDER BY s."rank"
"""
UNRECONCILED_SQL = (
    'SELECT "id", "peer_id", "sha256", "text", "tags", "withdrawn_at" FROM "context_chunks" '
    'WHERE ("withdrawn_at" IS NULL) <> "indexed" ORDER BY "id" LIMIT $1'
)
STATS_SQL = """
SELECT count(*) AS "retrievals",
       count(DISTINCT "requester_id") AS "requesters",
       coalesce(sum("served_bytes"), 0) AS "served_bytes",
       coalesce(sum("candidate_bytes"), 0) AS "candidate_bytes",
       coalesce(sum("tokens_charged"), 0) AS "tokens_charged",
       coalesce(sum("tokens_paid"), 0) AS "tokens_paid",
       avg(("candidate_bytes" - "served_bytes")::numeric * 100 / "candidate_bytes")
           FILTER (WHERE "candidate_bytes" > 0) AS "average_saving",
       percentile_cont(0.5) WITHIN GROUP (ORDER BY "duration_ms") AS "p50",
       percentile_cont(0.99) WITHIN GROUP (ORDER BY "duration_ms") AS "p99",
       (SELECT count(DISTINCT s."peer_id") FROM "context_served" s JOIN "context_retrievals" w ON w."id" =
         s."retrieval_id"
        WHERE w."created_at" > $1 AND w."created_at" <= $2 AND s."tokens" > 0) AS "serving_peers"
FROM "context_retrievals" WHERE "created_at" > $1 AND "created_at" <= $2
"""
LIVE_SQL = (
    'SELECT count(*) AS "chunks", count(DISTINCT "peer_id") AS "peers", coalesce(sum("bytes"), 0) AS "bytes" '
    'FROM "context_chunks" WHERE "withdrawn_at" IS NULL'
)


# --- data ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ChunkInput:
    text: str
    source: str
    tags: list[str]


@dataclass
class Announced:
    chunks: list[ContextChunk]
    created: int  # how many were new; the others were stored already (and are live again)


@dataclass
class ServedRow:
    rank: int
    score: float
    bytes: int
    kb: int
    tokens: int
    reward_id: int | None
    chunk_id: int
    peer_id: int
    peer_handle: str
    text: str
    source: str
    tags: list[str]
    sha256: str


@dataclass
class Payment:
    peer_id: int
    peer_handle: str
    kb: int
    tokens: int
    reward_id: int | None  # None: the reward was refused (frozen, daily cap) and the market kept the tokens


@dataclass
class Retrieved:
    retrieval: ContextRetrieval
    served: list[ServedRow]
    replayed: bool = False  # the answer to an earlier request with the same idempotency key


@dataclass
class MarketStats:
    start: datetime
    end: datetime
    peers: int
    chunks: int
    bytes_stored: int
    retrievals: int
    requesters: int
    serving_peers: int
    bytes_served: int
    candidate_bytes: int
    tokens_charged: int
    tokens_paid: int
    average_saving_percent: Decimal | None
    latency_p50_ms: float | None
    latency_p99_ms: float | None


def payments_of(served: list[ServedRow]) -> list[Payment]:
    """Per serving peer other than the requester, in rank order of their first chunk."""
    found: dict[int, Payment] = {}
    for row in served:
        if row.tokens:
            payment = found.setdefault(row.peer_id, Payment(row.peer_id, row.peer_handle, 0, 0, row.reward_id))
            payment.kb += row.kb
            payment.tokens += row.tokens
    return list(found.values())


# --- start-up ---------------------------------------------------------------------------------

KIND = "context"


async def open_market(candidates: int) -> None:
    """Bring Qdrant in line with PostgreSQL (the collections are opened by `search.collections`)."""
    config.candidates = candidates
    store = get_store()
    for collection, _ in collections.writable(KIND):
        await store.create_keyword_index(collection.name, "tags")
    try:
        fixed = await reconcile()
    except Exception:  # serve anyway: retrieval checks PostgreSQL, and the next start tries again
        log.exception("reconciling context chunks with the vector store failed")
        return
    if fixed:
        log.info("context chunks reconciled with the vector store", extra={"chunks": fixed})


async def reconcile(batch: int = RECONCILE_BATCH) -> int:
    """Index live chunks Qdrant lacks and delete the points of withdrawn chunks; how many were fixed."""
    db = connections.get("default")
    fixed = 0
    while rows := await db.execute_query_dict(UNRECONCILED_SQL, [batch]):
        live = [r for r in rows if r["withdrawn_at"] is None]
        await _index([(r["id"], r["peer_id"], r["sha256"], r["text"], _tags(r["tags"])) for r in live])
        await _unindex([r["id"] for r in rows if r["withdrawn_at"] is not None])
        fixed += len(rows)
    return fixed


def _tags(value: Any) -> list[str]:
    return json.loads(value) if isinstance(value, str) else list(value)


def _row(chunk_id: int, peer: int, sha: str, text: str, tags: list[str]) -> search_index.Row:
    return chunk_id, text, {"peer": peer, "sha256": sha, "tags": tags}


async def _index(chunks: list[tuple[int, int, str, str, list[str]]]) -> None:
    """Upsert (id, peer, sha256, text, tags) points into every collection, then mark them indexed.
    Idempotent. `indexed` says whether Qdrant holds the point, whatever the chunk's state: a chunk
    withdrawn meanwhile is then withdrawn and indexed, which reconcile() deletes."""
    if not chunks:
        return
    await search_index.write(KIND, [_row(*chunk) for chunk in chunks])
    await connections.get("default").execute_query(
        'UPDATE "context_chunks" SET "indexed" = true WHERE "id" = ANY($1::bigint[])',
        [[c[0] for c in chunks]])


async def _unindex(ids: list[int]) -> None:
    if not ids:
        return
    await search_index.delete(KIND, ids)
    await connections.get("default").execute_query(
        'UPDATE "context_chunks" SET "indexed" = false WHERE "id" = ANY($1::bigint[])',
        [ids])


async def reembed_batch(cursor: int, size: int) -> collections.Batch:
    """The next live chunks after `cursor` for a rebuild of the collection, and how many remain."""
    db = connections.get("default")
    rows = await db.execute_query_dict(
        'SELECT "id", "peer_id", "sha256", "text", "tags" FROM "context_chunks" '
        'WHERE "withdrawn_at" IS NULL AND "id" > $1 ORDER BY "id" LIMIT $2', [cursor, size])
    remaining = 0
    if rows:
        [left] = await db.execute_query_dict(
            'SELECT count(*) AS "n" FROM "context_chunks" WHERE "withdrawn_at" IS NULL AND "id" > $1',
            [rows[-1]["id"]])
        remaining = left["n"]
    return collections.Batch([_row(r["id"], r["peer_id"], r["sha256"], r["text"], _tags(r["tags"])) for r in rows],
                             remaining, rows[-1]["id"] if rows else 0)


# --- who is calling -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Caller:
    contributor_id: int
    account_id: int
    account_name: str
    market_id: int


async def _caller(principal: Principal) -> Caller:
    rows = await connections.get("default").execute_query_dict(CALLER_SQL, [principal.id, ledger.MARKET])
    if not rows:
        raise ledger.no_account()
    row = rows[0]
    return Caller(row["contributor_id"], row["account_id"], row["account_name"], row["market_id"])


# --- sharing ------------------------------------------------------------------------------------

def check_chunk(chunk: ChunkInput, index: int) -> tuple[str, int, str, list[str]]:
    """(sha256, bytes, source, tags) of a valid chunk; a user error naming `chunks[i].field` otherwise."""
    where = f"chunks[{index}]"
    if not chunk.text.strip():
        raise DomainError(f"{where}.text", "must not be blank")
    if "\x00" in chunk.text:
        raise DomainError(f"{where}.text", "must not contain NUL characters")
    data = chunk.text.encode()
    if len(data) > MAX_CHUNK_BYTES:
        raise DomainError(f"{where}.text", f"at most {MAX_CHUNK_BYTES} bytes (64 KiB) of UTF-8, got {len(data)}")
    source = chunk.source.strip()
    if not 1 <= len(source) <= MAX_SOURCE:
        raise DomainError(f"{where}.source", f"must be 1-{MAX_SOURCE} characters")
    return hashlib.sha256(data).hexdigest(), len(data), source, check_tags(chunk.tags, f"{where}.tags")


async def announce(principal: Principal, chunks: list[ChunkInput]) -> Announced:
    """`contextAnnounce`: store the caller's chunks (once per text), then index them in Qdrant."""
    if not 1 <= len(chunks) <= MAX_PER_CALL:
        raise DomainError("chunks", f"announce 1-{MAX_PER_CALL} chunks per call, got {len(chunks)}")
    checked: dict[str, tuple[str, int, str, list[str]]] = {}
    for index, chunk in enumerate(chunks):
        sha, size, source, tags = check_chunk(chunk, index)
        checked.setdefault(sha, (chunk.text, size, source, tags))
    caller = await _caller(principal)
    async with in_transaction() as conn:
        rows = await conn.execute_query_dict(ANNOUNCE_SQL, [
            caller.contributor_id, list(checked), [v[0] for v in checked.values()], [v[1] for v in checked.values()],
            [v[2] for v in checked.values()], [json.dumps(v[3]) for v in checked.values()], clock.now()])
        ids = [r["id"] for r in rows]
        created = sum(1 for r in rows if r["inserted"])
        await record_event("context.chunk.announced.v1", {
            "peerId": caller.contributor_id, "chunkIds": ids,
            "created": [r["id"] for r in rows if r["inserted"]]}, conn)
    by_sha = {c.sha256: c for c in await ContextChunk.filter(id__in=ids)}
    try:  # the stored source and tags: a repeated announcement keeps the first one's
        await _index([(c.id, c.peer_id, c.sha256, c.text, list(c.tags)) for c in by_sha.values()])
        for chunk in by_sha.values():
            chunk.indexed = True
    except Exception:  # committed in PostgreSQL: reconcile() indexes them at the next start
        log.exception("indexing announced chunks failed", extra={"chunkIds": ids})
    return Announced([by_sha[sha] for sha in checked], created)


async def withdraw(principal: Principal, chunk_ids: list[int]) -> list[ContextChunk]:
    """`contextWithdraw`: the owner's (or an ADMIN's) chunks leave retrieval at once; their points
    are deleted from Qdrant after the commit. Withdrawing a withdrawn chunk changes nothing."""
    if not 1 <= len(chunk_ids) <= MAX_PER_CALL:
        raise DomainError("chunks", f"withdraw 1-{MAX_PER_CALL} chunks per call, got {len(chunk_ids)}")
    owner = None if principal.role is Role.ADMIN else (await _caller(principal)).contributor_id
    async with in_transaction() as conn:
        found = {c.id: c for c in await ContextChunk.filter(id__in=chunk_ids).using_db(conn).select_for_update()}
        for index, chunk_id in enumerate(chunk_ids):
            chunk = found.get(chunk_id)
            if chunk is None or (owner is not None and chunk.peer_id != owner):
                raise NotFound(f"chunks[{index}]", "no such chunk of yours")
        now = clock.now()
        newly = [c.id for c in found.values() if c.withdrawn_at is None]
        if newly:
            await ContextChunk.filter(id__in=newly).using_db(conn).update(withdrawn_at=now)
            await record_event("context.chunk.withdrawn.v1", {"chunkIds": newly, "by": principal.id}, conn)
    try:
        await _unindex(newly)
    except Exception:  # never served anyway (retrieval checks PostgreSQL); reconcile() deletes the points later
        log.exception("deleting withdrawn chunks from the vector store failed", extra={"chunkIds": newly})
    rows = {c.id: c for c in await ContextChunk.filter(id__in=chunk_ids)}
    return [rows[i] for i in dict.fromkeys(chunk_ids)]


def chunks_query(peer_id: int | None, tags: list[str], include_withdrawn: bool):
    query = ContextChunk.all()
    if peer_id is not None:
        query = query.filter(peer_id=peer_id)
    if tags:
        query = query.filter(tags__contains=check_tags(tags, "tags"))
    if not include_withdrawn:
        query = query.filter(withdrawn_at__isnull=True)
    return query


async def chunk_by_id(chunk_id: int) -> ContextChunk | None:
    return await ContextChunk.get_or_none(id=chunk_id)


# --- retrieval ----------------------------------------------------------------------------------

def check_retrieval(query: str, budget: int, min_score: float, *, tags: list[str]) -> list[str]:
    if not query.strip():
        raise DomainError("query", "must not be blank")
    if len(query) > MAX_QUERY:
        raise DomainError("query", f"at most {MAX_QUERY} characters, got {len(query)}")
    if "\x00" in query:
        raise DomainError("query", "must not contain NUL characters")
    if not MIN_BUDGET <= budget <= MAX_BUDGET:
        raise DomainError("budgetBytes", f"must be between {MIN_BUDGET} (1 KiB) and {MAX_BUDGET} (1 MiB), got {budget}")
    if not math.isfinite(min_score) or not -1 <= min_score <= 1:
        raise DomainError("minScore", f"a cosine similarity: between -1 and 1, got {min_score}")
    return check_tags(tags, "tags")


def _reputations(rows: list[dict[str, Any]], half_life_days: Decimal) -> Callable[[int], Decimal]:
    """peer id -> reputation decayed to now, computed on first use (ranking asks only on ties)."""
    now = clock.now()
    stored = {r["peer_id"]: (r["reputation"], r["reputation_at"]) for r in rows}

    @cache
    def reputation(peer_id: int) -> Decimal:
        value, since = stored[peer_id]
        return decayed_reputation(value, since, now, half_life_days=half_life_days)

    return reputation


async def _pay(conn: BaseDBAsyncClient, principal: Principal, caller: Caller, *, policy: RewardPolicy,
               accounts: dict[int, ledger.LockedAccount], peer_accounts: dict[int, int],
               owed: dict[int, tuple[int, int]], retrieval_id: int) -> tuple[Transfer | None, dict[int, int | None]]:
    """The requester -> market purchase, then market -> each peer, in one statement.
    Returns the purchase transfer (None when free) and each peer's reward transfer id (None if refused)."""
    total = sum(tokens for tokens, _ in owed.values())
    if not total:
        return None, {}
    memo = f"context retrieval {retrieval_id}"
    purchase = ledger.Posting(
        kind=TransferKind.CONTEXT_PURCHASE, debit=caller.account_id, credit=caller.market_id, amount=total,
        idempotency_key=f"context-retrieval:{retrieval_id}:purchase", memo=memo, policy_version=policy.version,
        created_by=principal.id, funds_field="budgetBytes",
        factors={"rate": str(policy.tokens_per_kb), "kb": str(sum(kb for _, kb in owed.values()))})
    peers = sorted(owed)
    awards = [
        Award(
            peer,
            peer_accounts[peer],
            flat_quote(policy.version, policy.tokens_per_kb, owed[peer][1], unit_name="kb"),
            f"context-retrieval:{retrieval_id}:peer:{peer}",
            memo,
        )
        for peer in peers
    ]
    [transfer], outcomes = await pay_rewards(
        conn,
        policy,
        accounts,
        source_id=caller.market_id,
        kind=TransferKind.CONTEXT_REWARD,
        awards=awards,
        lead=[purchase],
    )
    return transfer, {peer: o.transfer.id if o.transfer else None for peer, o in zip(peers, outcomes)}


async def retrieve(principal: Principal, query: str, budget: int, *, min_score: float, tags: list[str],
                   ranking: Ranking = Ranking.HYBRID, idempotency_key: str | None = None) -> Retrieved:
    """`contextRetrieve`: search (meaning and exact identifiers, by default), fill the budget in
    ranking order, and in one transaction charge the requester and pay the serving peers. A
    requester who cannot pay gets a user error: no chunk, no transfer. `minScore` applies to the
    dense cosine similarity, which is also each served chunk's `score`. With an idempotency key, a
    retry returns the first answer and pays nothing more; the same key with another request is
    IDEMPOTENCY_CONFLICT."""
    started = time.perf_counter()
    tags = check_retrieval(query, budget, min_score, tags=tags)
    key = ledger.check_key(idempotency_key) if idempotency_key is not None else None
    caller = await _caller(principal)
    asked = Asked(query, budget, min_score, tags)
    if key is not None and (earlier := await _earlier(connections.get("default"), caller.contributor_id, key, asked)):
        return earlier
    query_filter = qmodels.Filter(must=[qmodels.FieldCondition(key="tags", match=qmodels.MatchValue(value=tag))
                                        for tag in tags]) if tags else None
    if not sparse.query(query):
        raise DomainError("query", "has nothing to search by (only stop words or punctuation)")
    hits = await search_index.search(KIND, query, config.candidates, ranking=ranking, query_filter=query_filter)
    scores = {hit.id: (hit.score, hit.similarity, hit.payload.get("sha256")) for hit in hits
              if hit.similarity >= min_score}

    async with in_transaction() as conn:
        if key is not None:  # one retrieval per key: a concurrent retry waits here, then finds the first
            await conn.execute_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
                                     [f"context-retrieve:{caller.contributor_id}:{key}"])
            if earlier := await _earlier(conn, caller.contributor_id, key, asked):
                return earlier
        policy = await current_policy(conn)
        rows = await conn.execute_query_dict(CANDIDATES_SQL, [list(scores), json.dumps(tags)]) if scores else []
        rows = [r for r in rows if scores[r["id"]][2] == r["sha256"]]  # a stale point of another chunk: skip
        candidates = [Candidate(chunk_id=r["id"], peer_id=r["peer_id"], score=scores[r["id"]][0], bytes=r["bytes"],
                                similarity=scores[r["id"]][1]) for r in rows]
        picks = fill_budget(candidates, budget, caller.contributor_id, tokens_per_kb=policy.tokens_per_kb,
                            reputation=_reputations(rows, policy.reputation_half_life_days))
        owed = payouts(picks)
        total = sum(tokens for tokens, _ in owed.values())
        peer_accounts = {}
        if owed:
            found = await conn.execute_query_dict(PEER_ACCOUNTS_SQL, [list(owed)])
            peer_accounts = {r["contributor_id"]: r["id"] for r in found}
        accounts: dict[int, ledger.LockedAccount] = {}
        if total:  # a free retrieval (nothing served, or only the requester's own chunks) locks no account
            accounts = await ledger.lock_accounts(conn, [caller.account_id, caller.market_id, *peer_accounts.values()])
            requester = accounts[caller.account_id]
            ledger.refuse_frozen(requester, None, "your")
            if total > requester.available:
                raise DomainError("budgetBytes", f"insufficient funds: the {len(picks)} chunks that fit cost {total} "
                                  f"tokens and {requester.name} has {requester.available} available; nothing was "
                                  "served or charged (a smaller budget costs less)", "INSUFFICIENT_FUNDS")
        [next_row] = await conn.execute_query_dict(NEXT_RETRIEVAL_SQL)
        retrieval_id, served_at = next_row["id"], clock.now()
        purchase, rewards = await _pay(
            conn,
            principal,
            caller,
            policy=policy,
            accounts=accounts,
            peer_accounts=peer_accounts,
            owed=owed,
            retrieval_id=retrieval_id,
        )
        paid = sum(owed[p][0] for p, reward in rewards.items() if reward is not None)
        candidate_bytes = sum(c.bytes for c in candidates)
        served_bytes = sum(p.candidate.bytes for p in picks)
        duration_ms = (time.perf_counter() - started) * 1000
        await conn.execute_query(SAVE_RETRIEVAL_SQL, [
            retrieval_id, caller.contributor_id, query, budget, min_score, json.dumps(tags), len(candidates),
            candidate_bytes, served_bytes, total, paid, purchase.id if purchase else None, policy.version,
            duration_ms, served_at,
            [p.candidate.chunk_id for p in picks], [p.candidate.peer_id for p in picks], [p.rank for p in picks],
            [p.candidate.similarity for p in picks], [p.candidate.bytes for p in picks], [p.kb for p in picks],
            [p.tokens for p in picks], [rewards.get(p.candidate.peer_id) if p.tokens else None for p in picks], key])
        await record_event("context.retrieval.served.v1", {
            "retrievalId": retrieval_id, "requesterId": caller.contributor_id, "accounts": [caller.account_name],
            "chunkIds": [p.candidate.chunk_id for p in picks], "servedBytes": served_bytes,
            "candidateBytes": candidate_bytes, "tokensCharged": total, "tokensPaid": paid,
            "payments": {accounts[peer_accounts[p]].name: owed[p][0] for p in sorted(owed)}}, conn)
        served = await _served_rows(conn, retrieval_id, picks)
    retrieval = from_row(ContextRetrieval, {
        "id": retrieval_id, "created_at": served_at, "requester_id": caller.contributor_id, "query": query,
        "budget_bytes": budget, "min_score": min_score, "tags": tags, "candidates": len(candidates),
        "candidate_bytes": candidate_bytes, "served_bytes": served_bytes, "tokens_charged": total,
        "tokens_paid": paid, "purchase_id": purchase.id if purchase else None, "policy_version": policy.version,
        "duration_ms": duration_ms, "useful": None, "rated_at": None, "idempotency_key": key})
    return Retrieved(retrieval, served)


@dataclass(frozen=True)
class Asked:
    """What a retrieval asked for: a retry with the same idempotency key must ask the same."""

    query: str
    budget: int
    min_score: float
    tags: list[str]


async def _earlier(conn: BaseDBAsyncClient, contributor_id: int, key: str, asked: Asked) -> Retrieved | None:
    row = await ContextRetrieval.filter(requester_id=contributor_id, idempotency_key=key).using_db(conn).first()
    if row is None:
        return None
    if Asked(row.query, row.budget_bytes, row.min_score, row.tags) != asked:
        raise DomainError("idempotencyKey", "already used for a retrieval with another query, budgetBytes, minScore "
                          "or tags; use a new key for a new request", "IDEMPOTENCY_CONFLICT")
    return Retrieved(row, await served_of(row.id, conn), replayed=True)


async def _served_rows(conn: BaseDBAsyncClient, retrieval_id: int, picks: list[Pick]) -> list[ServedRow]:
    return await served_of(retrieval_id, conn) if picks else []


async def served_of(retrieval_id: int, conn: BaseDBAsyncClient | None = None) -> list[ServedRow]:
    rows = await (conn or connections.get("default")).execute_query_dict(SERVED_SQL, [retrieval_id])
    return [ServedRow(rank=r["rank"], score=r["score"], bytes=r["bytes"], kb=r["kb"], tokens=r["tokens"],
                      reward_id=r["reward_id"], chunk_id=r["chunk_id"], peer_id=r["peer_id"],
                      peer_handle=r["peer_handle"], text=r["text"], source=r["source"], tags=_tags(r["tags"]),
                      sha256=r["sha256"]) for r in rows]


async def retrieval_by_id(retrieval_id: int) -> ContextRetrieval | None:
    return await ContextRetrieval.get_or_none(id=retrieval_id)


async def may_see_retrieval(principal: Principal | None, retrieval: ContextRetrieval) -> bool:
    """The requester, REVIEWER and ADMIN."""
    if principal is None:
        return False
    if principal.role in (Role.ADMIN, Role.REVIEWER):
        return True
    rows = await connections.get("default").execute_query_dict(
        'SELECT 1 FROM "contributors" WHERE "id" = $1 AND "principal_id" = $2', [retrieval.requester_id, principal.id])
    return bool(rows)


async def rate(principal: Principal, retrieval_id: int, useful: bool) -> ContextRetrieval:
    """`contextRate`: the requester's one verdict on a retrieval; each other serving peer's
    reputation moves by the policy's `reputationPerVerification`, up when useful, down when not."""
    caller = await _caller(principal)
    async with in_transaction() as conn:
        retrieval = await ContextRetrieval.filter(id=retrieval_id).using_db(conn).select_for_update().first()
        if retrieval is None or retrieval.requester_id != caller.contributor_id:
            raise NotFound("retrieval", "no such retrieval of yours")
        if retrieval.useful is not None:
            raise DomainError("retrieval", f"already rated {'useful' if retrieval.useful else 'not useful'} at "
                              f"{retrieval.rated_at.isoformat()}", "ALREADY_RATED")
        now = clock.now()
        await ContextRetrieval.filter(id=retrieval_id).using_db(conn).update(useful=useful, rated_at=now)
        retrieval.useful, retrieval.rated_at = useful, now
        served = await conn.execute_query_dict(
            'SELECT DISTINCT "peer_id" FROM "context_served" WHERE "retrieval_id" = $1 AND "peer_id" <> $2',
            [retrieval_id, caller.contributor_id])
        peers = sorted(r["peer_id"] for r in served)
        policy = await current_policy(conn)
        step = policy.reputation_per_verification if useful else -policy.reputation_per_verification
        reputations = {peer: await adjust_reputation(conn, peer, step, policy=policy) for peer in peers}
        await record_event("context.retrieval.rated.v1", {
            "retrievalId": retrieval_id, "useful": useful, "requesterId": caller.contributor_id,
            "reputations": {str(peer): value for peer, value in reputations.items()}}, conn)
    return retrieval


def retrievals_query(requester_id: int):
    return ContextRetrieval.filter(requester_id=requester_id)


async def stats(start: datetime, end: datetime | None = None) -> MarketStats:
    """`marketStats`: the live market now, and the retrievals of the window (start, end]."""
    end = end or clock.now()
    if end <= start:
        raise DomainError("to", "must be after from")
    db = connections.get("default")
    [window] = await db.execute_query_dict(STATS_SQL, [start, end])
    [live] = await db.execute_query_dict(LIVE_SQL)
    average = window["average_saving"]
    return MarketStats(
        start=start, end=end, peers=live["peers"], chunks=live["chunks"], bytes_stored=int(live["bytes"]),
        retrievals=window["retrievals"], requesters=window["requesters"], serving_peers=window["serving_peers"],
        bytes_served=int(window["served_bytes"]), candidate_bytes=int(window["candidate_bytes"]),
        tokens_charged=int(window["tokens_charged"]), tokens_paid=int(window["tokens_paid"]),
        average_saving_percent=Decimal(average).quantize(Decimal("0.01")) if average is not None else None,
        latency_p50_ms=round(window["p50"], 3) if window["p50"] is not None else None,
        latency_p99_ms=round(window["p99"], 3) if window["p99"] is not None else None)
