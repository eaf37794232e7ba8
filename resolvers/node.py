"""`node(id:)`: each domain registers how to load its Node types (and who may see them)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import strawberry
from strawberry.types import Info

from resolvers.relay import Node, from_global_id

NodeLoader = Callable[[str, Info], Awaitable[Node | None]]
NODE_LOADERS: dict[str, NodeLoader] = {}


def register_node(type_name: str, loader: NodeLoader) -> None:
    NODE_LOADERS[type_name] = loader


@strawberry.type
class NodeQuery:
    @strawberry.field(description="Any object by its global id; null when it does not exist or is not visible to you.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        type_name, pk = from_global_id(id)
        loader = NODE_LOADERS.get(type_name)
        return await loader(pk, info) if loader else None
