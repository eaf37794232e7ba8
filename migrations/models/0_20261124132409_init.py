from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "outbox_cursor" (
    "id" SMALLSERIAL NOT NULL PRIMARY KEY,
    "last_seq" BIGINT NOT NULL
);
COMMENT ON TABLE "outbox_cursor" IS 'One row: the last `seq` the relay handed out. Kept in a row, not a sequence, so it has no gaps.';
CREATE TABLE IF NOT EXISTS "outbox_events" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "name" VARCHAR(120) NOT NULL,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "published_at" TIMESTAMPTZ,
    "seq" BIGINT UNIQUE
);
COMMENT ON TABLE "outbox_events" IS 'An event written in the same transaction as the change it describes.';
CREATE TABLE IF NOT EXISTS "principals" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "name" VARCHAR(100) NOT NULL UNIQUE,
    "role" VARCHAR(16) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL
);
COMMENT ON COLUMN "principals"."role" IS 'ADMIN: ADMIN\nREVIEWER: REVIEWER\nAGENT: AGENT\nCONTRIBUTOR: CONTRIBUTOR';
COMMENT ON TABLE "principals" IS 'Whoever holds an API key: a person, an agent or a service, with exactly one role.';
CREATE TABLE IF NOT EXISTS "api_keys" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "key_hash" VARCHAR(64) NOT NULL UNIQUE,
    "prefix" VARCHAR(16) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "revoked_at" TIMESTAMPTZ,
    "principal_id" BIGINT NOT NULL REFERENCES "principals" ("id") ON DELETE CASCADE
);
COMMENT ON TABLE "api_keys" IS 'An API key, stored only as the SHA-256 of the whole key; `prefix` identifies it in listings.';
CREATE TABLE IF NOT EXISTS "aerich" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "version" VARCHAR(255) NOT NULL,
    "app" VARCHAR(100) NOT NULL,
    "content" JSONB NOT NULL
);"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        """


MODELS_STATE = (
    "eJztWlFT2zgQ/iuaPHEzlAkGAuWeDISSA5IOSdubHjdGsRVbgyMZSSZkevz3W8l2nNhJSF"
    "qgoc1T7NWutP5WWn+7zrdKn3sklFt2RM/JsHKIvlUY7hO4KIxsogqOolyuBQp3Q6OKI+rc"
    "kqER4q5UArsK5D0cSgIij0hX0EhRzrS2zZD9sYHAYBNJxQXxEGfhEGGJVEBQ+8x+Z+3VEO"
    "+Z20HAQ6KV/0Q3kSA9+nCDqEeYoj1KJKIKUYZCKhVlvtzSHnjcBRfg9jUWixm9i4mjuE9g"
    "AgFL/vMviCnzyAOR2W1068AEoTcBMPX0BEbuqGFkZEfUbzB1anT1o3Qdl4dxn+X60VAFnI"
    "0MKFNa6hNGBFZEr6BErFFncRimAcoCkTibqyRejtl4pIfjUMdOWycO5LKK4zRbHadd7zhO"
    "pRTXzGIM/VTkcqb3BLgqDQC+duHde8va2dm3qju1g73d/f29g+oB6Bp/y0P7j4kzOVrJVA"
    "azxodGs6Md4rDxkh2pBY/GBiucWJlg5OhDkJ0Ay6Acg+MAi+kRGLcpxAEesBiHDPXVDUQf"
    "PzghYb4K4La2Owfjz/bV8Zl9tVHb/WMS6GY6YpkhDXkOcXKClgE4t3geeDNBjm+ek14d4O"
    "3aAgBv12YCrIcmAXYF0WA4WJVBPoERRftkOtCTlgWwvdR0K7t4i9DDA3otyPTpmZoDfadx"
    "WW937MuPerm+lHehwc/u1PWIZaTDgnSjGKbRJOhLo3OG9C362mrWDbxcKl+YFXO9zteK9g"
    "nHijuMDxzsjR3/TJqhNhF1Qe757XdFfdLyGaKeursqQX8jQc4wmRvlCJ7UpREOnWV5QtHy"
    "acbwFs7zq5EGzdd6t1M5wwjZckBOgVpSnwFVNkFpgPOYuWQK/imv/jg+1xsLxmO25TJpng"
    "oEHoyobmknAgrw7EQlLMBuH9sn9YoBvIvd2wEWnjOBvB7hFi9IRrrlob7VL0oww75BSD+K"
    "djzFvxWrLn84joXkojKl7pkYn1v9cKPpuLnqkyVQixEk+ODQFB0hlgrdSHJ3Y24FCfEQBR"
    "hCC7VKrLbQOYlM4YG1zSZiXMEl6McEdhiUNVwXJsBLYQT5OJpSBb3Ces9cCLX7OAx/l1Jo"
    "x9qvjfKYvpmXudqX9sXF0/WNjrIDQVvu3TFu9Xrvjeqv99L4mUmtfk9MSp6R05LhRVIa0Z"
    "qLd3WMOhoIqhRhOoHo9CLBBThTmEkwB92s8+JCxvGJziTJRF0yvXvzw5Nes2uWZDsqkU9h"
    "OtQdjmW+QaDnVSiKuyGVAZGHCLaRon7MY7mpV0xHEBceEZvJQibZwyVW10zG3WQxIWFOGY"
    "NvPcH7W+gTyyb1dCqVkDTvCWKE6gyZpmAG09yM1ICa36z7Sqt+2uflXfNbwn92yyPT/xUb"
    "HlZ1kY6HVZ3d8tBjhaYSHoYcT9nif7VbzRkFUW5SrHmpq9B/pqP7BtGeA64GY6LSzTDduL"
    "T/LsJ9fNE6KpaweoKjdbtp3W6qjL+blo170XbdclrlltPS1cKPFArFOP4m1GFFCoW8+zSl"
    "TJhoTc0uEkbdnQUrhC8BBzIvUMDBQ4RHH2YPEUYRcGfONrUUHAbCD6xY9xzEPdUthwEwZk"
    "QeYPpwiLhpZoSkXC68yAprJr7Cx2l1mfgKfdndri7Ew6tzeHi1xMP1+ZiObp3F/VITfPI7"
    "VGq7yjVPxT65bDQPkfm5Zlf1z436l/rVIcqurpn9od7sgIb+uWbHrWbnqnH0qdMCpbGbYp"
    "Zafypec/eX5O5LMIx8e4z/g6vwvkotT8+vSIgNtuVtUPqv2BvbArM+aD2+JAeziaBuMI2A"
    "pSNz2RfOdZ5iXrNheGZu87sQG2t7d3/3YKe2O+IzI8k8GvM0ZQHyKtMTtihrGTNZ5dfpd1"
    "IXa29vgTchaM18FZqxyXehPlRLIJyq/4Lovggx1B9P0g9MizZox0zWDdolG7Q/taHw+D/n"
    "Ucdy"
)
