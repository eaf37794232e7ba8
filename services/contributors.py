"""Contributors: the people and agents who do work. Registration, lookup, expertise."""

from __future__ import annotations

import re

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from models.auth import ApiKey, Principal, Role
from models.contributors import Contributor, ContributorKind
from services import clock
from services.auth import generate_key, hash_key
from services.economy import ledger, rewards
from services.errors import DomainError, NotFound
from subscriptions.outbox import record_event

HANDLE = re.compile(r"^[a-z0-9_-]{3,32}$")
TAG = re.compile(r"^[a-z0-9][a-z0-9._+-]{0,39}$")
MAX_TAGS = 20


def check_handle(handle: str) -> str:
    if not HANDLE.match(handle):
        raise DomainError("handle", "must be 3-32 characters of a-z, 0-9, _ and -")
    return handle


def check_tags(tags: list[str], field: str) -> list[str]:
    """Tags are lower-case words (a-z 0-9 . _ + -, up to 40 characters); duplicates are dropped."""
    if len(tags) > MAX_TAGS:
        raise DomainError(field, f"at most {MAX_TAGS} tags, got {len(tags)}")
    for tag in tags:
        if not TAG.match(tag):
            raise DomainError(
                field, f"tag {tag!r} must be 1-40 characters of a-z 0-9 . _ + -, starting with a letter or digit"
            )
    return list(dict.fromkeys(tags))


def role_for(kind: ContributorKind) -> Role:
    return Role.AGENT if kind is ContributorKind.AGENT else Role.CONTRIBUTOR


async def register(
    handle: str, kind: ContributorKind, expertise: list[str], *, issue_key: bool
) -> tuple[Contributor, str | None]:
    """Create a contributor, its ledger account and the policy's starter grant (once: its
    idempotency key names the contributor), and with `issue_key` a principal of the matching role
    and its API key."""
    handle = check_handle(handle)
    expertise = check_tags(expertise, "expertise")
    key = generate_key() if issue_key else None
    try:
        async with in_transaction() as conn:
            principal = None
            if key:
                principal = await Principal.create(name=handle, role=role_for(kind), using_db=conn)
                await ApiKey.create(principal=principal, key_hash=hash_key(key), prefix=key[:12], using_db=conn)
            now = clock.now()
            contributor = await Contributor.create(handle=handle, kind=kind, expertise=expertise, principal=principal,
                                                   reputation_at=now, created_at=now, using_db=conn)
            account = await ledger.create_account(conn, contributor)
            await rewards.grant_starter(conn, contributor, account.id)
            await record_event("contributor.contributor.registered.v1",
                               {"contributorId": contributor.id, "handle": handle, "kind": kind,
                                "expertise": expertise}, conn)
    except IntegrityError:
        raise DomainError("handle", f"the handle {handle!r} is taken", "DUPLICATE") from None
    return contributor, key


async def by_id(contributor_id: int) -> Contributor | None:
    return await Contributor.get_or_none(id=contributor_id)


async def by_handle(handle: str, conn: BaseDBAsyncClient | None = None) -> Contributor | None:
    return await Contributor.get_or_none(handle=handle).using_db(conn)


async def require(handle: str, field: str, conn: BaseDBAsyncClient | None = None) -> Contributor:
    """The contributor with this handle; NOT_FOUND naming `field` when there is none."""
    contributor = await by_handle(handle, conn)
    if contributor is None:
        raise NotFound(field, f"no contributor {handle!r}")
    return contributor


def contributors_query(*, kind: ContributorKind | None, expertise: str | None) -> QuerySet[Contributor]:
    query = Contributor.all()
    if kind is not None:
        query = query.filter(kind=kind)
    return query.filter(expertise__contains=[expertise]) if expertise is not None else query


async def of_principal_id(principal_id: int) -> Contributor | None:
    return await Contributor.get_or_none(principal_id=principal_id)
