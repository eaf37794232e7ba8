from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "ledger_accounts"
            ADD CONSTRAINT "ledger_accounts_balance_non_negative" CHECK ("kind" = 'SYSTEM' OR "balance" >= 0),
            ADD CONSTRAINT "ledger_accounts_reserved_covered" CHECK (
                "reserved" >= 0 AND ("kind" = 'USER' OR "reserved" = 0) AND ("kind" = 'SYSTEM' OR "reserved" <= "balance")),
            ADD CONSTRAINT "ledger_accounts_counters_non_negative" CHECK ("earned" >= 0 AND "spent" >= 0 AND "earned_today" >= 0),
            ADD CONSTRAINT "ledger_accounts_user_has_contributor" CHECK (("kind" = 'USER') = ("contributor_id" IS NOT NULL));
        ALTER TABLE "ledger_transfers"
            ADD CONSTRAINT "ledger_transfers_amount_positive" CHECK ("amount" > 0),
            ADD CONSTRAINT "ledger_transfers_two_accounts" CHECK ("debit_account_id" <> "credit_account_id"),
            ADD CONSTRAINT "ledger_transfers_reversal_names_original" CHECK (("kind" = 'REVERSAL') = ("reverses_id" IS NOT NULL)),
            ADD CONSTRAINT "ledger_transfers_reverses_fk" FOREIGN KEY ("reverses_id") REFERENCES "ledger_transfers" ("id") ON DELETE RESTRICT;
        ALTER TABLE "ledger_reservations"
            ADD CONSTRAINT "ledger_reservations_amount_positive" CHECK ("amount" > 0),
            ADD CONSTRAINT "ledger_reservations_charged_within" CHECK ("charged" >= 0 AND "charged" <= "amount");
        ALTER TABLE "reward_policies"
            ADD CONSTRAINT "reward_policies_non_negative" CHECK (
                "stf_base_min_tokens" >= 0 AND "stf_base_max_tokens" >= "stf_base_min_tokens"
                AND "tokens_per_kb" >= 0 AND "tokens_per_verification" >= 0 AND "tokens_per_usd" > 0
                AND "starter_grant" >= 0 AND "daily_earning_cap" >= 0 AND "reputation_half_life_days" > 0
                AND "verifications_to_verify" >= 1),
            ADD CONSTRAINT "reward_policies_expiry" CHECK (("expiry_mode" = 'NONE') = ("expiry_months" IS NULL));

        CREATE INDEX "ledger_entries_account_history" ON "ledger_entries" ("account_id", "id");
        CREATE INDEX "ledger_transfers_created_at" ON "ledger_transfers" ("created_at");
        CREATE INDEX "ledger_transfers_reservation" ON "ledger_transfers" ("reservation_id") WHERE "reservation_id" IS NOT NULL;
        CREATE INDEX "ledger_transfers_debit" ON "ledger_transfers" ("debit_account_id");
        CREATE INDEX "ledger_transfers_credit" ON "ledger_transfers" ("credit_account_id");
        CREATE INDEX "ledger_reservations_due" ON "ledger_reservations" ("expires_at") WHERE "state" = 'PENDING';
        CREATE INDEX "ledger_reservations_account" ON "ledger_reservations" ("account_id");
        CREATE UNIQUE INDEX "ledger_disputes_one_open" ON "ledger_disputes" ("transfer_id") WHERE "state" = 'OPEN';
        CREATE INDEX "ledger_disputes_state" ON "ledger_disputes" ("state", "id");
        CREATE INDEX "reward_refusals_contributor" ON "reward_refusals" ("contributor_id", "id");

        CREATE FUNCTION omniclaude_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% is append-only: post a reversing transfer instead', TG_TABLE_NAME
                USING ERRCODE = 'restrict_violation';
        END $$;
        CREATE TRIGGER "ledger_transfers_append_only" BEFORE UPDATE OR DELETE ON "ledger_transfers"
            FOR EACH ROW EXECUTE FUNCTION omniclaude_ledger_append_only();
        CREATE TRIGGER "ledger_transfers_no_truncate" BEFORE TRUNCATE ON "ledger_transfers"
            FOR EACH STATEMENT EXECUTE FUNCTION omniclaude_ledger_append_only();
        CREATE TRIGGER "ledger_entries_append_only" BEFORE UPDATE OR DELETE ON "ledger_entries"
            FOR EACH ROW EXECUTE FUNCTION omniclaude_ledger_append_only();
        CREATE TRIGGER "ledger_entries_no_truncate" BEFORE TRUNCATE ON "ledger_entries"
            FOR EACH STATEMENT EXECUTE FUNCTION omniclaude_ledger_append_only();

        INSERT INTO "ledger_accounts" ("name", "kind", "balance", "reserved", "earned", "spent", "earned_today",
                                       "frozen", "frozen_reason", "created_at")
        VALUES ('system:mint', 'SYSTEM', 0, 0, 0, 0, 0, false, '', now()),
               ('system:compute', 'SYSTEM', 0, 0, 0, 0, 0, false, '', now()),
               ('system:market', 'SYSTEM', 0, 0, 0, 0, 0, false, '', now())
        ON CONFLICT ("name") DO NOTHING;
        -- contributors registered before the ledger existed get their account (empty: no starter grant)
        INSERT INTO "ledger_accounts" ("name", "kind", "contributor_id", "balance", "reserved", "earned", "spent",
                                       "earned_today", "frozen", "frozen_reason", "created_at")
        SELECT c."handle", 'USER', c."id", 0, 0, 0, 0, 0, false, '', now() FROM "contributors" c
        ON CONFLICT DO NOTHING;
        """


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DELETE FROM "ledger_accounts" WHERE "kind" = 'SYSTEM'
            AND NOT EXISTS (SELECT 1 FROM "ledger_entries" e WHERE e."account_id" = "ledger_accounts"."id");
        DROP TRIGGER IF EXISTS "ledger_entries_no_truncate" ON "ledger_entries";
        DROP TRIGGER IF EXISTS "ledger_entries_append_only" ON "ledger_entries";
        DROP TRIGGER IF EXISTS "ledger_transfers_no_truncate" ON "ledger_transfers";
        DROP TRIGGER IF EXISTS "ledger_transfers_append_only" ON "ledger_transfers";
        DROP FUNCTION IF EXISTS omniclaude_ledger_append_only();
        DROP INDEX IF EXISTS "reward_refusals_contributor";
        DROP INDEX IF EXISTS "ledger_disputes_state";
        DROP INDEX IF EXISTS "ledger_disputes_one_open";
        DROP INDEX IF EXISTS "ledger_reservations_account";
        DROP INDEX IF EXISTS "ledger_reservations_due";
        DROP INDEX IF EXISTS "ledger_transfers_credit";
        DROP INDEX IF EXISTS "ledger_transfers_debit";
        DROP INDEX IF EXISTS "ledger_transfers_reservation";
        DROP INDEX IF EXISTS "ledger_transfers_created_at";
        DROP INDEX IF EXISTS "ledger_entries_account_history";
        ALTER TABLE "reward_policies" DROP CONSTRAINT IF EXISTS "reward_policies_expiry",
            DROP CONSTRAINT IF EXISTS "reward_policies_non_negative";
        ALTER TABLE "ledger_reservations" DROP CONSTRAINT IF EXISTS "ledger_reservations_charged_within",
            DROP CONSTRAINT IF EXISTS "ledger_reservations_amount_positive";
        ALTER TABLE "ledger_transfers" DROP CONSTRAINT IF EXISTS "ledger_transfers_reverses_fk",
            DROP CONSTRAINT IF EXISTS "ledger_transfers_reversal_names_original",
            DROP CONSTRAINT IF EXISTS "ledger_transfers_two_accounts",
            DROP CONSTRAINT IF EXISTS "ledger_transfers_amount_positive";
        ALTER TABLE "ledger_accounts" DROP CONSTRAINT IF EXISTS "ledger_accounts_user_has_contributor",
            DROP CONSTRAINT IF EXISTS "ledger_accounts_counters_non_negative",
            DROP CONSTRAINT IF EXISTS "ledger_accounts_reserved_covered",
            DROP CONSTRAINT IF EXISTS "ledger_accounts_balance_non_negative";
        """


MODELS_STATE = (
    "eJztXWtz2kgW/StdfFmninHZ+JEs2doqYssJOzZ2YZxMZtmSG9SA1qJbIwkTZjb/ffu2JP"
    "QGSbwE1lRNDFLflji31ep77qP/qoyZQjTzuNHvswm1KnX0V4XiMeEfwqeqqIJ13TsBByzc"
    "00RbjShDYsjYbivO4Z5pGbgPfQ6wZhJ+SCFm31B1S2UUhBrIFkOOWB1hZM5Mi4zdI+jo2T"
    "5QH6vUeq4i92ufjfWJRXxHxth4IdbzO8QMuLrC+vzyKh1u8kJdao0IYpTMu2ED3nWfUX7p"
    "3sRixjHq8BY9rGHaJ0hTX4mJRsTgYPRHmA6JwqW1GerNkM5Mi9+uedylXXr1Rbr6FfoBCP"
    "kNmehorA4NDMihs9N3dTQxvZ9jIkpe+dchQz2isSk6qSLKDOfLdIQtpJrIIFzklSjHAM+E"
    "qn9MiGyxIeE/weAg/fs//LBKFfKDmO5X/UUeqERTAsNCVaADcVy2Zro49kkdNql1I9oC+D"
    "25z7TJmHrt9Zk1YnQuoNoDakgo4b+KwBUsYwJjhE40zRlV7rCxb9ZrYt+lT0YhAzzRYKSB"
    "tH0D3rGKLLfuO/Kj1JHlSmQUuhK+8eIc8sEvABjCLfzy91rt7Ox97eTs8sPF+fv3Fx9OPl"
    "Rh/PNz0VPvf9o346FldyUwa35utjpwQ4w/JvZjBAd+ChlsYVtKKMNDX/yN4H81wkY8+m77"
    "EP78h4Xxd9EurgLG+IesETq0Rvzr+ckCbL822ldfGu2j85N3QYBbzpmaOAVQe9C+8J8VD6"
    "1EJ2MBb5PfEDzJEZhd2fXA7B7wcPZm0PxAVx6/P3akuzqy/3bp06PUriP4NzxjplHAhxT4"
    "f0iE/0MYfWeOzDa3+ISWTzDrQv7kACYYD3f3tZANeL9UiXw+5Ak2aFbcPZkS9XyomzqxoU"
    "oP+lykxHyVkc5Xmwqe5RnvnmSpgZU0EIv/NUduIfrx2PMlKrHUMTmGDym04CwVN7zISa2H"
    "BZBeNzpSCL+Bwf4kNGbsMqYRTOPh84RC0PW41KbG7fzIdjH7dH9/Cz2PTfMPzR6XoUHZer"
    "r7JLWPTsWSkDdSrYSxasMmGwSbLAbyZFsnIri91XilsqnpIrDmvjhJY/XwVonrbnEuiLeG"
    "TUvGfUt9Va2ZjGNejtfOox4Pe5z8orkCPhzUfNFp3kmPncbdQ+ABgFkEztTE0Vno6NFlSE"
    "XzTtC3ZucLgq/o9/uWJNBkpjU0xBW9dp3fK3BPeGIxmbKpjBU/Ju5h91BA433+iHDcc+g6"
    "KLkGLW/J9k3/vPEfqNxTbeaMwD1Ru/OwLNa6R0vKWUm8qGyulVj4mX4jhB5wqYMXH58HB3"
    "q4/zLFhiIHzviWbIA4MWP05Aje/NommqCEY/ThkPcS72S2h4/hT3cAuke9x9E/oCfUIoZc"
    "IrUMKZuuEQisCFPb6+lQweLvOEW1VsSpY2BqDkiB6N/1gqSQXolRDEYws7Mai53RfS/RKH"
    "D3lHQY/yfiZ4jH7irY1z69d5Ow44cNPJ17HGPWHBwG/uOJbTi2+Xqo3bzi79fA2zQIPpwa"
    "18bhI5jiofjdcIdwP66vW1d/JbNKnBfcPlNd5ATHuiq/kFla7zdFjYcm4gJVZPLf6PqCsY"
    "nAq/z4pfFL7eISPMrwdTpiGoHGH9GzbpCB+uMZqQp/86n8p5lItZBKkaY6PuSoB3zDFyv9"
    "yQVeflYX+JO5kuURNkdZeBa/zMH5lS/PUzAsl+eJBAucCvIr9hOUBWBPosj+5JwAn16mAP"
    "g0bCd7AMOpnyWd8ebpDIO8spdcWg9KllRlkalKnf/SvqpjLTNlFZbcnuvwIBYNEc4qRidR"
    "hdzwpaU6pHypnNKOefD3tWfKSGvIhEdiwIy5ajxeNa6lkBUTYQujZs16LB6/HRlj9oTMzG"
    "Tbx2espY7+1YlhMoqYgTBF/Paoxa0PbCGFcSNjyowXbqMIe0TXsDVgxvgYNaCVydsraDTh"
    "P8pEJl9FEd5K5ZYM3EyM7bPBC5V2T4GnsEV2z4hrVssUSetJHJzNc1ZLsSQ/qyUuyeHUG4"
    "ul/fJ012jVkfjTpY3PUqtTR+JPeP7ZQSwt+cFnPEs1Y8b3vx7vWwnBPn6h8KJY7Vvof4Ly"
    "2ZQOKv8YTGhfJDj0JqpmqdQ8huv9s7L9VTKAFFggu1gf3TV+C6vh6vb+U3jlCx18igTa6h"
    "NrzoiH7BXSV8dYSzJX/IJhzdiSx04PG9PO6fGJ+G8H2riWrpp3jduj01r1MhQ85I/zT0I7"
    "l4EYEi6ZgaIYjakCHUo+6A1qfcdMQaFcbAUPbVFUE5IqV3QfX9u97OFTmDJmQ0BokMHExN"
    "rKYRvQsm33dUiILfK3L+CpMnrbs7BUhZoI1kJR8ZtArafb24Wedg927CWMxw9YF/zlw9aX"
    "e76XFHz8eM1Az7lzXAw155v+lubl+yfcVMwcNqzZ30zEev8ltk1mMYT5L7ADdj7yzwZ5Vc"
    "mUGBAsAOnllNlSaKKPGP9pgk9zBYB6MyBH3RThA7Ec3RYuWbJ1BV5JVBewddlzQXaRBLI9"
    "F/pJqjwQaJbsRj+JZoLw16CVwIkup+3mwlvMurl/kFoZGQkhU0fwb5c+PXyRbq/ryP7bpW"
    "3pq9R+lPgR91MB2DzKkpQSP/Td9geX/bSpYV/yBckKOFy+gPfEtNecASQB0TKCpMgRJEwn"
    "kMTcm2XmhcKSZQRJ7vzz+ROTQw1R2bUQdG9SD651lFkJIcHyUVjhUQCjNAdNHRIsWeq1BL"
    "NZviSkFWPZDjCfqRriCUPTQEJCTuzrdw0AZ0t62leMw8uOFCD7XpFrgHkVtntPMI6uKdIw"
    "3kuiMqNz/MqOhwxTSqGm9vR6CLzTNp7gZ2d5x7Dp8/TvpVy6L9t8OZXONY1MVSF2Ydg5N4"
    "2BkjbnVWNNIjjquiCwTf6sEgXhsTgFAaiWr4QsHljEiPLnG7pOl35RIV1whnSOJ+/IIAgY"
    "ATQw2Fi0F8MLwmePnItwTVaRqrwrCfeiL4qqCwh3e1Rk04AnU1oHua0D5/mTxfOXDf+IaK"
    "mG3Go4+PjlTrvReryB+r/upy597DTaHaktf+ZHOnUU+Apnb+S29K3RvoZT7ucu/Sq1mzfN"
    "q0aned+aN4g52KVX962O9Ftn3ij4Hc7fPTx1JDghPngSD09A3z9Knox7pEul3x6a7e91ZP"
    "91fTiNW9eH07jN48OppUkDriWnAdciacCll2HZavEg6GZvGZTx7RmQK6fu3FO3UxVKRIbk"
    "qHMWES5VUbLN+6WCBWxnYmxeZpIofWhe0RSRlpsIzsgpWLiSSs4Cb3Yq2T85lyM4VQWtyN"
    "ssDcO2teTz+4nVYz+uJoYZn30eOF9dxM0x0VLue01TUXMGm9pkGNQwRs8m+eNZfDWIhmcI"
    "Mn6hUNbEOka/El1UvcIgA9srWbCHFOHDgY+xKjIZVMUaYRGUOsR6TAmuLVxvzXTb4xhr2l"
    "sh3M5q7y/nb2L4sujd+3jXuL1dzqKJythcadkWP36pcr+DjaQibX5Sk15J/HZ6/tNppjQC"
    "LdOXFBTN0dRQLYtQmEAE1c9vwXYKYDu03in7Z+9BBzOJ3VGPxJcOXLlT2NPOnu1UEw1V3h"
    "1seefNfNMR9GshfdLTVHNEzLrYRE8dTtjErMIVnTOIGQoxqvaFxGQvKnl0qTnp2RczxE53"
    "E35v4KM4Rk/U7VSBqdTkk+YrQZSoMEM6UzBslvc8byZj67n0XhT9aV807+52k7xd25nBmO"
    "laqpDp2oKI6VokYFrHM43hmCGeXF3CJ7L92hK7oS43UkWiZJGTB/7hxqr7301Z9R6WLaPV"
    "i+w+yGwtrGIoFCpk6M0ZCl6YXYyZEIjBSzYS5nnbKS2EbyMmtoq282XxvCo47IhtV8mrej"
    "XyoF4egu0eVKAcpnzFjMgP3r02E3teGyyu2t5GrlCuxAv8OBV3JV6gEnunaVMXF2UuRopc"
    "saQShsujVFzZIts8lcb1XbNVR+KPiOxoSt8gZsX9FKy8Z8eLtJufnjr3bTtUxPkSnqVSaa"
    "ysU16u3XOu3XNVRfJvHxJ6X2Wo9ONtVLJnQyBlUSQnbn/bJaSKafIUc9ev/cRKPJo609T+"
    "ynvJ2dW2HqCvNE/iPuLleu+3twXYvqCUyWRMuTlY9spZq+0PVmRsM1jY/mkrxsYOzWpLM3"
    "/C8+lyc/uKjeH9gnSsKsiasl/0ETZJHT3buRLCHTbiP8WtP+8m6vD/VY0bxpbFL11Fr0wV"
    "gQEGt4511SBK1Oze2JW69LnPDQqOr+hjCnXzIe6gRwhFsFSCHKIhV5JpgQfPZBwL4yOigg"
    "QYM1Eyn9v77n2U5vw+m/N8cIx1ZhHan8FSNYtlHyN6cEZ+LZWRX1tg5NeiRn6ZirWrQHJ7"
    "2suGvE+ojN3Jh/veVaF7kFrXzdbnSjYtuGJ15HzoUt6ycwvV55wPXfr1vnkNB+y/TrITHH"
    "A+5CG21r/ZBF8omDlYraDkAbJae8JipXJMluRl8uN1WORlQOsaM/Mp3S9YhhwU+ckuMxZ3"
    "vdB0JsgctfEiomVpvDJTbuM8XHXVTDlv2K4B3zdQrirymGeuVlUy92tm7jNT0T6XUCwXHX"
    "QZJZPRMZ6qdMluUGkL8jTYwMm8gH6Q6GdWhxwPY4b6jAwG0C8EZ9ntCAeKjWfHqCUo3YkO"
    "qzblowjiUsYq/ZsZIaM3erUudTNMTIQRJdP5pUT8GGwTAaX/j1FnBHkeU2Ja8xaqnaICsW"
    "UqRQNm9FeOL3O6jj5Mie9sn8R6Fk1FIKZrp+fvzz+cXZ7P39HzI4tezeXWDxnJm4tUFPPF"
    "Aor5oiyAX9r29uMwkHvYJDKfVvnU90Jio0QWhZ7Hd7A9S/D05NCYbxdQ/sivppFAB1vVyG"
    "GpBCtM3KlsWkSPmR0Xbdwbkd3R3r0nx6cZfRPr4MHcbXs/VM9T79o7R4yP37xgO6I7wrq2"
    "J0jz3geqAsUk5IHG4mKOFqIdJ76z0X2xN5hDYQf8yi8pT4k6HMUttxajHtfBrnYE3xPUTT"
    "wg1izXKA+L7myE1/ZliNtrDlknhvzSy7Z2iYhub9VSO6gliw/IV2KoA7U/p/JyaSPcyfb0"
    "cnFQevHjaPLVuQ1sDAO+iDlK6mF7SjnbrFJWJJJiH4OJmbX+ZES2NKFWiecyLI7k0MBZ4x"
    "gjoiW3kFcLCla1mUywQWH12McxxuwiTcSKb/FNcGgPhUH0iSUmcnmEtYGsqQMiKzgu+2/h"
    "EnVhPztar56d7HC1enqSYbnqQw/mepdDyK+DcC87sxhO9sViCIG3eMWaRQ1Llq1bVMW+cE"
    "I+AJ30Wg4kxVpctd20mojpqLSilylCBEbPZHD+xzs+l8fBh7rYYjR8y/FWZQmFB5k6gn+7"
    "tH0PpVU/15HzoUsbV53m12bnex25nyrp3uwbD3sHgKk1inlpJy6kInIHFLG3NtutjIgsYE"
    "RkGbS37aC9zQektclgYsZXIAs2qKYISTPsthmKFdvmpCjhi6YYKvfyHoiCjoS5ibiZWYUy"
    "vn8S6iYsv6ujF6JbVSfB2FT5/A7lwhSD6XpcYvTmLlNmMRd4HgOZpJCy5M3d4tHfhw3d8m"
    "Ysr32bszJdeWeMUhkoudHybWNimvxdmgVhn8gBQryRWFQ7QlzOHlYdFTykyWRtptWAL8pY"
    "XPJHcu12n8hKtduLuY6Pg20jpduLWDxl14N78+VTytj2ZPQPN7bdV00txx6gYdlDepHsmE"
    "NaVOUuM4mUrchd0RSSmkeKjMdCbeI3TwSN4ZD8SaJLy+sFElPTpTTCrMEh9pW5G7NXYoqt"
    "n0Smn0J6qoUsZm8YZRCFf3MonmPU0HVClV8YnwHREebYq8Ohfa+RbMZNXKhLbR7KRE8PMG"
    "ciTBV0Ld1KHendR4RRnxkGsbfWEqmO7nbmNo8FSNvZjC5uUH7PALrKJBvZDrAkqLZFUBVx"
    "pXjoZfaSScHlztZ9IAgrnXaj9XgD1fPdT13KV1ntjtSWP/MjnToKfIWzN3Jb+tZoQ0Wy+e"
    "cu5dNQ86Z51eg071vzBjEH7Xr80m+deaPgdzh/9/DUkeCE+OBJPDyBqh4lT8Y94hRB++7U"
    "QPsu9gUQE2N9PkXm8Q+XVOiez6d+pm7MstF0dvstRklUtjJTboShc9cYmQ2rkGC5ZVW+0b"
    "1rhrRgNF5JkB4KQVpSdcmD/ICpujLWqwAvFZuykPPWgowVL1ew+bN1gE7KrY046VIZK0RW"
    "zPf9yLHmDcuWc9SafAmBUb4Gb8Lh1+mMmxfSVetUSqSzxv5G34cpoDaCWxKtiPNBbtsWhj"
    "o6w5YFaAsYy+6bt7e8deO+zCHB9CLw+a6KkcQ7OaitQDP5scOMJdZkNnATEpOBTb/H3uHt"
    "HprR9d8ghtofVWIc/86Z6iK3P/baLHP2J/+yNfu434qDe2PlehNZ6WTvSzIfXSgHal5n9c"
    "VFGr/ixUWyYxHOhTyLekz5jmSEneYHiO5pKgfX6QIH12lMyCijFokzdJI9AD6RlTwARUN7"
    "Gy6AiIm/zTi2n/8HDqxbAA=="
)
