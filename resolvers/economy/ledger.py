"""The ledger: accounts, transfers, history, freezes and `ledgerEvents`."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from graphql import GraphQLError
from strawberry.scalars import JSON
from strawberry.types import Info

from models.economy import ledger as m
from resolvers import loaders
from resolvers.economy import EconomyUserError
from resolvers.events import Event, parse_after
from resolvers.node import register_node
from resolvers.payload import attempt
from resolvers.permissions import IsAdmin, IsAuthenticated, IsReviewer
from resolvers.relay import Connection, Node, paginate, to_global_id
from resolvers.scalars import BigInt
from services.economy import ledger as ledger_service
from subscriptions.stream import stream_events

if TYPE_CHECKING:
    from resolvers.contributors import Contributor

AccountKind = strawberry.enum(
    m.AccountKind, description="SYSTEM accounts (mint, compute, market) may go negative; USER accounts never."
)
TransferKind = strawberry.enum(m.TransferKind, description="Why tokens moved.")


@strawberry.type(
    description="A ledger account: a contributor's, or a system account (`system:mint`, `system:compute`, "
    "`system:market`)."
)
class Account(Node):
    name: str = strawberry.field(description="The contributor's handle, or `system:<name>`.")
    kind: AccountKind
    balance: BigInt
    reserved: BigInt = strawberry.field(description="Held by pending compute reservations.")
    available: BigInt = strawberry.field(description="balance - reserved: what can be spent now.")
    earned: BigInt = strawberry.field(description="Tokens received as rewards (net of reversals).")
    spent: BigInt = strawberry.field(description="Tokens paid for compute and context (net of reversals).")
    frozen: bool
    created_at: datetime
    contributor_pk: strawberry.Private[int | None]

    @classmethod
    def of(cls, row: m.Account) -> "Account":
        return cls(id=to_global_id("Account", row.id), name=row.name, kind=row.kind, balance=row.balance,
                   reserved=row.reserved, available=row.balance - row.reserved, earned=row.earned, spent=row.spent,
                   frozen=row.frozen, created_at=row.created_at, contributor_pk=row.contributor_id)

    @strawberry.field(description="The contributor who owns this account; null for system accounts.")
    async def contributor(self) -> Annotated["Contributor", strawberry.lazy("resolvers.contributors")] | None:
        from resolvers.contributors import Contributor
        from services.contributors import by_id

        row = await by_id(self.contributor_pk) if self.contributor_pk else None
        return Contributor.of(row) if row else None


@strawberry.type(description="One posting: `amount` moved from the debit account to the credit account. Never changed; "
                 "a correction is a REVERSAL naming the transfer it reverses.")
class Transfer(Node):
    kind: TransferKind
    amount: BigInt
    memo: str
    idempotency_key: str
    policy_version: int | None = strawberry.field(
        description="The reward policy version a reward, grant or charge used."
    )
    factors: JSON | None = strawberry.field(
        description="The inputs of the amount (reward factors, USD rate), as exact decimal strings."
    )
    created_at: datetime
    debit_pk: strawberry.Private[int]
    credit_pk: strawberry.Private[int]
    reverses_pk: strawberry.Private[int | None]
    reservation_pk: strawberry.Private[int | None]

    @classmethod
    def of(cls, row: m.Transfer) -> "Transfer":
        return cls(id=to_global_id("Transfer", row.id), kind=row.kind, amount=row.amount, memo=row.memo,
                   idempotency_key=row.idempotency_key, policy_version=row.policy_version, factors=row.factors,
                   created_at=row.created_at, debit_pk=row.debit_account_id, credit_pk=row.credit_account_id,
                   reverses_pk=row.reverses_id, reservation_pk=row.reservation_id)

    @strawberry.field(description="The account the tokens left.")
    async def debit_account(self, info: Info) -> str:
        return (await loaders.account(info, self.debit_pk)).name

    @strawberry.field(description="The account the tokens went to.")
    async def credit_account(self, info: Info) -> str:
        return (await loaders.account(info, self.credit_pk)).name

    @strawberry.field(description="For a REVERSAL: the transfer it reverses.")
    async def reverses(self, info: Info) -> "Transfer | None":
        row = await loaders.transfer(info, self.reverses_pk) if self.reverses_pk else None
        return Transfer.of(row) if row else None

    @strawberry.field(description="The compute reservation this charge was posted against.")
    def reservation_id(self) -> strawberry.ID | None:
        return to_global_id("Reservation", self.reservation_pk) if self.reservation_pk else None


@strawberry.type(
    description="A transfer as one account sees it: a signed amount (negative when tokens left) and the balance after."
)
class LedgerEntry:
    amount: BigInt
    balance_after: BigInt
    kind: TransferKind
    created_at: datetime
    transfer_pk: strawberry.Private[int]
    counterparty_pk: strawberry.Private[int]

    @classmethod
    def of(cls, row: m.Entry) -> "LedgerEntry":
        return cls(amount=row.amount, balance_after=row.balance_after, kind=row.kind, created_at=row.created_at,
                   transfer_pk=row.transfer_id, counterparty_pk=row.counterparty_id)

    @strawberry.field
    def transfer_id(self) -> strawberry.ID:
        return to_global_id("Transfer", self.transfer_pk)

    @strawberry.field(description="The other account of the transfer.")
    async def counterparty(self, info: Info) -> str:
        return (await loaders.account(info, self.counterparty_pk)).name

    @strawberry.field
    async def transfer(self, info: Info) -> Transfer:
        return Transfer.of(await loaders.transfer(info, self.transfer_pk))


async def account_now(account_id: int) -> Account:
    rows = await ledger_service.accounts_by_ids([account_id])
    return Account.of(rows[account_id])


async def _load_account(pk: int, info: Info) -> Account | None:
    rows = await ledger_service.accounts_by_ids([pk])
    row = rows.get(pk) if rows else None
    return Account.of(row) if row else None


async def visible_transfer(info: Info, transfer_id: int | None) -> Transfer | None:
    """The transfer when the caller may see it (a party, REVIEWER, ADMIN); otherwise null."""
    row = await loaders.transfer(info, transfer_id) if transfer_id else None
    if row is None or not await ledger_service.may_see(info.context.principal,
                                                       [row.debit_account_id, row.credit_account_id]):
        return None
    return Transfer.of(row)


async def _load_transfer(pk: int, info: Info) -> Transfer | None:
    row = await ledger_service.transfer_by_id(pk)
    if row is None or not await ledger_service.may_see(info.context.principal,
                                                       [row.debit_account_id, row.credit_account_id]):
        return None
    return Transfer.of(row)


register_node("Account", _load_account)
register_node("Transfer", _load_transfer)


@strawberry.input
class TokenTransferInput:
    to: str = strawberry.field(description="The handle of the contributor who receives the tokens.")
    amount: BigInt
    idempotency_key: str = strawberry.field(
        description="Unique per transfer: a retry with the same key returns the original."
    )
    memo: str = ""


@strawberry.type
class TokenTransferPayload:
    transfer: Transfer | None
    replayed: bool = strawberry.field(
        description="True when the key was used before and this is the original transfer."
    )
    user_errors: list[EconomyUserError]

    @strawberry.field(description="The sender's account after the transfer.")
    async def from_account(self) -> Account | None:
        return await account_now(self.transfer.debit_pk) if self.transfer else None

    @strawberry.field(description="The recipient's account after the transfer.")
    async def to_account(self) -> Account | None:
        return await account_now(self.transfer.credit_pk) if self.transfer else None


@strawberry.input
class ContributorFreezeInput:
    handle: str
    reason: str


@strawberry.input
class ContributorUnfreezeInput:
    handle: str


@strawberry.type
class ContributorFreezePayload:
    contributor: Annotated["Contributor", strawberry.lazy("resolvers.contributors")] | None
    user_errors: list[EconomyUserError]


@strawberry.type
class LedgerQuery:
    @strawberry.field(description="An account's balance by contributor handle or system account name; public, "
                      "like the balances on `contributors`.")
    async def token_balance(self, account: str) -> Account | None:
        row = await ledger_service.account_by_name(account)
        return Account.of(row) if row else None

    @strawberry.field(permission_classes=[IsAuthenticated], description="An account's entries, newest first "
                      "(the owner, REVIEWER or ADMIN).")
    async def token_transactions(
        self, info: Info, account: str, kinds: list[TransferKind] | None = None,
        first: int | None = None, after: str | None = None,
    ) -> Connection[LedgerEntry]:
        row = await ledger_service.account_by_name(account)
        if row is None or not await ledger_service.may_see(info.context.principal, [row.id]):
            raise GraphQLError(f"account: no account {account!r} that you may see", extensions={"code": "NOT_FOUND"})
        query = ledger_service.history_query(row.id, [m.TransferKind(k.value) for k in kinds] if kinds else None)
        return await paginate(query, first=first, after=after, order=["-id"], to_node=LedgerEntry.of,
                              max_page_size=info.context.max_page_size)

    @strawberry.field(permission_classes=[IsAuthenticated, IsReviewer],
                      description="Every transfer of the ledger, newest first (REVIEWER).")
    async def transfers(self, info: Info, kinds: list[TransferKind] | None = None, first: int | None = None,
                        after: str | None = None) -> Connection[Transfer]:
        query = ledger_service.transfers_query([m.TransferKind(k.value) for k in kinds] if kinds else None)
        return await paginate(query, first=first, after=after, order=["-id"], to_node=Transfer.of,
                              max_page_size=info.context.max_page_size)


@strawberry.type
class LedgerMutation:
    @strawberry.mutation(permission_classes=[IsAuthenticated],
                         description="Send tokens from your account to a contributor. Idempotent by `idempotencyKey`.")
    async def token_transfer(self, info: Info, input: TokenTransferInput) -> TokenTransferPayload:
        posted, errors = await attempt(ledger_service.transfer(
            info.context.principal, input.to, input.amount, memo=input.memo, key=input.idempotency_key))
        if posted is None:
            return TokenTransferPayload(transfer=None, replayed=False, user_errors=errors)
        return TokenTransferPayload(transfer=Transfer.of(posted.transfer), replayed=posted.replayed, user_errors=[])

    @strawberry.mutation(permission_classes=[IsAuthenticated, IsAdmin],
                         description="Freeze a contributor's account: it can neither earn nor spend (ADMIN).")
    async def contributor_freeze(self, info: Info, input: ContributorFreezeInput) -> ContributorFreezePayload:
        return await _freeze(ledger_service.set_frozen(input.handle, True, input.reason, by=info.context.principal))

    @strawberry.mutation(permission_classes=[IsAuthenticated, IsAdmin], description="Unfreeze an account (ADMIN).")
    async def contributor_unfreeze(self, info: Info, input: ContributorUnfreezeInput) -> ContributorFreezePayload:
        return await _freeze(ledger_service.set_frozen(input.handle, False, "", by=info.context.principal))


async def _freeze(call) -> ContributorFreezePayload:
    from resolvers.contributors import Contributor

    row, errors = await attempt(call)
    return ContributorFreezePayload(contributor=Contributor.of(row) if row else None, user_errors=errors)


def involves(account: str | None):
    if account is None:
        return lambda event: event.name.startswith("ledger.")
    return lambda event: event.name.startswith("ledger.") and account in (event.payload.get("accounts") or [])


@strawberry.type
class LedgerSubscription:
    @strawberry.subscription(permission_classes=[IsAuthenticated], description=(
        "Every ledger event of an account (transfers posted, reservations, freezes, disputes), live; with "
        "`after`, first what came after that cursor. The owner, REVIEWER or ADMIN; without `account`, the events "
        "of every account (REVIEWER or ADMIN)."))
    async def ledger_events(self, info: Info, account: str | None = None,
                            after: str | None = None) -> AsyncGenerator[Event, None]:
        if account is None:
            if not await ledger_service.may_see(info.context.principal, []):
                raise GraphQLError("Forbidden: the events of every account need the role REVIEWER or ADMIN",
                                   extensions={"code": "FORBIDDEN"})
        else:
            row = await ledger_service.account_by_name(account)
            if row is None or not await ledger_service.may_see(info.context.principal, [row.id]):
                raise GraphQLError(f"account: no account {account!r} that you may see",
                                   extensions={"code": "NOT_FOUND"})
        async for event in stream_events(info.context.bus, after=parse_after(after), matches=involves(account)):
            yield Event.of(event)
