"""API keys and principals: keys are shown once and stored only as their SHA-256."""

from __future__ import annotations

import hashlib
import re
import secrets
import time

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from models.auth import ApiKey, Principal, Role
from services import clock
from services.errors import DomainError, NotFound
from subscriptions.outbox import record_event

KEY_PREFIX = "omk_"
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.@-]{0,99}$")


def generate_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def parse_role(value: str) -> Role:
    try:
        return Role(value.upper())
    except ValueError:
        raise DomainError("role", f"unknown role {value!r}; one of {', '.join(r.value for r in Role)}") from None


def check_name(name: str) -> str:
    name = name.strip()
    if not NAME_PATTERN.match(name):
        raise DomainError(
            "name", "must be 1-100 characters: letters, digits, space, _ . @ -, starting with a letter or digit"
        )
    return name


async def create_principal_with_key(name: str, role: Role) -> tuple[Principal, str]:
    """Create a principal and its first key in one transaction; return the key (shown once)."""
    name = check_name(name)
    key = generate_key()
    try:
        async with in_transaction() as conn:
            principal = await Principal.create(name=name, role=role, using_db=conn)
            await ApiKey.create(principal=principal, key_hash=hash_key(key), prefix=key[:12], using_db=conn)
            await record_event(
                "auth.api_key.created.v1",
                {"principalId": principal.id, "name": name, "role": role, "keyPrefix": key[:12]},
                conn,
            )
    except IntegrityError:
        raise DomainError("name", f"a principal named {name!r} already exists", "DUPLICATE") from None
    return principal, key


async def _live_key(conn: BaseDBAsyncClient, prefix: str, revoked: str) -> ApiKey:
    """The key with this prefix, locked for the change; `revoked` is the message when it is revoked."""
    key = await ApiKey.filter(prefix=prefix).using_db(conn).select_for_update().first()
    if key is None:
        raise NotFound("keyPrefix", f"no API key starts with {prefix!r}")
    if key.revoked_at is not None:
        raise DomainError("keyPrefix", revoked, "ALREADY_REVOKED")
    return key


async def revoke_key(prefix: str, by: Principal) -> ApiKey:
    async with in_transaction() as conn:
        key = await _live_key(conn, prefix, "this key is already revoked")
        key.revoked_at = clock.now()
        await key.save(using_db=conn, update_fields=["revoked_at"])
        await record_event(
            "auth.api_key.revoked.v1", {"keyPrefix": prefix, "principalId": key.principal_id, "by": by.id}, conn
        )
    key_cache.forget(key.key_hash)  # after commit: a request in between cannot cache the key again
    return key


class KeyCache:
    """Recently authenticated keys (with their principals), so a busy client costs no query per
    request. A revocation or a new rate limit is seen at once by the replica that made it and
    within `ttl` seconds by the others."""

    def __init__(self, ttl: float, size: int = 10_000) -> None:
        self.ttl = ttl
        self.size = size
        self._entries: dict[str, tuple[float, ApiKey]] = {}

    def get(self, key_hash: str) -> ApiKey | None:
        entry = self._entries.get(key_hash)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, key_hash: str, api_key: ApiKey) -> None:
        if self.ttl <= 0:
            return
        if len(self._entries) >= self.size:
            self._entries.clear()
        self._entries[key_hash] = (time.monotonic() + self.ttl, api_key)

    def forget(self, key_hash: str | None = None) -> None:
        if key_hash is None:
            self._entries.clear()
        else:
            self._entries.pop(key_hash, None)


key_cache = KeyCache(ttl=5.0)  # the app sets ttl from AUTH_CACHE_SECONDS


async def authenticate(key: str) -> Principal | None:
    """The principal of a live key, or None for an unknown, malformed or revoked key."""
    found = await authenticate_key(key)
    return found.principal if found else None


async def authenticate_key(key: str) -> ApiKey | None:
    """A live key, its principal loaded (`.principal`); None for an unknown, malformed or revoked key."""
    if not key.startswith(KEY_PREFIX) or len(key) > 200:
        return None
    digest = hash_key(key)
    if cached := key_cache.get(digest):
        return cached
    found = await ApiKey.filter(key_hash=digest, revoked_at__isnull=True).select_related("principal").first()
    if found is None:
        return None
    found.principal.api_key_prefix = found.prefix  # which key: API_KEY budgets count the calls it records
    key_cache.put(digest, found)
    return found


MAX_RATE_LIMIT_POINTS = 2**31 - 1


async def set_key_rate_limit(prefix: str, points: int | None, by: Principal) -> ApiKey:
    """Give the key its own budget of points per window (None: back to the default for keys)."""
    if points is not None and not 1 <= points <= MAX_RATE_LIMIT_POINTS:
        raise DomainError("points", f"must be between 1 and {MAX_RATE_LIMIT_POINTS}, or null for the default; "
                                    f"got {points}")
    async with in_transaction() as conn:
        key = await _live_key(conn, prefix, "this key is revoked")
        key.rate_limit_points = points
        await key.save(using_db=conn, update_fields=["rate_limit_points"])
        await record_event("auth.api_key.rate_limit_set.v1",
                           {"keyPrefix": prefix, "points": points, "by": by.id}, conn)
    key_cache.forget(key.key_hash)  # after commit, as for a revocation
    return key


def key_prefix_of(principal: Principal) -> str | None:
    """The prefix of the key a request authenticated with (None for a principal not from a key)."""
    return getattr(principal, "api_key_prefix", None)


async def get_principal(principal_id: int) -> Principal | None:
    return await Principal.get_or_none(id=principal_id)


def principals_query(role: Role | None) -> QuerySet[Principal]:
    return Principal.all() if role is None else Principal.filter(role=role)
