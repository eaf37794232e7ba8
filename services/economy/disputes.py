"""Disputes: a party of a transfer objects; a reviewer who is no party upholds the transfer or
reverses it. REVERSE posts the reversing transfer (naming the original) and lowers the reputation
of the contributor who had received the tokens."""

from __future__ import annotations

from enum import Enum

from tortoise.transactions import in_transaction

from models.auth import Principal
from models.contributors import Contributor
from models.economy.disputes import Dispute, DisputeState
from models.economy.ledger import Account, Transfer, TransferKind
from services import clock
from services.economy import ledger
from services.economy.policy import current_policy
from services.economy.rewards import adjust_reputation
from services.errors import DomainError, NotFound
from subscriptions.outbox import record_event


class Resolution(str, Enum):
    UPHOLD = "UPHOLD"
    REVERSE = "REVERSE"


def _check_text(value: str, field_name: str, low: int = 3) -> str:
    value = value.strip()
    if not low <= len(value) <= 1000:
        raise DomainError(field_name, f"must be {low}-1000 characters")
    return value


async def _parties(conn, transfer: Transfer) -> dict[int, int]:
    """contributor id -> account id of the transfer's user accounts."""
    accounts = await Account.filter(id__in=[transfer.debit_account_id, transfer.credit_account_id],
                                    contributor_id__not_isnull=True).using_db(conn)
    return {a.contributor_id: a.id for a in accounts}


async def open_dispute(principal: Principal, transfer_id: int, reason: str) -> Dispute:
    reason = _check_text(reason, "reason")
    async with in_transaction() as conn:
        transfer = await Transfer.get_or_none(id=transfer_id).using_db(conn)
        contributor = await Contributor.get_or_none(principal_id=principal.id).using_db(conn)
        parties = await _parties(conn, transfer) if transfer else {}
        if transfer is None or contributor is None or contributor.id not in parties:
            raise NotFound("transfer", "no such transfer among yours: only a party of a transfer may dispute it")
        if transfer.kind is TransferKind.REVERSAL:
            raise DomainError("transfer", "a reversal cannot be disputed", "NOT_DISPUTABLE")
        if await Transfer.filter(reverses_id=transfer.id).using_db(conn).exists():
            raise DomainError("transfer", "this transfer has already been reversed", "ALREADY_REVERSED")
        if await Dispute.filter(transfer_id=transfer.id, state=DisputeState.OPEN).using_db(conn).exists():
            raise DomainError("transfer", "this transfer already has an open dispute", "DUPLICATE")
        dispute = await Dispute.create(transfer_id=transfer.id, opened_by=contributor, reason=reason, using_db=conn)
        names = await _account_names(conn, transfer)
        await record_event("ledger.dispute.opened.v1", {"disputeId": dispute.id, "transferId": transfer.id,
                                                        "openedBy": contributor.handle, "reason": reason,
                                                        "accounts": names}, conn)
    return dispute


async def _account_names(conn, transfer: Transfer) -> list[str]:
    rows = await Account.filter(id__in=[transfer.debit_account_id, transfer.credit_account_id]).using_db(conn)
    by_id = {a.id: a.name for a in rows}
    return [by_id[transfer.debit_account_id], by_id[transfer.credit_account_id]]


async def resolve_dispute(
    principal: Principal, dispute_id: int, resolution: Resolution, *, note: str
) -> tuple[Dispute, Transfer | None]:
    note = _check_text(note, "note")
    async with in_transaction() as conn:
        dispute = await Dispute.filter(id=dispute_id).using_db(conn).select_for_update().first()
        if dispute is None:
            raise NotFound("dispute", "no such dispute")
        if dispute.state is not DisputeState.OPEN:
            raise DomainError("dispute", f"this dispute is already {dispute.state.value}", "ALREADY_RESOLVED")
        transfer = await Transfer.get(id=dispute.transfer_id).using_db(conn)
        reviewer = await Contributor.get_or_none(principal_id=principal.id).using_db(conn)
        parties = await _parties(conn, transfer)
        if reviewer is not None and reviewer.id in parties:
            raise DomainError("dispute", "a party of the transfer cannot resolve its dispute", "PARTY")
        reversal = None
        if resolution is Resolution.REVERSE:
            posted = await ledger.post_once_in(conn, ledger.Posting(
                kind=TransferKind.REVERSAL, debit=transfer.credit_account_id, credit=transfer.debit_account_id,
                amount=transfer.amount, idempotency_key=f"reversal:{transfer.id}", reverses_id=transfer.id,
                reverses_kind=transfer.kind, memo=f"reversal of transfer {transfer.id} (dispute {dispute.id})",
                created_by=principal.id, extra_event={"disputeId": dispute.id}, funds_field="dispute"))
            reversal = posted.transfer
            recipient = next((c for c, a in parties.items() if a == transfer.credit_account_id), None)
            if recipient is not None:
                policy = await current_policy(conn)
                await adjust_reputation(conn, recipient, -policy.reputation_dispute_penalty, policy=policy)
        dispute.state = DisputeState.REVERSED if reversal else DisputeState.UPHELD
        dispute.resolved_by_id = principal.id
        dispute.note = note
        dispute.reversal_id = reversal.id if reversal else None
        dispute.resolved_at = clock.now()
        await dispute.save(
            using_db=conn, update_fields=["state", "resolved_by_id", "note", "reversal_id", "resolved_at"]
        )
        await record_event("ledger.dispute.resolved.v1", {
            "disputeId": dispute.id, "transferId": transfer.id, "resolution": resolution, "state": dispute.state,
            "reversalId": dispute.reversal_id, "by": principal.id, "note": note,
            "accounts": await _account_names(conn, transfer)}, conn)
    return dispute, reversal


async def dispute_by_id(dispute_id: int) -> Dispute | None:
    return await Dispute.get_or_none(id=dispute_id)


def disputes_query(state: DisputeState | None):
    query = Dispute.all()
    if state is not None:
        query = query.filter(state=state)
    return query
