from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        INSERT INTO "outbox_cursor" ("id", "last_seq") VALUES (1, 0) ON CONFLICT DO NOTHING;
        ALTER TABLE "outbox_events" ADD CONSTRAINT "outbox_events_seq_iff_published"
            CHECK (("seq" IS NULL) = ("published_at" IS NULL));
        CREATE INDEX "outbox_events_unpublished" ON "outbox_events" ("id") WHERE "published_at" IS NULL;
        CREATE FUNCTION omniclaude_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('omniclaude_outbox', '');
            RETURN NULL;
        END $$;
        CREATE TRIGGER "outbox_events_notify" AFTER INSERT ON "outbox_events"
            FOR EACH STATEMENT EXECUTE FUNCTION omniclaude_outbox_notify();
        """


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TRIGGER IF EXISTS "outbox_events_notify" ON "outbox_events";
        DROP FUNCTION IF EXISTS omniclaude_outbox_notify();
        DROP INDEX IF EXISTS "outbox_events_unpublished";
        ALTER TABLE "outbox_events" DROP CONSTRAINT IF EXISTS "outbox_events_seq_iff_published";
        DELETE FROM "outbox_cursor" WHERE "id" = 1;
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
