"""Expected failures as answers: the mutation payload convention (the changed object(s) and
`userErrors`), and the one conversion of a service's `DomainError` into a userError or a GraphQL error."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import TypeVar

import strawberry
from graphql import GraphQLError

from models.columns import ColumnLimit
from services.errors import INPUT_FAULTS, DomainError, domain_error

T = TypeVar("T")


@dataclass(frozen=True)
class UserError:
    """A DomainError as a mutation payload carries it; its GraphQL type is the domain's `<Domain>UserError`."""

    field: str | None
    message: str
    code: str


def user_error_type(codes: type[Enum]) -> type:
    """The GraphQL type of a domain's userErrors: `field`, `message` and a `code` of the domain's enum."""
    domain = codes.__name__.removesuffix("ErrorCode")
    code_enum = strawberry.enum(codes, description=f"Why a {domain} mutation was refused.")
    annotations = {"field": str | None, "message": str, "code": code_enum}
    namespace = {
        "__annotations__": annotations,
        "field": strawberry.field(description="The input field at fault, when one is."),
    }
    return strawberry.type(type(f"{domain}UserError", (), namespace),
                           description="An expected failure of a mutation: bad input or a broken domain rule.")


def user_error(fault: DomainError | ColumnLimit) -> UserError:
    exc = domain_error(fault)
    return UserError(field=exc.field, message=exc.message, code=exc.code)


def graphql_error(fault: DomainError | ColumnLimit) -> GraphQLError:
    """A DomainError outside a mutation's payload (a query's argument, a subscription's filter)."""
    exc = domain_error(fault)
    message = f"{exc.field}: {exc.message}" if exc.field else exc.message
    return GraphQLError(message, extensions={"code": exc.code, "field": exc.field})


async def attempt(call: Awaitable[T] | Callable[[], Awaitable[T]]) -> tuple[T | None, list[UserError]]:
    """Await a service call; a DomainError (or a value too large for its column) becomes a userError
    (its transaction already rolled back).
    Pass a callable when converting the input can fail too (`lambda: service.f(global_pk(...))`)."""
    try:
        return await (call() if callable(call) else call), []
    except INPUT_FAULTS as exc:
        return None, [user_error(exc)]
