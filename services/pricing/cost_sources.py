"""Which cost is authoritative for a provider's calls: the catalog's (COMPUTED, the default) or the one
the provider reported with the call (REPORTED, e.g. OpenRouter's `usage.cost`). The authoritative cost
is the call's billed cost: what is charged to an account and counted against budgets. A call without
the authoritative cost is billed the other one when it has it."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from models.auth import Principal
from models.pricing import CostAuthority, ProviderCostSource
from services.errors import DomainError
from services.pricing.catalog import PROVIDER_ALIASES, canonical_provider, check_name
from subscriptions.outbox import record_event

COST_SOURCE_CHANGED = "pricing.cost_source.changed.v1"


def billed(cost: Decimal | None, reported: Decimal | None,
           authority: CostAuthority) -> tuple[Decimal | None, CostAuthority | None]:
    """The billed cost of a call and where it comes from."""
    if authority is CostAuthority.REPORTED and reported is not None:
        return reported, CostAuthority.REPORTED
    if cost is not None:
        return cost, CostAuthority.COMPUTED
    if reported is not None:
        return reported, CostAuthority.REPORTED
    return None, None


async def authorities(providers: Iterable[str], conn: BaseDBAsyncClient | None = None) -> dict[str, CostAuthority]:
    """The authority for each provider name as calls send it (aliases and case folded)."""
    wanted = {p: canonical_provider(p) for p in set(providers)}
    if not wanted:
        return {}
    query = ProviderCostSource.filter(provider__in=list(set(wanted.values())))
    found = {row.provider: row.authority for row in await (query.using_db(conn) if conn else query)}
    return {raw: found.get(canon, CostAuthority.COMPUTED) for raw, canon in wanted.items()}


async def reported_names(conn: BaseDBAsyncClient) -> list[str]:
    """Lower-case provider names (with their aliases) whose reported cost is authoritative, for SQL."""
    rows = await ProviderCostSource.filter(authority=CostAuthority.REPORTED).using_db(conn)
    canon = {row.provider for row in rows}
    return sorted(canon | {alias for alias, target in PROVIDER_ALIASES.items() if target in canon})


async def set_cost_source(provider: str, authority: CostAuthority, reason: str, by: Principal) -> ProviderCostSource:
    """`providerCostSourceSet` (ADMIN). Calls recorded from now on follow it; `llmCallsReprice` brings
    the billed cost of earlier calls in line."""
    name = canonical_provider(check_name(provider, "provider"))
    reason = reason.strip()
    if not reason or len(reason) > 500 or not reason.isprintable():
        raise DomainError("reason", "must be 1-500 characters: why this cost is authoritative")
    async with in_transaction() as conn:
        row, _ = await ProviderCostSource.update_or_create(
            provider=name, defaults={"authority": authority, "reason": reason, "updated_by_id": by.id}, using_db=conn)
        await record_event(COST_SOURCE_CHANGED, {"provider": name, "authority": authority, "reason": reason,
                                                 "by": by.id}, conn)
    return row


def cost_sources() -> QuerySet[ProviderCostSource]:
    return ProviderCostSource.all()
