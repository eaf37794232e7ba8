"""Rewards: tokens minted to contributors for their work, by the policy in force, within the daily
earning cap, never to a frozen account; reputation that rises with rewarded work, falls with
reversed transfers and decays with the policy's half-life.

`issue()` runs inside the caller's transaction (the STF adoption or verification that earned the
reward); a refused reward is written (`reward_refusals`, an event, a log line) in that same
transaction and reported in the outcome, never silently dropped. `issue_reward()` is the
stand-alone unit of work that turns a refusal into a user error after committing the record.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models.contributors import Contributor
from models.economy.ledger import EARNING_KINDS, Transfer, TransferKind
from models.economy.rewards import RewardPolicy, RewardRefusal
from services import clock
from services.economy import ledger
from services.economy.policy import current_policy
from services.economy.rules import (
    RewardQuote,
    StfRewardInputs,
    adjusted_reputation,
    decayed_reputation,
    flat_quote,
    quote_stf_reward,
)
from services.errors import DomainError
from subscriptions.outbox import record_event, record_events

log = logging.getLogger(__name__)

REPUTATION_GAIN = {TransferKind.STF_REWARD: "reputation_per_adoption",
                   TransferKind.VERIFICATION_REWARD: "reputation_per_verification"}


@dataclass
class RewardOutcome:
    transfer: Transfer | None
    refusal: RewardRefusal | None = None
    replayed: bool = False


def reputation_now(contributor: Contributor, policy: RewardPolicy, now: datetime | None = None) -> Decimal:
    return decayed_reputation(contributor.reputation, contributor.reputation_at, now or clock.now(),
                              half_life_days=policy.reputation_half_life_days)


async def adjust_reputation(
    conn: BaseDBAsyncClient, contributor_id: int, delta: Decimal, *, policy: RewardPolicy
) -> Decimal:
    """Decay the stored reputation to now, add `delta`, store it as of now."""
    contributor = await Contributor.filter(id=contributor_id).using_db(conn).select_for_update().get()
    now = clock.now()
    value = adjusted_reputation(contributor.reputation, contributor.reputation_at, now,
                                half_life_days=policy.reputation_half_life_days, delta=delta)
    await Contributor.filter(id=contributor_id).using_db(conn).update(reputation=value, reputation_at=now)
    return value


async def issue(conn: BaseDBAsyncClient, contributor_id: int, kind: TransferKind, *, quote: RewardQuote,
                idempotency_key: str, memo: str = "") -> RewardOutcome:
    """Mint `quote.amount` to the contributor as a `kind` reward naming the policy version and factors."""
    if kind not in EARNING_KINDS:
        raise ValueError(f"{kind} is not a reward")
    policy = await current_policy(conn)
    mint = await ledger.system_account_id(ledger.MINT, conn)
    account_id = (await ledger.accounts_of_contributors([contributor_id], conn))[contributor_id].id
    accounts = await ledger.lock_accounts(conn, [mint, account_id])
    existing = await ledger.find_by_key(conn, idempotency_key)
    if existing is not None:
        return RewardOutcome(existing, replayed=True)
    return await pay_reward(
        conn,
        policy,
        accounts,
        source_id=mint,
        account_id=account_id,
        contributor_id=contributor_id,
        kind=kind,
        quote=quote,
        idempotency_key=idempotency_key,
        memo=memo,
    )


def _refusal(account: ledger.LockedAccount, amount: int, policy: RewardPolicy) -> tuple[str, str] | None:
    """(reason, message) when the account may not earn `amount` now: frozen, or past the daily cap."""
    today = clock.today()
    earned_today = account.earned_today if account.earned_day == today else 0
    if account.frozen:
        return "FROZEN", f"account {account.name} is frozen"
    if earned_today + amount > policy.daily_earning_cap:
        return "DAILY_CAP", (f"{account.name} earned {earned_today} tokens today; {amount} more would pass the daily "
                             f"cap of {policy.daily_earning_cap} (policy version {policy.version})")
    return None


async def pay_reward(conn: BaseDBAsyncClient, policy: RewardPolicy, accounts: dict[int, ledger.LockedAccount],
                     *, source_id: int, account_id: int, contributor_id: int, kind: TransferKind, quote: RewardQuote,
                     idempotency_key: str, memo: str = "") -> RewardOutcome:
    """On accounts the caller has locked: refuse (frozen, daily cap) or post `source` -> the contributor."""
    if quote.amount <= 0:
        return RewardOutcome(None)
    refused = _refusal(accounts[account_id], quote.amount, policy)
    if refused is not None:
        return RewardOutcome(
            None,
            await _refuse(
                conn, contributor_id, kind, quote=quote, key=idempotency_key, reason=refused[0], message=refused[1]
            ),
        )
    posting = ledger.Posting(kind=kind, debit=source_id, credit=account_id, amount=quote.amount,
                             idempotency_key=idempotency_key, memo=memo, policy_version=quote.policy_version,
                             factors=quote.factors)
    transfer = await ledger.post(conn, posting, accounts)
    await _after_reward(
        conn, policy, accounts[account_id], contributor_id=contributor_id, kind=kind, quote=quote, transfer=transfer
    )
    return RewardOutcome(transfer)


async def _after_reward(conn: BaseDBAsyncClient, policy: RewardPolicy, account: ledger.LockedAccount,
                        *, contributor_id: int, kind: TransferKind, quote: RewardQuote, transfer: Transfer) -> None:
    if kind in REPUTATION_GAIN:
        await adjust_reputation(conn, contributor_id, getattr(policy, REPUTATION_GAIN[kind]), policy=policy)
    await record_event(
        "reward.token.issued.v1", _issued_event(account, contributor_id, kind, quote=quote, transfer=transfer), conn
    )


def _issued_event(account: ledger.LockedAccount, contributor_id: int, kind: TransferKind, *, quote: RewardQuote,
                  transfer: Transfer) -> dict:
    return {"contributorId": contributor_id, "contributor": account.name, "kind": kind, "amount": quote.amount,
            "policyVersion": quote.policy_version, "factors": quote.factors, "transferId": transfer.id}


@dataclass
class Award:
    """One reward of a batch: `quote.amount` to the contributor's account under `idempotency_key`."""

    contributor_id: int
    account_id: int
    quote: RewardQuote
    idempotency_key: str
    memo: str = ""


async def pay_rewards(conn: BaseDBAsyncClient, policy: RewardPolicy, accounts: dict[int, ledger.LockedAccount],
                      *, source_id: int, kind: TransferKind, awards: list[Award],
                      lead: list[ledger.Posting] | None = None) -> tuple[list[Transfer], list[RewardOutcome]]:
    """`pay_reward` for several contributors on locked accounts, posted in one statement after the
    `lead` postings (the purchase that funds them); kinds without a reputation gain only (context rewards).
    Returns the lead's transfers and one outcome per award."""
    if kind in REPUTATION_GAIN:
        raise ValueError(f"{kind} changes reputation: pay it with pay_reward")
    if len({a.account_id for a in awards}) != len(awards):
        raise ValueError("one award per account in a batch (the daily cap is checked per award)")
    postings = list(lead or [])
    outcomes: list[RewardOutcome] = []
    paying: list[tuple[int, Award]] = []
    for award in awards:
        if award.quote.amount <= 0:
            outcomes.append(RewardOutcome(None))
            continue
        refused = _refusal(accounts[award.account_id], award.quote.amount, policy)
        if refused is not None:
            outcomes.append(RewardOutcome(None, await _refuse(
                conn, award.contributor_id, kind, quote=award.quote, key=award.idempotency_key, reason=refused[0],
                message=refused[1])))
            continue
        paying.append((len(outcomes), award))
        outcomes.append(RewardOutcome(None))
        postings.append(ledger.Posting(kind=kind, debit=source_id, credit=award.account_id, amount=award.quote.amount,
                                       idempotency_key=award.idempotency_key, memo=award.memo,
                                       policy_version=award.quote.policy_version, factors=award.quote.factors))
    transfers = await ledger.post_many(conn, postings, accounts)
    lead_count = len(postings) - len(paying)
    for (index, award), transfer in zip(paying, transfers[lead_count:]):
        outcomes[index] = RewardOutcome(transfer)
    await record_events(
        "reward.token.issued.v1",
        [
            _issued_event(
                accounts[award.account_id],
                award.contributor_id,
                kind,
                quote=award.quote,
                transfer=outcomes[index].transfer,
            )
            for index, award in paying
        ],
        conn,
    )
    return transfers[:lead_count], outcomes


async def issue_stf_reward(
    conn: BaseDBAsyncClient,
    author_id: int,
    inputs: StfRewardInputs,
    *,
    idempotency_key: str,
    memo: str = "",
    notes: dict[str, str] | None = None,
) -> RewardOutcome:
    """An adopted STF's reward to its author, by the formula of the policy in force. `notes` (where
    the inputs came from) are kept with the factors; they never override one."""
    quote = quote_stf_reward(await current_policy(conn), inputs)
    if notes:
        quote = replace(quote, factors={**notes, **quote.factors})
    return await issue(
        conn, author_id, TransferKind.STF_REWARD, quote=quote, idempotency_key=idempotency_key, memo=memo
    )


async def issue_verification_reward(conn: BaseDBAsyncClient, verifier_id: int, idempotency_key: str,
                                    *, memo: str = "") -> RewardOutcome:
    """The policy's flat verification reward."""
    policy = await current_policy(conn)
    quote = flat_quote(policy.version, policy.tokens_per_verification, 1, unit_name="verifications")
    return await issue(
        conn, verifier_id, TransferKind.VERIFICATION_REWARD, quote=quote, idempotency_key=idempotency_key, memo=memo
    )


async def _refuse(conn: BaseDBAsyncClient, contributor_id: int, kind: TransferKind, *, quote: RewardQuote, key: str,
                  reason: str, message: str) -> RewardRefusal:
    refusal = await RewardRefusal.create(contributor_id=contributor_id, kind=kind.value, amount=quote.amount,
                                         reason=reason, message=message, policy_version=quote.policy_version,
                                         factors=quote.factors, idempotency_key=key, created_at=clock.now(),
                                         using_db=conn)
    log.warning("reward refused", extra={"contributorId": contributor_id, "kind": kind.value, "amount": quote.amount,
                                         "reason": reason, "detail": message})
    await record_event("reward.token.refused.v1", {
        "contributorId": contributor_id, "refusalId": refusal.id, "kind": kind, "amount": quote.amount,
        "reason": reason, "message": message, "policyVersion": quote.policy_version, "factors": quote.factors}, conn)
    return refusal


async def issue_reward(contributor_id: int, kind: TransferKind, quote: RewardQuote, *, idempotency_key: str,
                       memo: str = "") -> RewardOutcome:
    """`issue` as its own unit of work: a refusal is committed (the record) and then raised."""
    ledger.check_key(idempotency_key)
    try:
        async with in_transaction() as conn:
            outcome = await issue(conn, contributor_id, kind, quote=quote, idempotency_key=idempotency_key, memo=memo)
    except IntegrityError as exc:
        if "ledger_transfers_idempotency_key" not in str(exc):
            raise
        async with in_transaction() as conn:
            outcome = await issue(conn, contributor_id, kind, quote=quote, idempotency_key=idempotency_key, memo=memo)
    if outcome.refusal is not None:
        code = "EARNING_CAP" if outcome.refusal.reason == "DAILY_CAP" else "FROZEN"
        raise DomainError("contributor", outcome.refusal.message, code)
    return outcome


async def grant_starter(conn: BaseDBAsyncClient, contributor: Contributor, account_id: int) -> Transfer | None:
    """The starter grant of the policy in force, once per contributor (its idempotency key)."""
    policy = await current_policy(conn)
    if policy.starter_grant <= 0:
        return None
    mint = await ledger.system_account_id(ledger.MINT, conn)
    posted = await ledger.post_once_in(conn, ledger.Posting(
        kind=TransferKind.STARTER_GRANT, debit=mint, credit=account_id, amount=policy.starter_grant,
        idempotency_key=f"starter-grant:{contributor.id}", memo="starter grant", policy_version=policy.version,
        factors={"starterGrant": str(policy.starter_grant)}))
    return posted.transfer


async def outcomes_by_keys(keys: list[str]) -> dict[str, Transfer | RewardRefusal]:
    """What became of rewards, by their idempotency keys: the transfer, or the refusal."""
    found: dict[str, Transfer | RewardRefusal] = {
        r.idempotency_key: r for r in await RewardRefusal.filter(idempotency_key__in=keys)}
    found.update({t.idempotency_key: t for t in await Transfer.filter(idempotency_key__in=keys)})
    return found


async def refusal_by_id(refusal_id: int) -> RewardRefusal | None:
    return await RewardRefusal.get_or_none(id=refusal_id)


def refusals_query(contributor_id: int | None):
    query = RewardRefusal.all()
    if contributor_id is not None:
        query = query.filter(contributor_id=contributor_id)
    return query
