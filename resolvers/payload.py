"""The mutation payload convention: the changed object(s) and `userErrors`."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

import strawberry

from services.errors import DomainError

T = TypeVar("T")


@strawberry.type(description="An expected failure of a mutation: bad input or a broken domain rule.")
class UserError:
    field: str | None = strawberry.field(description="The input field at fault, when one is.")
    message: str
    code: str = strawberry.field(description="SCREAMING_CASE: INVALID, NOT_FOUND, DUPLICATE, FORBIDDEN, ...")


async def attempt(call: Awaitable[T]) -> tuple[T | None, list[UserError]]:
    """Await a service call; a DomainError becomes a userError (its transaction already rolled back)."""
    try:
        return await call, []
    except DomainError as exc:
        return None, [UserError(field=exc.field, message=exc.message, code=exc.code)]


def input_pk(global_id: str, expected_type: str, field: str) -> int:
    """The primary key of an input's global id; a wrong one is a userError naming `field`.
    Call it inside the coroutine given to `attempt`."""
    from resolvers.relay import from_global_id

    try:
        type_name, pk = from_global_id(global_id, field)
    except Exception:
        type_name, pk = "", ""
    if type_name != expected_type or not pk.isdigit():
        raise DomainError(field, f"{global_id!r} is not the id of a {expected_type}", "INVALID")
    return int(pk)
