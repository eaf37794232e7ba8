"""Rules the ORM cannot state for the second half of the debug loop (checked steps, hashes, scores,
counters and reviews), the indexes that serve fix suggestions, replay and the sweeper, and the
materialized view of per-STF usage with the unique index that lets it refresh CONCURRENTLY."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "snapshots"
            ADD CONSTRAINT "snapshots_step" CHECK ("step" >= 0),
            ADD CONSTRAINT "snapshots_phase" CHECK ("phase" IN ('INPUT', 'OUTPUT')),
            ADD CONSTRAINT "snapshots_sha256" CHECK ("sha256" ~ '^[0-9a-f]{64}$'),
            ADD CONSTRAINT "snapshots_size" CHECK ("size_bytes" >= 0 AND "size_bytes" <= 1048576);
        CREATE INDEX "snapshots_recorded_at" ON "snapshots" ("recorded_at");

        ALTER TABLE "error_events" ADD CONSTRAINT "error_events_step" CHECK ("step" >= 0);
        CREATE INDEX "error_events_execution" ON "error_events" ("execution_id", "step");
        CREATE INDEX "error_events_signature" ON "error_events" ("signature_id");

        ALTER TABLE "success_events"
            ADD CONSTRAINT "success_events_step" CHECK ("step" >= 0),
            ADD CONSTRAINT "success_events_quality" CHECK ("quality_score" >= 0 AND "quality_score" <= 1);
        CREATE INDEX "success_events_execution" ON "success_events" ("execution_id", "step");

        ALTER TABLE "stf_applications"
            ADD CONSTRAINT "stf_applications_outcome" CHECK ("outcome" IN ('PENDING', 'SUCCEEDED', 'FAILED')),
            ADD CONSTRAINT "stf_applications_decided" CHECK (("outcome" = 'PENDING') = ("decided_at" IS NULL)),
            ADD CONSTRAINT "stf_applications_success" CHECK ("success_event_id" IS NULL OR "outcome" = 'SUCCEEDED');
        CREATE INDEX "stf_applications_pending" ON "stf_applications" ("execution_id") WHERE "outcome" = 'PENDING';
        CREATE INDEX "stf_applications_execution" ON "stf_applications" ("execution_id");
        CREATE INDEX "stf_applications_stf" ON "stf_applications" ("stf_id");
        CREATE INDEX "stf_applications_signature" ON "stf_applications" ("signature_id");

        ALTER TABLE "fix_stats"
            ADD CONSTRAINT "fix_stats_counts" CHECK ("successes" >= 0 AND "successes" <= "attempts"),
            ADD CONSTRAINT "fix_stats_confidence" CHECK ("confidence" >= 0 AND "confidence" <= 1);
        CREATE INDEX "fix_stats_ranking" ON "fix_stats" ("signature_id", "confidence" DESC, "stf_id");
        CREATE INDEX "fix_stats_stf" ON "fix_stats" ("stf_id");

        ALTER TABLE "golden_states"
            ADD CONSTRAINT "golden_states_status" CHECK ("status" IN ('PENDING', 'APPROVED', 'REJECTED')),
            ADD CONSTRAINT "golden_states_reviewed" CHECK (
                ("status" = 'PENDING') = ("reviewed_at" IS NULL) AND ("reviewed_at" IS NULL) = ("reviewed_by_id" IS NULL)),
            ADD CONSTRAINT "golden_states_not_own" CHECK ("reviewed_by_id" IS DISTINCT FROM "proposed_by_id");
        CREATE INDEX "golden_states_list" ON "golden_states" ("status", "proposed_at", "id");
        CREATE INDEX "golden_states_execution" ON "golden_states" ("execution_id");

        CREATE MATERIALIZED VIEW "stf_usage" AS
        SELECT a."stf_id",
               count(*) AS "applications",
               count(*) FILTER (WHERE a."outcome" = 'SUCCEEDED') AS "successes",
               count(*) FILTER (WHERE a."outcome" = 'FAILED') AS "failures",
               CASE WHEN count(*) FILTER (WHERE a."outcome" <> 'PENDING') > 0
                    THEN (count(*) FILTER (WHERE a."outcome" = 'SUCCEEDED'))::float8
                         / count(*) FILTER (WHERE a."outcome" <> 'PENDING') END AS "success_rate",
               avg(s."quality_score") AS "average_quality",
               max(a."applied_at") AS "last_used_at"
        FROM "stf_applications" a LEFT JOIN "success_events" s ON s."id" = a."success_event_id"
        GROUP BY a."stf_id"
        WITH DATA;
        CREATE UNIQUE INDEX "stf_usage_stf" ON "stf_usage" ("stf_id");

        CREATE TABLE "stf_usage_refreshes" (
            "id" SMALLINT PRIMARY KEY CHECK ("id" = 1),
            "refreshed_at" TIMESTAMPTZ NOT NULL,
            "duration_ms" DOUBLE PRECISION NOT NULL,
            "rows" BIGINT NOT NULL
        );
        INSERT INTO "stf_usage_refreshes" VALUES (1, now(), 0, 0);"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "stf_usage_refreshes";
        DROP MATERIALIZED VIEW IF EXISTS "stf_usage";
        DROP INDEX IF EXISTS "golden_states_execution";
        DROP INDEX IF EXISTS "golden_states_list";
        ALTER TABLE "golden_states" DROP CONSTRAINT IF EXISTS "golden_states_not_own",
            DROP CONSTRAINT IF EXISTS "golden_states_reviewed", DROP CONSTRAINT IF EXISTS "golden_states_status";
        DROP INDEX IF EXISTS "fix_stats_stf";
        DROP INDEX IF EXISTS "fix_stats_ranking";
        ALTER TABLE "fix_stats" DROP CONSTRAINT IF EXISTS "fix_stats_confidence",
            DROP CONSTRAINT IF EXISTS "fix_stats_counts";
        DROP INDEX IF EXISTS "stf_applications_signature";
        DROP INDEX IF EXISTS "stf_applications_stf";
        DROP INDEX IF EXISTS "stf_applications_execution";
        DROP INDEX IF EXISTS "stf_applications_pending";
        ALTER TABLE "stf_applications" DROP CONSTRAINT IF EXISTS "stf_applications_success",
            DROP CONSTRAINT IF EXISTS "stf_applications_decided", DROP CONSTRAINT IF EXISTS "stf_applications_outcome";
        DROP INDEX IF EXISTS "success_events_execution";
        ALTER TABLE "success_events" DROP CONSTRAINT IF EXISTS "success_events_quality",
            DROP CONSTRAINT IF EXISTS "success_events_step";
        DROP INDEX IF EXISTS "error_events_signature";
        DROP INDEX IF EXISTS "error_events_execution";
        ALTER TABLE "error_events" DROP CONSTRAINT IF EXISTS "error_events_step";
        DROP INDEX IF EXISTS "snapshots_recorded_at";
        ALTER TABLE "snapshots" DROP CONSTRAINT IF EXISTS "snapshots_size", DROP CONSTRAINT IF EXISTS "snapshots_sha256",
            DROP CONSTRAINT IF EXISTS "snapshots_phase", DROP CONSTRAINT IF EXISTS "snapshots_step";"""


MODELS_STATE = (
    "eJztXXtz27aW/yoY/bPOrOKJ5cRJ3budkWUmVWtLXltOO7fqyDAFWbymQJYA/dh7+90XAN"
    "9PkxQlUzQ6mVoicUDod0DgPHH+3VkZc6ST/b6p/YqeO8fg3x0MV4h9iN3pgg40zeA6v0Dh"
    "rS6aQlOb3aNncRHeEmpBlbLrC6gTxC7NEVEtzaSagXnrPgb9iyFgBF1AqGGhOTCw/gwgAX"
    "SJwNXP/fe9T0fAWIivj0tDR7zxj+DGtNBCe7oB2hxhqi00RIBGgYaBrhGq4Tuyz0cwN1Q2"
    "BPZ1Gw+zsfaXjWbUuEOsA4s98o8/2WUNz9ETIt5X837GOtDnEYC1Oe9AXJ/RZ1NcO9Huhp"
    "h+FW35T7mdqYZur3DQ3nymSwP7BBqm/OodwsiCFPEnUMvmqGNb110GeYxwBhs0cUYZopmj"
    "BbR1zjtO7QwguNaZzUbjyexKmcxmnQRfPYoQ+u4l1cB8TrChEgHAHR/C+x96vcPDz70Ph0"
    "dfPn38/PnTlw9fWFsx3uStz387gwnQcroSmA2/DUcTPiCDTTxnRvILfwsaSKFDJZgRoM+Y"
    "PFtCskzyYLCEVjoHwjQxPrAfGOeDh3pzGbGCTzMd4Tu6ZF+PPuZg/L1/Ofi5f7l39PFdFO"
    "iRe6cnbnHIA4idN6gMwAFFPfB6FwJ8gzVp6wAfHBUA+OAoE2B+KwqwaiEOxgzSJMin7A7V"
    "Vigd6ChlDOy5S7rvfdhF6NkPnI/ZSu++UznQT4bnytWkf37BH7ci5C9d4NefKPxOT1x9jl"
    "3di7PJ7wT8Npz8DPhX8M/xSBHwGoTeWeKJQbvJPzt8TNCmxgwbjzM4D73+3lUPtQjXLfRg"
    "3FfiepSyBq67w20K03eEyR4muVw22S9VNRPqs7JyQpzyZYlhF97nrQkNXF5b3KfKDD6ySY"
    "Z8ZaKldoeZqCyYMmSDh1hFKfi7cvVFuK8dY8bf3pTzrgZLgQUffVE3MRMZCuy3I+pIAf2r"
    "Qf9U6QjAb6F6/wit+SyCPL9j9IzYFb9t8taqt4pfgRjeCYT4T+EDd/EfGJj9yFv2ClqdFL"
    "UnfDtX91GDhkX1H2AiixgYGBaAGLDhYcq0D0jB3GBKxqNh3TMdRegjpg7pwrBW+6DPWxHW"
    "fg6WNvtRBBAmRSHWSmOaDB9Miu6zwQdJvafBS1ie3rNknNVRGaE8oGidznPYKyCSH/YyRX"
    "J+KyqS37OflQ6ugu1VYm+IqpcubZN1n87P1+f90TEQf6a4/00ZTY6B+BNff4ow4EsB/L9k"
    "wv8ljj56Yise1UjK/P7lajxKn98RorhQrKkU/EeYfDbFg84/FjZWObzg1tZ0qmGyz5/3U2"
    "f7UjIHKSIge1jvnfd/j7NhcDY+iUu+vIOTGFMsZNoUilEm9RWkaiuoZ6krYcI4ZxzKfbeH"
    "jXHnYP+D+O8VuHGqDIbn/bO9g17X0UQYUzRHePLY8vGDtAlIm8Cra4txO8AbkbMSqmK2Kh"
    "OwitAFSWGRS/X110ukZ615rm5yRRc7+PZlKY1/J7W8Qhr3GKOJwf63AX27UdO5FmWbDQKM"
    "rs/OYtr2Whq0YlmGpTwgMaKEAh26283TnxFvN0O8YTH9ORs4qZM2eK3s5uikhCIziX8m+F"
    "7zNhk2ewcfP3/8cnj00Qfev5KHt4dtSAUS75PAJIFoto4fpWqyAlpR0+99+FBA1WStMpVN"
    "cS+K9QoRwtbGJNAT9JQxd0MkrUA5T4ZWfp/kK5O+CH02Hn3zmsc1zCjkbJtX78sA7hNUgn"
    "uHHFybQNtCqmHNK/oaI6RSndwldZLBqdocj9LqZJyyTXv0VqSklJfv9rk0G5K0tej1b5IP"
    "RLvDkNoWKs2FOKV8GeryxPvLTJIhpT3xSrivHWNGUeNAfFlO98Snzvo6EObaxVW4w5bCHH"
    "/hIzBfsl35cjiYdLJW+RqQXsfKtSMYJ7e2IpaurcWVxOZ6lmUs8ja8ZB3zp1XhCBNsWCuo"
    "awTNgejiWER5EDYQRqPprCuwsIwVmGuLBbJ4XIhle6EeBBgYAct4TIsoqa9jaa1r8Nbbzb"
    "HWzbU7RFL0wWzrUkDRugiS+qPmpQFvewY8E1KKrBQhMtueFCJpBcrbNiktNIvQGUEIVzAq"
    "JYilWanpZqUSPvKNimW+kpcmkYU1wBxhzGtWUAwbc2nHxjy50A+/NdgHQCG57waJhXNw+w"
    "w0SgATbC3X+8/uJsWvOjqUYteOil0hXqYaoq6vh6cZgV0JyhhPbJtNDk6/c8JYDspO7K6z"
    "2oXXMfE7o3uSeJNm4lsJkStKtSlh4PVE24NCEtdBjsR1kJS4+Eo1M5mGaKZs/tlSV4xMSl"
    "4VJC8TWuwTE15Tws+yo6OjVM0Ij+aPbU149IINBlk8equUTh0ja9/yU79mTSikdsrkL5ad"
    "EVBvb/XpXF6PRsPRt5Jz3SM7Bu6HKb66HgwU5VQ5PQb+xyn+2h+e8UvO37i8WWyTKLRH5G"
    "wRCS7ZqxW0UozhOTEeAYmM8qgUU2NVSxmIUkplvOnKeGzf0ciyEttjpPIggSYfJOC9oxWi"
    "SBKkMoikchAJXVSAfyFxr4B7TtwIcVJn1vSyF0vAaRj+hWMY/FlXIHohWCFqgPUNBC8kVt"
    "TSsQsB9rq+mqlQ19fMJjvTVwPWyw4KZyUyyupzJHzVnq6YJthJcSN4t7p5ToSF9jTjqmRB"
    "HwJPb56jOeBex5XpHsxBbFVFhPCAioWIqbiafAUPyCLcSiL+ISc6A/iRI11ByGM1ftN0fi"
    "aIbjwiK+Fh2OzjpvjWsNl157TFFdi7RyYFjxpdiqYqu8kNTV1+yiK/wLDBBDrGH+fcEjE8"
    "IrwfzgjfZTk1/kgEY7kL25/S3dGUjbqb4+7wZmA5HoSpthdt+6EFnAgbYNzXvaS0GiaT2F"
    "fDng1iwd24alrYrW7ADOyjZDHwF5xuY/Dvb4oBeQdjjK9PzhRwcakMhldD1ybvK93ipljw"
    "/eMyLpX+WQxp25xXPCcjSimNXg22hrijl7kcjVrkXsEW8naBzzOGyBSPmlM80jNptmhz2l"
    "lUXzI6vU7U4DdDZ1IVV+pRJ0XhD9/u5in9d6Kh0PsL5nBkIywD+Bq82nZzNFps0FJHRXjt"
    "ZbBTNZ/2rsV6XCij0wqxHi7ZMXA/THH/4uJy/J3HdXifpvhS+UUZTPg171Pc9lck2qPm4z"
    "pNy2DyfSUlLEYqtbCmaGEFKxho6LFqCYMwqQw9aI6yncVnxr3VCqVFN2bvfUlKGdhVfhOU"
    "x7g0wNrh71QVAnCStJIRlRnhbx2VztOJ08qQnMrmPwxNsjRoeRtglLCeV+GNKKbyLJ1XPE"
    "sntIzXgPHbqBwU3/gKHaXjL9Jbhrlh63rxo3Tiu1oN1tfkQp9kRsmzu69CHe3U+l7Y/B3d"
    "2YpwYS27thfzl2LTDoUDZtuzI6GHxRLhz87OASdxk9f9RbQLTEtTRcgZ4ClthDoHCImqVP"
    "wODwZbGBb7wFrcBBknN+n58Rt4zhRP8cS4R+y+gBfwelhzjfzLYBw9BgiqS0DFfY24QWxz"
    "3ht6YqjozyI+zg152wc3KlOyb3hLcXuK90bX5wpjcBdgA1g8Po4N792PotgwEeGgToTcjT"
    "v+/3FQvhERdhBYCPL4usclezzrwPkpjHO6hjIT/v9I7GEqa46p4GlajNwf4UyfP6V/oZH+"
    "BbZnPmhzJ6izaBZpmKYVfoZN55CKxbAMwj5BC+HdyJlMGjZtOhPrackIxDiltJVU1tENm1"
    "blQoJUsqF6OCgTLdCMO4IqsSKVXLJjTXY8WhpFa/AjTi8ZsoZJlwu/bFyV2JFGLZlRmRk6"
    "Awirz7NVChsyeRAlahP6tVX0kcczZELdJmd5TAUvoWIkKdvgLI+dM9MrEnvEWmWfNNNLiT"
    "/iFpWUTcMwdARxlsrsEcVQvmVU7XqHTsbjs8jrczKMRx1cn58oDPdYedrkImZjB7eZs+mW"
    "md4ppO2b34eFVOnDHFX6MKlKc1Njyp6RV3PZI1m72nLD0M7LJnPLLB9+6B58KlxnWZbGep"
    "uxizKmqgGqhtgQqpS6VtdK32vYmibLkr01Psgonu1E8aTHl4j1owZ4z/mfC6+z3ZrrxQN4"
    "grVWVsHaROjO2lWwwuhzdrFh1XOU1KXXXYuWj42eKZXALTsuJ4LtywE6syhri4XqqEuI70"
    "TIChShNP/Fo1oI5UUlbnRnGMQZB7o5Bo/8YCaNgkdIuv6XW6Sy4TunQD0un9NDdTb0HJkg"
    "22AJpguyA1gsu2xli4CizooWySVo90paGIy4gvknTCZNQC+YgLDIUCuNcZhMYvyima2suX"
    "hNK3HTBJItmIkdGaGiKTNCKk2Zu2TKzHQ15sewZHkZpQHzJdEnunVUM2LGKaUBrXKMI6Or"
    "xoM4peRBdWOyu39UMibHaSUfajImq24G0Jp2uPYdLd6NmeFCu2EBK6e/bkgjciF04+tsAY"
    "j97VFCXAjiuDhRyFbvr7vSVl/MVh/fqErb6jdpfQ5N8xS7c/QlyLY4i0vOVCpoap74mZdu"
    "WQEvGe2/RV/AeEAW+AMtFkil2gOa8XTNLgi+U+Mdz7K8vjoFJmt5cO4kYZKksXljT+KZoZ"
    "fGo5MRihHvxuHrHBgWsNB7N2eTEZs6VNExt3TzarxOTQNis+4IEhUNgGU8OomekPX0yIc5"
    "xXs3fhM+e27eOZZug6mjvD0B2KBBL3NA4T37cdCiXgUFbLznP06HJrBsHYE9iIHy++Ds+l"
    "SZ4mDies1X2p0lfDzv9kGffSOEIQhE2oLzg9yAeS9j1s1PXSL28/nAFtxkD/i0nGJIget6"
    "AFz1B3tON+9/AiJPqxvqjV1zsoYyqzkk8lHDiYt+il2UgzJRtaF2fpmoKhNVW5Ooytbe2Y"
    "ptByWdAEnitV0BTWNBAV/AwZfuD4VdAW5iaUXAU6gl4i8gHsofrYh6Rg9v0O1VAXgnUXQt"
    "5JNdSOjzoQ+SQisCn96BhD0f9pjonoQ81w2ZpG6hJ3JHPI+Fkh3DunV1Zju08gzoJnOaGL"
    "aVZo3NVkQCihZqIp8KaSKfcjSRT0lNJGIkKn+sagq19KRV9WiG0KyQsB8nlmtbk9c2lcl6"
    "1U5miFK2UFhpc9iUy7sKS22CVK6zdUUs+MhKn2ShwIX4TGyUS3Js01vjaWBbxLA6KU7JyP"
    "1unlvSEC1natC0UAqMZTweC4+YDgk/DRb9dSO+WkiHz2AJMfe2sb73wa+8hLmGHQdeVzjk"
    "IGDtbV6NtwuIwdNUlpC76sAdNFO8k1t4Xs0pMVcrqOtvxVl22Pt85K9k/Eve2nV13j87e9"
    "kDxrk8Y0wrt3uEqWSB7TW2jddc1JQHJBbljDXNuV1kSUO8ZcFQiz4Gojng9mDKD6p2/P2E"
    "DYG9UxAT6EQksHWDX3cz89hK4nR0i1LWrTo65QEUzmqnEXCnse549l+w8oljrRmFad/qGl"
    "kicgzYNKLanW3YpCviKpw7gGfDWl3nQWKxZx8hnWJi3zoPswjrk9hsbNxGuA+usdfp3Iml"
    "WMIHHsSh8RXSXYIx6+bGb+YfOi4zDBv8tuetu+JvAv9sU5TXvoWGqINeEUMUa5VzoFrCEG"
    "XCZ92AKVP8l6vxKCOwIyCJq8GaSsF/AHv3djGvJAdcDkZE103UeouXdetGlVjeQbzWm7RF"
    "ZE/89toiwntTWb7HaaWtscm2xtLawjqKQpyPb0R0aIiiEJifUtSEiG0qW0kwvWYFNYTflo"
    "YIX14aosANBv2LIbhHzzximfskeAEddpUNmAn8TCrmNgfrQeMmBxG0HK51Yxk6SqoLG3mC"
    "lMQb/Do1VxJ/XQZE5fBCDuGDHIfwQUpGP3s/0tFVsL1KWMGj8UsubZN1nk7/9Hw4OgbiDy"
    "9u/32o/KZc8uL2zqcp7n9TRhPWgv+Z4sF4NLkcnlxPxqxR6Et8lSrEsaMiDIvLCiF+HSXC"
    "/aTs/kZk9xISRjA9oKnN2Ea55uFsfVP7FT3v4BTIcmmVO5ItfCo2Zg+8ZaxJyUDxEPUqVL"
    "6M6yDa3U5qSOnYlhBZ/QqdKRJruHpntsDqlcAskTzINjAqqjVyo69IqOByoxPo72X6EYrM"
    "fVHOkSJhZBYGYogNrKlQB9ySAih6cvrgAqeTYpRIH9zQs6Z4CbkKLhx3FjK5zZtR8NRBfs"
    "MXejnF7TNFhBvDCZtqZYo78nGJ+cu6RInajlJAbqSA7DEtin+2tu/xuEVn8tRWQceZ+BXl"
    "YZ+40QLxcHRxzcRd8WeKx9cT8dX5W0XILSLjZou4CQlXrIlJDkzYapg1n12CJqNeiyFS+X"
    "2S7wzwhdaz8eib1zzuIYjBvYS9T0dl9OuAohWAbzq7lmj/h2ZiQy6zRkeI5EqdV1xAVlVJ"
    "AbtdurCsqtIIEVRW9mgCH3JCm2Vljxorewz6V4P+qSKrT6wFcQ3VJzbpQPUsTheWjTPKKc"
    "SbdIvYpmam07qgjcp7BvEMRP7M9E+J8oMdKcLOkVCPCJnIOvaMQeyPYVFuSjKIY2EiPJ6S"
    "D8Q1AUVMVdt55Bpe16Zt9NLSFLW8FlVlwjRtErnqszmJ16VKWFaYsIVazI5oLZlBWWsFCR"
    "WS6jzf0zZkuldd/+qV6GqUH+giVWZgl/PlBLooUWbpAVmE77+i/pGFbMK7ASrr1smeWBjW"
    "Svge98F3p6m/q19NvgKy5IdO3ugaRuxXMGRuwJ5wTs0TUsFGnzbFrJnX+8G7HyOBWuwWa7"
    "XizrAbjcx0NjMJvdkHY33u0RDuW+NSB5zzIXXdczQt5KaVZPu5gsHwJm530r+1G1JHlHkl"
    "kuAidJsSPdrKjwB/73UpLvOFKKTEl4Kov76lTGjD0BHEGetKmC6G7C0j3BS03hzfrox3Mh"
    "6fRcS7k2HcoXV9fqJc7h3Ezg5LKaIis7k2esBpeGQJmLNdtzGyVqC9bQeuDvGdzba5MtM7"
    "TNMK0GOlz3oFZvhhL7vwWS8+vylMK3ibnarotd9+nmLnHwsbO8nUt7amUw2Tff68nzrbn+"
    "8byV7kNkeiUcNKMcDnlfoLU7Vxzm+i3J9qrFYanTGNrgzWUaoWYv2xCNQfs5FOnmm60HQ0"
    "MyHrvQTOEaIWwryRAxC5UjgjFFopsneuJhkQSZUmRcIWECGcoqLno+qSSExTMOUmt1n5AL"
    "0YWQtXhg1E6VFI7RQRr1jgb0C9PbA7p5f9r5OSUp1DdAzEnynuDybD78oxcP5O8alycakM"
    "+hPllDXxP0/xd+Vy+HXIr3qf4objIlw7KCKWH2SL5QcJsfwvGzKd/3lGVMNKK+OmGzBj7U"
    "lQxhi34KSbYt2H/U2dlJUD8On4+uRMAZypw6uhK5j7LjJxM2pFuVT6ZzG8bcLtqaph4zTL"
    "VY4pNkYojySrZomdI9NCqvC9zLLKnedZW9KoK61YzQxG2prNRWbhZr8Y7Y08ts15Ra5HKS"
    "XXm8L1lMgNd/SpOcDlD3FO0LZJz3nlY5zzcrNLR+KWS81uGkOKRsck52NGEd9XCsali75p"
    "6pojo3TS42rCLbovhNjMYNC4RLgNpBStTAqoARbaEz9qCFmWYXlnmIrKq5jHunTBhTI6HY"
    "6+ASbYarpTR5WnbRNbVREhYO/qejBQlFPl9F0XGMl88Y0+bYr9Fk6P4qikr/3hmXLKHoX5"
    "Wah7zlfefhEcyepHUeVkjvMenZNl/dzxBf8kg2oas3p2QXZQjWFT1chyir9s8QiRb9Hk4c"
    "7/skYPl+zYe3+m2H9RjoH/cYqdd+HYfUWqmDh+KGDh+CHTwPFD3L4hlq9KEmeUUkqcTZE4"
    "i+gZvOJftcTWKKU8pbM5akWSy94bWiGDMkEqEyirW9ScN4ZB6Ug0ZXmR0YHkSFWOJAXLEo"
    "lfCVqpb1dnRMPy794kE4h2hyG1rfLR73FKyYTqTHA023Lw+zQS+OrAO4aNirtBGrXcl2sy"
    "v8qjJjZ91ERImKkDY96bXzKqrSAn5L+XYfb3ybpAvgp32FKg48JFhhshtonWgLCbWNtWWH"
    "2hoQig4e2tDmid/oquEQ3bFAtDnCIUZJxIk2cn2PaKvKNoZ1hHCgAe2LhqgPoNnLOUsAk2"
    "65glulBWt2g+zzpjKXy/+5JXF3lNi9e05AcTeCcPPIrTih6QSg2LHzegYfC/cwti6paP4W"
    "7QuXaHCPWcouIobuepaL4P+sDJwuW9Jly6m3zYFHMaw6ZOTV/wCDVKwEJUsEQejQX24IIi"
    "7ut1nsRg0XS2V3OfsFcmk3BfM5oDfyMnbtHN+bt1z21qgrYsHbwdPo0qJA/EyGTyQIHkAe"
    "/FK4NzmEaCXBzkKm7RGKn0hjfYUeqXFKnh4KxUlbPkkVkVFc6dOCwrQ93cxDFZYd0yTf6L"
    "6Z458l9Yfysm/2XjJmsC7qhwI0ue1JdluqNJdK8TZlRHFp2sXNA+SUZWLmj0TiIrFzSBD9"
    "KdLCsX7A7EDa9c0EeWpi47KcqUe6ebp0bBoE1j1Ke3ojutKblna0WZB7VmmyGzT2ptgxWy"
    "9+lTATMka5V91iW/l0jKKYOw27yF6G6kHj1PUU2NZ8g+bDFEsv3zFl9HDa3tZMW1LK3rbm"
    "Z//z+XHxEZ"
)
