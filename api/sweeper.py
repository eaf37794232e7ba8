"""The deadline sweeper: every replica runs one; FOR UPDATE SKIP LOCKED in the service makes each
expired ticket handled by exactly one of them."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from services.clarification import SWEEP_BATCH, sweep_expired

log = logging.getLogger(__name__)


class DeadlineSweeper:
    def __init__(self, interval_seconds: float, batch: int = SWEEP_BATCH) -> None:
        self.interval = interval_seconds
        self.batch = batch
        self.handled = 0  # tickets this replica timed out, for tests and logs
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="clarification-deadline-sweeper")

    async def close(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def sweep(self) -> list[int]:
        """Sweep until no expired ticket is left (a full batch means there may be more)."""
        handled: list[int] = []
        while True:
            batch = await sweep_expired(self.batch)
            handled += batch
            if len(batch) < self.batch:
                break
        self.handled += len(handled)
        if handled:
            log.info("timed out clarification tickets", extra={"count": len(handled)})
        return handled

    async def _run(self) -> None:
        while True:
            try:
                await self.sweep()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("deadline sweep failed; retrying")
            await asyncio.sleep(self.interval)
