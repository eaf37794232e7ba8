from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "error_signatures" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "digest" VARCHAR(64) NOT NULL UNIQUE,
    "error_type" VARCHAR(200) NOT NULL,
    "pattern" TEXT NOT NULL,
    "first_seen_at" TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE "error_signatures" IS 'A normalised error: the same failure from different runs shares one row.';
        CREATE TABLE IF NOT EXISTS "error_events" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "step" INT NOT NULL,
    "error_type" VARCHAR(200) NOT NULL,
    "message" TEXT NOT NULL,
    "stack" TEXT,
    "recorded_at" TIMESTAMPTZ NOT NULL,
    "execution_id" BIGINT NOT NULL REFERENCES "executions" ("id") ON DELETE CASCADE,
    "recorded_by_id" BIGINT REFERENCES "principals" ("id") ON DELETE SET NULL,
    "signature_id" BIGINT NOT NULL REFERENCES "error_signatures" ("id") ON DELETE RESTRICT
);
        CREATE TABLE IF NOT EXISTS "fix_stats" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "attempts" BIGINT NOT NULL,
    "successes" BIGINT NOT NULL,
    "confidence" DOUBLE PRECISION NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "signature_id" BIGINT NOT NULL REFERENCES "error_signatures" ("id") ON DELETE CASCADE,
    "stf_id" BIGINT NOT NULL REFERENCES "stfs" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_fix_stats_signatu_592f55" UNIQUE ("signature_id", "stf_id")
);
COMMENT ON TABLE "fix_stats" IS 'Decided attempts and successes of one STF version on one error signature, and the Wilson lower';
        CREATE TABLE IF NOT EXISTS "snapshots" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "step" INT NOT NULL,
    "phase" VARCHAR(6) NOT NULL,
    "state" TEXT NOT NULL,
    "sha256" VARCHAR(64) NOT NULL,
    "size_bytes" INT NOT NULL,
    "recorded_at" TIMESTAMPTZ NOT NULL,
    "execution_id" BIGINT NOT NULL REFERENCES "executions" ("id") ON DELETE CASCADE,
    "recorded_by_id" BIGINT REFERENCES "principals" ("id") ON DELETE SET NULL,
    CONSTRAINT "uid_snapshots_executi_8d2bdb" UNIQUE ("execution_id", "step", "phase")
);
COMMENT ON COLUMN "snapshots"."phase" IS 'INPUT: INPUT\nOUTPUT: OUTPUT';
COMMENT ON TABLE "snapshots" IS 'The state at the input or output of one step. `state` is the canonical JSON text the server';
        CREATE TABLE IF NOT EXISTS "golden_states" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "note" TEXT NOT NULL,
    "status" VARCHAR(8) NOT NULL,
    "proposed_at" TIMESTAMPTZ NOT NULL,
    "reviewed_at" TIMESTAMPTZ,
    "review_comment" TEXT,
    "execution_id" BIGINT NOT NULL REFERENCES "executions" ("id") ON DELETE CASCADE,
    "proposed_by_id" BIGINT NOT NULL REFERENCES "principals" ("id") ON DELETE RESTRICT,
    "reviewed_by_id" BIGINT REFERENCES "principals" ("id") ON DELETE RESTRICT,
    "snapshot_id" BIGINT NOT NULL UNIQUE REFERENCES "snapshots" ("id") ON DELETE RESTRICT
);
COMMENT ON COLUMN "golden_states"."status" IS 'PENDING: PENDING\nAPPROVED: APPROVED\nREJECTED: REJECTED';
        CREATE TABLE IF NOT EXISTS "snapshot_prunings" (
    "snapshots" INT NOT NULL,
    "pruned_at" TIMESTAMPTZ NOT NULL,
    "execution_id" BIGINT NOT NULL PRIMARY KEY REFERENCES "executions" ("id") ON DELETE CASCADE
);
COMMENT ON TABLE "snapshot_prunings" IS 'Snapshots of one execution deleted by the retention sweeper: replay reports those steps as pruned.';
        CREATE TABLE IF NOT EXISTS "stf_embeddings" (
    "text_sha256" VARCHAR(64) NOT NULL,
    "embedder" VARCHAR(64) NOT NULL,
    "embedded_at" TIMESTAMPTZ NOT NULL,
    "stf_id" BIGINT NOT NULL PRIMARY KEY REFERENCES "stfs" ("id") ON DELETE CASCADE
);
COMMENT ON TABLE "stf_embeddings" IS 'An STF version whose vector is in Qdrant, with the digest of the text embedded. A latest STF';
        CREATE TABLE IF NOT EXISTS "success_events" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "step" INT NOT NULL,
    "quality_score" DOUBLE PRECISION NOT NULL,
    "recorded_at" TIMESTAMPTZ NOT NULL,
    "execution_id" BIGINT NOT NULL REFERENCES "executions" ("id") ON DELETE CASCADE,
    "recorded_by_id" BIGINT REFERENCES "principals" ("id") ON DELETE SET NULL
);
        CREATE TABLE IF NOT EXISTS "stf_applications" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "outcome" VARCHAR(9) NOT NULL,
    "applied_at" TIMESTAMPTZ NOT NULL,
    "decided_at" TIMESTAMPTZ,
    "applied_by_id" BIGINT REFERENCES "principals" ("id") ON DELETE SET NULL,
    "decided_by_error_id" BIGINT REFERENCES "error_events" ("id") ON DELETE SET NULL,
    "error_event_id" BIGINT NOT NULL REFERENCES "error_events" ("id") ON DELETE CASCADE,
    "execution_id" BIGINT NOT NULL REFERENCES "executions" ("id") ON DELETE CASCADE,
    "signature_id" BIGINT NOT NULL REFERENCES "error_signatures" ("id") ON DELETE RESTRICT,
    "stf_id" BIGINT NOT NULL REFERENCES "stfs" ("id") ON DELETE RESTRICT,
    "success_event_id" BIGINT REFERENCES "success_events" ("id") ON DELETE SET NULL,
    CONSTRAINT "uid_stf_applica_error_e_e75011" UNIQUE ("error_event_id", "stf_id")
);
COMMENT ON COLUMN "stf_applications"."outcome" IS 'PENDING: PENDING\nSUCCEEDED: SUCCEEDED\nFAILED: FAILED';
COMMENT ON TABLE "stf_applications" IS 'One attempt to fix an error event with an STF, PENDING until the next success (SUCCEEDED), or';"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "stf_applications";
        DROP TABLE IF EXISTS "fix_stats";
        DROP TABLE IF EXISTS "golden_states";
        DROP TABLE IF EXISTS "snapshot_prunings";
        DROP TABLE IF EXISTS "stf_embeddings";
        DROP TABLE IF EXISTS "success_events";
        DROP TABLE IF EXISTS "error_events";
        DROP TABLE IF EXISTS "snapshots";
        DROP TABLE IF EXISTS "error_signatures";"""


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
