"""Clarification: question packs, answers, panel votes, deadlines and the assumptions log.

Each public coroutine is one unit of work: one transaction, its checks inside it, its rows and its
outbox events. Votes and deadline handling lock the ticket row, so concurrent votes are counted one
at a time and an expired ticket is handled by exactly one replica (FOR UPDATE SKIP LOCKED).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from models.auth import Principal, Role
from models.clarification import (
    Assumption,
    AssumptionStatus,
    ClarificationRequestLog,
    ClarificationTicket,
    PanelMember,
    TicketStatus,
    Vote,
    VoteChoice,
)
from models.contributors import Contributor
from models.outbox import OutboxEvent
from services import clock
from services.clarification.ambiguity import Defaults, Detection, detect
from services.clarification.answers import BadAnswer, canonical_value
from services.clarification.estimator import embedding_text, uses_embedding
from services.clarification.quorum import Ballot, Decision, Tally, tally
from services.contributors import check_tags
from services.errors import DomainError, NotFound
from services.search.embedding import embed_async, get_embedder
from subscriptions.outbox import record_event
from subscriptions.stream import current_seq

FALLBACK_DEFAULT_MODEL = "claude-haiku-4-5"  # priced in the default catalog
MAX_PROMPT = 20_000
MIN_DEADLINE, MAX_DEADLINE, DEFAULT_DEADLINE = 10, 86_400, 300
MIN_PANEL, MAX_PANEL = 3, 5
MAX_KNOWN_PARAMETERS = 50
MAX_COMMENT = 2000
MAX_REASON = 2000
CORRELATION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127}$")
CONFIDENCE_PLACES = 6
SWEEP_BATCH = 100
OPEN = TicketStatus.OPEN


_defaults = Defaults(model=FALLBACK_DEFAULT_MODEL, temp_path=os.path.join(tempfile.gettempdir(), "omniclaude"))


_estimator_threshold: float | None = None


def configure(*, default_model: str, estimator_threshold: float | None = None) -> None:
    """Set the safe default offered for MODEL questions (the app passes CLARIFY_DEFAULT_MODEL) and
    the estimator's threshold (CLARIFY_ESTIMATOR_THRESHOLD; None keeps the one trained with it)."""
    global _defaults, _estimator_threshold
    _defaults = Defaults(model=default_model.strip() or FALLBACK_DEFAULT_MODEL, temp_path=_defaults.temp_path)
    _estimator_threshold = estimator_threshold


def detector_defaults() -> Defaults:
    return _defaults


def _now() -> datetime:
    return clock.now()


# -- requests -----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class RequestOutcome:
    ticket: ClarificationTicket | None
    detection: Detection


def _check_request(correlation_id: str, prompt: str, known: Any, *, tags: list[str], deadline_seconds: int,
                   panel_size: int) -> list[str]:
    if not CORRELATION_ID.match(correlation_id):
        raise DomainError("correlationId", "must be 1-128 characters of letters, digits and . _ : / @ -, "
                                           "starting with a letter or digit")
    if not prompt.strip():
        raise DomainError("prompt", "must not be empty")
    if len(prompt) > MAX_PROMPT:
        raise DomainError("prompt", f"at most {MAX_PROMPT:,} characters, got {len(prompt):,}")
    if not isinstance(known, dict):
        raise DomainError("knownParameters", "must be a JSON object of parameter name to value")
    if len(known) > MAX_KNOWN_PARAMETERS:
        raise DomainError("knownParameters", f"at most {MAX_KNOWN_PARAMETERS} parameters")
    if not MIN_DEADLINE <= deadline_seconds <= MAX_DEADLINE:
        raise DomainError("deadlineSeconds", f"must be from {MIN_DEADLINE} to {MAX_DEADLINE:,}, got {deadline_seconds}")
    if not MIN_PANEL <= panel_size <= MAX_PANEL:
        raise DomainError("panelSize", f"must be from {MIN_PANEL} to {MAX_PANEL}, got {panel_size}")
    return check_tags(tags, "domainTags")


async def _embedding(prompt: str) -> dict[str, Any]:
    """The configured embedder's name and the prompt's vector for the estimator, embedded in a
    worker thread (a sentence model takes milliseconds of CPU); no vector when its weights do not use it."""
    embedder = get_embedder()
    if not uses_embedding(embedder.name):
        return {"embedder_name": embedder.name}
    vectors = await embed_async([embedding_text(prompt)], embedder=embedder)
    return {"embedder_name": embedder.name, "vector": vectors[0]}


async def request(principal: Principal, correlation_id: str, prompt: str, *, known: Any, domain_tags: list[str],
                  deadline_seconds: int = DEFAULT_DEADLINE, panel_size: int = MIN_PANEL) -> RequestOutcome:
    """Run the detector; when something is ambiguous, open a ticket with its questions and panel."""
    tags = _check_request(
        correlation_id, prompt, known, tags=domain_tags, deadline_seconds=deadline_seconds, panel_size=panel_size
    )
    detection = detect(prompt, known, detector_defaults(), **await _embedding(prompt), threshold=_estimator_threshold)
    async with in_transaction() as conn:
        await ClarificationRequestLog.create(correlation_id=correlation_id, requester_id=principal.id,
                                             question_count=len(detection.questions), using_db=conn)
        if not detection.ambiguous:
            return RequestOutcome(None, detection)
        panel = await _choose_panel(conn, tags, panel_size, requester_id=principal.id)
        now = _now()
        ticket = await ClarificationTicket.create(
            correlation_id=correlation_id, requester_id=principal.id, prompt=prompt, known_parameters=known,
            domain_tags=tags, questions=[q.to_json() for q in detection.questions], answers={},
            panel_size=len(panel), deadline_at=now + timedelta(seconds=deadline_seconds), using_db=conn)
        await PanelMember.bulk_create(
            [PanelMember(ticket_id=ticket.id, contributor_id=row["id"], weight=row["reputation"], position=i)
             for i, row in enumerate(panel)], using_db=conn)
        event_id = await record_event("clarification.ticket.created.v1", {
            **_ids(ticket), "status": ticket.status, "deadlineAt": ticket.deadline_at, "createdAt": ticket.created_at,
            "panelSize": len(panel), "panel": [row["handle"] for row in panel], "domainTags": tags,
            "questions": ticket.questions, "reason": detection.reason,
            "estimate": {"score": detection.estimate.score, "threshold": detection.estimate.threshold,
                         "model": detection.estimate.model}}, conn)
        ticket.created_event_id = event_id
        await ticket.save(update_fields=["created_event_id"], using_db=conn)
    return RequestOutcome(ticket, detection)


PANEL_SQL = """
SELECT c."id", c."handle", c."reputation",
       (SELECT count(*) FROM jsonb_array_elements_text(c."expertise") AS tag(value)
         WHERE tag.value = ANY($1::text[])) AS overlap,
       (SELECT count(*) FROM "clarification_panel_members" pm
          JOIN "clarification_tickets" t ON t."id" = pm."ticket_id"
         WHERE pm."contributor_id" = c."id" AND t."status" = 'OPEN') AS open_panels
  FROM "contributors" c
 WHERE c."kind" = 'AGENT' AND c."principal_id" IS NOT NULL AND c."principal_id" <> $2 AND c."reputation" > 0
 ORDER BY overlap DESC, open_panels ASC, c."reputation" DESC, c."id" ASC
 LIMIT $3
"""


async def _choose_panel(conn: BaseDBAsyncClient, tags: list[str], size: int, *, requester_id: int) -> list[dict]:
    """Agents with a key, most expertise overlap first, then fewest open panels, then highest
    reputation, then oldest; the requester never sits on its own panel."""
    rows = await conn.execute_query_dict(PANEL_SQL, [tags, requester_id, size])
    if len(rows) < MIN_PANEL:
        raise DomainError("panelSize", f"a panel needs at least {MIN_PANEL} eligible agents (AGENT contributors "
                                       f"with an API key and reputation above 0); {len(rows)} found",
                          "NOT_ENOUGH_AGENTS")
    return rows


def _ids(ticket: ClarificationTicket) -> dict[str, Any]:
    return {"ticketId": ticket.id, "correlationId": ticket.correlation_id}


# -- answers ------------------------------------------------------------------------------------

async def _locked_ticket(conn: BaseDBAsyncClient, ticket_id: int) -> ClarificationTicket:
    ticket = await ClarificationTicket.filter(id=ticket_id).select_for_update().using_db(conn).first()
    if ticket is None:
        raise NotFound("ticketId", f"no clarification ticket {ticket_id}")
    return ticket


def _check_open(ticket: ClarificationTicket, now: datetime) -> None:
    if ticket.status is not OPEN:
        raise DomainError("ticketId", f"the ticket is {ticket.status.value}; it takes no more answers or votes",
                          "TICKET_CLOSED")
    if ticket.deadline_at <= now:
        raise DomainError("ticketId", "the ticket's deadline has passed", "DEADLINE_PASSED")


async def answer(principal: Principal, ticket_id: int, answers: list[tuple[str, str]]) -> ClarificationTicket:
    """Record answers (all or some questions); only the requester or an ADMIN may answer."""
    if not answers:
        raise DomainError("answers", "give at least one answer")
    async with in_transaction() as conn:
        ticket = await _locked_ticket(conn, ticket_id)
        if principal.role is not Role.ADMIN and principal.id != ticket.requester_id:
            raise DomainError("ticketId", "only the requester of the ticket or an ADMIN may answer", "FORBIDDEN")
        now = _now()
        _check_open(ticket, now)
        questions = {q["id"]: q for q in ticket.questions}
        recorded: list[dict[str, Any]] = []
        seen: set[str] = set()
        for i, (question_id, value) in enumerate(answers):
            question = questions.get(question_id)
            if question is None:
                raise DomainError(
                    f"answers[{i}].questionId", f"the ticket has no question {question_id!r}", "NOT_FOUND"
                )
            if question_id in seen:
                raise DomainError(f"answers[{i}].questionId", f"question {question_id!r} is answered twice")
            seen.add(question_id)
            try:
                canonical = canonical_value(question, value)
            except BadAnswer as exc:
                raise DomainError(f"answers[{i}].value", f"{question_id}: {exc}") from None
            entry = {"value": canonical, "principalId": principal.id, "principalName": principal.name,
                     "at": now.isoformat()}
            recorded.append({"questionId": question_id, **entry})
        ticket.answers = {**ticket.answers, **{r["questionId"]: {k: v for k, v in r.items() if k != "questionId"}
                                                for r in recorded}}
        await ticket.save(update_fields=["answers"], using_db=conn)
        await record_event("clarification.answer.recorded.v1", {
            **_ids(ticket), "answers": recorded, "answeredCount": len(ticket.answers),
            "questionCount": len(ticket.questions)}, conn)
    return ticket


# -- votes --------------------------------------------------------------------------------------

def _check_confidence(confidence: Decimal) -> Decimal:
    if not confidence.is_finite() or not Decimal(0) < confidence <= Decimal(1):
        raise DomainError("confidence", f"must be greater than 0 and at most 1, got {confidence}")
    exponent = confidence.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -CONFIDENCE_PLACES:
        raise DomainError("confidence", f"at most {CONFIDENCE_PLACES} decimal places, got {confidence}")
    return confidence.quantize(Decimal(1).scaleb(-CONFIDENCE_PLACES))


@dataclass(frozen=True, slots=True)
class VoteOutcome:
    vote: Vote
    voter: Contributor
    ticket: ClarificationTicket
    tally: Tally


async def cast_vote(principal: Principal, ticket_id: int, choice: VoteChoice, *, confidence: Decimal,
                    comment: str | None) -> VoteOutcome:
    confidence = _check_confidence(confidence)
    if comment is not None and len(comment) > MAX_COMMENT:
        raise DomainError("comment", f"at most {MAX_COMMENT} characters")
    async with in_transaction() as conn:
        ticket = await _locked_ticket(conn, ticket_id)  # votes on one ticket queue here, one at a time
        voter = await Contributor.filter(principal_id=principal.id).using_db(conn).first()
        members = await PanelMember.filter(ticket_id=ticket.id).using_db(conn)
        seat = next((m for m in members if voter is not None and m.contributor_id == voter.id), None)
        if voter is None or seat is None:
            raise DomainError("ticketId", "only members of the ticket's panel may vote", "NOT_A_PANEL_MEMBER")
        now = _now()
        _check_open(ticket, now)
        ballots = {v.contributor_id: Ballot(v.choice, v.confidence)
                   for v in await Vote.filter(ticket_id=ticket.id).using_db(conn)}
        if voter.id in ballots:
            raise DomainError("ticketId", "you have already voted on this ticket", "DUPLICATE")
        try:
            vote = await Vote.create(ticket_id=ticket.id, contributor_id=voter.id, choice=choice, confidence=confidence,
                                     weight=confidence * seat.weight, comment=comment, using_db=conn)
        except IntegrityError:
            raise DomainError("ticketId", "you have already voted on this ticket", "DUPLICATE") from None
        ballots[voter.id] = Ballot(choice, confidence)
        result = tally({m.contributor_id: m.weight for m in members}, ballots)
        await record_event("clarification.vote.cast.v1", {
            **_ids(ticket), "voteId": vote.id, "voter": voter.handle, "choice": choice, "confidence": confidence,
            "weight": vote.weight, "comment": comment, "at": vote.created_at, "progress": result.to_json()}, conn)
        if result.decision is not Decision.PENDING:
            await _decide(conn, ticket, result, now=now)
    return VoteOutcome(vote, voter, ticket, result)


async def _decide(conn: BaseDBAsyncClient, ticket: ClarificationTicket, result: Tally, *, now: datetime) -> None:
    """An approved ticket proceeds on defaults for what is unanswered: those become provisional
    assumptions, as at the deadline. A rejected ticket proceeds on nothing."""
    ticket.status = TicketStatus(result.decision.value)
    ticket.decided_at = now
    await ticket.save(update_fields=["status", "decided_at"], using_db=conn)
    assumptions = await _assume_defaults(conn, ticket) if ticket.status is TicketStatus.APPROVED else []
    await record_event("clarification.ticket.decided.v1", {
        **_ids(ticket), "status": ticket.status, "decidedAt": now, "progress": result.to_json(),
        "assumptions": [_assumption_json(a) for a in assumptions]}, conn)


async def _assume_defaults(conn: BaseDBAsyncClient, ticket: ClarificationTicket) -> list[Assumption]:
    rows = [Assumption(ticket_id=ticket.id, correlation_id=ticket.correlation_id, question_id=q["id"],
                       question_text=q["text"], default_value=q["default"], value=q["default"], history=[])
            for q in ticket.questions if q["id"] not in ticket.answers and q["default"] is not None]
    if rows:
        await Assumption.bulk_create(rows, using_db=conn)
        rows = await Assumption.filter(ticket_id=ticket.id).order_by("id").using_db(conn)
    return list(rows)


def _assumption_json(a: Assumption) -> dict[str, Any]:
    return {"assumptionId": a.id, "questionId": a.question_id, "value": a.value, "status": a.status}


# -- deadlines ----------------------------------------------------------------------------------

async def sweep_expired(limit: int = SWEEP_BATCH, now: datetime | None = None) -> list[int]:
    """Handle up to `limit` open tickets whose deadline has passed; return their ids.

    Rows another replica holds are skipped (FOR UPDATE SKIP LOCKED), and a row handled meanwhile
    no longer matches `status = OPEN` when locked, so each ticket is handled exactly once."""
    now = now or _now()
    async with in_transaction() as conn:
        tickets = await (ClarificationTicket.filter(status=OPEN, deadline_at__lte=now).order_by("deadline_at", "id")
                         .limit(limit).select_for_update(skip_locked=True).using_db(conn))
        for ticket in tickets:
            await _time_out(conn, ticket, now)
    return [t.id for t in tickets]


async def _time_out(conn: BaseDBAsyncClient, ticket: ClarificationTicket, now: datetime) -> None:
    assumptions = await _assume_defaults(conn, ticket)
    blocking = [q["id"] for q in ticket.questions
                if q["id"] not in ticket.answers and q["severity"] == "BLOCKING" and q["default"] is None]
    ticket.status = TicketStatus.TIMED_OUT_BLOCKED if blocking else TicketStatus.TIMED_OUT
    ticket.decided_at = now
    await ticket.save(update_fields=["status", "decided_at"], using_db=conn)
    await record_event("clarification.ticket.timed_out.v1", {
        **_ids(ticket), "status": ticket.status, "decidedAt": now, "blockingUnanswered": blocking,
        "assumptions": [_assumption_json(a) for a in assumptions]}, conn)


# -- assumptions --------------------------------------------------------------------------------

async def override_assumption(principal: Principal, assumption_id: int, value: str, *, reason: str) -> Assumption:
    """Replace an assumption's value; the requester of its ticket, a REVIEWER or an ADMIN may."""
    reason = reason.strip()
    if not reason:
        raise DomainError("reason", "say why the assumption is overridden")
    if len(reason) > MAX_REASON:
        raise DomainError("reason", f"at most {MAX_REASON} characters")
    async with in_transaction() as conn:
        assumption = await Assumption.filter(id=assumption_id).select_for_update().using_db(conn).first()
        if assumption is None:
            raise NotFound("assumptionId", f"no assumption {assumption_id}")
        ticket = await ClarificationTicket.filter(id=assumption.ticket_id).using_db(conn).get()
        if principal.role not in (Role.ADMIN, Role.REVIEWER) and principal.id != ticket.requester_id:
            raise DomainError("assumptionId", "only the requester of the ticket, a REVIEWER or an ADMIN may override",
                              "FORBIDDEN")
        question = next(q for q in ticket.questions if q["id"] == assumption.question_id)
        try:
            canonical = canonical_value(question, value)
        except BadAnswer as exc:
            raise DomainError("value", str(exc)) from None
        now = _now()
        previous = assumption.value
        assumption.history = [*assumption.history, {"previousValue": previous, "value": canonical, "reason": reason,
                                                    "principalId": principal.id, "principalName": principal.name,
                                                    "at": now.isoformat()}]
        assumption.value = canonical
        assumption.status = AssumptionStatus.OVERRIDDEN
        assumption.reason = reason
        assumption.overridden_by_id = principal.id
        assumption.overridden_at = now
        await assumption.save(using_db=conn)
        await record_event("clarification.assumption.overridden.v1", {
            **_ids(ticket), "assumptionId": assumption.id, "questionId": assumption.question_id,
            "previousValue": previous, "value": canonical, "reason": reason, "principalName": principal.name,
            "at": now}, conn)
    return assumption


# -- reads --------------------------------------------------------------------------------------

async def get_ticket(ticket_id: int) -> ClarificationTicket | None:
    return await ClarificationTicket.get_or_none(id=ticket_id)


async def panel_of(ticket_id: int) -> list[tuple[PanelMember, Contributor, Vote | None]]:
    members = await PanelMember.filter(ticket_id=ticket_id).order_by("position").prefetch_related("contributor")
    votes = {v.contributor_id: v for v in await Vote.filter(ticket_id=ticket_id)}
    return [(m, m.contributor, votes.get(m.contributor_id)) for m in members]


async def progress_of(ticket_id: int) -> Tally:
    return (await progress_of_tickets([ticket_id]))[ticket_id]


async def progress_of_tickets(ticket_ids: Sequence[int]) -> dict[int, Tally]:
    """The tally of each ticket, in two queries whatever the number of tickets (a page of them)."""
    members: dict[int, dict[int, Decimal]] = {t: {} for t in ticket_ids}
    votes: dict[int, dict[int, Ballot]] = {t: {} for t in ticket_ids}
    for m in await PanelMember.filter(ticket_id__in=list(ticket_ids)):
        members[m.ticket_id][m.contributor_id] = m.weight
    for v in await Vote.filter(ticket_id__in=list(ticket_ids)):
        votes[v.ticket_id][v.contributor_id] = Ballot(v.choice, v.confidence)
    return {t: tally(members[t], votes[t]) for t in ticket_ids}


async def updates_start_seq(ticket: ClarificationTicket) -> int:
    """The event sequence number just before the ticket's first event: `after` this, a subscriber
    sees the whole history of the ticket. Not yet published: every one of its events is still to come."""
    if ticket.created_event_id is not None:
        event = await OutboxEvent.get_or_none(id=ticket.created_event_id)
        if event is not None and event.seq is not None:
            return event.seq - 1
    return await current_seq()


async def get_assumption(assumption_id: int) -> Assumption | None:
    return await Assumption.get_or_none(id=assumption_id)


# -- stats --------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Stats:
    requests: int
    tickets: int
    trigger_rate: Decimal | None
    questions: int
    answered: int
    answer_rate: Decimal | None
    closed: int
    timed_out: int
    timeout_rate: Decimal | None
    median_seconds_to_decision: Decimal | None
    assumptions: int
    overridden: int
    assumption_burn_down: Decimal | None


STATS_SQL = """
SELECT
  (SELECT count(*) FROM "clarification_requests" WHERE "created_at" >= $1) AS requests,
  count(*) AS tickets,
  coalesce(sum(jsonb_array_length(t."questions")), 0) AS questions,
  coalesce(sum((SELECT count(*) FROM jsonb_object_keys(t."answers"))), 0) AS answered,
  count(*) FILTER (WHERE t."status" <> 'OPEN') AS closed,
  count(*) FILTER (WHERE t."status" IN ('TIMED_OUT', 'TIMED_OUT_BLOCKED')) AS timed_out,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM t."decided_at" - t."created_at"))
    FILTER (WHERE t."status" IN ('APPROVED', 'REJECTED')) AS median_seconds,
  (SELECT count(*) FROM "clarification_assumptions" a JOIN "clarification_tickets" at ON at."id" = a."ticket_id"
    WHERE at."created_at" >= $1) AS assumptions,
  (SELECT count(*) FROM "clarification_assumptions" a JOIN "clarification_tickets" at ON at."id" = a."ticket_id"
    WHERE at."created_at" >= $1 AND a."status" = 'OVERRIDDEN') AS overridden
FROM "clarification_tickets" t
WHERE t."created_at" >= $1
"""
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
RATE = Decimal("0.000001")


def _rate(part: int, whole: int) -> Decimal | None:
    return None if whole == 0 else (Decimal(part) / Decimal(whole)).quantize(RATE)


async def stats(since: datetime | None) -> Stats:
    """Over requests and tickets created at or after `since` (all time when None)."""
    from tortoise import connections

    rows = await connections.get("default").execute_query_dict(STATS_SQL, [since or EPOCH])
    r = rows[0]
    tickets_in_requests = int(r["tickets"])
    median = r["median_seconds"]
    return Stats(
        requests=int(r["requests"]),
        tickets=tickets_in_requests,
        trigger_rate=_rate(tickets_in_requests, int(r["requests"])),
        questions=int(r["questions"]),
        answered=int(r["answered"]),
        answer_rate=_rate(int(r["answered"]), int(r["questions"])),
        closed=int(r["closed"]),
        timed_out=int(r["timed_out"]),
        timeout_rate=_rate(int(r["timed_out"]), int(r["closed"])),
        median_seconds_to_decision=None if median is None else Decimal(str(median)).quantize(Decimal("0.001")),
        assumptions=int(r["assumptions"]),
        overridden=int(r["overridden"]),
        assumption_burn_down=_rate(int(r["overridden"]), int(r["assumptions"])),
    )


def tickets_query(*, correlation_id: str | None, status: TicketStatus | None) -> QuerySet[ClarificationTicket]:
    query = ClarificationTicket.all()
    if correlation_id is not None:
        query = query.filter(correlation_id=correlation_id)
    return query.filter(status=status) if status is not None else query


def assumptions_query(*, correlation_id: str | None, status: AssumptionStatus | None) -> QuerySet[Assumption]:
    query = Assumption.all()
    if correlation_id is not None:
        query = query.filter(correlation_id=correlation_id)
    return query.filter(status=status) if status is not None else query


async def assumptions_of_ticket(ticket_id: int) -> list[Assumption]:
    return await Assumption.filter(ticket_id=ticket_id).order_by("id")
