"""Relay conventions: the Node interface, opaque global ids, and keyset-paginated connections."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any, Generic, TypeVar

import strawberry
from graphql import GraphQLError
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from services.errors import DomainError

T = TypeVar("T")
DEFAULT_PAGE_SIZE = 20


@strawberry.interface(description="An object with a global id, fetchable with `node(id:)`.")
class Node:
    id: strawberry.ID


def to_global_id(type_name: str, pk: int | str) -> strawberry.ID:
    return strawberry.ID(base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode())


MAX_PK = 2**63 - 1


def parse_global_id(global_id: str) -> tuple[str, str] | None:
    """The type name and key of a global id; None when it does not decode."""
    try:
        type_name, sep, pk = base64.urlsafe_b64decode(global_id.encode()).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return (type_name, pk) if sep and type_name and pk else None


def int_pk(pk: str) -> int | None:
    """A primary key as the database holds it (a positive BIGINT); None when `pk` cannot be one."""
    return int(pk) if pk.isascii() and pk.isdigit() and 0 < int(pk) <= MAX_PK else None


def global_pk(global_id: str, expected_type: str, field: str = "id") -> int:
    """The integer primary key of a global id that must name `expected_type`. A wrong id is a
    `DomainError` naming `field`: a userError inside `attempt`, a GraphQL error elsewhere."""
    parsed = parse_global_id(global_id)
    pk = int_pk(parsed[1]) if parsed and parsed[0] == expected_type else None
    if pk is None:
        raise DomainError(field, f"{global_id!r} is not the id of a {expected_type}", "INVALID")
    return pk


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="How many items the whole list holds, ignoring `first` and `after`.")
    async def total_count(self) -> int:
        return await self.count()


def _encode(values: Sequence[Any]) -> str:
    plain = [{"$dt": v.isoformat()} if isinstance(v, datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode()


def _decode(cursor: str, width: int) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if not isinstance(values, list) or len(values) != width:
            raise ValueError
        return [datetime.fromisoformat(v["$dt"]) if isinstance(v, dict) else v for v in values]
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        raise GraphQLError(f"after: {cursor!r} is not a cursor of this list", extensions={"code": "INVALID"}) from None


def encode_cursor(values: Sequence[Any]) -> str:
    """An opaque cursor of a keyset position, for lists that `paginate` cannot serve (a union of tables)."""
    return _encode(values)


def decode_cursor(cursor: str, width: int) -> list[Any]:
    return _decode(cursor, width)


def check_first(first: int | None, max_page_size: int) -> int:
    if first is None:
        return min(DEFAULT_PAGE_SIZE, max_page_size)
    if first < 0 or first > max_page_size:
        raise GraphQLError(
            f"first: must be between 0 and {max_page_size}, got {first}", extensions={"code": "INVALID"}
        )
    return first


def _after_filter(order: Sequence[str], values: Sequence[Any]) -> Q:
    """Rows strictly after `values` in `order` (fields, '-' for descending): a keyset condition."""
    clauses = []
    for i, spec in enumerate(order):
        field = spec.lstrip("-")
        op = "lt" if spec.startswith("-") else "gt"
        equal = {f"{o.lstrip('-')}": v for o, v in zip(order[:i], values[:i])}
        clauses.append(Q(**equal, **{f"{field}__{op}": values[i]}))
    return Q(*clauses, join_type="OR")


async def paginate(
    query: QuerySet,
    *,
    first: int | None,
    after: str | None,
    order: Sequence[str],
    to_node: Callable[[Any], T],
    max_page_size: int,
) -> Connection[T]:
    """One page of `query` in `order`, which must end in a unique field (usually `id` or `-id`)."""
    size = check_first(first, max_page_size)
    page_query = query
    if after:
        page_query = page_query.filter(_after_filter(order, _decode(after, len(order))))
    rows = list(await page_query.order_by(*order).limit(size + 1)) if size else []
    has_next = len(rows) > size
    rows = rows[:size]
    edges = [Edge(cursor=_encode([getattr(r, o.lstrip("-")) for o in order]), node=to_node(r)) for r in rows]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=has_next,
            has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        count=query.count,
    )
