"""Per-request DataLoaders (made lazily in `info.context.loaders`), so lists load related rows once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from strawberry.dataloader import DataLoader
from strawberry.types import Info
from tortoise.models import Model

from models.economy.ledger import Account, Transfer
from models.economy.rewards import RewardPolicy, RewardRefusal
from services.clarification import tickets as ticket_service
from services.clarification.quorum import Tally
from services.economy import ledger as ledger_service
from services.economy import rewards as reward_service
from services.economy.policy import current_policy
from services.rows import by_ids


def _loader(info: Info, name: str, load: Callable[[Sequence[Any]], Awaitable[list[Any]]]) -> DataLoader:
    loaders = info.context.loaders
    if name not in loaders:
        loaders[name] = DataLoader(load_fn=load)
    return loaders[name]


def by_id(info: Info, model: type[Model]) -> DataLoader[int, Any]:
    async def load(ids: Sequence[int]) -> list[Any]:
        rows = await by_ids(model, ids)
        return [rows.get(i) for i in ids]

    return _loader(info, f"{model.__name__}.id", load)


async def load_one(info: Info, model: type[Model], pk: int | None, convert: Callable[[Any], Any]) -> Any:
    if pk is None:
        return None
    row = await by_id(info, model).load(pk)
    return convert(row) if row is not None else None


async def account(info: Info, account_id: int) -> Account:
    return await by_id(info, Account).load(account_id)


async def account_of_contributor(info: Info, contributor_id: int) -> Account | None:
    async def load(ids: Sequence[int]) -> list[Account | None]:
        found = await ledger_service.accounts_of_contributors(ids)
        return [found.get(i) for i in ids]

    return await _loader(info, "Account.contributor_id", load).load(contributor_id)


async def transfer(info: Info, transfer_id: int) -> Transfer | None:
    return await by_id(info, Transfer).load(transfer_id)


async def policy(info: Info) -> RewardPolicy:
    """The policy in force, read once per request."""
    if "policy" not in info.context.loaders:
        info.context.loaders["policy"] = await current_policy()
    return info.context.loaders["policy"]


async def reward_by_key(info: Info, key: str) -> Transfer | RewardRefusal | None:
    """What became of the reward with this idempotency key: its transfer, its refusal, or nothing."""
    async def load(keys: Sequence[str]) -> list[Transfer | RewardRefusal | None]:
        found = await reward_service.outcomes_by_keys(list(keys))
        return [found.get(k) for k in keys]

    return await _loader(info, "reward.key", load).load(key)


async def ticket_progress(info: Info, ticket_id: int) -> Tally:
    """A ticket's quorum tally; a page of tickets is tallied in two queries."""
    async def load(ids: Sequence[int]) -> list[Tally]:
        found = await ticket_service.progress_of_tickets(ids)
        return [found[i] for i in ids]

    return await _loader(info, "ClarificationTicket.progress", load).load(ticket_id)
