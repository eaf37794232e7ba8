"""Permission classes, put on fields: the only place access rules live in the GraphQL layer.

Role classes go after IsAuthenticated (`[IsAuthenticated, IsAdmin]`) so an anonymous caller is
told to authenticate and an authenticated one that its role is wrong."""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission
from strawberry.types import Info

from models.auth import Role


class IsAuthenticated(BasePermission):
    message = "Authentication required: send an API key as 'Authorization: Bearer <key>'"
    error_extensions = {"code": "UNAUTHENTICATED"}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return info.context.principal is not None


def _role_permission(*roles: Role) -> type[BasePermission]:
    names = " or ".join(role.value for role in roles)

    class HasRole(BasePermission):
        message = f"Forbidden: this field needs the role {names}"
        error_extensions = {"code": "FORBIDDEN"}

        def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
            principal = info.context.principal
            return principal is not None and principal.role in roles

    HasRole.__name__ = "Is" + "Or".join(role.value.title() for role in roles)
    return HasRole


IsAdmin = _role_permission(Role.ADMIN)
IsReviewer = _role_permission(Role.REVIEWER, Role.ADMIN)
IsAgent = _role_permission(Role.AGENT, Role.ADMIN)
IsOnlyReviewer = _role_permission(Role.REVIEWER)
IsAgentOrContributor = _role_permission(Role.AGENT, Role.CONTRIBUTOR)
