"""Adoption rewards: a successful STF attempt by a contributor other than the STF's author pays the
author an STF reward, in the transaction that decides the success (`attempts.attempt_succeeded`).

Where the formula's inputs come from:
- complexity: the length of the STF's code pointer (`lineEnd - lineStart + 1`), `complexity_of_lines`;
- adopters: distinct contributors other than the author with a SUCCEEDED attempt of any version of
  the STF (its lineage), this one included;
- confidence: the Wilson lower bound of the (signature, STF version) counters just updated;
- cost saving: the priced LLM cost of this execution against the median of other executions with
  the same request fingerprint (the latest 1,000); unknown (neutral 0) without priced calls on
  either side;
- safety: the STF version's status (VERIFIED 1, ACTIVE 0.5, otherwise 0).
A refused reward (daily cap, frozen) is recorded by `rewards.issue`; the attempt still succeeds.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tortoise.backends.base.client import BaseDBAsyncClient

from services.economy import rewards
from services.economy.rules import StfRewardInputs, complexity_of_lines, cost_saving, median, safety_of_status

ADOPTION_SQL = """
SELECT a."execution_id", s."id" AS stf_id, s."lineage_id", s."version", s."contributor_id" AS author_id, s."status",
       s."line_start", s."line_end", e."fingerprint",
       coalesce((SELECT c."id" FROM "contributors" c WHERE c."principal_id" = e."started_by_id"),
                (SELECT c."id" FROM "contributors" c WHERE c."principal_id" = a."applied_by_id")) AS adopter_id
FROM "stf_applications" a JOIN "stfs" s ON s."id" = a."stf_id" JOIN "executions" e ON e."id" = a."execution_id"
WHERE a."id" = $1
"""
ADOPTERS_SQL = """
SELECT count(DISTINCT a."adopter_id") AS n FROM "stf_applications" a JOIN "stfs" s ON s."id" = a."stf_id"
WHERE s."lineage_id" = $1 AND a."outcome" = 'SUCCEEDED' AND a."adopter_id" IS NOT NULL AND a."adopter_id" <> $2
"""
# Total priced cost of each execution with this fingerprint (the latest 1,000 and this one); an
# execution with an unpriced call has no known cost.
COSTS_SQL = """
WITH runs AS (
    (SELECT "id" FROM "executions" WHERE "fingerprint" = $1 ORDER BY "id" DESC LIMIT 1000)
    UNION SELECT $2::bigint
)
SELECT c."execution_id" AS id, sum(c."cost") AS cost FROM "llm_calls" c JOIN runs r ON r."id" = c."execution_id"
GROUP BY c."execution_id" HAVING bool_and(c."priced")
"""


def _usd(value: Decimal | None) -> str:
    return "unknown" if value is None else format(value.normalize(), "f")


def key_of(application_id: int) -> str:
    return f"stf-adoption:{application_id}"


@dataclass(frozen=True)
class CostBasis:
    cost: Decimal | None
    median: Decimal | None
    runs: int


async def _cost_basis(conn: BaseDBAsyncClient, execution_id: int, fingerprint: str) -> CostBasis:
    rows = await conn.execute_query_dict(COSTS_SQL, [fingerprint, execution_id])
    own = next((Decimal(r["cost"]) for r in rows if r["id"] == execution_id), None)
    others = [Decimal(r["cost"]) for r in rows if r["id"] != execution_id]
    return CostBasis(own, median(others), len(others))


async def reward_adoption(
    conn: BaseDBAsyncClient, application_id: int, confidence: float
) -> rewards.RewardOutcome | None:
    """Record the adopter of a succeeded attempt and pay the author; None when there is nobody to pay
    (no adopter, or the author adopted their own STF)."""
    [row] = await conn.execute_query_dict(ADOPTION_SQL, [application_id])
    adopter_id = row["adopter_id"]
    if adopter_id is None:
        return None
    await conn.execute_query('UPDATE "stf_applications" SET "adopter_id" = $1 WHERE "id" = $2',
                             [adopter_id, application_id])
    if adopter_id == row["author_id"]:
        return None
    [adopters] = await conn.execute_query_dict(ADOPTERS_SQL, [row["lineage_id"], row["author_id"]])
    basis = await _cost_basis(conn, row["execution_id"], row["fingerprint"])
    inputs = StfRewardInputs(
        complexity=complexity_of_lines(row["line_end"] - row["line_start"] + 1),
        adopters=max(1, adopters["n"]),
        confidence=min(Decimal(1), max(Decimal(0), Decimal(str(round(confidence, 4))))),
        cost_saving=cost_saving(basis.cost, basis.median),
        safety=safety_of_status(row["status"]),
    )
    notes = {"stfId": str(row["stf_id"]), "stfVersion": str(row["version"]), "applicationId": str(application_id),
             "adopterId": str(adopter_id), "lines": str(row["line_end"] - row["line_start"] + 1),
             "complexity": str(inputs.complexity), "adopters": str(inputs.adopters),
             "fixConfidence": str(inputs.confidence), "costSaved": str(inputs.cost_saving),
             "executionCost": _usd(basis.cost), "medianCost": _usd(basis.median),
             "medianOfRuns": str(basis.runs), "status": row["status"], "safetyScore": str(inputs.safety)}
    return await rewards.issue_stf_reward(conn, row["author_id"], inputs, idempotency_key=key_of(application_id),
                                          memo=f"adoption of STF {row['stf_id']} (attempt {application_id})",
                                          notes=notes)
