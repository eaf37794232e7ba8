"""Contributors: `contributor`, `contributors`, `contributorRegister`."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from models import contributors as m
from resolvers import loaders
from resolvers.node import register_node
from resolvers.payload import attempt, user_error_type
from resolvers.permissions import IsAdmin, IsAuthenticated
from resolvers.relay import Connection, Node, paginate, to_global_id
from resolvers.scalars import BigInt
from services import contributors as contributor_service
from services import errors
from services.economy import rewards as reward_service

ContributorUserError = user_error_type(errors.CONTRIBUTORS)

if TYPE_CHECKING:
    from resolvers.economy.ledger import Account

ContributorKind = strawberry.enum(m.ContributorKind, description="A person or an agent.")


@strawberry.type(description="A person or an agent that does work on the platform.")
class Contributor(Node):
    handle: str
    kind: ContributorKind
    expertise: list[str]
    created_at: datetime
    row: strawberry.Private[m.Contributor]

    @classmethod
    def of(cls, row: m.Contributor) -> "Contributor":
        return cls(id=to_global_id("Contributor", row.id), handle=row.handle, kind=row.kind,
                   expertise=list(row.expertise), created_at=row.created_at, row=row)

    @strawberry.field(description="Reputation now: it rises with adopted and verified work, falls with reversed "
                      "transfers, and halves every `reputationHalfLifeDays` of the reward policy.")
    async def reputation(self, info: Info) -> Decimal:
        return reward_service.reputation_now(self.row, await loaders.policy(info))

    @strawberry.field(description="The contributor's ledger account.")
    async def account(self, info: Info) -> Annotated["Account", strawberry.lazy("resolvers.economy.ledger")]:
        from resolvers.economy.ledger import Account

        return Account.of(await loaders.account_of_contributor(info, self.row.id))

    @strawberry.field
    async def balance(self, info: Info) -> BigInt:
        return (await loaders.account_of_contributor(info, self.row.id)).balance

    @strawberry.field(description="Tokens received as rewards (net of reversals).")
    async def earned(self, info: Info) -> BigInt:
        return (await loaders.account_of_contributor(info, self.row.id)).earned

    @strawberry.field(description="Tokens paid for compute and context (net of reversals).")
    async def spent(self, info: Info) -> BigInt:
        return (await loaders.account_of_contributor(info, self.row.id)).spent

    @strawberry.field(description="A frozen account can neither earn nor spend.")
    async def frozen(self, info: Info) -> bool:
        return (await loaders.account_of_contributor(info, self.row.id)).frozen


async def _load_contributor(pk: int, info: Info) -> Contributor | None:
    row = await contributor_service.by_id(pk)
    return Contributor.of(row) if row else None


register_node("Contributor", _load_contributor)


@strawberry.input
class ContributorRegisterInput:
    handle: str = strawberry.field(description="3-32 characters of a-z, 0-9, _ and -; unique.")
    kind: ContributorKind
    expertise: list[str] = strawberry.field(default_factory=list, description="Lower-case tags, at most 20.")
    issue_key: bool = strawberry.field(
        default=False, description="Also create an API key (role AGENT or CONTRIBUTOR by kind)."
    )


@strawberry.type
class ContributorRegisterPayload:
    contributor: Contributor | None
    api_key: str | None = strawberry.field(description="Set when `issueKey` was true. Shown once.")
    user_errors: list[ContributorUserError]


@strawberry.type
class ContributorQuery:
    @strawberry.field(description="A contributor by handle; public.")
    async def contributor(self, handle: str) -> Contributor | None:
        row = await contributor_service.by_handle(handle)
        return Contributor.of(row) if row else None

    @strawberry.field(description="Contributors, oldest first; public.")
    async def contributors(
        self, info: Info, first: int | None = None, after: str | None = None,
        kind: ContributorKind | None = None, expertise: str | None = None,
    ) -> Connection[Contributor]:
        query = contributor_service.contributors_query(kind=kind, expertise=expertise)
        return await paginate(query, first=first, after=after, order=["id"], to_node=Contributor.of,
                              max_page_size=info.context.max_page_size)


@strawberry.type
class ContributorMutation:
    @strawberry.mutation(permission_classes=[IsAuthenticated, IsAdmin],
                         description="Register a contributor, optionally with an API key (ADMIN).")
    async def contributor_register(self, input: ContributorRegisterInput) -> ContributorRegisterPayload:
        registered, errors = await attempt(contributor_service.register(
            input.handle, m.ContributorKind(input.kind.value), input.expertise, issue_key=input.issue_key))
        if registered is None:
            return ContributorRegisterPayload(contributor=None, api_key=None, user_errors=errors)
        contributor, key = registered
        return ContributorRegisterPayload(contributor=Contributor.of(contributor), api_key=key, user_errors=[])
