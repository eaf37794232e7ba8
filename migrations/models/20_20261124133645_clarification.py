from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "clarification_requests" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "correlation_id" VARCHAR(128) NOT NULL,
    "question_count" SMALLINT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "requester_id" BIGINT NOT NULL REFERENCES "principals" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_clarificati_created_2e71ec" ON "clarification_requests" ("created_at");
COMMENT ON TABLE "clarification_requests" IS 'Every `clarificationRequest`, ambiguous or not: the denominator of the trigger rate.';
        CREATE TABLE IF NOT EXISTS "clarification_tickets" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "correlation_id" VARCHAR(128) NOT NULL,
    "prompt" TEXT NOT NULL,
    "known_parameters" JSONB NOT NULL,
    "domain_tags" JSONB NOT NULL,
    "questions" JSONB NOT NULL,
    "answers" JSONB NOT NULL,
    "status" VARCHAR(20) NOT NULL,
    "panel_size" SMALLINT NOT NULL,
    "deadline_at" TIMESTAMPTZ NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "decided_at" TIMESTAMPTZ,
    "created_event_id" BIGINT,
    "requester_id" BIGINT NOT NULL REFERENCES "principals" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_clarificati_correla_dad5f1" ON "clarification_tickets" ("correlation_id");
CREATE INDEX IF NOT EXISTS "idx_clarificati_status_ed4c39" ON "clarification_tickets" ("status", "deadline_at");
COMMENT ON COLUMN "clarification_tickets"."status" IS 'OPEN: OPEN\nAPPROVED: APPROVED\nREJECTED: REJECTED\nTIMED_OUT: TIMED_OUT\nTIMED_OUT_BLOCKED: TIMED_OUT_BLOCKED';
COMMENT ON TABLE "clarification_tickets" IS 'A question pack for one task. Questions and answers live on the row (JSONB):';
        CREATE TABLE IF NOT EXISTS "clarification_assumptions" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "correlation_id" VARCHAR(128) NOT NULL,
    "question_id" VARCHAR(8) NOT NULL,
    "question_text" TEXT NOT NULL,
    "default_value" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "status" VARCHAR(12) NOT NULL,
    "reason" TEXT,
    "overridden_at" TIMESTAMPTZ,
    "history" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "overridden_by_id" BIGINT REFERENCES "principals" ("id") ON DELETE SET NULL,
    "ticket_id" BIGINT NOT NULL REFERENCES "clarification_tickets" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_clarificati_ticket__8123cd" UNIQUE ("ticket_id", "question_id")
);
CREATE INDEX IF NOT EXISTS "idx_clarificati_correla_d68980" ON "clarification_assumptions" ("correlation_id", "status");
COMMENT ON COLUMN "clarification_assumptions"."status" IS 'PROVISIONAL: PROVISIONAL\nOVERRIDDEN: OVERRIDDEN';
COMMENT ON TABLE "clarification_assumptions" IS 'A safe default the agent proceeds on, until a person overrides it.';
        CREATE TABLE IF NOT EXISTS "clarification_panel_members" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "weight" DECIMAL(12,6) NOT NULL,
    "position" SMALLINT NOT NULL,
    "contributor_id" BIGINT NOT NULL REFERENCES "contributors" ("id") ON DELETE CASCADE,
    "ticket_id" BIGINT NOT NULL REFERENCES "clarification_tickets" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_clarificati_ticket__fe211c" UNIQUE ("ticket_id", "contributor_id")
);
COMMENT ON TABLE "clarification_panel_members" IS 'An agent on a ticket''s panel. `weight` is its reputation when the panel was chosen.';
        CREATE TABLE IF NOT EXISTS "clarification_votes" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "choice" VARCHAR(8) NOT NULL,
    "confidence" DECIMAL(7,6) NOT NULL,
    "weight" DECIMAL(20,12) NOT NULL,
    "comment" VARCHAR(2000),
    "created_at" TIMESTAMPTZ NOT NULL,
    "contributor_id" BIGINT NOT NULL REFERENCES "contributors" ("id") ON DELETE CASCADE,
    "ticket_id" BIGINT NOT NULL REFERENCES "clarification_tickets" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_clarificati_ticket__c3eb28" UNIQUE ("ticket_id", "contributor_id")
);
COMMENT ON COLUMN "clarification_votes"."choice" IS 'AGREE: AGREE\nDISAGREE: DISAGREE\nNEUTRAL: NEUTRAL';"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "clarification_tickets";
        DROP TABLE IF EXISTS "clarification_panel_members";
        DROP TABLE IF EXISTS "clarification_votes";
        DROP TABLE IF EXISTS "clarification_assumptions";
        DROP TABLE IF EXISTS "clarification_requests";"""


MODELS_STATE = (
    "eJztXXlv2zgW/yqE/9kW8ASJc453sYCbeFpPEzubuO1gmkKhJcYmIpOqKCfxdvvd91GHdS"
    "uS7TiyqgGmkUk+kvo9Hu8i9aMx5RrRxU7HoB/JvNFGPxoMTwk8RHKaqIENw0+XCRYe6XZR"
    "bFDlnsztRDwSlolVC9LvsC4IJGlEqCY1LMqZLN1hqHPZQ0DQRMLiJtEQZ/ocYYGsCUHXHz"
    "q/tQ6PEL+zfz5OuE5k4X+iW8Mkd/TpFlGNMIveUSIQtRBlSKfComwsdmQPNK5CF+DnJhqb"
    "Mfp9RhSLjwlUYEKTX79BMmUaeSLC+2ncK1CBroUAppqswE5XrLlhp72j4x6z/rDLylcZKS"
    "rXZ1Pmlzfm1oSzBQFllkwdE0ZMbBHZgmXOJOpspusugzxGOJ31izi9DNBo5A7PdMk7Se10"
    "wE9rKEp/MFSuu0NFacT46lEE0HeTVM7kmICuChuAsezCb7+3Wvv7x63d/aOTw4Pj48OT3R"
    "Moa/c3nnX80+mMj5ZTlY1Z732vP5Qd4jDwnBEpE37aNNjCDpXNDB99YLIywWIS58HpBJvJ"
    "HAjSRPgALxjlg4d6eRkxxU+KTtjYmsDPo4MMjD93rk4/dK7eHB28DQPdd3NadpaE3IfYmU"
    "FFAPYp1gOvl+Dj669JGwd47ygHwHtHqQDLrDDAqkkkGAq24iCfQY5FpyQZ6DBlBGzNJd3x"
    "HrYRenhBbQArvTunMqAf9i6618POxaVsbirEd93GrzPsypyWnTqPpL6JsmlRCfrSG35A8i"
    "f6e9Dv2vByYY1Nu0W/3PDvhuwTnllcYfxRwVpg+nupHmohrpvkgd8vxfUw5Rq47na3LEzf"
    "EiZ7mGRy2YA3VamBdaWonBClfF5i2Ib5vDGhQcprd/eJMsMC2ThD/gDRko4ZiMo2U3rQec"
    "xUkoC/K1dfBuvaMmb89Iacl+ovBSZ+XIi6sZEIKMC7E8uRAjrXp52zbsMGfITV+0dsakoI"
    "eZnDWzySsigbz5q2ptEUzPDYRki+iuy4p9cIMZt6bx7XevzcTM1H1bEJuoGKZVEFL6jyqk"
    "JI4DuCXAbZKgj0llnIMLlKiCZAWWmiGegfOsLIIKbgDPEHYpqglUh9JEHhWbnKG3bDJlQq"
    "S3M5+h+wLjkL+6mQlAue9rTAjz7A10TYkszkjCBo0JzL2hdVp2lLXxsWVe+JvSZBnrCBhO"
    "HyLaJGfYVBaJpEx16BppQKsTUTTtFaxSqdihVnWF49IE5ZRX2gdZJHIWidpGsEMi+sEgSn"
    "UAHAI2QVRDsP1ulIp+NskacEOXwIqc8g7RFWAussybv71zAkdHuovrno/PU2JHifD/rvve"
    "IBLpyeD95F4HdfQLE3pyLwxwhr+JeAvzDsNdyrwO3KOYnreZfNpjGVI4S9T7058BuXV4PP"
    "veveoN85bxTjQpC0jQI/btjgc/fqqnd21u23kf8cFYHz7b25tt6MnTe6ITjycZE54VMsxZ"
    "ctsr28xJxw9QqNsCUMYTHi2hZWZluYq43Gufzn9aCfzOEASZS3VLXQ/2wv3outfv+6mzFV"
    "cgyNZlS3KBM7sr1/F1wK18FsCVH25IvOswgDZQXRyVc7HtL3meo6HgKr5mhe2CydRL2Uab"
    "pkC+0mbS0+LxyjWWEmhMhqx8C6HAO+CXNFr8Bp0J48XNS6ZTzJ6x8IjcZk50Dq+rNhF0zJ"
    "Fp28CCctuiGgoSOo/+n8/LXcMKEBf0Vs69g5HzcSfDJpRZv5HTSmQ5XTO9MF8OboVk1o97"
    "aJ8HRExzM+E4ibiHGrbftaAGk+pQyD8OkFlQEnx2NiIjm64v6al2qkDkwr8VbSrL0m5fSa"
    "qHzGEvbx6ynW9dTxH6eukmS13zo+WkwA+SNryF9fdM7P49LqdumLG11zqqsuupstMQtrKV"
    "HKKk2n11VUFshuWHwuGzPyys/RkVimCKYkXfE5sdlXKfOKzI6OljueydsLkQHviO6kgMpA"
    "OsXifgf9x80TCDMN/hePxBRIpw8ECtlSrMkf0Rvb4Pi2HZOU11m5jHHyahNyhlCtie5hMD"
    "aR9Ms3kSAgl1Nr3nSrGsLYbyJ1wqlKBGQbmAHWMEVMKEw8OuCOO1R/frthbifaCKEfXmM9"
    "DcjckKpnQql+5hPjvwYcfBpsJjplRG6XdVRULd9vhQT08uK9YfKpUShKx6eohAq1aefsPc"
    "iETDGwCb9h80wIXUj33CXRlsOFJ5utjAtP41NoW7HwuBB3ImTlYEylfKsLsaQIW0JENVPW"
    "zhRXlCvCkgBJORhSqeVrC0PiBpdurFqBWDhJ00by3xvWuZTBcN2zNvKebthV98/u6VCmeU"
    "83TJpuzpTBp2EbLR4Dqcq788HpR0kSS4qqXHkEttZuDnmttZsqrsmsiLSGGdEVQf+bEGGa"
    "bYgNU1bJarQOI2xQOYwBm22FjZBWMGxnS+yuucLltsvaXkdnrcfcrhGVaktxPUxZh8Juw9"
    "wmD4QVD/9Koq5j8JaNwasdXLWDq6zM2JSDK6Aihw+/RyaDS/zHxyvXgp0Oe/jsfUVwj2s4"
    "q4F0Kau4INMR2WJ7dDZKD9wiKw6lz1BFleB5UXcyZ9CrEQgfZiPJjRzIbma6j/2Cub3G3j"
    "UUJsLMva7CmmALaZwI9MjNe8+HawDH77g53UEdWcpx9k5m8FICiQk2CZSiAtmdSbob4+Ua"
    "quMtSywwNDP8sRPgrJ5gakr3w/oUlbsEcD/Pudj99HOx+7FzsTKoYlkzrUdbZh9s48Oni0"
    "6/jew/N6zzvtsftpH9Zxlz6pqvqSBPsOJZVCSM73TPRYioHL6LSjmTTGLMrIXkErHUEJVO"
    "sZ6mNgYJo5xxKHfcGl6MO3s7u/Z/r8CNs+5p76Jz/mav1XRsMMAU6qgqHlsOYu6E2hqavv"
    "RU1xr6ytcnRu1jv4icFTPM5DEcuF47mGsranu/gE4cjs2tNeQcGnKu6zsHjAw5/LOBk6Ov"
    "uhTkNQtm3tyZcmZ0JevDYGaN+NPpDNTzRPNDKL+ZZX/gdklF9Ys+a4AAxsvocOdwpY6FhW"
    "4F+X7rRI3DFJojqfLJTwfMrB30kRj2dwCwpGnKU5nwKKQdFcZMEwkuvxMwwQJy0BgbCR8l"
    "2EB7azZHZMddVMwgsXywRbqVQXIZ9rjvxWSRINXmfES7v5Ic8pImVWfR6kpna/qa5mTnWd"
    "Jsr23+j6zYxdGjSS2LMLmAyOVFQBdgTmEmsKNiux9CUWHFGRO5kjgVjUjyx1RWrlSevHFW"
    "OyrQmEJ1aDQPrHyPE1mvhYzZCJT+CRFtJC3Kzin4pmzRzUHc1IjZdBqyF3vblHvDxGzkNG"
    "YKqFPMoG93Jp/uoE/Mq1STS6mARfOBIEaoXCHdJZhBNbeLYqD63dbW3bLP9qx11/4bwz/d"
    "tuuVL7PJcemjNXlCNfcyYjX3koI15zrHCUM83bwYINm8cfF1wozqS9hqw1ao3AqGrcDeVJ"
    "TvUdo61K/MoX6FtYVVFIVSWSl+OUUhaLlMUBQihs28R/cdw+rUpsuvNjhREVKIR87Z/38I"
    "ZNe0g24fCR1PLFt0p5aUrj1/lCO224ETsih6BA1AnXBBWKIW8RJtPPNtkUBYSuzbIrXsXk"
    "rZ3RkJBX2kPtHr+EdfZ3NbyjMKGxZN9kI/c8wqQFelyOW13HTlLzPFo/NjtFVCt74gt+rw"
    "Z4Tl1xfkbuKCXDUco7sq1OHaKgpxfNEt0x1fvqM5SS0IeqHTlYKFLzenDvBlwuXlV2jCoY"
    "cyTtr9gHp78b3Aph89LSOpkSDmA5W+yEdqTRB5gur1uX03l8mT4rBfpIXaRF/irSFLzH9d"
    "E32Jgq/3dnMZ6HczDPS7MSFfzo9kdJ+Pv/Zoy+wMaXTOLnr9NrL/yAsxPve6X7pX8kIM5y"
    "kck33DTgf94VXv3afhAAoFfkRXqVwcqz/pXhv1lzTqLxUriQ2qwEa56glLg4IYuIVDIFeM"
    "pH8QVVl813hFvIqcSC2nR6RIWGnwKwnLg5bxuYYqjrrUW3PXhGDldN1ih1lzKrkevF48bw"
    "6QC2m52zK5C6qZdhR4gobpRYfn9TgtAtKf1TLTX7H246xRZCqFgufcmr2sEuJTl1sNeX/V"
    "7UolA/7csLPetZvgPd2wfvfT8Ep+09Z9WEbhWPPxUGjrDsQjlsSdTC9bmPBX9LQdF3C01Y"
    "7MwvC2dpvu55dznfHk0ylJ+nBP1mXqC5IqfH45eilnLlOSLJZxMWfcmFRbJ9IZUC3rRO3T"
    "Lo1gVfu0a5/2FvCk9mmXBuJy+7Q7xKTqpJFgbnBzmlkGB+yXWauNYRVTwq9iR2jtHRwfnO"
    "wfHSyW2UVK1ur6vIXggZgiMRAxXX4PkJTZLrCsAH94mEd+PzxMF99lXuQjFjCpCiDsFq8g"
    "ui/iaJeLbqIOmn4SLkBSn4QreBLuVU9u/Pw/Ze56EQ=="
)
