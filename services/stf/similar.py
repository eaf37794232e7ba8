"""STFs by meaning: each latest STF version is a point in Qdrant (point id = STF id) embedding its
name, description, tags and the error signatures it has fixed.

Qdrant is not transactional, so it is written after the PostgreSQL commit, and `stf_embeddings`
remembers what was written: a latest STF without a row (a Qdrant failure, a crash between commit
and upsert, newly fixed signatures) is embedded again by `embed_pending`, which the app runs on a
schedule. Upserts are idempotent; PostgreSQL stays the truth (search results are re-read from it)."""

from __future__ import annotations

import hashlib
import logging

from tortoise import connections

from models.stf import Stf, StfStatus
from services.errors import DomainError
from services.search import collections
from services.search import index as search_index
from services.search.embedding import get_embedder
from services.search.vectors import Ranking

log = logging.getLogger(__name__)

KIND = "stfs"
MAX_SIMILAR = 100

FIXED_SIGNATURES = """
SELECT s."id" AS stf_id, g."error_type", g."pattern" FROM "stfs" s
JOIN "stfs" v ON v."lineage_id" = s."lineage_id"
JOIN "fix_stats" f ON f."stf_id" = v."id" AND f."successes" > 0
JOIN "error_signatures" g ON g."id" = f."signature_id"
WHERE s."id" = ANY($1::bigint[])
ORDER BY s."id", f."successes" DESC, g."id" LIMIT 2000
"""

PENDING = """
SELECT s."id" FROM "stfs" s LEFT JOIN "stf_embeddings" e ON e."stf_id" = s."id"
WHERE s."is_latest" AND e."stf_id" IS NULL ORDER BY s."id" LIMIT $1
"""


LATEST_AFTER = """
SELECT s."id" FROM "stfs" s WHERE s."is_latest" AND s."id" > $1 ORDER BY s."id" LIMIT $2
"""


def embedded_text(stf: Stf, fixed: list[str]) -> str:
    parts = [stf.name, stf.description, " ".join(stf.tags)]
    if fixed:
        parts.append("Fixes: " + "; ".join(fixed[:20]))
    return "\n".join(p for p in parts if p)


async def index(stf_ids: list[int], replaced_ids: list[int] = ()) -> int:
    """Embed these STF versions (after their commit) and drop the points of versions they replaced.
    A failure is logged, not raised: the scheduled `embed_pending` retries."""
    try:
        return await _index(stf_ids, list(replaced_ids))
    except Exception:
        log.warning("STF embedding failed; embed_pending will retry", exc_info=True,
                    extra={"stf_ids": stf_ids[:20]})
        return 0


async def _rows(stf_ids: list[int]) -> list[search_index.Row]:
    """(id, embedded text, payload) of these STF versions that are still the latest."""
    rows = await Stf.filter(id__in=stf_ids, is_latest=True).order_by("id")
    if not rows:
        return []
    _, fixed_rows = await connections.get("default").execute_query(FIXED_SIGNATURES, [[r.id for r in rows]])
    fixed: dict[int, list[str]] = {}
    for f in fixed_rows:
        fixed.setdefault(f["stf_id"], []).append(f"{f['error_type']}: {f['pattern']}")
    return [(r.id, embedded_text(r, fixed.get(r.id, [])),
             {"lineageId": r.lineage_id, "version": r.version, "name": r.name}) for r in rows]


async def _index(stf_ids: list[int], replaced_ids: list[int]) -> int:
    if replaced_ids:
        await search_index.delete(KIND, replaced_ids)
    rows = await _rows(stf_ids)
    if not rows:
        return 0
    await search_index.write(KIND, rows)
    texts = {pid: text for pid, text, _ in rows}
    embedder = get_embedder()
    conn = connections.get("default")
    await conn.execute_query(
        'INSERT INTO "stf_embeddings" ("stf_id", "text_sha256", "embedder", "embedded_at") '
        'SELECT * , now() FROM unnest($1::bigint[], $2::text[], $3::text[]) '
        'ON CONFLICT ("stf_id") DO UPDATE SET "text_sha256" = EXCLUDED."text_sha256", '
        '"embedder" = EXCLUDED."embedder", "embedded_at" = EXCLUDED."embedded_at"',
        [list(texts), [hashlib.sha256(text.encode()).hexdigest() for text in texts.values()],
         [embedder.name] * len(rows)])
    return len(rows)


async def reembed_batch(cursor: int, size: int) -> collections.Batch:
    """The next latest STF versions after `cursor` for a rebuild of the collection, and how many remain."""
    db = connections.get("default")
    ids = [r["id"] for r in await db.execute_query_dict(LATEST_AFTER, [cursor, size])]
    if not ids:
        return collections.Batch([], 0)
    [left] = await db.execute_query_dict('SELECT count(*) AS "n" FROM "stfs" WHERE "is_latest" AND "id" > $1',
                                         [ids[-1]])
    return collections.Batch(await _rows(ids), left["n"], ids[-1])


async def embed_pending(batch: int = 500) -> int:
    """Embed latest STFs that have no vector yet (or whose text changed); how many were embedded."""
    _, rows = await connections.get("default").execute_query(PENDING, [batch])
    return await _index([r["id"] for r in rows], []) if rows else 0


async def similar(text: str, first: int, *, ranking: Ranking = Ranking.HYBRID) -> list[tuple[Stf, float]]:
    """Latest, not deprecated STFs nearest to `text` (meaning and exact terms fused, by default),
    best first, each with its cosine similarity."""
    if not 1 <= first <= MAX_SIMILAR:
        raise DomainError("first", f"must be between 1 and {MAX_SIMILAR}")
    if not text.strip() or len(text) > 10_000:
        raise DomainError("text", "must be 1-10000 characters")
    hits = await search_index.search(KIND, text, first * 2 + 10, ranking=ranking)
    rows = {s.id: s for s in await Stf.filter(id__in=[h.id for h in hits], is_latest=True)
            .exclude(status=StfStatus.DEPRECATED)}
    return [(rows[h.id], h.similarity) for h in hits if h.id in rows][:first]

