"""The periodic jobs every replica runs in its lifespan. Each job's service function locks what it
works on (SKIP LOCKED rows, or an advisory lock), so replicas share the work and nothing is done
twice. A failing run is logged and tried again at the next tick."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from api.settings import Settings
from services.clarification import tickets as clarification
from services.context_market import market as context_market
from services.debug import retention
from services.economy import compute, expiry
from services.search import collections
from services.stf import similar as stf_index
from services.stf import usage as stf_usage

log = logging.getLogger(__name__)


@dataclass
class Job:
    name: str
    every: float
    run: Callable[[], Awaitable[int]]
    first_after_one_period: bool = False  # slow jobs need not run while the replica starts
    handled: int = 0  # what this replica's runs reported, for tests and logs


async def drain(sweep: Callable[[int], Awaitable[int]], batch: int) -> int:
    """Run a batched sweep until a batch comes back short: everything due now is handled."""
    total = 0
    while True:
        count = await sweep(batch)
        total += count
        if count < batch:
            return total


async def _clarification_batch(limit: int) -> int:
    return len(await clarification.sweep_expired(limit))


async def _reservation_batch(limit: int) -> int:
    return await compute.sweep_expired_reservations(limit=limit)


async def _refresh_usage(every: float) -> int:
    # a replica skips the refresh when another did it within half the period
    await stf_usage.refresh(wait=False, min_age_seconds=every / 2)
    return 0


async def _search_upkeep(batch: int) -> int:
    """Re-read the active collections, advance a re-embedding (one replica at a time, batch by batch),
    drop collections retired long enough ago."""
    await collections.refresh()
    done = 0
    for kind, load in ((context_market.KIND, context_market.reembed_batch), (stf_index.KIND, stf_index.reembed_batch)):
        done += await drain(lambda size, kind=kind, load=load: collections.reembed_step(kind, load, size), batch)
    await collections.drop_retired()
    return done


def replica_jobs(settings: Settings) -> list[Job]:
    s = settings
    return [
        Job(
            "clarification deadlines",
            s.clarify_sweep_seconds,
            lambda: drain(_clarification_batch, clarification.SWEEP_BATCH),
        ),
        Job(
            "compute reservations", s.reservation_sweep_seconds, lambda: drain(_reservation_batch, compute.SWEEP_BATCH)
        ),
        Job("token expiry", s.expiry_sweep_seconds, expiry.sweep_expired_tokens),
        Job(
            "stf usage refresh",
            s.stf_usage_refresh_seconds,
            lambda: _refresh_usage(s.stf_usage_refresh_seconds),
            first_after_one_period=True,
        ),
        Job(
            "snapshot retention",
            s.snapshot_sweep_seconds,
            lambda: retention.sweep_snapshots(s.snapshot_retention_days),
            first_after_one_period=True,
        ),
        Job("stf embedding", s.stf_embed_retry_seconds, stf_index.embed_pending, first_after_one_period=True),
        Job("search upkeep", s.reembed_seconds, lambda: _search_upkeep(s.reembed_batch)),
    ]


class BackgroundJobs:
    def __init__(self, jobs: list[Job]) -> None:
        self.jobs = {job.name: job for job in jobs}
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        self._tasks = [asyncio.create_task(self._loop(job), name=job.name) for job in self.jobs.values()]

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    @staticmethod
    async def _loop(job: Job) -> None:
        if job.first_after_one_period:
            await asyncio.sleep(job.every)
        while True:
            try:
                count = await job.run()
                job.handled += count
                if count:
                    log.info("background job did work", extra={"job": job.name, "count": count})
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("background job failed; retrying at the next tick", extra={"job": job.name})
            await asyncio.sleep(job.every)
