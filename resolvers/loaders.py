"""Per-request DataLoaders (made lazily in `info.context.loaders`), so lists do not query per row."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from strawberry.dataloader import DataLoader
from strawberry.types import Info

from models.ledger import Account, Transfer
from models.rewards import RewardPolicy
from services import ledger as ledger_service
from services.policy import current_policy


def _loader(info: Info, name: str, load: Callable[[list[Any]], Awaitable[list[Any]]]) -> DataLoader:
    loaders = info.context.loaders
    if name not in loaders:
        loaders[name] = DataLoader(load_fn=load)
    return loaders[name]


async def account(info: Info, account_id: int) -> Account:
    async def load(ids: list[int]) -> list[Account | None]:
        found = await ledger_service.accounts_by_ids(ids)
        return [found.get(i) for i in ids]

    return await _loader(info, "account", load).load(account_id)


async def account_of_contributor(info: Info, contributor_id: int) -> Account | None:
    async def load(ids: list[int]) -> list[Account | None]:
        found = await ledger_service.accounts_of_contributors(ids)
        return [found.get(i) for i in ids]

    return await _loader(info, "account_of_contributor", load).load(contributor_id)


async def transfer(info: Info, transfer_id: int) -> Transfer | None:
    async def load(ids: list[int]) -> list[Transfer | None]:
        found = {t.id: t for t in await Transfer.filter(id__in=list(set(ids)))}
        return [found.get(i) for i in ids]

    return await _loader(info, "transfer", load).load(transfer_id)


async def policy(info: Info) -> RewardPolicy:
    """The policy in force, read once per request."""
    if "policy" not in info.context.loaders:
        info.context.loaders["policy"] = await current_policy()
    return info.context.loaders["policy"]
