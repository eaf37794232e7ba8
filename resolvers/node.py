"""`node(id:)`: each domain registers how to load its Node types (and who may see them)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import strawberry
from strawberry.types import Info

from resolvers.relay import Node, int_pk, parse_global_id
from services.errors import DomainError

NodeLoader = Callable[[int, Info], Awaitable[Node | None]]
NODE_LOADERS: dict[str, NodeLoader] = {}


def register_node(type_name: str, loader: NodeLoader) -> None:
    NODE_LOADERS[type_name] = loader


@strawberry.type
class NodeQuery:
    @strawberry.field(description="Any object by its global id; null when it does not exist or is not visible to you.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        parsed = parse_global_id(id)
        if parsed is None:
            raise DomainError("id", f"{id!r} is not a valid global id", "INVALID")
        loader = NODE_LOADERS.get(parsed[0])
        pk = int_pk(parsed[1]) if loader else None
        return await loader(pk, info) if pk is not None else None
