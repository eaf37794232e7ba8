"""Clarification: `clarificationRequest`, `clarificationAnswer`, `clarificationVoteCast`,
`assumptionOverride`, the ticket and assumption queries, `clarificationStats`, and the
`clarificationUpdates` subscription."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Union

import strawberry
from graphql import GraphQLError
from strawberry.scalars import JSON
from strawberry.types import Info

from models import clarification as m
from resolvers import loaders
from resolvers.contributors import Contributor
from resolvers.events import parse_after
from resolvers.node import register_node
from resolvers.payload import attempt, graphql_error, user_error_type
from resolvers.permissions import IsAuthenticated
from resolvers.relay import Connection, Node, global_pk, paginate, to_global_id
from services import errors
from services.clarification import ambiguity, quorum
from services.clarification import tickets as service
from services.errors import DomainError
from subscriptions.event import Event as BusEvent
from subscriptions.stream import encode_cursor, stream_events

ClarificationUserError = user_error_type(errors.CLARIFICATION)

QuestionKind = strawberry.enum(ambiguity.QuestionKind, description="What a question is about.")
QuestionSeverity = strawberry.enum(ambiguity.Severity, name="QuestionSeverity",
                                   description="BLOCKING: the agent cannot proceed on a guess without a default.")
AnswerType = strawberry.enum(ambiguity.AnswerType, description="How an answer is checked.")
ClarificationStatus = strawberry.enum(m.TicketStatus, name="ClarificationStatus")
VoteChoice = strawberry.enum(m.VoteChoice)
QuorumDecision = strawberry.enum(quorum.Decision, name="QuorumDecision")
AssumptionStatus = strawberry.enum(m.AssumptionStatus)


# -- types --------------------------------------------------------------------------------------

@strawberry.type(description="Where in the prompt a question comes from: characters [start, end).")
class PromptSpan:
    start: int
    end: int
    text: str


@strawberry.type
class ClarificationAnswer:
    question_id: str
    value: str = strawberry.field(
        description="Canonical text: a port as digits, a boolean as true/false, a choice as listed."
    )
    answered_by: str = strawberry.field(description="The name of the principal that answered.")
    answered_at: datetime

    @classmethod
    def of(cls, question_id: str, entry: dict[str, Any]) -> "ClarificationAnswer":
        return cls(question_id=question_id, value=entry["value"], answered_by=entry["principalName"],
                   answered_at=datetime.fromisoformat(entry["at"]))


@strawberry.type
class ClarificationQuestion:
    id: str = strawberry.field(description="q1, q2, ... within the ticket; most important first.")
    kind: QuestionKind
    text: str
    severity: QuestionSeverity
    answer_type: AnswerType
    choices: list[str]
    span: PromptSpan
    safe_default: str | None = strawberry.field(description="Applied at the deadline when unanswered.")
    answer: ClarificationAnswer | None

    @classmethod
    def of(cls, q: dict[str, Any], answers: dict[str, Any] | None = None) -> "ClarificationQuestion":
        entry = (answers or {}).get(q["id"])
        return cls(id=q["id"], kind=ambiguity.QuestionKind(q["kind"]), text=q["text"],
                   severity=ambiguity.Severity(q["severity"]), answer_type=ambiguity.AnswerType(q["answerType"]),
                   choices=list(q["choices"]), span=PromptSpan(**q["span"]), safe_default=q["default"],
                   answer=ClarificationAnswer.of(q["id"], entry) if entry else None)


@strawberry.type(description="The panel's vote so far. Weight = confidence x the member's reputation weight.")
class QuorumProgress:
    votes_cast: int
    panel_size: int
    agree_weight: Decimal
    disagree_weight: Decimal
    agreement: Decimal | None = strawberry.field(
        description="agree / (agree + disagree), rounded to 6 places; null while only NEUTRAL votes are in.")
    quorum_reached: bool = strawberry.field(description="A majority of the panel has voted.")
    decision: QuorumDecision

    @classmethod
    def of(cls, data: dict[str, Any]) -> "QuorumProgress":
        return cls(votes_cast=data["votesCast"], panel_size=data["panelSize"],
                   agree_weight=Decimal(str(data["agreeWeight"])), disagree_weight=Decimal(str(data["disagreeWeight"])),
                   agreement=None if data["agreement"] is None else Decimal(str(data["agreement"])),
                   quorum_reached=data["quorumReached"], decision=quorum.Decision(data["decision"]))

    @classmethod
    def of_tally(cls, result: quorum.Tally) -> "QuorumProgress":
        return cls.of(result.to_json())


@strawberry.type
class ClarificationVote:
    voter: str = strawberry.field(description="The handle of the voting agent.")
    choice: VoteChoice
    confidence: Decimal
    weight: Decimal
    comment: str | None
    cast_at: datetime

    @classmethod
    def of(cls, vote: m.Vote, handle: str) -> "ClarificationVote":
        return cls(voter=handle, choice=vote.choice, confidence=vote.confidence, weight=vote.weight,
                   comment=vote.comment, cast_at=vote.created_at)


@strawberry.type
class PanelSeat:
    contributor: Contributor
    weight: Decimal = strawberry.field(description="The member's reputation when the panel was chosen.")
    vote: ClarificationVote | None


@strawberry.type(description="One override of an assumption.")
class AssumptionChange:
    previous_value: str
    value: str
    reason: str
    changed_by: str
    changed_at: datetime


@strawberry.type(description="A safe default an agent proceeds on, logged until a person overrides it.")
class Assumption(Node):
    correlation_id: str
    ticket_id: strawberry.ID
    question_id: str
    question_text: str
    default_value: str
    value: str
    status: AssumptionStatus
    reason: str | None
    overridden_at: datetime | None
    created_at: datetime
    history: list[AssumptionChange]

    @classmethod
    def of(cls, row: m.Assumption) -> "Assumption":
        return cls(
            id=to_global_id("Assumption", row.id), correlation_id=row.correlation_id,
            ticket_id=to_global_id("ClarificationTicket", row.ticket_id), question_id=row.question_id,
            question_text=row.question_text, default_value=row.default_value, value=row.value, status=row.status,
            reason=row.reason, overridden_at=row.overridden_at, created_at=row.created_at,
            history=[AssumptionChange(previous_value=h["previousValue"], value=h["value"], reason=h["reason"],
                                      changed_by=h["principalName"], changed_at=datetime.fromisoformat(h["at"]))
                     for h in row.history])


@strawberry.type(description="The questions about one task, their answers, its panel and its outcome.")
class ClarificationTicket(Node):
    correlation_id: str
    prompt: str
    known_parameters: JSON
    domain_tags: list[str]
    status: ClarificationStatus
    panel_size: int
    deadline_at: datetime
    created_at: datetime
    decided_at: datetime | None
    questions: list[ClarificationQuestion]
    row: strawberry.Private[m.ClarificationTicket]

    @classmethod
    def of(cls, row: m.ClarificationTicket) -> "ClarificationTicket":
        return cls(
            id=to_global_id("ClarificationTicket", row.id),
            correlation_id=row.correlation_id,
            prompt=row.prompt,
            known_parameters=row.known_parameters,
            domain_tags=list(row.domain_tags),
            status=row.status,
            panel_size=row.panel_size,
            deadline_at=row.deadline_at,
            created_at=row.created_at,
            decided_at=row.decided_at,
            questions=[ClarificationQuestion.of(q, row.answers) for q in row.questions],
            row=row,
        )

    @strawberry.field(description="Answers so far, in question order.")
    def answers(self) -> list[ClarificationAnswer]:
        return [ClarificationAnswer.of(q["id"], self.row.answers[q["id"]])
                for q in self.row.questions if q["id"] in self.row.answers]

    @strawberry.field
    async def panel(self) -> list[PanelSeat]:
        seats = await service.panel_of(self.row.id)
        return [PanelSeat(contributor=Contributor.of(c), weight=member.weight,
                          vote=ClarificationVote.of(vote, c.handle) if vote else None) for member, c, vote in seats]

    @strawberry.field
    async def progress(self, info: Info) -> QuorumProgress:
        return QuorumProgress.of_tally(await loaders.ticket_progress(info, self.row.id))

    @strawberry.field
    async def assumptions(self) -> list[Assumption]:
        return [Assumption.of(a) for a in await service.assumptions_of_ticket(self.row.id)]

    @strawberry.field(description="Pass as `after` to `clarificationUpdates` to receive this ticket's whole history.")
    async def updates_cursor(self) -> str:
        return encode_cursor(await service.updates_start_seq(self.row))


async def _load_ticket(pk: int, info: Info) -> ClarificationTicket | None:
    if info.context.principal is None:
        return None
    row = await service.get_ticket(pk)
    return ClarificationTicket.of(row) if row else None


async def _load_assumption(pk: int, info: Info) -> Assumption | None:
    if info.context.principal is None:
        return None
    row = await service.get_assumption(pk)
    return Assumption.of(row) if row else None


register_node("ClarificationTicket", _load_ticket)
register_node("Assumption", _load_assumption)


@strawberry.type(description="Rates over requests and tickets created since `since`; null when the denominator is 0.")
class ClarificationStats:
    requests: int
    tickets: int
    trigger_rate: Decimal | None = strawberry.field(description="Requests that opened a ticket / requests.")
    questions: int
    answered: int
    answer_rate: Decimal | None = strawberry.field(description="Questions answered by a person / questions asked.")
    closed: int
    timed_out: int
    timeout_rate: Decimal | None = strawberry.field(description="Tickets closed by the deadline / closed tickets.")
    median_seconds_to_decision: Decimal | None = strawberry.field(
        description="Median seconds from creation to APPROVED or REJECTED.")
    assumptions: int
    overridden: int
    assumption_burn_down: Decimal | None = strawberry.field(
        description="Share of provisional assumptions that a person has overridden.")


# -- inputs and payloads ------------------------------------------------------------------------

@strawberry.input
class ClarificationRequestInput:
    correlation_id: str = strawberry.field(description="Your id for the task; tickets and assumptions carry it.")
    prompt: str = strawberry.field(description="The task, up to 20,000 characters.")
    known_parameters: JSON = strawberry.field(
        default_factory=dict, description="What is already decided, e.g. {\"port\": 5432}."
    )
    domain_tags: list[str] = strawberry.field(default_factory=list, description="Chooses the panel by expertise.")
    deadline_seconds: int = strawberry.field(default=service.DEFAULT_DEADLINE, description="10 to 86,400.")
    panel_size: int = strawberry.field(default=3, description="3 to 5 agents.")


@strawberry.type(description="The underspecification estimator's verdict on a task: does it say enough to act on?")
class UnderspecificationEstimate:
    score: float = strawberry.field(description="0 to 1: the estimated probability that the task is underspecified.")
    threshold: float = strawberry.field(description="Scores at or above it flag the task (CLARIFY_ESTIMATOR_THRESHOLD, "
                                                    "or the one chosen on the validation split).")
    underspecified: bool
    reason: str = strawberry.field(description="The verdict in words, with the signals that weighed most.")
    model: str = strawberry.field(description="The weights used: the configured embedder's, or `lexical` without "
                                              "the embedding.")

    @classmethod
    def of(cls, e: ambiguity.Estimate) -> "UnderspecificationEstimate":
        return cls(score=e.score, threshold=e.threshold, underspecified=e.underspecified, reason=e.reason,
                   model=e.model)


@strawberry.type
class ClarificationRequestPayload:
    ambiguous: bool | None = strawberry.field(
        description="True when the estimator finds the task underspecified or the rules find a contradiction; "
                    "then a ticket is open. False: nothing to ask, no ticket. Null on error.")
    reason: str | None = strawberry.field(description="Why there is, or is not, a ticket.")
    estimate: UnderspecificationEstimate | None = strawberry.field(description="Null on error.")
    ticket: ClarificationTicket | None
    user_errors: list[ClarificationUserError]


@strawberry.input
class AnswerInput:
    question_id: str
    value: str


@strawberry.input
class ClarificationAnswerInput:
    ticket_id: strawberry.ID
    answers: list[AnswerInput]


@strawberry.type
class ClarificationAnswerPayload:
    ticket: ClarificationTicket | None
    user_errors: list[ClarificationUserError]


@strawberry.input
class ClarificationVoteCastInput:
    ticket_id: strawberry.ID
    vote: VoteChoice
    confidence: Decimal = strawberry.field(description="In (0, 1], at most 6 decimal places.")
    comment: str | None = None


@strawberry.type
class ClarificationVoteCastPayload:
    vote: ClarificationVote | None
    progress: QuorumProgress | None
    ticket: ClarificationTicket | None
    user_errors: list[ClarificationUserError]


@strawberry.input
class AssumptionOverrideInput:
    assumption_id: strawberry.ID
    value: str
    reason: str


@strawberry.type
class AssumptionOverridePayload:
    assumption: Assumption | None
    user_errors: list[ClarificationUserError]


# -- queries and mutations ----------------------------------------------------------------------

@strawberry.type
class ClarificationQuery:
    @strawberry.field(permission_classes=[IsAuthenticated])
    async def clarification_ticket(self, id: strawberry.ID) -> ClarificationTicket | None:
        row = await service.get_ticket(global_pk(id, "ClarificationTicket"))
        return ClarificationTicket.of(row) if row else None

    @strawberry.field(permission_classes=[IsAuthenticated], description="Tickets, newest first.")
    async def clarification_tickets(
        self, info: Info, first: int | None = None, after: str | None = None,
        correlation_id: str | None = None, status: ClarificationStatus | None = None,
    ) -> Connection[ClarificationTicket]:
        query = service.tickets_query(correlation_id=correlation_id,
                                      status=m.TicketStatus(status.value) if status else None)
        return await paginate(query, first=first, after=after, order=["-id"], to_node=ClarificationTicket.of,
                              max_page_size=info.context.max_page_size)

    @strawberry.field(permission_classes=[IsAuthenticated], description="The assumptions log, newest first.")
    async def assumptions(
        self, info: Info, correlation_id: str | None = None, status: AssumptionStatus | None = None,
        first: int | None = None, after: str | None = None,
    ) -> Connection[Assumption]:
        query = service.assumptions_query(correlation_id=correlation_id,
                                          status=m.AssumptionStatus(status.value) if status else None)
        return await paginate(query, first=first, after=after, order=["-id"], to_node=Assumption.of,
                              max_page_size=info.context.max_page_size)

    @strawberry.field(permission_classes=[IsAuthenticated])
    async def clarification_stats(self, since: datetime | None = None) -> ClarificationStats:
        s = await service.stats(since)
        return ClarificationStats(
            requests=s.requests, tickets=s.tickets, trigger_rate=s.trigger_rate, questions=s.questions,
            answered=s.answered, answer_rate=s.answer_rate, closed=s.closed, timed_out=s.timed_out,
            timeout_rate=s.timeout_rate, median_seconds_to_decision=s.median_seconds_to_decision,
            assumptions=s.assumptions, overridden=s.overridden, assumption_burn_down=s.assumption_burn_down)


@strawberry.type
class ClarificationMutation:
    @strawberry.mutation(
        permission_classes=[IsAuthenticated],
        description="Find what is ambiguous in a task; when something is, open a ticket with questions and a panel.",
    )
    async def clarification_request(self, info: Info, input: ClarificationRequestInput) -> ClarificationRequestPayload:
        outcome, errors = await attempt(
            service.request(
                info.context.principal,
                input.correlation_id,
                input.prompt,
                known=input.known_parameters,
                domain_tags=input.domain_tags,
                deadline_seconds=input.deadline_seconds,
                panel_size=input.panel_size,
            )
        )
        if outcome is None:
            return ClarificationRequestPayload(ambiguous=None, reason=None, estimate=None, ticket=None,
                                               user_errors=errors)
        return ClarificationRequestPayload(
            ambiguous=outcome.detection.ambiguous, reason=outcome.detection.reason,
            estimate=UnderspecificationEstimate.of(outcome.detection.estimate),
            ticket=ClarificationTicket.of(outcome.ticket) if outcome.ticket else None, user_errors=[])

    @strawberry.mutation(permission_classes=[IsAuthenticated],
                         description="Answer some or all questions (the requester or an ADMIN).")
    async def clarification_answer(self, info: Info, input: ClarificationAnswerInput) -> ClarificationAnswerPayload:
        ticket, errors = await attempt(lambda: service.answer(
            info.context.principal, global_pk(input.ticket_id, "ClarificationTicket", "ticketId"),
            [(a.question_id, a.value) for a in input.answers]))
        return ClarificationAnswerPayload(ticket=ClarificationTicket.of(ticket) if ticket else None, user_errors=errors)

    @strawberry.mutation(permission_classes=[IsAuthenticated],
                         description="Vote on a ticket (panel members, once each).")
    async def clarification_vote_cast(
        self, info: Info, input: ClarificationVoteCastInput
    ) -> ClarificationVoteCastPayload:
        outcome, errors = await attempt(lambda: service.cast_vote(
            info.context.principal, global_pk(input.ticket_id, "ClarificationTicket", "ticketId"),
            m.VoteChoice(input.vote.value), confidence=input.confidence, comment=input.comment))
        if outcome is None:
            return ClarificationVoteCastPayload(vote=None, progress=None, ticket=None, user_errors=errors)
        return ClarificationVoteCastPayload(
            vote=ClarificationVote.of(outcome.vote, outcome.voter.handle),
            progress=QuorumProgress.of_tally(outcome.tally),
            ticket=ClarificationTicket.of(outcome.ticket),
            user_errors=[],
        )

    @strawberry.mutation(permission_classes=[IsAuthenticated],
                         description="Replace an assumption's value, with a reason (requester, REVIEWER or ADMIN).")
    async def assumption_override(self, info: Info, input: AssumptionOverrideInput) -> AssumptionOverridePayload:
        row, errors = await attempt(lambda: service.override_assumption(
            info.context.principal, global_pk(input.assumption_id, "Assumption", "assumptionId"), input.value,
            reason=input.reason))
        return AssumptionOverridePayload(assumption=Assumption.of(row) if row else None, user_errors=errors)


# -- live updates -------------------------------------------------------------------------------

def _update_fields(event: BusEvent) -> dict[str, Any]:
    p = event.payload
    return {"cursor": encode_cursor(event.seq), "ticket_id": to_global_id("ClarificationTicket", p["ticketId"]),
            "correlation_id": p["correlationId"], "at": event.created_at}


@strawberry.interface(description="Every clarification update carries these.")
class ClarificationUpdateFields:
    cursor: str = strawberry.field(description="Pass as `after` to resume right after this update.")
    ticket_id: strawberry.ID
    correlation_id: str
    at: datetime


@strawberry.type
class TicketCreated(ClarificationUpdateFields):
    status: ClarificationStatus
    deadline_at: datetime
    panel: list[str] = strawberry.field(description="Handles of the panel's agents.")
    questions: list[ClarificationQuestion]


@strawberry.type
class AnswerRecorded(ClarificationUpdateFields):
    answers: list[ClarificationAnswer]
    answered_count: int
    question_count: int


@strawberry.type
class VoteCast(ClarificationUpdateFields):
    voter: str
    choice: VoteChoice
    confidence: Decimal
    weight: Decimal
    comment: str | None
    progress: QuorumProgress


@strawberry.type
class AssumptionRef:
    assumption_id: strawberry.ID
    question_id: str
    value: str


@strawberry.type
class TicketDecided(ClarificationUpdateFields):
    status: ClarificationStatus = strawberry.field(description="APPROVED or REJECTED.")
    progress: QuorumProgress
    assumptions: list[AssumptionRef] = strawberry.field(description="Defaults an approved ticket proceeds on.")


@strawberry.type
class TicketTimedOut(ClarificationUpdateFields):
    status: ClarificationStatus = strawberry.field(description="TIMED_OUT or TIMED_OUT_BLOCKED.")
    assumptions: list[AssumptionRef]
    blocking_unanswered: list[str] = strawberry.field(description="Blocking questions with no answer and no default.")


@strawberry.type
class AssumptionOverridden(ClarificationUpdateFields):
    assumption_id: strawberry.ID
    question_id: str
    previous_value: str
    value: str
    reason: str
    overridden_by: str


ClarificationUpdate = Annotated[
    Union[TicketCreated, AnswerRecorded, VoteCast, TicketDecided, TicketTimedOut, AssumptionOverridden],
    strawberry.union("ClarificationUpdate"),
]


def _refs(items: list[dict[str, Any]]) -> list[AssumptionRef]:
    return [AssumptionRef(assumption_id=to_global_id("Assumption", a["assumptionId"]), question_id=a["questionId"],
                          value=a["value"]) for a in items]


def to_update(event: BusEvent) -> Any:
    p, base = event.payload, _update_fields(event)
    name = event.name
    if name == "clarification.ticket.created.v1":
        return TicketCreated(
            **base,
            status=m.TicketStatus(p["status"]),
            deadline_at=datetime.fromisoformat(p["deadlineAt"]),
            panel=p["panel"],
            questions=[ClarificationQuestion.of(q) for q in p["questions"]],
        )
    if name == "clarification.answer.recorded.v1":
        return AnswerRecorded(**base, answers=[ClarificationAnswer.of(a["questionId"], a) for a in p["answers"]],
                              answered_count=p["answeredCount"], question_count=p["questionCount"])
    if name == "clarification.vote.cast.v1":
        return VoteCast(**base, voter=p["voter"], choice=m.VoteChoice(p["choice"]), confidence=Decimal(p["confidence"]),
                        weight=Decimal(p["weight"]), comment=p["comment"], progress=QuorumProgress.of(p["progress"]))
    if name == "clarification.ticket.decided.v1":
        return TicketDecided(**base, status=m.TicketStatus(p["status"]), progress=QuorumProgress.of(p["progress"]),
                             assumptions=_refs(p["assumptions"]))
    if name == "clarification.ticket.timed_out.v1":
        return TicketTimedOut(**base, status=m.TicketStatus(p["status"]), assumptions=_refs(p["assumptions"]),
                              blocking_unanswered=p["blockingUnanswered"])
    return AssumptionOverridden(**base, assumption_id=to_global_id("Assumption", p["assumptionId"]),
                                question_id=p["questionId"], previous_value=p["previousValue"], value=p["value"],
                                reason=p["reason"], overridden_by=p["principalName"])


UPDATE_EVENTS = frozenset({
    "clarification.ticket.created.v1", "clarification.answer.recorded.v1", "clarification.vote.cast.v1",
    "clarification.ticket.decided.v1", "clarification.ticket.timed_out.v1", "clarification.assumption.overridden.v1",
})


@strawberry.type
class ClarificationSubscription:
    @strawberry.subscription(
        permission_classes=[IsAuthenticated],
        description="Updates of one ticket (`ticketId`), of every ticket of a task (`correlationId`), or of every "
        "ticket (neither). Without `after`: live from now; with `after` (an update's cursor, or a ticket's "
        "`updatesCursor`): first what came after it, then live, with no duplicate and no gap.",
    )
    async def clarification_updates(
        self, info: Info, ticket_id: strawberry.ID | None = None, correlation_id: str | None = None,
        after: str | None = None,
    ) -> AsyncGenerator[ClarificationUpdate, None]:  # type: ignore[valid-type]
        if ticket_id is not None and correlation_id is not None:
            raise GraphQLError("give ticketId or correlationId, not both", extensions={"code": "INVALID"})
        start = parse_after(after)
        if ticket_id is None and correlation_id is None:
            def matches(e: BusEvent) -> bool:
                return e.name in UPDATE_EVENTS
        elif ticket_id is not None:
            try:
                pk = global_pk(ticket_id, "ClarificationTicket", "ticketId")
            except DomainError as exc:
                raise graphql_error(exc) from None

            def matches(e: BusEvent) -> bool:
                return e.name in UPDATE_EVENTS and e.payload.get("ticketId") == pk
        else:
            def matches(e: BusEvent) -> bool:
                return e.name in UPDATE_EVENTS and e.payload.get("correlationId") == correlation_id

        async for event in stream_events(info.context.bus, after=start, matches=matches):
            yield to_update(event)
