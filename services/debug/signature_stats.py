"""The error signatures seen most often, each with its most confident fix so far.

Counts come from `error_events` grouped by signature (served by the index on `signature_id`); the best
fix of each of those signatures is one DISTINCT ON over `fix_stats`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise import connections

from models.debug import ErrorSignature
from models.stf import Stf
from services.errors import DomainError

MAX_SIGNATURES = 100

TOP_SQL = """
SELECT "signature_id", count(*) AS occurrences, count(DISTINCT "execution_id") AS executions,
       max("recorded_at") AS last_seen_at
FROM "error_events" GROUP BY "signature_id" ORDER BY occurrences DESC, "signature_id" LIMIT $1
"""
BEST_FIX_SQL = """
SELECT DISTINCT ON ("signature_id") "signature_id", "stf_id", "attempts", "successes", "confidence"
FROM "fix_stats" WHERE "signature_id" = ANY($1::bigint[]) AND "attempts" > 0
ORDER BY "signature_id", "confidence" DESC, "successes" DESC, "stf_id"
"""


@dataclass
class BestFix:
    stf: Stf
    attempts: int
    successes: int
    confidence: float


@dataclass
class SignatureStat:
    signature: ErrorSignature
    occurrences: int
    executions: int
    last_seen_at: datetime
    best_fix: BestFix | None


async def top_signatures(limit: int) -> list[SignatureStat]:
    if not 1 <= limit <= MAX_SIGNATURES:
        raise DomainError("first", f"must be between 1 and {MAX_SIGNATURES}")
    conn = connections.get("default")
    top = await conn.execute_query_dict(TOP_SQL, [limit])
    ids = [row["signature_id"] for row in top]
    if not ids:
        return []
    fixes = {row["signature_id"]: row for row in await conn.execute_query_dict(BEST_FIX_SQL, [ids])}
    signatures = {s.id: s for s in await ErrorSignature.filter(id__in=ids)}
    stfs = {s.id: s for s in await Stf.filter(id__in=[f["stf_id"] for f in fixes.values()])}
    return [SignatureStat(
        signature=signatures[row["signature_id"]], occurrences=row["occurrences"], executions=row["executions"],
        last_seen_at=row["last_seen_at"],
        best_fix=BestFix(stf=stfs[fix["stf_id"]], attempts=fix["attempts"], successes=fix["successes"],
                         confidence=fix["confidence"]) if (fix := fixes.get(row["signature_id"])) else None,
    ) for row in top]
