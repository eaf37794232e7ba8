"""Rules the ORM cannot state: price periods that never overlap, checked STF pointers and scores,
consistent call pricing, and the indexes that serve the lists and the search."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE EXTENSION IF NOT EXISTS btree_gist;
        CREATE EXTENSION IF NOT EXISTS pg_trgm;

        ALTER TABLE "model_prices"
            ADD CONSTRAINT "model_prices_superseded_by_fk" FOREIGN KEY ("superseded_by_id")
                REFERENCES "model_prices" ("id") ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED,
            ADD CONSTRAINT "model_prices_non_negative" CHECK (
                "input_per_mtok" >= 0 AND "output_per_mtok" >= 0 AND coalesce("cache_read_per_mtok", 0) >= 0
                AND coalesce("cache_write_per_mtok", 0) >= 0 AND coalesce("reasoning_per_mtok", 0) >= 0),
            ADD CONSTRAINT "model_prices_period" CHECK ("effective_to" IS NULL OR "effective_to" > "effective_from"),
            ADD CONSTRAINT "model_prices_superseded_together" CHECK (("superseded_by_id" IS NULL) = ("superseded_at" IS NULL)),
            ADD CONSTRAINT "model_prices_no_overlap" EXCLUDE USING gist (
                "provider" WITH =, "model" WITH =, tstzrange("effective_from", "effective_to") WITH &&
            ) WHERE ("superseded_by_id" IS NULL);

        ALTER TABLE "stfs"
            ADD CONSTRAINT "stfs_commit_sha" CHECK ("commit_sha" ~ '^[0-9a-f]{40}$'),
            ADD CONSTRAINT "stfs_code_sha256" CHECK ("code_sha256" ~ '^[0-9a-f]{64}$'),
            ADD CONSTRAINT "stfs_lines" CHECK ("line_start" >= 1 AND "line_start" <= "line_end"),
            ADD CONSTRAINT "stfs_quality" CHECK ("quality_score" >= 0 AND "quality_score" <= 1),
            ADD CONSTRAINT "stfs_version" CHECK ("version" >= 1),
            ADD CONSTRAINT "stfs_usage" CHECK ("usage_count" >= 0);
        CREATE UNIQUE INDEX "stfs_one_latest" ON "stfs" ("lineage_id") WHERE "is_latest";
        CREATE INDEX "stfs_pointer" ON "stfs" ("code_sha256", "commit_sha", "repository", "file_path");
        CREATE INDEX "stfs_latest_created" ON "stfs" ("created_at", "id") WHERE "is_latest";
        CREATE INDEX "stfs_latest_quality" ON "stfs" ("quality_score", "id") WHERE "is_latest";
        CREATE INDEX "stfs_latest_usage" ON "stfs" ("usage_count", "id") WHERE "is_latest";
        CREATE INDEX "stfs_contributor" ON "stfs" ("contributor_id");
        CREATE INDEX "stfs_tags" ON "stfs" USING gin ("tags" jsonb_path_ops);
        CREATE INDEX "stfs_search_name" ON "stfs" USING gin ((upper(("name")::varchar)) gin_trgm_ops);
        CREATE INDEX "stfs_search_description" ON "stfs" USING gin ((upper(("description")::varchar)) gin_trgm_ops);

        CREATE INDEX "executions_started_at" ON "executions" ("started_at");

        ALTER TABLE "llm_calls"
            ADD CONSTRAINT "llm_calls_tokens" CHECK (
                "input_tokens" >= 0 AND "output_tokens" >= 0 AND "cache_read_tokens" >= 0
                AND "cache_write_tokens" >= 0 AND "reasoning_tokens" >= 0 AND "latency_ms" >= 0),
            ADD CONSTRAINT "llm_calls_priced" CHECK (
                ("priced" AND "cost" IS NOT NULL AND "price_id" IS NOT NULL AND "unpriced_reason" IS NULL)
                OR (NOT "priced" AND "cost" IS NULL AND "price_id" IS NULL AND "unpriced_reason" IS NOT NULL));
        CREATE INDEX "llm_calls_execution" ON "llm_calls" ("execution_id");
        CREATE INDEX "llm_calls_price" ON "llm_calls" ("price_id");
        CREATE INDEX "llm_calls_unpriced" ON "llm_calls" ("started_at") WHERE NOT "priced";
        CREATE INDEX "llm_call_repricings_call" ON "llm_call_repricings" ("call_id");"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP INDEX IF EXISTS "llm_call_repricings_call";
        DROP INDEX IF EXISTS "llm_calls_unpriced";
        DROP INDEX IF EXISTS "llm_calls_price";
        DROP INDEX IF EXISTS "llm_calls_execution";
        ALTER TABLE "llm_calls" DROP CONSTRAINT IF EXISTS "llm_calls_priced",
            DROP CONSTRAINT IF EXISTS "llm_calls_tokens";
        DROP INDEX IF EXISTS "executions_started_at";
        DROP INDEX IF EXISTS "stfs_search_description";
        DROP INDEX IF EXISTS "stfs_search_name";
        DROP INDEX IF EXISTS "stfs_tags";
        DROP INDEX IF EXISTS "stfs_contributor";
        DROP INDEX IF EXISTS "stfs_latest_usage";
        DROP INDEX IF EXISTS "stfs_latest_quality";
        DROP INDEX IF EXISTS "stfs_latest_created";
        DROP INDEX IF EXISTS "stfs_pointer";
        DROP INDEX IF EXISTS "stfs_one_latest";
        ALTER TABLE "stfs" DROP CONSTRAINT IF EXISTS "stfs_usage", DROP CONSTRAINT IF EXISTS "stfs_version",
            DROP CONSTRAINT IF EXISTS "stfs_quality", DROP CONSTRAINT IF EXISTS "stfs_lines",
            DROP CONSTRAINT IF EXISTS "stfs_code_sha256", DROP CONSTRAINT IF EXISTS "stfs_commit_sha";
        ALTER TABLE "model_prices" DROP CONSTRAINT IF EXISTS "model_prices_no_overlap",
            DROP CONSTRAINT IF EXISTS "model_prices_superseded_together",
            DROP CONSTRAINT IF EXISTS "model_prices_period", DROP CONSTRAINT IF EXISTS "model_prices_non_negative",
            DROP CONSTRAINT IF EXISTS "model_prices_superseded_by_fk";"""


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
