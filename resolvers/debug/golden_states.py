"""Golden states: `goldenStatePropose`, `goldenStateReview`, `goldenStates`, `goldenStateStats`."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from models import auth as am
from models import debug as m
from resolvers.auth import Principal
from resolvers.debug import DebugUserError
from resolvers.debug.records import Snapshot
from resolvers.loaders import load_one
from resolvers.node import register_node
from resolvers.payload import attempt
from resolvers.permissions import IsAgentOrContributor, IsAuthenticated, IsOnlyReviewer
from resolvers.relay import Connection, Node, global_pk, paginate, to_global_id
from services.debug import golden_states as golden_service

GoldenStateStatus = strawberry.enum(m.GoldenStatus, name="GoldenStateStatus", description="PENDING until reviewed.")
GoldenStateDecision = strawberry.enum(golden_service.Decision, name="GoldenStateDecision")


@strawberry.type(description="A snapshot proposed as the known-good state of its step.")
class GoldenState(Node):
    note: str
    status: GoldenStateStatus
    proposed_at: datetime
    reviewed_at: datetime | None
    review_comment: str | None
    snapshot_pk: strawberry.Private[int]
    proposer_pk: strawberry.Private[int]
    reviewer_pk: strawberry.Private[int | None]

    @classmethod
    def of(cls, row: m.GoldenState) -> "GoldenState":
        return cls(id=to_global_id("GoldenState", row.id), note=row.note, status=row.status,
                   proposed_at=row.proposed_at, reviewed_at=row.reviewed_at, review_comment=row.review_comment,
                   snapshot_pk=row.snapshot_id, proposer_pk=row.proposed_by_id, reviewer_pk=row.reviewed_by_id)

    @strawberry.field
    async def snapshot(self, info: Info) -> Snapshot:
        return await load_one(info, m.Snapshot, self.snapshot_pk, Snapshot.of)

    @strawberry.field
    async def proposed_by(self, info: Info) -> Principal:
        return await load_one(info, am.Principal, self.proposer_pk, Principal.of)

    @strawberry.field
    async def reviewed_by(self, info: Info) -> Principal | None:
        return await load_one(info, am.Principal, self.reviewer_pk, Principal.of)


async def _load_golden(pk: int, info: Info) -> GoldenState | None:
    if info.context.principal is None:
        return None
    row = await golden_service.get(pk)
    return GoldenState.of(row) if row else None


register_node("GoldenState", _load_golden)


@strawberry.input
class GoldenStateProposeInput:
    snapshot: strawberry.ID
    note: str = strawberry.field(description="Why this is the good state, 1-2000 characters.")


@strawberry.type
class GoldenStateProposePayload:
    golden_state: GoldenState | None
    user_errors: list[DebugUserError]


@strawberry.input
class GoldenStateReviewInput:
    id: strawberry.ID
    decision: GoldenStateDecision
    comment: str | None = None


@strawberry.type
class GoldenStateReviewPayload:
    golden_state: GoldenState | None
    user_errors: list[DebugUserError]


@strawberry.type
class GoldenStateStats:
    pending: int
    approved: int
    rejected: int
    median_decision_seconds: float | None = strawberry.field(description=(
        "Median time from proposal to review, in seconds; null before the first review."))


@strawberry.type
class GoldenStateQuery:
    @strawberry.field(permission_classes=[IsAuthenticated], description="Golden states, oldest proposal first.")
    async def golden_states(self, info: Info, status: GoldenStateStatus | None = None, first: int | None = None,
                            after: str | None = None) -> Connection[GoldenState]:
        query = golden_service.search(m.GoldenStatus(status.value) if status else None)
        return await paginate(query, first=first, after=after, order=["proposed_at", "id"], to_node=GoldenState.of,
                              max_page_size=info.context.max_page_size)

    @strawberry.field(permission_classes=[IsAuthenticated])
    async def golden_state_stats(self) -> GoldenStateStats:
        s = await golden_service.stats()
        return GoldenStateStats(pending=s.pending, approved=s.approved, rejected=s.rejected,
                                median_decision_seconds=s.median_decision_seconds)


@strawberry.type
class GoldenStateMutation:
    @strawberry.mutation(permission_classes=[IsAuthenticated, IsAgentOrContributor],
                         description="Propose a snapshot as a golden state (an AGENT or a CONTRIBUTOR).")
    async def golden_state_propose(self, info: Info, input: GoldenStateProposeInput) -> GoldenStateProposePayload:
        row, errors = await attempt(golden_service.propose(
            info.context.principal, global_pk(input.snapshot, "Snapshot", "snapshot"), input.note))
        return GoldenStateProposePayload(golden_state=GoldenState.of(row) if row else None, user_errors=errors)

    @strawberry.mutation(permission_classes=[IsAuthenticated, IsOnlyReviewer], description=(
        "APPROVE or REJECT a proposal: once, by a REVIEWER who is not its proposer. Event "
        "debug.golden_state.reviewed.v1."))
    async def golden_state_review(self, info: Info, input: GoldenStateReviewInput) -> GoldenStateReviewPayload:
        row, errors = await attempt(golden_service.review(
            info.context.principal, global_pk(input.id, "GoldenState"),
            golden_service.Decision(input.decision.value), comment=input.comment))
        return GoldenStateReviewPayload(golden_state=GoldenState.of(row) if row else None, user_errors=errors)
