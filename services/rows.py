"""Model objects for rows read or written with raw SQL, and rows by primary key."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from tortoise.models import Model

M = TypeVar("M", bound=Model)


def from_row(model: type[M], row: Mapping[str, Any]) -> M:
    """The object Tortoise itself builds from a SELECT of `model`'s table: `row` is keyed by column
    name, values are converted as on a read (enums, JSON), and the object counts as saved."""
    return model._init_from_db(**row)


async def by_id(model: type[M], pk: int) -> M | None:
    return await model.get_or_none(id=pk)


async def by_ids(model: type[M], ids: Iterable[int]) -> dict[int, M]:
    return {row.id: row for row in await model.filter(id__in=list(ids))}
