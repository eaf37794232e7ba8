"""Periodic jobs the lifespan runs in every replica: refresh the STF usage view (one replica at a
time, by advisory lock), sweep old snapshots (replicas split the work with SKIP LOCKED), and embed
STFs whose vector is missing. A failing job is logged and tried again at its next tick."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from api.settings import Settings
from services import retention, stf_index, stf_usage

log = logging.getLogger(__name__)


class Maintenance:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.tasks: list[asyncio.Task] = []

    def start(self) -> None:
        s = self.settings
        jobs: list[tuple[str, float, Callable[[], Awaitable[object]]]] = [
            # a replica skips the refresh when another did it within half the period
            ("stf usage refresh", s.stf_usage_refresh_seconds,
             lambda: stf_usage.refresh(wait=False, min_age_seconds=s.stf_usage_refresh_seconds / 2)),
            ("snapshot sweep", s.snapshot_sweep_seconds, lambda: retention.sweep_snapshots(s.snapshot_retention_days)),
            ("stf embedding", s.stf_embed_retry_seconds, stf_index.embed_pending),
        ]
        self.tasks = [asyncio.create_task(self._every(name, period, job), name=name) for name, period, job in jobs]

    async def _every(self, name: str, period: float, job: Callable[[], Awaitable[object]]) -> None:
        while True:
            await asyncio.sleep(period)
            try:
                result = await job()
                log.debug("maintenance job done", extra={"job": name, "result": str(result)})
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("maintenance job failed", extra={"job": name})

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
