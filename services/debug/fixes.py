"""Which STFs fix an error: the exact signature's history ranked by the Wilson lower bound, or, when
the signature has none, STFs whose meaning is near the error (Qdrant), marked as such."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from tortoise import connections

from models.debug import ErrorEvent
from models.stf import Stf
from services.debug.signatures import Signature, signature, split_error_text
from services.errors import DomainError, NotFound
from services.stf import similar as stf_index

MAX_SUGGESTIONS = 100
MAX_ERROR_TEXT = 20_000

# One round trip: the signature's best pairs (from the (signature_id, confidence DESC, stf_id) index)
# with their STF rows; `signature_id` is NULL when the signature was never recorded.
RANKED = """
SELECT g."id" AS signature_id, f."attempts" AS fix_attempts, f."successes" AS fix_successes,
       f."confidence" AS fix_confidence, s.*
FROM (SELECT 1) one
LEFT JOIN "error_signatures" g ON g."digest" = $1
LEFT JOIN LATERAL (SELECT * FROM "fix_stats" x WHERE x."signature_id" = g."id"
                   ORDER BY x."confidence" DESC, x."stf_id" LIMIT $2) f ON true
LEFT JOIN "stfs" s ON s."id" = f."stf_id"
ORDER BY f."confidence" DESC, f."stf_id"
"""


class SuggestionSource(str, Enum):
    HISTORY = "HISTORY"
    SEMANTIC = "SEMANTIC"


@dataclass
class Suggestion:
    stf: Stf
    source: SuggestionSource
    attempts: int
    successes: int
    confidence: float
    similarity: float | None


@dataclass
class Suggestions:
    signature: Signature
    signature_id: int | None  # None: never recorded
    suggestions: list[Suggestion]


async def _signature_of(error_text: str | None, error_type: str | None, error_event_id: int | None) -> Signature:
    if (error_text is None) == (error_event_id is None):
        raise DomainError("errorText", "give errorText or errorEventId, not both")
    if error_event_id is not None:
        error = await ErrorEvent.get_or_none(id=error_event_id).select_related("signature")
        if error is None:
            raise NotFound("errorEventId", "no such error event")
        return Signature(error.signature.error_type, error.signature.pattern, error.signature.digest)
    assert error_text is not None
    if not error_text.strip() or len(error_text) > MAX_ERROR_TEXT:
        raise DomainError("errorText", f"must be 1-{MAX_ERROR_TEXT} characters")
    if error_type is not None:
        if not error_type.strip():
            raise DomainError("errorType", "must not be empty")
        return signature(error_type, error_text)
    return signature(*split_error_text(error_text))


async def suggest(error_text: str | None, error_type: str | None, error_event_id: int | None,
                  *, first: int) -> Suggestions:
    if not 1 <= first <= MAX_SUGGESTIONS:
        raise DomainError("first", f"must be between 1 and {MAX_SUGGESTIONS}")
    sig = await _signature_of(error_text, error_type, error_event_id)
    rows = await connections.get("default").execute_query_dict(RANKED, [sig.digest, first])
    signature_id = rows[0]["signature_id"]
    ranked = [r for r in rows if r["fix_attempts"] is not None]
    if ranked:
        return Suggestions(sig, signature_id, [
            Suggestion(_stf(r), SuggestionSource.HISTORY, r["fix_attempts"], r["fix_successes"], r["fix_confidence"],
                       None) for r in ranked])
    neighbours = await stf_index.similar(sig.text, first)
    return Suggestions(sig, signature_id, [
        Suggestion(stf, SuggestionSource.SEMANTIC, 0, 0, 0.0, score) for stf, score in neighbours])


def _stf(row: dict) -> Stf:
    return Stf._init_from_db(**{k: v for k, v in row.items() if not k.startswith("fix_") and k != "signature_id"})
