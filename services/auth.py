"""API keys and principals: keys are shown once and stored only as their SHA-256."""

from __future__ import annotations

import hashlib
import re
import secrets
import time

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


async def revoke_key(prefix: str, by: Principal) -> ApiKey:
    async with in_transaction() as conn:
        key = await ApiKey.filter(prefix=prefix).using_db(conn).select_for_update().first()
        if key is None:
            raise NotFound("keyPrefix", f"no API key starts with {prefix!r}")
        if key.revoked_at is not None:
            raise DomainError("keyPrefix", "this key is already revoked", "ALREADY_REVOKED")
        key.revoked_at = clock.now()
        await key.save(using_db=conn, update_fields=["revoked_at"])
        await record_event(
            "auth.api_key.revoked.v1", {"keyPrefix": prefix, "principalId": key.principal_id, "by": by.id}, conn
        )
    key_cache.forget(key.key_hash)  # after commit: a request in between cannot cache the key again
    return key


class KeyCache:
    """Recently authenticated keys, so a busy client costs no query per request. A revocation
    is seen at once by the replica that made it and within `ttl` seconds by the others."""

    def __init__(self, ttl: float, size: int = 10_000) -> None:
        self.ttl = ttl
        self.size = size
        self._entries: dict[str, tuple[float, Principal]] = {}

    def get(self, key_hash: str) -> Principal | None:
        entry = self._entries.get(key_hash)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, key_hash: str, principal: Principal) -> None:
        if self.ttl <= 0:
            return
        if len(self._entries) >= self.size:
            self._entries.clear()
        self._entries[key_hash] = (time.monotonic() + self.ttl, principal)

    def forget(self, key_hash: str | None = None) -> None:
        if key_hash is None:
            self._entries.clear()
        else:
            self._entries.pop(key_hash, None)


key_cache = KeyCache(ttl=5.0)  # the app sets ttl from AUTH_CACHE_SECONDS


async def authenticate(key: str) -> Principal | None:
    """The principal of a live key, or None for an unknown, malformed or revoked key."""
    if not key.startswith(KEY_PREFIX) or len(key) > 200:
        return None
    digest = hash_key(key)
    if cached := key_cache.get(digest):
        return cached
    found = await ApiKey.filter(key_hash=digest, revoked_at__isnull=True).select_related("principal").first()
    if found is None:
        return None
    key_cache.put(digest, found.principal)
    return found.principal


async def get_principal(principal_id: int) -> Principal | None:
    return await Principal.get_or_none(id=principal_id)


def principals_query(role: Role | None) -> QuerySet[Principal]:
    return Principal.all() if role is None else Principal.filter(role=role)
