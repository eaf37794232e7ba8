"""Which Qdrant collection holds each kind of vectors, and re-embedding when the embedder changes.

A collection is named after its kind's base name, the embedder that wrote it and the sparse scheme
(`context_chunks__minilm-l6-v2-onnx-v1__bm25-terms-v1`). PostgreSQL's `search_collections` says
which one is ACTIVE (searched) per kind and which one is BUILDING (being re-embedded).

When the configured embedder is not the one of the active collection, start-up registers a
BUILDING collection for it. A background job (`reembed_step`, every replica, on a schedule) embeds
the kind's rows in id order, a batch at a time, holding the BUILDING row `FOR UPDATE SKIP LOCKED`
so one replica works at a time; the cursor is committed with each batch, so a restart resumes
where it stopped. Meanwhile searches use the ACTIVE collection (with the embedder that wrote it)
and every write goes to both. When no row is left, the BUILDING collection becomes ACTIVE and the
old one RETIRED; it is dropped from Qdrant a grace period later, once every replica has moved over.

A replica started after the active collection was switched does not fight a newer decision: a
rebuild starts only towards the configured embedder of a replica that started after the active
collection was chosen (or the rebuild under way was requested).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise import connections
from tortoise.transactions import in_transaction

from services import clock
from services.search import sparse
from services.search.embedding import Embedder, embedder_named, get_embedder
from services.search.vectors import get_store

log = logging.getLogger(__name__)

RETIRE_GRACE = timedelta(seconds=60)
# A rebuild completes no sooner than this after it started, so every replica has refreshed its view
# (every `REEMBED_SECONDS`) and writes new rows to both collections before the switch.
MIN_BUILD_AGE_PERIODS = 2

ROWS_SQL = (
    'SELECT "id", "kind", "name", "embedder", "hybrid", "state", "cursor", "done", "total", "requested_at", '
    '"activated_at", "retired_at", "updated_at" FROM "search_collections" WHERE "state" <> \'DROPPED\' ORDER BY "id"'
)


@dataclass(frozen=True)
class Collection:
    kind: str
    name: str
    embedder: str
    hybrid: bool
    state: str
    cursor: int = 0
    done: int = 0
    total: int = 0
    requested_at: datetime | None = None
    activated_at: datetime | None = None
    updated_at: datetime | None = None

    @classmethod
    def of(cls, row: dict[str, Any]) -> "Collection":
        return cls(kind=row["kind"], name=row["name"], embedder=row["embedder"], hybrid=row["hybrid"],
                   state=row["state"], cursor=row["cursor"], done=row["done"], total=row["total"],
                   requested_at=row["requested_at"], activated_at=row["activated_at"], updated_at=row["updated_at"])


@dataclass
class Catalog:
    bases: dict[str, str]
    started_at: datetime
    period_seconds: float = 5.0
    active: dict[str, Collection] | None = None
    building: dict[str, Collection] | None = None


_catalog = Catalog(bases={}, started_at=clock.now())


def collection_name(base: str, embedder: str) -> str:
    return f"{base}__{embedder}__{sparse.NAME}"


async def _rows(conn: Any = None) -> list[Collection]:
    return [Collection.of(r) for r in await (conn or connections.get("default")).execute_query_dict(ROWS_SQL)]


async def refresh() -> None:
    """Read which collections are active and building (every replica, on each job tick). Rows are
    keyed by the base name (the `kind` column), so two bases never share a rebuild."""
    rows = await _rows()
    by_base = {base: kind for kind, base in _catalog.bases.items()}
    _catalog.active = {by_base[c.kind]: c for c in rows if c.state == "ACTIVE" and c.kind in by_base}
    _catalog.building = {by_base[c.kind]: c for c in rows if c.state == "BUILDING" and c.kind in by_base}


async def open_collections(bases: dict[str, str], *, period_seconds: float) -> None:
    """At start-up: make sure every kind has an active collection, and register a rebuild towards the
    configured embedder when the active one was written by another and this replica is the newest word."""
    _catalog.bases, _catalog.period_seconds = dict(bases), period_seconds
    _catalog.started_at = clock.now()
    embedder = get_embedder()
    store = get_store()
    async with in_transaction() as conn:
        await conn.execute_query('LOCK TABLE "search_collections" IN SHARE ROW EXCLUSIVE MODE')
        rows = await _rows(conn)
        for kind in bases.values():  # rows are keyed by the base name
            active = next((c for c in rows if c.kind == kind and c.state == "ACTIVE"), None)
            building = next((c for c in rows if c.kind == kind and c.state == "BUILDING"), None)
            wanted = collection_name(kind, embedder.name)
            if active is None and building is None:  # a new base: built from the rows PostgreSQL has
                await _start_build(conn, kind, wanted, embedder)
                continue
            if active is None:
                await store.ensure_collection(building.name, embedder_dimensions(building.embedder))
                continue
            await store.ensure_collection(active.name, embedder_dimensions(active.embedder), hybrid=active.hybrid)
            if active.activated_at > _catalog.started_at:  # chosen by a replica started after this one
                continue
            if active.embedder == embedder.name:
                if building is not None and building.requested_at < _catalog.started_at:
                    await _retire(conn, building.name)  # an older wish this replica's setting overrides
                continue
            if building is not None and (building.embedder == embedder.name
                                         or building.requested_at > _catalog.started_at):
                await store.ensure_collection(building.name, embedder_dimensions(building.embedder))
                continue
            if building is not None:  # an older replica's wish: this one's setting is newer
                await _retire(conn, building.name)
            await _start_build(conn, kind, wanted, embedder)
            log.info("re-embedding started", extra={"kind": kind, "from": active.name, "to": wanted})
    await refresh()


async def _retire(conn: Any, name: str) -> None:
    await conn.execute_query(
        'UPDATE "search_collections" SET "state" = \'RETIRED\', "retired_at" = now() WHERE "name" = $1', [name])


async def _start_build(conn: Any, kind: str, name: str, embedder: Embedder) -> None:
    """A BUILDING collection for `embedder`, empty, with its cursor at the start."""
    await get_store().drop(name)
    await get_store().ensure_collection(name, embedder.dimensions)
    await conn.execute_query(
        'INSERT INTO "search_collections" ("kind", "name", "embedder", "hybrid", "state") '
        "VALUES ($1, $2, $3, true, 'BUILDING') ON CONFLICT (\"name\") DO UPDATE SET \"state\" = 'BUILDING', "
        '"cursor" = 0, "done" = 0, "total" = 0, "requested_at" = now(), "activated_at" = NULL, '
        '"retired_at" = NULL, "updated_at" = now()', [kind, name, embedder.name])


def embedder_dimensions(name: str) -> int:
    found = embedder_named(name)
    return found.dimensions if found is not None else get_embedder().dimensions


def searchable(kind: str) -> tuple[Collection, Embedder]:
    """The collection searches read, and the embedder that wrote it (to embed the query alike): the
    active one, or the first one of a new base while it is being built."""
    active = (_catalog.active or {}).get(kind) or (_catalog.building or {}).get(kind)
    if active is None:
        raise RuntimeError(f"no vector collection for {kind}: the app's start-up opens them")
    embedder = embedder_named(active.embedder)
    if embedder is None:  # this code lost the old embedder: search what is rebuilt so far
        building = (_catalog.building or {}).get(kind)
        if building is not None:
            log.warning("the active collection's embedder is unknown; searching the one being rebuilt",
                        extra={"kind": kind, "active": active.name, "building": building.name})
            return building, get_embedder()
        raise RuntimeError(f"{active.name} was written by {active.embedder}, which this version cannot load")
    return active, embedder


def writable(kind: str) -> list[tuple[Collection, Embedder]]:
    """Every collection a new or changed row must reach: the active one and the one being rebuilt."""
    found = []
    for collection in ((_catalog.active or {}).get(kind), (_catalog.building or {}).get(kind)):
        if collection is not None:
            embedder = embedder_named(collection.embedder)
            if embedder is not None:
                found.append((collection, embedder))
    return found


@dataclass(frozen=True)
class Batch:
    """What a kind's loader returns: the next rows after the cursor, as (id, text, payload)."""

    rows: list[tuple[int, str, dict[str, Any]]]
    remaining: int  # rows after this batch
    last_id: int = 0  # the cursor after this batch (the last id read, even if its row was dropped since)


Loader = Callable[[int, int], Awaitable[Batch]]


async def reembed_step(kind: str, load: Loader, batch_size: int) -> int:
    """Embed the next batch of `kind` into its BUILDING collection (one replica at a time); switch
    collections when none is left. Returns how many rows were read (0: nothing to do now)."""
    base = _catalog.bases.get(kind)
    if base is None:
        return 0
    async with in_transaction() as conn:
        rows = await conn.execute_query_dict(
            'SELECT * FROM "search_collections" WHERE "kind" = $1 AND "state" = \'BUILDING\' '
            "FOR UPDATE SKIP LOCKED", [base])
        if not rows:
            return 0
        building = Collection.of(rows[0])
        embedder = embedder_named(building.embedder)
        if embedder is None or embedder.name != get_embedder().name:
            return 0  # a replica configured otherwise leaves this rebuild to one that has its embedder
        batch = await load(building.cursor, batch_size)
        if batch.last_id:
            await _advance(conn, building, embedder, batch)
        elif not await _switch(conn, building):
            return 0
    await refresh()  # the progress this replica reports, or the switch
    return max(len(batch.rows), 1) if batch.last_id else 0


async def _advance(conn: Any, building: Collection, embedder: Embedder, batch: Batch) -> None:
    from services.search.index import write_points  # the index imports this module

    await write_points([(building, embedder)], batch.rows)
    await conn.execute_query(
        'UPDATE "search_collections" SET "cursor" = $2, "done" = "done" + $3, "total" = "done" + $3 + $4, '
        '"updated_at" = now() WHERE "name" = $1', [building.name, batch.last_id, len(batch.rows), batch.remaining])


async def _switch(conn: Any, building: Collection) -> bool:
    """Make the complete collection ACTIVE and retire the old one; False while it is too young."""
    age = clock.now() - building.requested_at
    if age < timedelta(seconds=MIN_BUILD_AGE_PERIODS * _catalog.period_seconds):
        return False
    await conn.execute_query(
        'UPDATE "search_collections" SET "state" = \'RETIRED\', "retired_at" = now() '
        "WHERE \"kind\" = $1 AND \"state\" = 'ACTIVE'", [building.kind])
    await conn.execute_query(
        'UPDATE "search_collections" SET "state" = \'ACTIVE\', "activated_at" = now(), "total" = "done", '
        '"updated_at" = now() WHERE "name" = $1', [building.name])
    log.info("re-embedding complete: searches use the new collection",
             extra={"kind": building.kind, "to": building.name})
    return True


async def drop_retired() -> int:
    """Drop collections retired longer than the grace period ago (every replica has moved over)."""
    db = connections.get("default")
    rows = await db.execute_query_dict(
        'SELECT "name" FROM "search_collections" WHERE "state" = \'RETIRED\' AND "retired_at" < $1',
        [clock.now() - RETIRE_GRACE])
    for row in rows:
        await get_store().drop(row["name"])
        await db.execute_query('UPDATE "search_collections" SET "state" = \'DROPPED\' WHERE "name" = $1',
                               [row["name"]])
    return len(rows)


@dataclass(frozen=True)
class KindStatus:
    kind: str
    configured_embedder: str
    active: Collection | None
    building: Collection | None


def status() -> list[KindStatus]:
    """Per kind: the active collection and the rebuild under way, as this replica last read them."""
    active, building = _catalog.active or {}, _catalog.building or {}
    return [KindStatus(kind, get_embedder().name, active.get(kind), building.get(kind)) for kind in _catalog.bases]


def status_json() -> dict[str, Any]:
    """For /readyz: per kind, the active collection and the progress of a rebuild."""
    out: dict[str, Any] = {}
    for s in status():
        entry: dict[str, Any] = {"active": s.active.name if s.active else None,
                                 "embedder": s.active.embedder if s.active else None}
        if s.building is not None:
            entry["reembedding"] = {"collection": s.building.name, "embedder": s.building.embedder,
                                    "done": s.building.done, "total": s.building.total,
                                    "percent": percent(s.building)}
        out[s.kind] = entry
    return out


def percent(collection: Collection) -> float:
    return round(100.0 * collection.done / collection.total, 1) if collection.total else 0.0
