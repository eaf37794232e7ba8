from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "model_prices" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "provider" VARCHAR(64) NOT NULL,
    "model" VARCHAR(200) NOT NULL,
    "input_per_mtok" DECIMAL(18,9) NOT NULL,
    "output_per_mtok" DECIMAL(18,9) NOT NULL,
    "cache_read_per_mtok" DECIMAL(18,9),
    "cache_write_per_mtok" DECIMAL(18,9),
    "reasoning_per_mtok" DECIMAL(18,9),
    "effective_from" TIMESTAMPTZ NOT NULL,
    "effective_to" TIMESTAMPTZ,
    "source" VARCHAR(500) NOT NULL,
    "superseded_by_id" BIGINT,
    "superseded_at" TIMESTAMPTZ,
    "created_at" TIMESTAMPTZ NOT NULL,
    "created_by_id" BIGINT REFERENCES "principals" ("id") ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS "idx_model_price_provide_32d718" ON "model_prices" ("provider", "model", "effective_from");
COMMENT ON TABLE "model_prices" IS 'The price of one provider+model over [effective_from, effective_to) in USD per 1M tokens.';
        CREATE TABLE IF NOT EXISTS "stfs" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "lineage_id" BIGINT NOT NULL,
    "version" INT NOT NULL,
    "is_latest" BOOL NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "description" TEXT NOT NULL,
    "language" VARCHAR(32) NOT NULL,
    "tags" JSONB NOT NULL,
    "repository" VARCHAR(300) NOT NULL,
    "commit_sha" VARCHAR(40) NOT NULL,
    "file_path" VARCHAR(500) NOT NULL,
    "line_start" INT NOT NULL,
    "line_end" INT NOT NULL,
    "code_sha256" VARCHAR(64) NOT NULL,
    "status" VARCHAR(12) NOT NULL,
    "quality_score" DOUBLE PRECISION NOT NULL,
    "usage_count" BIGINT NOT NULL,
    "deprecation_reason" TEXT,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "contributor_id" BIGINT NOT NULL REFERENCES "contributors" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_stfs_lineage_1fb819" UNIQUE ("lineage_id", "version")
);
CREATE INDEX IF NOT EXISTS "idx_stfs_lineage_a6bb2a" ON "stfs" ("lineage_id");
COMMENT ON COLUMN "stfs"."status" IS 'DRAFT: DRAFT\nACTIVE: ACTIVE\nDEPRECATED: DEPRECATED\nVERIFIED: VERIFIED';
COMMENT ON TABLE "stfs" IS 'One version of a reusable code transformation. Versions of one STF share `lineage_id` (the id';
        CREATE TABLE IF NOT EXISTS "executions" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "correlation_id" UUID NOT NULL UNIQUE,
    "agent_name" VARCHAR(100) NOT NULL,
    "task_prompt" TEXT NOT NULL,
    "parameters" JSONB NOT NULL,
    "fingerprint" VARCHAR(64) NOT NULL,
    "status" VARCHAR(10) NOT NULL,
    "summary" TEXT,
    "started_at" TIMESTAMPTZ NOT NULL,
    "finished_at" TIMESTAMPTZ,
    "started_by_id" BIGINT REFERENCES "principals" ("id") ON DELETE SET NULL,
    "stf_id" BIGINT REFERENCES "stfs" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_executions_agent_n_9e42e3" ON "executions" ("agent_name");
CREATE INDEX IF NOT EXISTS "idx_executions_fingerp_2d1c35" ON "executions" ("fingerprint");
COMMENT ON COLUMN "executions"."status" IS 'RUNNING: RUNNING\nSUCCEEDED: SUCCEEDED\nFAILED: FAILED';
COMMENT ON TABLE "executions" IS 'One run of an agent on a task, identified by its correlation id.';
        CREATE TABLE IF NOT EXISTS "llm_calls" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "provider" VARCHAR(64) NOT NULL,
    "model" VARCHAR(200) NOT NULL,
    "input_tokens" BIGINT NOT NULL,
    "output_tokens" BIGINT NOT NULL,
    "cache_read_tokens" BIGINT NOT NULL,
    "cache_write_tokens" BIGINT NOT NULL,
    "reasoning_tokens" BIGINT NOT NULL,
    "latency_ms" INT NOT NULL,
    "started_at" TIMESTAMPTZ NOT NULL,
    "client_call_id" VARCHAR(128),
    "priced" BOOL NOT NULL,
    "unpriced_reason" VARCHAR(300),
    "cost" DECIMAL(30,15),
    "recorded_at" TIMESTAMPTZ NOT NULL,
    "execution_id" BIGINT NOT NULL REFERENCES "executions" ("id") ON DELETE RESTRICT,
    "price_id" BIGINT REFERENCES "model_prices" ("id") ON DELETE RESTRICT,
    "recorded_by_id" BIGINT REFERENCES "principals" ("id") ON DELETE SET NULL,
    CONSTRAINT "uid_llm_calls_executi_1ccee9" UNIQUE ("execution_id", "client_call_id")
);
CREATE INDEX IF NOT EXISTS "idx_llm_calls_started_38a45e" ON "llm_calls" ("started_at");
COMMENT ON TABLE "llm_calls" IS 'One LLM call of an execution, priced at ingest from the price in force at `started_at`.';
        CREATE TABLE IF NOT EXISTS "llm_call_repricings" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "run_id" UUID NOT NULL,
    "old_cost" DECIMAL(30,15),
    "new_cost" DECIMAL(30,15),
    "reason" VARCHAR(300) NOT NULL,
    "repriced_at" TIMESTAMPTZ NOT NULL,
    "call_id" BIGINT NOT NULL REFERENCES "llm_calls" ("id") ON DELETE RESTRICT,
    "new_price_id" BIGINT REFERENCES "model_prices" ("id") ON DELETE RESTRICT,
    "old_price_id" BIGINT REFERENCES "model_prices" ("id") ON DELETE RESTRICT,
    "repriced_by_id" BIGINT REFERENCES "principals" ("id") ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS "idx_llm_call_re_run_id_eb7bbd" ON "llm_call_repricings" ("run_id");
COMMENT ON TABLE "llm_call_repricings" IS 'One change of a call''s cost by `llmCallsReprice`: what it was, what it became, and why.';"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "llm_call_repricings";
        DROP TABLE IF EXISTS "llm_calls";
        DROP TABLE IF EXISTS "executions";
        DROP TABLE IF EXISTS "stfs";
        DROP TABLE IF EXISTS "model_prices";"""


MODELS_STATE = (
    "eJztXetz2rgW/1c0fLnpXJpJyKPZ7N6dIYS2bAl0EtLtbNkxwgjwjZGoHyXM3v7vV0e28d"
    "uxHSDguB8aLOvI8u/Ix+dp/VOZsRFR9cP6XPlElpVL9E+F4hnhPwJnqqiC53O3HRoMPFRF"
    "VzxXpAeyFI14qBsalg3ePsaqTnjTiOiypswNhVHoXaeo/rmFOEEV6QbTyAgxqi4R1pExJe"
    "juY/1t7ewcsbE4XEyZSqDzr2gw18hYeRwgZUSooYwVoiPFQApFqqIbCp3ohzCDEZP5FPjh"
    "Ni5mUuW7SSSDTQgfQOOX/PY3b1boiDwS3TmcP0h8AHXkA1gZwQCiXTKWc9F2pUxa1Hgv+s"
    "KtDCWZqeaMuv3nS2PK6IpAoQa0TgglGjYIXMHQTECdmqpqM8hhhDVZt4s1Sw/NiIyxqQLv"
    "gNqagNtWkaROtyfdNXuSVAnx1aHwoG83yYzCmuBT1QUAE5jC219qtZOTd7Wjk/OLs9N378"
    "4uji54XzHf8Kl3P63JuGhZQwnMWh9anR5MiPGFZ61IaPgpaLCBLSrBDBd9zmRpivVpmAeN"
    "KdaiOeClCfCB32CQDw7qu8uIGX6UVEInxpQfnp8mYPylftv4WL89OD994we6Y5+piVMAuQ"
    "ux9QRlAdilWA+8ToOLryuTtg7w8XkKgI/PYwGGU36AZY0AGBI2wiBf8zOGMiPRQPspA2CP"
    "bNJD58c+Qs9vcNTlkt5+phKg77Vumne9+s1nuNxM17+rAr96rwlnaqJ1GWg9CLJpNQj6s9"
    "X7iOAQ/dXtNAW8TDcmmrii26/3VwXmhE2DSZQtJDzyPP5Oq4Oaj+sa+cEecnHdT7kGrtvT"
    "3RWm7wmTHUwSuTzndyorc6xKWfWEIOXTGsM+PM9bUxpAXxs/ROoMK2TDDHnPVUtlQrmqLJ"
    "jS4pPHVCYR+Nt69WfvWHvGjJ/OknNaXVGg4cVK1Q2tRI4Cv3diWFpA/a5Rv25WBOBDLD8s"
    "sDaSfMjDGVZjgZZV3/CpWW0WbMEUTwRCcCswcRv/BqP8Jof8EdQqEWaP93Si7SO7HdPaP2"
    "hONJ1RxDSEKeLTowa3PrCBRowbGQumPXAbRdgjcxUbY6bNDlEdeum8/whNTX5TOtK5FkV4"
    "L4VbMjCZCNtngxcq7Z4dFmFJds+Uc1YlWZRyl6JwNs9JLYVKflKLVcnhlF8lf+C3FQ1uk5"
    "qz0LvBb17atLts+1Q+3t/UO5dI/OnT+odmp3eJxJ+g/EnDgIsU+F/Ewn8RRJ88colnKHrE"
    "+v7jrtuJXt8+oqBSrMgG+p9w+WyKB5XfxiaVAV40NBXVUKh+CNf7vbJ9LRlA8inIDtYHN/"
    "WvQTY02t2roOYLA1wFmKKRuWlgMcuwvUJkZYbVOHPFSxjkjEV5aI+wMe4cHx6Jfy/Ajetm"
    "o3VTbx8c16qWJcKZoljKk8OW06PSJ1D6BF7cWgz6AV6JnhUyFeNNGZdVujHWI1hkU73/dE"
    "vUOJln2yZ3xngPn744o/Fn2MpLZXF3Kekx/t8G7O2dWs5rMbb5JFDnvt0OWNvPsqCbj0Q2"
    "7bsJ2c/uyWqS9UycbiltZ85vpJkU4nUri5YrTphbpvpD1Y3VjdBwiRRux8pM0+wHip8N28"
    "jrGLC0hXdYRlcTbGEPLyPfm/f3resYXSlEGeCJafLFAfR7ZyEnoGyZw5aa41VgxH361VDx"
    "JEniKARrvKvBT7UpO/jl/A3HR0dpYoBHR/FBwKOQxg+SSpprbDaPUPl75DFGlATIdtnpsJ"
    "YAUPNrL9m0XSn07W7ng9M9aO8GItxY478MokVodPEOBz/Vbngc4LKF8TiM+WSIBgpRxBMR"
    "L30CZMUTP+tP8eBat2FGLP50Dk+XenvSp3J73+m0Oh8yrnWH7BLZP/r07r7RaDavm9eXaP"
    "WzT9/XW21osv7m8Ykep3tHJLwiQlwyZzOsLbO8HTwkuXizR5kBm3gx8JWt5fPC+SlLL9w+"
    "eeH4C0TRp7nYHiAtc3N2OTfHeUaHy8zu1hDpWvytL/1Ib9Ga9zlSc8A/LnFfh6fbx4YwDz"
    "KnQ6Xzae8Y/mlds+6q8zllb7kgum01epUY4bIGWJ/j9d4bcAMSNY3jO2Ytq+pMkrGqPjNA"
    "01ZnDT7KHipnGYI06wskOHBFhBE8SMYHEXxcSxdDaLdvEJDYfv9VGKKKuPkvkxHCUOozIb"
    "qBxhqbWTlycAYKgMZM4z94j4GrrA+iQwsbuE6f9mmPPRB+XsCLIDtvpOj/ZZxdl4hgeYoM"
    "cV6BaIVJOSGMRh45KuoSMT4tq9xpdogGMleNBtBTnO7Tg879TZMLpSqiDGmcesSn9+ZXUf"
    "qkiycJLRRjCuVRYv7/sVAeiIRBjLhuDwmHiym/PB/AuhXOOVUhsbGSb24UyH6CZd6dGoKn"
    "0PJ3IJryzWsk/V3GVnYytjLX2A9lRLQsDjgvTSH80Zt2vwlhmAXhFUEB4a2lCq7UEoIrtX"
    "BwRaFz05CEPI1SCpLESYCyLMPIbekx08jLhRBpyYbcbJC5akEkcN/lYkUkecmOZ7JjoSkG"
    "eQY/gvQlQ3IzxFJ++bxysSOKumRGbmZwG51QeSnNItgQywM/UZHQrx2fvju9ODk/XYG+ak"
    "nCOsrrWka2XkGII2CCZzAxwpRFCCAHQvS1NIVLvFd8kL4WKl6yPCoRLw3GVIJpbPq+TRRA"
    "ecipivUMXXW7bd/jc9UKRuLvb66aHPdAsUxYiJnUwk2yXrpZlncEafHW90kqU/okwZQ+CZ"
    "vS4GqMeGckVYA5JM+u/doxtFMUfZ0cVY/PUld9aURm2ijnR0F8pAV8Lxc44yToOU9vbgQp"
    "i6TsbtnUEC+EPIV3K6oyGSG/zW1Lrxy5OGHakg9rSgoh3vKvZ+Yw+ErJ9kwgpU1iCErjFH"
    "kiQn6sAd4b+PPZGWy/1nqG2siVrE0BrUcwrAHgV5CDE5akz0jC0QiwC76wGiHOs2fh3DrD"
    "FUh8bCMdx8UtPi/Hh+3TCTqSn7XpUnXkKaYTkbKCRSrNvyCrRTegHnegWtPQrXmQwSVawO"
    "etFAMtsF5dHQyJzKdfFTkqi+kyOlVnQ9cpi4N3WIOpovgEFs3MWhTsUqyzGPhlC8jWUw3M"
    "OHEO94+XrHQBPeEComSRB2MvWYnxk262rO7iZ3qJd00h2YKb2NIRcroyfaSlK3OfXJmxoc"
    "bkHJa4KGPpwHxK9fG/OvI5MYOUpQMtd44jp8vHgyBlyYP8zmT7/ZHLmRykLfmwJmeybFcA"
    "PdMPV7yqrGrADed5G6bwcq7kRulEToVuUM6mgHj1eiwhTgVxUJ1I5atfyd3SV5/OVx98UW"
    "X21W/S++xZ5hF+Z/9DEO9xFk3WUkrpau6tKi/ZWNRIOsVo/xZjIfaDaOgbGY+JbCg/iATl"
    "mlXkHhvsDVRZ3t9dw64L6PjGKsKM2JJuY1eCytBbtrAqQimBYSy+jmAHCI28tWs2OfFcxT"
    "K5BE83fMjQ+haYbsJ2EYTjAoWcbGEVemI+0gKm2acHg1UXWD2DN5anW+ynp8F1KTPcUUbI"
    "wA/85rAmds2DylbK3sLNqXiONFMl6ABT1PzaaN9fN/vUXbhO95ky0USM580hqvMjXecIIl"
    "G2YN2QnTDvVMza9alTwm8fJjYGlz2CZdmn2EB26AGB6Y8OrGHe/o5EnVbVMxpvs6qG3qR0"
    "4H/zFS6uSuz8HCwLVXfUz18WqpaFqoUpVOWyV5rx10HGIECY+GV2W3jZWMDxRfWX1KEAu7"
    "A0J+AR1CXiTyDuqR/NiXrMCK8w7JUDeKtQ9FnIh4cooU+G3i0KzQl89AAl7MmwB1T3MOSJ"
    "YcgwdQEjkXsSeUxV7Oi1rfMz26Itv9y5y5zWmalFeWPjDRGXooCWyFkqS+QswRI5C1siPi"
    "dR9i90RlCXkbS8EU0PmjkK9oPEpWzbZdlW7vwX//AVOG3K5l0OURsiLeXsujIWVsiWMclU"
    "iQvBlbhTIcmuaQzZY8PU9Oi94n3nq0lhSSZ6SrLbNd2Od2xxKSJiKtbha7Dk+0AcwhZkSw"
    "T7c0OIzzQO0ScyF+EzEcCrioAcRry/SfgSqyKdQZnKFEOoDk3wPCI6uYXrrbkk5m6GVfW1"
    "BMtOau/OV5IMDpJk191Nvd1+OgIGXJY407K9PbxU28u9PSrea+MlhVrzBxFCOUamWafTiD"
    "QCPVOmWtQpEt0R+IMN+FC1Fe/X+RT4M4Wpjq2MBC43oN2uzOOSxBpoSCLk1joGhQQKS9op"
    "OpoofDio/nMln/isNaeYm0MVdmvRLxFfRoYyMZmpV0VehXUGQTWsVrUuJIQ9/4mNPtXNoX"
    "UxTedj6iafG/gID9E9dQYdWbkUU/wDkjgUkJC2CKZ8mMGq2+qj42WF4Q4/7UlyN+vumJve"
    "F/MFHVHHtVSbntUSdj2rhRxRc7xUGY5Y4klbM65Itr8v48v4OTayA2Ppi4hf+MX1RXjfTV"
    "n5HqQtfY277GvMbC08x1AI8vGVqA47Yii47qcIM8Hnm4o3EuZOt5QWwp9TJtKXp0xscENR"
    "/XMLPZAlZCxDTAI20OGtYrtwSAUGn4P2QwGXg0ha9u51ozGVhM2FjVyh1MR3+HHaXU38ZR"
    "mw+Q3q4fmIRvfpLaId2l22eSr165tW5xKJP3162/zSav7ZvL1Ezq8+rX9odnq8B/zp00a3"
    "07ttXd33uryT5yAopVJx7DwNw4K6godf56F0v1J3fyW6ewYNw10eeK5I/EX5zI+z1efKJ7"
    "LcwyUQF9LK9kk271exKb/gkLMmogLFQbRLSY/x/57GteEfbi8tpGhsM6issJlshLJq7zEb"
    "r6bqxjjDh+m4+qiDQ1l8MU4jpg7DIJkPa/mbx0ybCW4doi9WV92p+LvrvUf6FMr0BqpCCb"
    "8LSRkN0AH4iy3NLhST29jV+pR3c0Y/fvNr1EaR4A8fKLoE+6PoxuAQddWRQ6Mj/upeQv3c"
    "CKZUtSsPNWI74uO3fXQnA13s4UK7PZYq806qzH7mZQgb+ug2FTgsKj9c/J3HJQR+LPIeii"
    "J9K2ltOxut5FvEgk7agsVHt8VdWJw1vre7sJTxr82WhHpnFoK5Rx5j5ESArBBoJxlqza+9"
    "5PjXyk5rdzsfnO7BoFhw9zk6MflrLsvy9tIUAvTAxyJrKVb4SS3+U5G14Po2cNQnwuODu0"
    "7/7Ud2K7+NTWqlnwxNRTUUqh/C9X6vbH+9byTeqxHeQ+FGZ0TCa9LHUb1URVzzm9lHazZT"
    "DIlbdFmw9lMVEOvTNFCfxiMdrgIdKyqR5piPngFnH1EBYd5IyRgYhZLYHzSDPeMnKk2aqE"
    "1wASJCI0z0ZFRtkhLTqG232YiAGK2dnWeTvz6yAkqG9X81iD/chhmh4qULHbrU2wO7cn1b"
    "f9/LqNVZRJdI/OnTeqPX+tK8RNbfPr1ufr5tNuq95jXvsvrdp1+at633LWh1fuWKH6ZRy4"
    "/j1fLjkFr+3cTc5l9Kusy0qA9fqgzHyJ4QZYBxYyDdFOuODjdVW5D0dYru/VW7iYCprbuW"
    "rZivwoLipN+Lctust4Ob2ergT5WZSaM8Vwmu2ABhWcSRzxM7InONyCL2ErufcJK3JYq6CF"
    "sKb9vnUuYtxD8Yxcpb8Em/+Sgn1/2UJdd3hesRCcj27COzJrKXvYdoi2TnvHDhe1I2S+bK"
    "92zJLLvGkNTF76H1GPPZ85fJ/64TTZGnlYh8GvtMNSmlBrt9nkqqiQd2zXnVryVD5Jkuj/"
    "jcj9jcg3j3R3zyQRFcH7WzszTh27Oz+PAtnPPrs/BQZUDY7l5AdDeSlA5Sl0RZzPHxQw9J"
    "WRyaMVj4osVMP/8PLK3XMg=="
)
