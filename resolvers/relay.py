"""Relay conventions: the Node interface, opaque global ids, and keyset-paginated connections."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any, Generic, TypeVar

import strawberry
from graphql import GraphQLError
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from services.errors import DomainError
from services.rows import BadPosition, Rows

T = TypeVar("T")
DEFAULT_PAGE_SIZE = 20


@strawberry.interface(description="An object with a global id, fetchable with `node(id:)`.")
class Node:
    id: strawberry.ID


def to_global_id(type_name: str, pk: int | str) -> strawberry.ID:
    return strawberry.ID(base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode())


MAX_PK = 2**63 - 1
NO_ROW = 0  # a key no row has: what a well-formed id whose number cannot be a key resolves to
NUMBER = re.compile(r"-?[0-9]+")


def parse_global_id(global_id: str) -> tuple[str, str] | None:
    """The type name and key of a global id; None when it does not decode."""
    try:
        type_name, sep, pk = base64.urlsafe_b64decode(global_id.encode()).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return (type_name, pk) if sep and type_name and pk else None


def int_pk(pk: str) -> int | None:
    """A primary key as the database holds it (a positive BIGINT); None when `pk` cannot be one."""
    return int(pk) if NUMBER.fullmatch(pk) and len(pk) <= 20 and 0 < int(pk) <= MAX_PK else None


def global_pk(global_id: str, expected_type: str, field: str = "id") -> int:
    """The integer primary key of a global id that must name `expected_type`. An id that is not one
    (undecodable, another type, no number) is a `DomainError` naming `field`: a userError inside
    `attempt`, a GraphQL error elsewhere. A well-formed id whose number no row can have (0, negative,
    beyond 64 bits) is simply not found: it resolves to `NO_ROW`, as a deleted one would."""
    parsed = parse_global_id(global_id)
    if parsed is None or parsed[0] != expected_type or not NUMBER.fullmatch(parsed[1]):
        raise DomainError(field, f"{global_id!r} is not the id of a {expected_type}", "INVALID")
    return int_pk(parsed[1]) or NO_ROW


def build(cls: type[T], values: dict[str, Any]) -> T:
    """An instance of the strawberry type `cls` with these attribute values, without its generated
    `__init__` (a keyword argument per field costs more than the rest of a row's conversion)."""
    instance = object.__new__(cls)
    instance.__dict__.update(values)
    return instance


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    """Made with `edge(node, key)`: the cursor is encoded from `key` only when a client asks for it
    (most read `pageInfo.endCursor` alone)."""

    cursor: str
    node: T
    key: strawberry.Private[Sequence[Any]]

    def __getattr__(self, name: str) -> Any:
        if name == "cursor":
            return _encode(self.key)
        raise AttributeError(name)


def edge(node: T, key: Sequence[Any]) -> Edge[T]:
    return build(Edge, {"node": node, "key": key})


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
    query: QuerySet | Rows,
    *,
    first: int | None,
    after: str | None,
    order: Sequence[str],
    to_node: Callable[[Any], T],
    max_page_size: int,
) -> Connection[T]:
    """One page of `query` in `order`, which must end in a unique field (usually `id` or `-id`).
    `query` is an ORM queryset, or `Rows` (plain SQL, no model objects: the hot read paths)."""
    size = check_first(first, max_page_size)
    position = _decode(after, len(order)) if after else None
    if isinstance(query, Rows):
        rows = await _rows_page(query, order, after, position, size + 1) if size else []
        keys = [tuple(r[o.lstrip("-")] for o in order) for r in rows[:size]]
    else:
        page_query = query if position is None else query.filter(_after_filter(order, position))
        rows = list(await page_query.order_by(*order).limit(size + 1)) if size else []
        keys = [tuple(getattr(r, o.lstrip("-")) for o in order) for r in rows[:size]]
    edges = [edge(to_node(r), k) for r, k in zip(rows, keys)]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(rows) > size,
            has_previous_page=after is not None,
            start_cursor=_encode(keys[0]) if keys else None,
            end_cursor=_encode(keys[-1]) if keys else None,
        ),
        count=query.count,
    )


async def _rows_page(query: Rows, order: Sequence[str], after: str | None, position: list[Any] | None,
                     limit: int) -> list[Any]:
    try:
        return await query.page(order=order, after=position, limit=limit)
    except BadPosition:
        raise GraphQLError(f"after: {after!r} is not a cursor of this list", extensions={"code": "INVALID"}) from None
