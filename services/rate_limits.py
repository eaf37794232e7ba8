"""Budgets of query-cost points per window, per API key (or per client address for anonymous
calls): fixed windows of `window_seconds`, counted in Redis when there is one (every replica
shares the count) and in this process otherwise. A charge that would go past the limit is refused
and not counted; the budget refills when the window turns."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Protocol

# KEYS[1]: the budget's key without its window; ARGV: cost, limit, window seconds. Redis' clock
# decides the window, so replicas whose clocks differ still share one.
CHARGE_SCRIPT = """
local now = redis.call('TIME')
local window = math.floor(tonumber(now[1]) / tonumber(ARGV[3]))
local key = KEYS[1] .. ':' .. window
local used = tonumber(redis.call('GET', key) or '0')
local cost = tonumber(ARGV[1])
local allowed = 0
if used + cost <= tonumber(ARGV[2]) then
  used = redis.call('INCRBY', key, cost)
  redis.call('EXPIRE', key, tonumber(ARGV[3]) + 1)
  allowed = 1
end
return {allowed, used, (window + 1) * tonumber(ARGV[3])}
"""


@dataclass(frozen=True)
class Budget:
    """Who pays (`key:<id>` or `address:<ip>`) and how many points a window holds for them."""

    who: str
    limit: int


@dataclass(frozen=True)
class Charge:
    limit: int
    cost: int
    used: int
    reset_epoch: int
    allowed: bool

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)

    @property
    def reset_at(self) -> datetime:
        return datetime.fromtimestamp(self.reset_epoch, timezone.utc)

    def retry_after(self, now: float | None = None) -> int:
        """Whole seconds until the window turns (at least 1)."""
        return max(1, math.ceil(self.reset_epoch - (time.time() if now is None else now)))


class Limiter(Protocol):
    name: str

    async def charge(self, budget: Budget, cost: int) -> Charge: ...
    async def close(self) -> None: ...


class LocalLimiter:
    """One process's count: for a single replica, or when there is no Redis."""

    name = "inprocess"

    def __init__(self, window_seconds: int) -> None:
        self.window = window_seconds
        self._used: dict[str, tuple[int, int]] = {}  # who -> (window, points used)

    async def charge(self, budget: Budget, cost: int) -> Charge:
        window = int(time.time()) // self.window
        current, used = self._used.get(budget.who, (window, 0))
        if current != window:
            used = 0
            if len(self._used) > 100_000:  # callers of past windows: forget them all at once
                self._used.clear()
        allowed = used + cost <= budget.limit
        if allowed:
            used += cost
            self._used[budget.who] = (window, used)
        return Charge(budget.limit, cost, used, (window + 1) * self.window, allowed)

    async def close(self) -> None:
        return None


class RedisLimiter:
    """The count in Redis under `prefix`, shared by every replica that uses the same prefix."""

    name = "redis"

    def __init__(self, url: str, prefix: str, window_seconds: int) -> None:
        import redis.asyncio as redis

        self.window = window_seconds
        self.prefix = prefix
        self._redis = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=2)
        self._script = self._redis.register_script(CHARGE_SCRIPT)

    async def charge(self, budget: Budget, cost: int) -> Charge:
        allowed, used, reset = await self._script(keys=[f"{self.prefix}:{budget.who}"],
                                                  args=[cost, budget.limit, self.window])
        return Charge(budget.limit, cost, int(used), int(reset), bool(allowed))

    async def close(self) -> None:
        await self._redis.aclose()


def make_limiter(redis_url: str | None, prefix: str, window_seconds: int) -> Limiter:
    return RedisLimiter(redis_url, prefix, window_seconds) if redis_url else LocalLimiter(window_seconds)
