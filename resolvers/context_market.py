"""The context market: `contextAnnounce`, `contextWithdraw`, `contextChunks`, `contextRetrieve`,
`contextRate`, `contextRetrievals`, `marketStats` and `marketTopPeers`."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
from graphql import GraphQLError
from strawberry.types import Info

from models import context_market as m
from models.auth import Role
from models.contributors import Contributor as ContributorRow
from resolvers import loaders
from resolvers.node import register_node
from resolvers.payload import attempt, user_error_type
from resolvers.permissions import IsAuthenticated
from resolvers.relay import Connection, Node, global_pk, paginate, to_global_id
from resolvers.scalars import BigInt
from resolvers.search import SearchRanking
from services import contributors as contributor_service
from services import errors
from services.context_market import market as market
from services.context_market import peers as market_peers
from services.context_market.rules import kilobytes, saving_percent
from services.search.vectors import Ranking

ContextMarketUserError = user_error_type(errors.CONTEXT_MARKET)

if TYPE_CHECKING:
    from resolvers.contributors import Contributor
    from resolvers.economy.ledger import Transfer

ContributorRef = Annotated["Contributor", strawberry.lazy("resolvers.contributors")]
TransferRef = Annotated["Transfer", strawberry.lazy("resolvers.economy.ledger")]


async def _contributor(info: Info, pk: int) -> ContributorRef:
    from resolvers.contributors import Contributor

    return await loaders.load_one(info, ContributorRow, pk, Contributor.of)


@strawberry.type(description="A chunk of context a peer shares. Anyone sees what it is; only its peer (and ADMIN) "
                 "reads its text here: others pay for it through `contextRetrieve`.")
class ContextChunk(Node):
    sha256: str = strawberry.field(description="SHA-256 of the UTF-8 text, hex: a peer stores each text once.")
    bytes: int = strawberry.field(description="Size of the UTF-8 text.")
    kb: int = strawberry.field(description="What a retrieval charges for it: bytes / 1,024 rounded up.")
    source: str
    tags: list[str]
    indexed: bool = strawberry.field(description="The vector store holds it (for a live chunk: it can be found).")
    created_at: datetime
    withdrawn_at: datetime | None = strawberry.field(description="Set once withdrawn: never served again.")
    row: strawberry.Private[m.ContextChunk]

    @classmethod
    def of(cls, row: m.ContextChunk) -> "ContextChunk":
        return cls(id=to_global_id("ContextChunk", row.id), sha256=row.sha256, bytes=row.bytes,
                   kb=kilobytes(row.bytes), source=row.source, tags=list(row.tags), indexed=row.indexed,
                   created_at=row.created_at, withdrawn_at=row.withdrawn_at, row=row)

    @strawberry.field(description="The contributor who shares it.")
    async def peer(self, info: Info) -> ContributorRef:
        return await _contributor(info, self.row.peer_id)

    @strawberry.field(description="The text: for its peer and ADMIN; null for everyone else.")
    async def text(self, info: Info) -> str | None:
        principal = info.context.principal
        if principal is None:
            return None
        if principal.role is Role.ADMIN:
            return self.row.text
        peer = await loaders.by_id(info, ContributorRow).load(self.row.peer_id)
        return self.row.text if peer is not None and peer.principal_id == principal.id else None


@strawberry.type(description="A chunk as a retrieval served it, in rank order.")
class ServedChunk:
    rank: int = strawberry.field(description="1 = best: by score, then by the peer's reputation on a tie.")
    score: float = strawberry.field(description="Cosine similarity of the query and the chunk.")
    bytes: int
    kb: int
    tokens: BigInt = strawberry.field(description="What the requester paid for it: kb x tokensPerKb; 0 for their own.")
    text: str
    source: str
    tags: list[str]
    sha256: str
    peer: str = strawberry.field(description="The handle of the peer who shares it.")
    chunk_pk: strawberry.Private[int]

    @classmethod
    def of(cls, row: market.ServedRow) -> "ServedChunk":
        return cls(rank=row.rank, score=row.score, bytes=row.bytes, kb=row.kb, tokens=row.tokens, text=row.text,
                   source=row.source, tags=row.tags, sha256=row.sha256, peer=row.peer_handle, chunk_pk=row.chunk_id)

    @strawberry.field
    def chunk_id(self) -> strawberry.ID:
        return to_global_id("ContextChunk", self.chunk_pk)


@strawberry.type(description="What one serving peer was paid by a retrieval, through `system:market`.")
class ContextPayment:
    peer: str = strawberry.field(description="The peer's handle.")
    kb: int
    tokens: BigInt
    paid: bool = strawberry.field(
        description="False when the reward was refused (the peer's account frozen, or the "
        "daily earning cap reached): the market kept the tokens and a reward refusal was recorded."
    )
    transfer_pk: strawberry.Private[int | None]

    @strawberry.field(description="The CONTEXT_REWARD transfer from `system:market` to the peer.")
    def transfer_id(self) -> strawberry.ID | None:
        return to_global_id("Transfer", self.transfer_pk) if self.transfer_pk else None


@strawberry.type(description="One retrieval: what was asked, the chunks served, what it cost, whom it paid and "
                 "the bytes it saved. Visible to its requester, REVIEWER and ADMIN.")
class ContextRetrieval(Node):
    query: str
    budget_bytes: int
    min_score: float
    tags: list[str]
    candidates: int = strawberry.field(description="Live chunks among the search's top hits (`CONTEXT_CANDIDATES`) "
                                       "with a score >= minScore: what sending everything would have sent.")
    candidate_bytes: int
    bytes_served: int
    bytes_saved: int = strawberry.field(description="candidateBytes - bytesServed.")
    saving_percent: Decimal | None = strawberry.field(
        description="bytesSaved / candidateBytes x 100; null without candidates."
    )
    tokens_charged: BigInt = strawberry.field(
        description="What the requester paid (CONTEXT_PURCHASE to system:market)."
    )
    tokens_paid: BigInt = strawberry.field(description="What the market paid on to peers (CONTEXT_REWARD transfers).")
    policy_version: int
    duration_ms: float = strawberry.field(
        description="The server's own measurement: embedding, search, selection and payment."
    )
    useful: bool | None = strawberry.field(description="The requester's rating; null until rated.")
    rated_at: datetime | None
    created_at: datetime
    row: strawberry.Private[m.ContextRetrieval]
    served: strawberry.Private[list[market.ServedRow] | None]

    @classmethod
    def of(cls, row: m.ContextRetrieval, served: list[market.ServedRow] | None = None) -> "ContextRetrieval":
        return cls(id=to_global_id("ContextRetrieval", row.id), query=row.query, budget_bytes=row.budget_bytes,
                   min_score=row.min_score, tags=list(row.tags), candidates=row.candidates,
                   candidate_bytes=row.candidate_bytes, bytes_served=row.served_bytes,
                   bytes_saved=row.candidate_bytes - row.served_bytes,
                   saving_percent=saving_percent(row.served_bytes, row.candidate_bytes),
                   tokens_charged=row.tokens_charged, tokens_paid=row.tokens_paid, policy_version=row.policy_version,
                   duration_ms=round(row.duration_ms, 3), useful=row.useful, rated_at=row.rated_at,
                   created_at=row.created_at, row=row, served=served)

    async def _served(self) -> list[market.ServedRow]:
        if self.served is None:
            self.served = await market.served_of(self.row.id)
        return self.served

    @strawberry.field(description="The chunks served, best first, with their text.")
    async def chunks(self) -> list[ServedChunk]:
        return [ServedChunk.of(row) for row in await self._served()]

    @strawberry.field(description="Per serving peer other than the requester: KB served and tokens paid.")
    async def payments(self) -> list[ContextPayment]:
        return [ContextPayment(peer=p.peer_handle, kb=p.kb, tokens=p.tokens, paid=p.reward_id is not None,
                               transfer_pk=p.reward_id) for p in market.payments_of(await self._served())]

    @strawberry.field(description="The CONTEXT_PURCHASE transfer; null when nothing was charged.")
    async def purchase(self, info: Info) -> TransferRef | None:
        from resolvers.economy.ledger import Transfer

        row = await loaders.transfer(info, self.row.purchase_id) if self.row.purchase_id else None
        return Transfer.of(row) if row else None

    @strawberry.field
    async def requester(self, info: Info) -> ContributorRef:
        return await _contributor(info, self.row.requester_id)


async def _load_chunk(pk: int, info: Info) -> ContextChunk | None:
    row = await market.chunk_by_id(pk)
    return ContextChunk.of(row) if row else None


async def _load_retrieval(pk: int, info: Info) -> ContextRetrieval | None:
    row = await market.retrieval_by_id(pk)
    if row is None or not await market.may_see_retrieval(info.context.principal, row):
        return None
    return ContextRetrieval.of(row)


register_node("ContextChunk", _load_chunk)
register_node("ContextRetrieval", _load_retrieval)


@strawberry.input
class ContextChunkInput:
    text: str = strawberry.field(description="1 byte to 64 KiB of UTF-8.")
    source: str = strawberry.field(description="Where it comes from (a path, a URL): 1-500 characters.")
    tags: list[str] = strawberry.field(default_factory=list, description="Lower-case tags, at most 20.")


@strawberry.input
class ContextAnnounceInput:
    chunks: list[ContextChunkInput] = strawberry.field(description="1-100 chunks.")


@strawberry.type
class ContextAnnouncePayload:
    chunks: list[ContextChunk] | None = strawberry.field(
        description="In input order, once per distinct text; a text "
        "you had announced before is the stored chunk (live again if it was withdrawn)."
    )
    created: int = strawberry.field(description="How many chunks are new.")
    user_errors: list[ContextMarketUserError]


@strawberry.input
class ContextWithdrawInput:
    chunks: list[strawberry.ID] = strawberry.field(description="1-100 ids of your chunks (ADMIN: anyone's).")


@strawberry.type
class ContextWithdrawPayload:
    chunks: list[ContextChunk] | None
    user_errors: list[ContextMarketUserError]


@strawberry.input
class ContextRetrieveInput:
    query: str = strawberry.field(description="What you need context for: up to 8,192 characters.")
    budget_bytes: int = strawberry.field(
        description="At most this many bytes of chunks: 1,024 (1 KiB) to 1,048,576 (1 MiB)."
    )
    min_score: float = strawberry.field(default=0.0, description="Only chunks at least this similar (cosine, -1 to 1).")
    tags: list[str] = strawberry.field(
        default_factory=list, description="Only chunks carrying every one of these tags."
    )
    ranking: SearchRanking = strawberry.field(default=Ranking.HYBRID, description=(
        "HYBRID (default): meaning plus exact identifiers; DENSE or SPARSE alone."))
    idempotency_key: str | None = strawberry.field(default=None, description=(
        "Yours, unique per retrieval (1-200 printable characters): a retry with it returns the first answer and "
        "pays nothing more; the same key with another query, budget, minScore or tags is IDEMPOTENCY_CONFLICT."))


@strawberry.type
class ContextRetrievePayload:
    retrieval: ContextRetrieval | None
    replayed: bool = strawberry.field(description="True when this answers an earlier request with the same "
                                      "idempotencyKey (nothing was charged this time).")
    user_errors: list[ContextMarketUserError]


@strawberry.input
class ContextRateInput:
    retrieval: strawberry.ID
    useful: bool


@strawberry.type
class ContextRatePayload:
    retrieval: ContextRetrieval | None
    user_errors: list[ContextMarketUserError]


@strawberry.type(description="The context market: what is on offer now, and the retrievals of a window (from, to].")
class MarketStats:
    from_: datetime = strawberry.field(name="from")
    to: datetime
    peers: int = strawberry.field(description="Contributors with at least one live chunk, now.")
    chunks: int = strawberry.field(description="Live chunks, now.")
    bytes_stored: int = strawberry.field(description="Bytes of the live chunks, now.")
    retrievals: int
    requesters: int
    serving_peers: int = strawberry.field(description="Peers paid for at least one chunk in the window.")
    bytes_served: int
    candidate_bytes: int = strawberry.field(description="What sending every candidate chunk would have sent.")
    tokens_charged: BigInt
    tokens_paid: BigInt
    average_saving_percent: Decimal | None = strawberry.field(description="Mean of the retrievals' savingPercent.")
    latency_p50_ms: float | None = strawberry.field(
        description="Median of the retrievals' durationMs (percentile_cont)."
    )
    latency_p99_ms: float | None



@strawberry.type(description="What one peer served in a window.")
class PeerServed:
    peer_pk: strawberry.Private[int]
    bytes_served: int
    chunks_served: int
    retrievals: int = strawberry.field(description="Retrievals that took at least one of its chunks.")
    tokens_earned: BigInt = strawberry.field(description="Tokens paid to it for those chunks.")

    @strawberry.field
    async def peer(self, info: Info) -> ContributorRef:
        return await _contributor(info, self.peer_pk)


@strawberry.type
class ContextMarketQuery:
    @strawberry.field(description="Chunks on offer, newest first; public (the text only for its peer and ADMIN).")
    async def context_chunks(
        self, info: Info, peer: str | None = None, tags: list[str] | None = None, include_withdrawn: bool = False,
        first: int | None = None, after: str | None = None,
    ) -> Connection[ContextChunk]:
        peer_id = (await contributor_service.require(peer, "peer")).id if peer is not None else None
        query = market.chunks_query(peer_id, tags or [], include_withdrawn)
        return await paginate(query, first=first, after=after, order=["-id"], to_node=ContextChunk.of,
                              max_page_size=info.context.max_page_size)

    @strawberry.field(permission_classes=[IsAuthenticated], description="Your retrievals, newest first.")
    async def context_retrievals(self, info: Info, first: int | None = None,
                                 after: str | None = None) -> Connection[ContextRetrieval]:
        me = await contributor_service.of_principal_id(info.context.principal.id)
        if me is None:
            raise GraphQLError("this API key acts for no contributor", extensions={"code": "NO_ACCOUNT"})
        return await paginate(market.retrievals_query(me.id), first=first, after=after, order=["-id"],
                              to_node=ContextRetrieval.of, max_page_size=info.context.max_page_size)

    @strawberry.field(description="Peers, chunks, bytes served, tokens paid, the average saving and the server's "
                      "p50/p99 retrieval latency between `from` and `to` (default now). Public.")
    async def market_stats(self, from_: Annotated[datetime, strawberry.argument(name="from")],
                           to: datetime | None = None) -> MarketStats:
        s = await market.stats(from_, to)
        return MarketStats(from_=s.start, to=s.end, peers=s.peers, chunks=s.chunks, bytes_stored=s.bytes_stored,
                           retrievals=s.retrievals, requesters=s.requesters, serving_peers=s.serving_peers,
                           bytes_served=s.bytes_served, candidate_bytes=s.candidate_bytes,
                           tokens_charged=s.tokens_charged, tokens_paid=s.tokens_paid,
                           average_saving_percent=s.average_saving_percent, latency_p50_ms=s.latency_p50_ms,
                           latency_p99_ms=s.latency_p99_ms)

    @strawberry.field(description="The peers that served the most bytes between `from` and `to` (default now), "
                      "most first, with the chunks, retrievals and tokens it earned them. Public.")
    async def market_top_peers(self, from_: Annotated[datetime, strawberry.argument(name="from")],
                               to: datetime | None = None, first: int = 10) -> list[PeerServed]:
        rows = await market_peers.top_peers(from_, to, first)
        return [PeerServed(peer_pk=r.peer.id, bytes_served=r.bytes_served, chunks_served=r.chunks_served,
                           retrievals=r.retrievals, tokens_earned=r.tokens_earned) for r in rows]


@strawberry.type
class ContextMarketMutation:
    @strawberry.mutation(permission_classes=[IsAuthenticated], description=(
        "Share chunks of context as the contributor of your API key. Each text is stored once per peer "
        "(by SHA-256) and indexed for search."))
    async def context_announce(self, info: Info, input: ContextAnnounceInput) -> ContextAnnouncePayload:
        announced, errors = await attempt(market.announce(info.context.principal, [
            market.ChunkInput(text=c.text, source=c.source, tags=list(c.tags)) for c in input.chunks]))
        if announced is None:
            return ContextAnnouncePayload(chunks=None, created=0, user_errors=errors)
        return ContextAnnouncePayload(chunks=[ContextChunk.of(c) for c in announced.chunks],
                                      created=announced.created, user_errors=[])

    @strawberry.mutation(
        permission_classes=[IsAuthenticated],
        description="Take your chunks out of retrieval, at once and for good (announce again to restore).",
    )
    async def context_withdraw(self, info: Info, input: ContextWithdrawInput) -> ContextWithdrawPayload:
        async def run() -> list[m.ContextChunk]:
            ids = [global_pk(gid, "ContextChunk", f"chunks[{i}]") for i, gid in enumerate(input.chunks)]
            return await market.withdraw(info.context.principal, ids)

        rows, errors = await attempt(run())
        return ContextWithdrawPayload(chunks=[ContextChunk.of(r) for r in rows] if rows is not None else None,
                                      user_errors=errors)

    @strawberry.mutation(permission_classes=[IsAuthenticated], description=(
        "Find the chunks nearest to `query` (in meaning and in exact words, fused: see `ranking`) and take them in "
        "ranking order until `budgetBytes` is spent; in one "
        "transaction pay tokensPerKb per KB (1,024 bytes, rounded up per chunk) to each serving peer, through "
        "system:market. Your own chunks are free. Cannot pay: a userError, no chunk and no transfer."))
    async def context_retrieve(self, info: Info, input: ContextRetrieveInput) -> ContextRetrievePayload:
        found, errors = await attempt(market.retrieve(info.context.principal, input.query, input.budget_bytes,
                                                      min_score=input.min_score, tags=list(input.tags),
                                                      ranking=input.ranking, idempotency_key=input.idempotency_key))
        if found is None:
            return ContextRetrievePayload(retrieval=None, replayed=False, user_errors=errors)
        return ContextRetrievePayload(retrieval=ContextRetrieval.of(found.retrieval, found.served),
                                      replayed=found.replayed, user_errors=[])

    @strawberry.mutation(permission_classes=[IsAuthenticated], description=(
        "Rate one of your retrievals once: each other serving peer's reputation moves by the policy's "
        "reputationPerVerification, up if useful, down if not. Ranking prefers better-reputed peers on a tie."))
    async def context_rate(self, info: Info, input: ContextRateInput) -> ContextRatePayload:
        async def run() -> m.ContextRetrieval:
            pk = global_pk(input.retrieval, "ContextRetrieval", "retrieval")
            return await market.rate(info.context.principal, pk, input.useful)

        row, errors = await attempt(run())
        return ContextRatePayload(retrieval=ContextRetrieval.of(row) if row else None, user_errors=errors)
