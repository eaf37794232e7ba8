"""The ledger's background sweepers, one set per replica: expired compute reservations and expired tokens.

Each pass locks its rows with SKIP LOCKED, so replicas share the work and nothing is handled twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from services.compute import SWEEP_BATCH, sweep_expired_reservations
from services.expiry import sweep_expired_tokens

log = logging.getLogger(__name__)


async def _drain_reservations() -> int:
    """Batches until one comes back short: everything due now is voided."""
    total = 0
    while (count := await sweep_expired_reservations()) >= SWEEP_BATCH:
        total += count
    return total + count


class LedgerSweepers:
    def __init__(self, reservation_seconds: float, expiry_seconds: float) -> None:
        self._jobs: list[tuple[str, float, Callable[[], Awaitable[int]]]] = [
            ("reservations", reservation_seconds, _drain_reservations),
            ("token-expiry", expiry_seconds, sweep_expired_tokens),
        ]
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        self._tasks = [asyncio.create_task(self._loop(name, every, sweep), name=f"sweep-{name}")
                       for name, every, sweep in self._jobs]

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    @staticmethod
    async def _loop(name: str, every: float, sweep: Callable[[], Awaitable[int]]) -> None:
        while True:
            try:
                await sweep()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("sweeper failed; retrying", extra={"sweeper": name})
            await asyncio.sleep(every)
