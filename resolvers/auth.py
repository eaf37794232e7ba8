"""Principals and API keys: `viewer`, `principals`, `apiKeyCreate`, `apiKeyRevoke`."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from models import auth as m
from resolvers.node import register_node
from resolvers.payload import attempt, user_error_type
from resolvers.permissions import IsAdmin, IsAuthenticated
from resolvers.relay import Connection, Node, paginate, to_global_id
from services import auth as auth_service
from services import contributors as contributor_service
from services import errors
from services.executions import otlp as otlp_service

AuthUserError = user_error_type(errors.AUTH)

if TYPE_CHECKING:
    from resolvers.contributors import Contributor

Role = strawberry.enum(m.Role, description="What a principal may do.")


@strawberry.type(description="Whoever holds an API key.")
class Principal(Node):
    name: str
    role: Role
    created_at: datetime
    pk: strawberry.Private[int]

    @classmethod
    def of(cls, row: m.Principal) -> "Principal":
        return cls(id=to_global_id("Principal", row.id), name=row.name, role=row.role, created_at=row.created_at,
                   pk=row.id)

    @strawberry.field(description=(
        "The account that pays for the LLM calls this principal sends to /v1/traces (OTLP), as llmCallsRecord's "
        "chargeAccount; null: they are recorded NOT_CHARGED. Set with otlpChargeAccountSet."))
    async def otlp_charge_account(self) -> str | None:
        return await otlp_service.charge_account_of(self.pk)

    @strawberry.field(description="The contributor this principal acts for, if any.")
    async def contributor(self) -> Annotated["Contributor", strawberry.lazy("resolvers.contributors")] | None:
        from resolvers.contributors import Contributor

        row = await contributor_service.of_principal_id(self.pk)
        return Contributor.of(row) if row else None


async def _load_principal(pk: int, info: Info) -> Principal | None:
    viewer = info.context.principal
    if viewer is None or (viewer.role != m.Role.ADMIN and viewer.id != pk):
        return None
    row = await auth_service.get_principal(pk)
    return Principal.of(row) if row else None


register_node("Principal", _load_principal)


@strawberry.input
class ApiKeyCreateInput:
    name: str = strawberry.field(description="A unique name for the new principal.")
    role: Role


@strawberry.type
class ApiKeyCreatePayload:
    principal: Principal | None
    api_key: str | None = strawberry.field(description="The new key. Shown once; only its hash is stored.")
    user_errors: list[AuthUserError]


@strawberry.input
class ApiKeyRevokeInput:
    key_prefix: str = strawberry.field(description="The first 12 characters of the key, as listed.")


@strawberry.type
class ApiKeyRevokePayload:
    key_prefix: str | None
    revoked_at: datetime | None
    user_errors: list[AuthUserError]


@strawberry.input
class ApiKeySetRateLimitInput:
    key_prefix: str = strawberry.field(description="The first 12 characters of the key, as listed.")
    points: int | None = strawberry.field(default=None, description=(
        "Its own budget of query-cost points per window; null returns it to RATE_LIMIT_POINTS."))


@strawberry.type
class ApiKeySetRateLimitPayload:
    key_prefix: str | None
    points: int | None = strawberry.field(description="The key's own budget; null when it uses the default.")
    user_errors: list[AuthUserError]


@strawberry.type
class AuthQuery:
    @strawberry.field(description="The principal of the API key sent, or null when anonymous.")
    def viewer(self, info: Info) -> Principal | None:
        principal = info.context.principal
        return Principal.of(principal) if principal else None

    @strawberry.field(permission_classes=[IsAuthenticated, IsAdmin])
    async def principals(
        self, info: Info, first: int | None = None, after: str | None = None, role: Role | None = None
    ) -> Connection[Principal]:
        return await paginate(
            auth_service.principals_query(role),
            first=first,
            after=after,
            order=["id"],
            to_node=Principal.of,
            max_page_size=info.context.max_page_size,
        )


@strawberry.type
class AuthMutation:
    @strawberry.mutation(permission_classes=[IsAuthenticated, IsAdmin],
                         description="Create a principal with a role and its first API key (ADMIN).")
    async def api_key_create(self, input: ApiKeyCreateInput) -> ApiKeyCreatePayload:
        created, errors = await attempt(auth_service.create_principal_with_key(input.name, m.Role(input.role.value)))
        if created is None:
            return ApiKeyCreatePayload(principal=None, api_key=None, user_errors=errors)
        principal, key = created
        return ApiKeyCreatePayload(principal=Principal.of(principal), api_key=key, user_errors=[])

    @strawberry.mutation(permission_classes=[IsAuthenticated, IsAdmin], description=(
        "Give an API key its own rate limit: query-cost points per window (ADMIN). Other replicas apply it "
        "within AUTH_CACHE_SECONDS."))
    async def api_key_set_rate_limit(self, info: Info, input: ApiKeySetRateLimitInput) -> ApiKeySetRateLimitPayload:
        key, errors = await attempt(auth_service.set_key_rate_limit(input.key_prefix, input.points,
                                                                    info.context.principal))
        return ApiKeySetRateLimitPayload(key_prefix=key.prefix if key else None,
                                         points=key.rate_limit_points if key else None, user_errors=errors)

    @strawberry.mutation(permission_classes=[IsAuthenticated, IsAdmin], description="Revoke an API key (ADMIN).")
    async def api_key_revoke(self, info: Info, input: ApiKeyRevokeInput) -> ApiKeyRevokePayload:
        key, errors = await attempt(auth_service.revoke_key(input.key_prefix, info.context.principal))
        return ApiKeyRevokePayload(
            key_prefix=key.prefix if key else None, revoked_at=key.revoked_at if key else None, user_errors=errors
        )
