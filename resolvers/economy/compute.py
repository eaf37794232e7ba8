"""Compute paid two-phase: reserve tokens, then settle what was used or void the reservation."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from models.economy import compute as m
from resolvers import loaders
from resolvers.economy import EconomyUserError
from resolvers.economy.ledger import Account, Transfer, account_now
from resolvers.node import register_node
from resolvers.payload import attempt
from resolvers.permissions import IsAuthenticated
from resolvers.relay import Node, global_pk, to_global_id
from resolvers.scalars import BigInt
from services.economy import compute as compute_service
from services.economy import ledger as ledger_service

ReservationState = strawberry.enum(m.ReservationState, description="PENDING holds tokens; the others are final.")


@strawberry.type(description="Tokens held for compute until settled, voided or expired.")
class Reservation(Node):
    amount: BigInt
    charged: BigInt = strawberry.field(description="Posted against this reservation so far; never more than `amount`.")
    state: ReservationState
    expires_at: datetime
    created_at: datetime
    closed_at: datetime | None
    account_pk: strawberry.Private[int]

    @classmethod
    def of(cls, row: m.Reservation) -> "Reservation":
        return cls(id=to_global_id("Reservation", row.id), amount=row.amount, charged=row.charged, state=row.state,
                   expires_at=row.expires_at, created_at=row.created_at, closed_at=row.closed_at,
                   account_pk=row.account_id)

    @strawberry.field
    async def account(self, info: Info) -> str:
        return (await loaders.account(info, self.account_pk)).name


async def _load_reservation(pk: int, info: Info) -> Reservation | None:
    row = await compute_service.reservation_by_id(pk)
    if row is None or not await ledger_service.may_see(info.context.principal, [row.account_id]):
        return None
    return Reservation.of(row)


register_node("Reservation", _load_reservation)


@strawberry.input
class ComputeReserveInput:
    amount: BigInt
    ttl_seconds: int = strawberry.field(
        default=600, description="Voided automatically after this many seconds (1 to 604800)."
    )
    idempotency_key: str


@strawberry.type
class ReservationPayload:
    reservation: Reservation | None
    transfer: Transfer | None = strawberry.field(description="computeSettle: the COMPUTE transfer it posted, if any.")
    replayed: bool
    user_errors: list[EconomyUserError]

    @strawberry.field(description="The account after the change.")
    async def account(self) -> Account | None:
        return await account_now(self.reservation.account_pk) if self.reservation else None


@strawberry.input
class ComputeSettleInput:
    reservation: strawberry.ID
    actual: BigInt = strawberry.field(
        description="Tokens actually used: at most the amount reserved; the rest is released."
    )


@strawberry.input
class ComputeVoidInput:
    reservation: strawberry.ID


def _reservation_payload(
    result: compute_service.ReservationResult | None, errors: list[EconomyUserError]
) -> ReservationPayload:
    if result is None:
        return ReservationPayload(reservation=None, transfer=None, replayed=False, user_errors=errors)
    return ReservationPayload(reservation=Reservation.of(result.reservation),
                              transfer=Transfer.of(result.transfer) if result.transfer else None,
                              replayed=result.replayed, user_errors=[])


@strawberry.type
class ComputeMutation:
    @strawberry.mutation(permission_classes=[IsAuthenticated],
                         description="Hold tokens of your account for compute. Idempotent by `idempotencyKey`.")
    async def compute_reserve(self, info: Info, input: ComputeReserveInput) -> ReservationPayload:
        result, errors = await attempt(compute_service.reserve(
            info.context.principal, input.amount, input.ttl_seconds, key=input.idempotency_key))
        return _reservation_payload(result, errors)

    @strawberry.mutation(
        permission_classes=[IsAuthenticated],
        description="Post what the compute actually used (at most the reservation) and release the rest.",
    )
    async def compute_settle(self, info: Info, input: ComputeSettleInput) -> ReservationPayload:
        async def run() -> compute_service.ReservationResult:
            pk = global_pk(input.reservation, "Reservation", "reservation")
            return await compute_service.settle(info.context.principal, pk, input.actual)

        result, errors = await attempt(run())
        return _reservation_payload(result, errors)

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Release a reservation without posting.")
    async def compute_void(self, info: Info, input: ComputeVoidInput) -> ReservationPayload:
        async def run() -> compute_service.ReservationResult:
            return await compute_service.void(
                info.context.principal, global_pk(input.reservation, "Reservation", "reservation")
            )

        result, errors = await attempt(run())
        return _reservation_payload(result, errors)
