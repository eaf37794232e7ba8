"""Token expiry by the policy in force: NONE, ROLLING n months (tokens that arrived more than n
months ago, oldest spent first) or ACTIVITY n months (everything, after n months without
activity). Expired tokens go back to `mint` as EXPIRY transfers. Reserved tokens never expire.

Each batch locks `mint` first (the lowest account id, so the id order holds), then takes due
accounts with SKIP LOCKED: replicas sweeping at once share the work without waiting or twice.
"""

from __future__ import annotations

import logging
from datetime import datetime

from tortoise.transactions import in_transaction

from models.economy.ledger import TransferKind
from models.economy.rewards import ExpiryMode
from services import clock
from services.economy import ledger
from services.economy.policy import current_policy
from services.economy.rules import activity_expiry, months_before, rolling_expiry

log = logging.getLogger(__name__)

BATCH = 100

CANDIDATES_SQL = (
    'SELECT "id", "balance", "reserved", "last_activity_at" FROM "ledger_accounts" '
    'WHERE "kind" = \'USER\' AND "balance" > "reserved" AND "id" > $1 '
    'AND ($2::timestamptz IS NULL OR "last_activity_at" IS NULL OR "last_activity_at" < $2) '
    'ORDER BY "id" LIMIT $3 FOR UPDATE SKIP LOCKED'
)
LAST_ENTRY_SQL = 'SELECT max("id") AS last_entry FROM "ledger_entries" WHERE "account_id" = $1'


async def sweep_expired_tokens(now: datetime | None = None) -> int:
    """One pass over every account; returns how many EXPIRY transfers were posted."""
    now = now or clock.now()
    policy = await current_policy()
    if policy.expiry_mode is ExpiryMode.NONE or not policy.expiry_months:
        return 0
    cutoff = months_before(now, policy.expiry_months)
    posted, after = 0, 0
    while True:
        async with in_transaction() as conn:
            mint = await ledger.system_account_id(ledger.MINT, conn)
            await ledger.lock_accounts(conn, [mint])
            rows = await conn.execute_query_dict(
                CANDIDATES_SQL, [after, cutoff if policy.expiry_mode is ExpiryMode.ACTIVITY else None, BATCH])
            if not rows:
                break
            after = rows[-1]["id"]
            accounts = await ledger.lock_accounts(conn, [mint, *(row["id"] for row in rows)])
            for row in rows:
                account = accounts[row["id"]]
                if policy.expiry_mode is ExpiryMode.ROLLING:
                    found = await conn.execute_query_dict(
                        'SELECT coalesce(sum("amount"), 0) AS credited FROM "ledger_entries" '
                        'WHERE "account_id" = $1 AND "amount" > 0 AND "created_at" >= $2', [account.id, cutoff])
                    amount = rolling_expiry(account.balance, account.reserved, int(found[0]["credited"]))
                else:
                    amount = activity_expiry(account.balance, account.reserved, row["last_activity_at"], cutoff=cutoff)
                if amount <= 0:
                    continue
                last = (await conn.execute_query_dict(LAST_ENTRY_SQL, [account.id]))[0]["last_entry"]
                await ledger.post(conn, ledger.Posting(
                    kind=TransferKind.EXPIRY, debit=account.id, credit=mint, amount=amount,
                    # unique per state of the account: its last entry changes with this very posting
                    idempotency_key=f"expiry:{account.id}:{last}",
                    memo=f"{policy.expiry_mode.value} expiry after {policy.expiry_months} months",
                    policy_version=policy.version,
                    factors={"mode": policy.expiry_mode.value, "months": str(policy.expiry_months),
                             "cutoff": cutoff.isoformat()}), accounts)
                posted += 1
        if len(rows) < BATCH:
            break
    if posted:
        log.info("expired tokens returned to mint", extra={"transfers": posted, "mode": policy.expiry_mode.value})
    return posted
