"""The one clock every service reads "now" from.

By default it is the system clock in UTC. A process that needs another notion of time (a replay, a
simulation) installs its own source with `use()`; the services never know which source they read.
Timestamps the economy depends on (transfers, entries, last activity, earning days, reputation,
reservations, expiry cutoffs, policy versions, refusals) are written from here, not from the
database's `now()`, so they all follow the same source.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timezone


def system_now() -> datetime:
    return datetime.now(timezone.utc)


_source: Callable[[], datetime] = system_now


def now() -> datetime:
    """The current time, timezone-aware UTC."""
    return _source()


def today() -> date:
    """The current UTC date (the day the daily earning cap counts)."""
    return _source().date()


def use(source: Callable[[], datetime]) -> None:
    """Read "now" from `source` (it must return timezone-aware datetimes) until `reset()`."""
    global _source
    _source = source


def reset() -> None:
    global _source
    _source = system_now
