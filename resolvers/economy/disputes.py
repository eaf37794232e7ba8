"""Disputes: `disputeOpen` by a party of a transfer, `disputeResolve` by a reviewer who is no party,
`disputes` for reviewers."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from models.auth import Role
from models.economy import disputes as m
from resolvers import loaders
from resolvers.economy import EconomyUserError
from resolvers.economy.ledger import Transfer
from resolvers.node import register_node
from resolvers.payload import attempt
from resolvers.permissions import IsAuthenticated, IsReviewer
from resolvers.relay import Connection, Node, global_pk, paginate, to_global_id
from services.economy import disputes as dispute_service

DisputeState = strawberry.enum(m.DisputeState, description="OPEN until a reviewer upholds the transfer or reverses it.")
DisputeResolution = strawberry.enum(dispute_service.Resolution, description="UPHOLD: the transfer stands. "
                                    "REVERSE: a REVERSAL transfer moves the tokens back.")


@strawberry.type(description="A party's objection to a transfer.")
class Dispute(Node):
    state: DisputeState
    reason: str
    note: str
    created_at: datetime
    resolved_at: datetime | None
    transfer_pk: strawberry.Private[int]
    reversal_pk: strawberry.Private[int | None]

    @classmethod
    def of(cls, row: m.Dispute) -> "Dispute":
        return cls(id=to_global_id("Dispute", row.id), state=row.state, reason=row.reason, note=row.note,
                   created_at=row.created_at, resolved_at=row.resolved_at, transfer_pk=row.transfer_id,
                   reversal_pk=row.reversal_id)

    @strawberry.field
    async def transfer(self, info: Info) -> Transfer:
        return Transfer.of(await loaders.transfer(info, self.transfer_pk))

    @strawberry.field(description="The REVERSAL transfer, when the dispute was resolved with REVERSE.")
    async def reversal(self, info: Info) -> Transfer | None:
        row = await loaders.transfer(info, self.reversal_pk) if self.reversal_pk else None
        return Transfer.of(row) if row else None


async def _load_dispute(pk: int, info: Info) -> Dispute | None:
    principal = info.context.principal
    if principal is None or principal.role not in (Role.ADMIN, Role.REVIEWER):
        return None
    row = await dispute_service.dispute_by_id(pk)
    return Dispute.of(row) if row else None


register_node("Dispute", _load_dispute)


@strawberry.input
class DisputeOpenInput:
    transfer: strawberry.ID = strawberry.field(description="A transfer you are a party of.")
    reason: str


@strawberry.input
class DisputeResolveInput:
    dispute: strawberry.ID
    resolution: DisputeResolution
    note: str


@strawberry.type
class DisputePayload:
    dispute: Dispute | None
    user_errors: list[EconomyUserError]

    @strawberry.field(description="disputeResolve with REVERSE: the reversing transfer.")
    async def reversal(self, info: Info) -> Transfer | None:
        return await self.dispute.reversal(info) if self.dispute else None


@strawberry.type
class DisputeQuery:
    @strawberry.field(
        permission_classes=[IsAuthenticated, IsReviewer], description="Disputes, oldest first (REVIEWER)."
    )
    async def disputes(
        self, info: Info, state: DisputeState | None = None, first: int | None = None, after: str | None = None
    ) -> Connection[Dispute]:
        query = dispute_service.disputes_query(m.DisputeState(state.value) if state else None)
        return await paginate(query, first=first, after=after, order=["id"], to_node=Dispute.of,
                              max_page_size=info.context.max_page_size)


@strawberry.type
class DisputeMutation:
    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Dispute a transfer you are a party of.")
    async def dispute_open(self, info: Info, input: DisputeOpenInput) -> DisputePayload:
        async def run() -> m.Dispute:
            return await dispute_service.open_dispute(info.context.principal,
                                                      global_pk(input.transfer, "Transfer", "transfer"), input.reason)

        row, errors = await attempt(run())
        return DisputePayload(dispute=Dispute.of(row) if row else None, user_errors=errors)

    @strawberry.mutation(permission_classes=[IsAuthenticated, IsReviewer],
                         description="Uphold the transfer or reverse it (REVIEWER who is no party of it).")
    async def dispute_resolve(self, info: Info, input: DisputeResolveInput) -> DisputePayload:
        async def run() -> m.Dispute:
            dispute, _ = await dispute_service.resolve_dispute(
                info.context.principal, global_pk(input.dispute, "Dispute", "dispute"),
                dispute_service.Resolution(input.resolution.value), note=input.note)
            return dispute

        row, errors = await attempt(run())
        return DisputePayload(dispute=Dispute.of(row) if row else None, user_errors=errors)
