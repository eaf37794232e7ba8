"""The debug loop's records and what is learnt from them: `snapshotRecord`, `errorRecord`,
`successRecord`, `stfApply`, `fixSuggestions`, `executionReplay`, `debugStats`."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from models import contributors as cm
from models import debug as m
from models import stf as sm
from resolvers.debug import DebugUserError
from resolvers.economy.rewards import RewardOutcome
from resolvers.executions import Execution, LlmCall
from resolvers.loaders import load_one
from resolvers.node import register_node
from resolvers.payload import attempt
from resolvers.permissions import IsAuthenticated
from resolvers.relay import (
    Connection,
    Node,
    PageInfo,
    check_first,
    decode_cursor,
    edge,
    encode_cursor,
    global_pk,
    to_global_id,
)
from resolvers.scalars import BigInt
from resolvers.stf.registry import Stf
from services.debug import fixes, signature_stats
from services.debug import records as debug_events
from services.debug import replay as replay_service
from services.economy import adoption

if TYPE_CHECKING:
    from resolvers.contributors import Contributor

SnapshotPhase = strawberry.enum(m.SnapshotPhase, description="The state before (INPUT) or after (OUTPUT) a step.")
AttemptOutcome = strawberry.enum(m.AttemptOutcome, description=(
    "PENDING until the execution records a success (SUCCEEDED) or another error or a FAILED finish (FAILED)."))
SuggestionSource = strawberry.enum(fixes.SuggestionSource, name="SuggestionSource", description=(
    "HISTORY: attempts on this exact signature; SEMANTIC: no history, an STF near the error in meaning."))
EntryKind = strawberry.enum(replay_service.EntryKind, name="ReplayEntryKind")
ReplayVerdict = strawberry.enum(replay_service.Verdict, name="ReplayVerdict")
ReplayGap = strawberry.enum(replay_service.Gap, name="ReplayGap", description=(
    "NO_STEPS: nothing with a step was recorded; MISSING_SNAPSHOT; PRUNED_SNAPSHOT: deleted by retention; "
    "HASH_MISMATCH: the stored state no longer hashes to its stored SHA-256."))


@strawberry.type(description="The state at the input or output of one step; the server computed its SHA-256.")
class Snapshot(Node):
    step: int
    phase: SnapshotPhase
    sha256: str = strawberry.field(description="Of the canonical JSON: sorted keys, no spaces, UTF-8.")
    size_bytes: int
    recorded_at: datetime
    row: strawberry.Private[m.Snapshot]

    @classmethod
    def of(cls, row: m.Snapshot) -> "Snapshot":
        return cls(id=to_global_id("Snapshot", row.id), step=row.step, phase=row.phase, sha256=row.sha256,
                   size_bytes=row.size_bytes, recorded_at=row.recorded_at, row=row)

    @strawberry.field
    def state(self) -> JSON:
        return json.loads(self.row.state)


@strawberry.type(description="An error normalised: numbers, quoted strings, paths, URLs, hex ids, UUIDs and line "
                             "numbers masked, the type kept. Errors with the same signature group together.")
class ErrorSignature:
    digest: str = strawberry.field(description="SHA-256 of the type and pattern.")
    error_type: str
    pattern: str


@strawberry.type
class ErrorEvent(Node):
    step: int
    error_type: str
    message: str
    stack: str | None
    recorded_at: datetime
    signature: ErrorSignature

    @classmethod
    def of(cls, row: m.ErrorEvent, sig: m.ErrorSignature) -> "ErrorEvent":
        return cls(id=to_global_id("ErrorEvent", row.id), step=row.step, error_type=row.error_type,
                   message=row.message, stack=row.stack, recorded_at=row.recorded_at,
                   signature=ErrorSignature(digest=sig.digest, error_type=sig.error_type, pattern=sig.pattern))


@strawberry.type
class SuccessEvent(Node):
    step: int
    quality_score: float
    recorded_at: datetime

    @classmethod
    def of(cls, row: m.SuccessEvent) -> "SuccessEvent":
        return cls(id=to_global_id("SuccessEvent", row.id), step=row.step, quality_score=row.quality_score,
                   recorded_at=row.recorded_at)


@strawberry.type(description="An attempt to fix an error event with an STF version.")
class StfApplication(Node):
    outcome: AttemptOutcome
    applied_at: datetime
    decided_at: datetime | None
    stf_pk: strawberry.Private[int]
    error_pk: strawberry.Private[int]
    success_pk: strawberry.Private[int | None]
    adopter_pk: strawberry.Private[int | None]

    @classmethod
    def of(cls, row: m.StfApplication) -> "StfApplication":
        return cls(id=to_global_id("StfApplication", row.id), outcome=row.outcome, applied_at=row.applied_at,
                   decided_at=row.decided_at, stf_pk=row.stf_id, error_pk=row.error_event_id,
                   success_pk=row.success_event_id, adopter_pk=row.adopter_id)

    @strawberry.field(description=(
        "Who adopted the STF, once the attempt succeeded: the contributor of the execution's starter (else of "
        "the principal that applied it); null when neither acts for a contributor."))
    async def adopter(self, info: Info) -> Annotated["Contributor", strawberry.lazy("resolvers.contributors")] | None:
        from resolvers.contributors import Contributor

        return await load_one(info, cm.Contributor, self.adopter_pk, Contributor.of)

    @strawberry.field(description=(
        "The STF reward its author got for this adoption (paid or refused); null while PENDING, after a FAILED "
        "attempt, without an adopter, or when the author adopted their own STF."))
    async def adoption_reward(self, info: Info) -> RewardOutcome | None:
        return await RewardOutcome.by_key(info, adoption.key_of(global_pk(self.id, "StfApplication")))

    @strawberry.field
    async def stf(self, info: Info) -> Stf:
        return await load_one(info, sm.Stf, self.stf_pk, Stf.of)

    @strawberry.field
    def error_event_id(self) -> strawberry.ID:
        return to_global_id("ErrorEvent", self.error_pk)

    @strawberry.field(description="The success that decided it, when it succeeded.")
    async def success_event(self, info: Info) -> SuccessEvent | None:
        return await load_one(info, m.SuccessEvent, self.success_pk, SuccessEvent.of)


async def _load_error(pk: int) -> ErrorEvent | None:
    row = await debug_events.get_error_with_signature(pk)
    return ErrorEvent.of(row, row.signature) if row else None


def _authenticated(load):
    async def loader(pk: int, info: Info):
        if info.context.principal is None:
            return None
        return await load(pk)
    return loader


def _load_simple(get, convert):
    async def load(pk: int):
        row = await get(pk)
        return convert(row) if row else None
    return load


register_node("Snapshot", _authenticated(_load_simple(debug_events.get_snapshot, Snapshot.of)))
register_node("ErrorEvent", _authenticated(_load_error))
register_node("SuccessEvent", _authenticated(_load_simple(debug_events.get_success, SuccessEvent.of)))
register_node("StfApplication", _authenticated(_load_simple(debug_events.get_application, StfApplication.of)))


@strawberry.input
class SnapshotRecordInput:
    correlation_id: uuid.UUID
    step: int = strawberry.field(description="0 or more; a step's INPUT and OUTPUT share its number.")
    phase: SnapshotPhase
    state: JSON = strawberry.field(description="Any JSON value, at most 1 MiB as canonical JSON.")


@strawberry.type
class SnapshotRecordPayload:
    snapshot: Snapshot | None
    created: bool = strawberry.field(description="False for a retry of the same step, phase and state.")
    user_errors: list[DebugUserError]


@strawberry.input
class ErrorRecordInput:
    correlation_id: uuid.UUID
    step: int
    error_type: str = strawberry.field(description="KeyError, TypeError, psycopg.errors.UniqueViolation, ...")
    message: str
    stack: str | None = None


@strawberry.type
class ErrorRecordPayload:
    error_event: ErrorEvent | None
    failed_attempts: int = strawberry.field(description="Pending STF attempts this error decided as FAILED.")
    user_errors: list[DebugUserError]


@strawberry.input
class SuccessRecordInput:
    correlation_id: uuid.UUID
    step: int
    quality_score: float = strawberry.field(description="In [0, 1].")


@strawberry.type
class SuccessRecordPayload:
    success_event: SuccessEvent | None
    succeeded_attempts: int = strawberry.field(description="Pending STF attempts this success decided as SUCCEEDED.")
    user_errors: list[DebugUserError]


@strawberry.input
class StfApplyInput:
    error_event_id: strawberry.ID = strawberry.field(description="The execution's latest error.")
    stf_id: strawberry.ID


@strawberry.type
class StfApplyPayload:
    application: StfApplication | None
    created: bool = strawberry.field(description="False when this STF was already applied to this error.")
    user_errors: list[DebugUserError]


@strawberry.type(description="An STF that may fix the error, with its record on this error signature.")
class FixSuggestion:
    stf: Stf
    source: SuggestionSource
    attempts: BigInt = strawberry.field(description="Decided attempts on this signature (0 for SEMANTIC).")
    successes: BigInt
    confidence: float = strawberry.field(description="Wilson score lower bound (95%) of successes/attempts.")
    similarity: float | None = strawberry.field(description="Cosine similarity to the error, for SEMANTIC ones.")


@strawberry.type
class FixSuggestions:
    signature: ErrorSignature = strawberry.field(description="The normalised signature looked up.")
    known: bool = strawberry.field(description="Whether any execution recorded this signature.")
    suggestions: list[FixSuggestion] = strawberry.field(description="Most confident first; SEMANTIC ones only when "
                                                                    "the signature has no history.")


@strawberry.type(description="One thing that happened in an execution; exactly one of the objects is set.")
class ReplayEntry:
    kind: EntryKind
    at: datetime = strawberry.field(description="When it was recorded (an LLM call: when it started).")
    step: int | None
    llm_call: LlmCall | None = None
    snapshot: Snapshot | None = None
    error_event: ErrorEvent | None = None
    success_event: SuccessEvent | None = None
    stf_application: StfApplication | None = None


@strawberry.type(description="What keeps a replay from being reproducible.")
class ReplayMissing:
    gap: ReplayGap
    step: int | None
    phase: SnapshotPhase | None


@strawberry.type(description="An execution replayed from its records.")
class ExecutionReplay:
    execution: Execution
    found: strawberry.Private[dict]  # the verdict, computed once and only when asked for

    async def _verdict(self) -> replay_service.Replay:
        if "verdict" not in self.found:  # the fields resolve concurrently: they share one task
            self.found["verdict"] = asyncio.ensure_future(replay_service.verdict(self.found["row"]))
        return await self.found["verdict"]

    @strawberry.field(description=(
        "REPRODUCIBLE when every step from the first to the last has an INPUT and an OUTPUT snapshot whose "
        "stored hash verifies; otherwise INCOMPLETE with `missing`."))
    async def verdict(self) -> ReplayVerdict:
        return (await self._verdict()).verdict

    @strawberry.field
    async def missing(self) -> list[ReplayMissing]:
        return [ReplayMissing(gap=g.gap, step=g.step, phase=g.phase) for g in (await self._verdict()).missing]

    @strawberry.field
    async def first_step(self) -> int | None:
        return (await self._verdict()).first_step

    @strawberry.field
    async def last_step(self) -> int | None:
        return (await self._verdict()).last_step

    @strawberry.field(description="When retention deleted snapshots of it, if it did.")
    async def pruned_at(self) -> datetime | None:
        return (await self._verdict()).pruned_at

    @strawberry.field(description=(
        "What happened, in order: LLM calls by their start, records by when they were recorded; ties by step, then "
        "snapshot, call, error, STF attempt, success."))
    async def timeline(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[ReplayEntry]:
        size = check_first(first, info.context.max_page_size)
        key = decode_cursor(after, 4) if after else None
        entries = (
            await replay_service.timeline(self.execution.pk, size + 1, tuple(key) if key else None) if size else []
        )
        page = entries[:size]
        edges = [edge(_entry(e, self.execution.correlation_id), list(e.key)) for e in page]
        return Connection(edges=edges, page_info=PageInfo(
            has_next_page=len(entries) > size, has_previous_page=after is not None,
            start_cursor=encode_cursor(page[0].key) if page else None,
            end_cursor=encode_cursor(page[-1].key) if page else None),
            count=lambda: replay_service.timeline_count(self.execution.pk))


@strawberry.type
class DebugStats:
    executions: int
    reproducible_share: float = strawberry.field(description="Executions whose replay is REPRODUCIBLE / executions.")
    stf_reuse_rate: float = strawberry.field(description=(
        "Executions that applied an existing STF (stfApply, or started with one) / executions."))
    signatures: int
    signatures_with_confidence_share: float = strawberry.field(description=(
        "Error signatures with at least one decided STF attempt / error signatures."))



def _entry(entry: replay_service.Entry, correlation_id: uuid.UUID) -> ReplayEntry:
    kind = replay_service.EntryKind
    made = ReplayEntry(kind=entry.kind, at=entry.at, step=entry.step)
    if entry.kind is kind.LLM_CALL:
        made.llm_call = LlmCall.of(entry.row, correlation_id)
    elif entry.kind is kind.SNAPSHOT:
        made.snapshot = Snapshot.of(entry.row)
    elif entry.kind is kind.ERROR:
        made.error_event = ErrorEvent.of(entry.row, entry.row.signature)
    elif entry.kind is kind.SUCCESS:
        made.success_event = SuccessEvent.of(entry.row)
    else:
        made.stf_application = StfApplication.of(entry.row)
    return made


@strawberry.type(description="The most confident STF for a signature so far (decided attempts only).")
class BestFix:
    stf: Stf
    attempts: BigInt
    successes: BigInt
    confidence: float = strawberry.field(description="Wilson score lower bound (95%) of successes/attempts.")


@strawberry.type(description="An error signature with how often it was recorded and its best fix.")
class ErrorSignatureStat:
    signature: ErrorSignature
    occurrences: int = strawberry.field(description="Error events recorded with this signature.")
    executions: int = strawberry.field(description="Executions that recorded it.")
    last_seen_at: datetime
    best_fix: BestFix | None = strawberry.field(description="Null while no STF attempt on it was decided.")


@strawberry.type
class DebugQuery:
    @strawberry.field(permission_classes=[IsAuthenticated], description=(
        "STFs for an error's signature by confidence (Wilson lower bound, 95%), from `errorText` ('KeyError: ...', "
        "the type read from before the first colon unless `errorType` is given) or a recorded `errorEventId`. "
        "When the signature has no history, STFs near it in meaning (Qdrant) fill in, marked SEMANTIC."))
    async def fix_suggestions(self, error_text: str | None = None, error_type: str | None = None,
                              error_event_id: strawberry.ID | None = None, first: int = 10) -> FixSuggestions:
        event_pk = global_pk(error_event_id, "ErrorEvent", "errorEventId") if error_event_id else None
        found = await fixes.suggest(error_text, error_type, event_pk, first=first)
        sig = found.signature
        return FixSuggestions(
            signature=ErrorSignature(digest=sig.digest, error_type=sig.error_type, pattern=sig.pattern),
            known=found.signature_id is not None,
            suggestions=[FixSuggestion(stf=Stf.of(s.stf), source=s.source, attempts=s.attempts, successes=s.successes,
                                       confidence=s.confidence, similarity=s.similarity) for s in found.suggestions])

    @strawberry.field(permission_classes=[IsAuthenticated], description=(
        "An execution's timeline from its records (LLM calls, snapshots, errors, successes, STF attempts) and "
        "whether it can be reproduced."))
    async def execution_replay(self, correlation_id: uuid.UUID) -> ExecutionReplay | None:
        row = await replay_service.find(correlation_id)
        return ExecutionReplay(execution=Execution.of(row), found={"row": row}) if row else None

    @strawberry.field(
        permission_classes=[IsAuthenticated], description="How well the debug loop works, over all executions."
    )
    async def debug_stats(self) -> DebugStats:
        s = await replay_service.debug_stats()
        share = replay_service.DebugStats.share
        return DebugStats(executions=s.executions, reproducible_share=share(s.reproducible, s.executions),
                          stf_reuse_rate=share(s.executions_with_stf, s.executions), signatures=s.signatures,
                          signatures_with_confidence_share=share(s.signatures_with_confidence, s.signatures))

    @strawberry.field(permission_classes=[IsAuthenticated], description=(
        "The error signatures recorded most often, most first, each with its most confident fix."))
    async def error_signature_stats(self, first: int = 10) -> list[ErrorSignatureStat]:
        found = await signature_stats.top_signatures(first)
        return [ErrorSignatureStat(
            signature=ErrorSignature(digest=s.signature.digest, error_type=s.signature.error_type,
                                     pattern=s.signature.pattern),
            occurrences=s.occurrences, executions=s.executions, last_seen_at=s.last_seen_at,
            best_fix=BestFix(stf=Stf.of(s.best_fix.stf), attempts=s.best_fix.attempts, successes=s.best_fix.successes,
                             confidence=s.best_fix.confidence) if s.best_fix else None,
        ) for s in found]


@strawberry.type
class DebugMutation:
    @strawberry.mutation(permission_classes=[IsAuthenticated], description=(
        "Record the state at a step's INPUT or OUTPUT (the execution's starter or ADMIN); the server hashes it."))
    async def snapshot_record(self, info: Info, input: SnapshotRecordInput) -> SnapshotRecordPayload:
        result, errors = await attempt(
            debug_events.record_snapshot(
                info.context.principal,
                input.correlation_id,
                input.step,
                phase=m.SnapshotPhase(input.phase.value),
                state=input.state,
            )
        )
        if result is None:
            return SnapshotRecordPayload(snapshot=None, created=False, user_errors=errors)
        return SnapshotRecordPayload(snapshot=Snapshot.of(result.row), created=result.created, user_errors=[])

    @strawberry.mutation(permission_classes=[IsAuthenticated], description=(
        "Record an error of a RUNNING execution; it gets a normalised signature, and decides the execution's pending "
        "STF attempts as FAILED."))
    async def error_record(self, info: Info, input: ErrorRecordInput) -> ErrorRecordPayload:
        result, errors = await attempt(
            debug_events.record_error(
                info.context.principal,
                input.correlation_id,
                input.step,
                error_type=input.error_type,
                message=input.message,
                stack=input.stack,
            )
        )
        if result is None:
            return ErrorRecordPayload(error_event=None, failed_attempts=0, user_errors=errors)
        return ErrorRecordPayload(error_event=ErrorEvent.of(result.error, result.signature),
                                  failed_attempts=result.failed_attempts, user_errors=[])

    @strawberry.mutation(permission_classes=[IsAuthenticated], description=(
        "Record a success of a RUNNING execution; it decides the execution's pending STF attempts as SUCCEEDED."))
    async def success_record(self, info: Info, input: SuccessRecordInput) -> SuccessRecordPayload:
        result, errors = await attempt(debug_events.record_success(
            info.context.principal, input.correlation_id, input.step, quality_score=input.quality_score))
        if result is None:
            return SuccessRecordPayload(success_event=None, succeeded_attempts=0, user_errors=errors)
        return SuccessRecordPayload(success_event=SuccessEvent.of(result.success),
                                    succeeded_attempts=result.succeeded_attempts, user_errors=[])

    @strawberry.mutation(permission_classes=[IsAuthenticated], description=(
        "Attempt to fix the execution's latest error with an STF version. It counts for that error's signature once "
        "decided: a success before the next error succeeds; the next error or a FAILED finish fails it."))
    async def stf_apply(self, info: Info, input: StfApplyInput) -> StfApplyPayload:
        result, errors = await attempt(debug_events.apply_stf(
            info.context.principal, global_pk(input.error_event_id, "ErrorEvent", "errorEventId"),
            global_pk(input.stf_id, "Stf", "stfId")))
        if result is None:
            return StfApplyPayload(application=None, created=False, user_errors=errors)
        return StfApplyPayload(application=StfApplication.of(result.row), created=result.created, user_errors=[])
