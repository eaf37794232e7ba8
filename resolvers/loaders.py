"""Per-request DataLoaders (made lazily in `info.context.loaders`), so lists load related rows once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from strawberry.dataloader import DataLoader
from strawberry.types import Info
from tortoise.models import Model


def by_id(info: Info, model: type[Model]) -> DataLoader[int, Any]:
    name = f"{model.__name__}.id"
    loaders = info.context.loaders
    if name not in loaders:
        async def load(ids: Sequence[int]) -> list[Any]:
            rows = {row.id: row for row in await model.filter(id__in=list(ids))}
            return [rows.get(i) for i in ids]

        loaders[name] = DataLoader(load_fn=load)
    return loaders[name]


async def load_one(info: Info, model: type[Model], pk: int | None, convert: Callable[[Any], Any]) -> Any:
    if pk is None:
        return None
    row = await by_id(info, model).load(pk)
    return convert(row) if row is not None else None


