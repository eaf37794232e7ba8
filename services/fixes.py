"""Which STFs fix an error: the exact signature's history ranked by the Wilson lower bound, or, when
the signature has none, STFs whose meaning is near the error (Qdrant), marked as such."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from tortoise import connections

from models.debug import ErrorEvent, ErrorSignature
from models.stf import Stf
from services import stf_index
from services.errors import DomainError, NotFound
from services.signatures import Signature, signature, split_error_text

MAX_SUGGESTIONS = 100
MAX_ERROR_TEXT = 20_000

RANKED = """
SELECT f."stf_id", f."attempts", f."successes", f."confidence" FROM "fix_stats" f
WHERE f."signature_id" = $1 ORDER BY f."confidence" DESC, f."stf_id" LIMIT $2
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
        error = await ErrorEvent.get_or_none(id=error_event_id)
        if error is None:
            raise NotFound("errorEventId", "no such error event")
        return signature(error.error_type, error.message)
    assert error_text is not None
    if not error_text.strip() or len(error_text) > MAX_ERROR_TEXT:
        raise DomainError("errorText", f"must be 1-{MAX_ERROR_TEXT} characters")
    if error_type is not None:
        if not error_type.strip():
            raise DomainError("errorType", "must not be empty")
        return signature(error_type, error_text)
    return signature(*split_error_text(error_text))


async def suggest(error_text: str | None, error_type: str | None, error_event_id: int | None,
                  first: int) -> Suggestions:
    if not 1 <= first <= MAX_SUGGESTIONS:
        raise DomainError("first", f"must be between 1 and {MAX_SUGGESTIONS}")
    sig = await _signature_of(error_text, error_type, error_event_id)
    row = await ErrorSignature.get_or_none(digest=sig.digest)
    ranked = []
    if row is not None:
        _, ranked = await connections.get("default").execute_query(RANKED, [row.id, first])
    if ranked:
        stfs = {s.id: s for s in await Stf.filter(id__in=[r["stf_id"] for r in ranked])}
        return Suggestions(sig, row.id, [
            Suggestion(stfs[r["stf_id"]], SuggestionSource.HISTORY, r["attempts"], r["successes"], r["confidence"],
                       None) for r in ranked])
    neighbours = await stf_index.similar(sig.text, first)
    return Suggestions(sig, row.id if row else None, [
        Suggestion(stf, SuggestionSource.SEMANTIC, 0, 0, 0.0, score) for stf, score in neighbours])
