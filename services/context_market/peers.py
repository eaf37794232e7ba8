"""The peers that served the most context in a window: bytes, chunks, retrievals and tokens earned.

Joins the window's retrievals (index on `created_at`) to the chunks they served.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise import connections

from models.contributors import Contributor
from services import clock
from services.errors import DomainError

MAX_PEERS = 100

TOP_PEERS_SQL = """
SELECT s."peer_id", sum(s."bytes") AS bytes_served, count(*) AS chunks_served,
       count(DISTINCT s."retrieval_id") AS retrievals, sum(s."tokens") AS tokens_earned
FROM "context_retrievals" r JOIN "context_served" s ON s."retrieval_id" = r."id"
WHERE r."created_at" > $1 AND r."created_at" <= $2
GROUP BY s."peer_id" ORDER BY bytes_served DESC, s."peer_id" LIMIT $3
"""


@dataclass
class PeerServed:
    peer: Contributor
    bytes_served: int
    chunks_served: int
    retrievals: int
    tokens_earned: int


async def top_peers(start: datetime, end: datetime | None, limit: int) -> list[PeerServed]:
    end = end or clock.now()
    if end <= start:
        raise DomainError("to", "must be after from")
    if not 1 <= limit <= MAX_PEERS:
        raise DomainError("first", f"must be between 1 and {MAX_PEERS}")
    rows = await connections.get("default").execute_query_dict(TOP_PEERS_SQL, [start, end, limit])
    peers = {c.id: c for c in await Contributor.filter(id__in=[r["peer_id"] for r in rows])}
    return [PeerServed(peer=peers[r["peer_id"]], bytes_served=int(r["bytes_served"]),
                       chunks_served=r["chunks_served"], retrievals=r["retrievals"],
                       tokens_earned=int(r["tokens_earned"])) for r in rows]
