"""Issue 17: tier prices on model_prices, the service tier / price tier / reported and billed cost of
each call, provider cost sources, and the budgets domain (budgets, periods, reservations, charges)."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "budgets" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "scope_kind" VARCHAR(11) NOT NULL,
    "scope_value" VARCHAR(200) NOT NULL,
    "limit_usd" DECIMAL(30,15) NOT NULL CHECK ("limit_usd" > 0),
    "period" VARCHAR(5) NOT NULL,
    "window_start" TIMESTAMPTZ,
    "window_end" TIMESTAMPTZ,
    "thresholds" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "created_by_id" BIGINT REFERENCES "principals" ("id") ON DELETE SET NULL,
    CONSTRAINT "uid_budgets_scope_k_3bb607" UNIQUE ("scope_kind", "scope_value"),
    CONSTRAINT "budgets_scope_kind" CHECK ("scope_kind" IN ('AGENT', 'CONTRIBUTOR', 'API_KEY', 'CORRELATION')),
    CONSTRAINT "budgets_fixed_window" CHECK (("period" = 'FIXED') = ("window_start" IS NOT NULL AND "window_end" IS NOT NULL)
                                             AND ("window_start" IS NULL OR "window_start" < "window_end"))
);
COMMENT ON COLUMN "budgets"."scope_kind" IS 'AGENT: AGENT\nCONTRIBUTOR: CONTRIBUTOR\nAPI_KEY: API_KEY\nCORRELATION: CORRELATION';
COMMENT ON COLUMN "budgets"."period" IS 'DAY: DAY\nWEEK: WEEK\nMONTH: MONTH\nFIXED: FIXED';
COMMENT ON TABLE "budgets" IS 'A USD limit per period for one scope, with alert thresholds in percent of the limit.';
        CREATE TABLE IF NOT EXISTS "budget_periods" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "period_start" TIMESTAMPTZ NOT NULL,
    "period_end" TIMESTAMPTZ NOT NULL,
    "spent" DECIMAL(30,15) NOT NULL DEFAULT 0,
    "reserved" DECIMAL(30,15) NOT NULL DEFAULT 0 CHECK ("reserved" >= 0),
    "calls" BIGINT NOT NULL DEFAULT 0,
    "unpriced_calls" BIGINT NOT NULL DEFAULT 0,
    "alerted" JSONB NOT NULL DEFAULT '[]'::jsonb,
    "budget_id" BIGINT NOT NULL REFERENCES "budgets" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_budget_peri_budget__3b7de4" UNIQUE ("budget_id", "period_start", "period_end"),
    CONSTRAINT "budget_periods_order" CHECK ("period_start" < "period_end")
);
COMMENT ON TABLE "budget_periods" IS 'What one period of a budget has spent (calls counted), holds (pending reservations) and';
        CREATE TABLE IF NOT EXISTS "budget_reservations" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "idempotency_key" VARCHAR(200) NOT NULL UNIQUE,
    "estimate" DECIMAL(30,15) NOT NULL CHECK ("estimate" > 0),
    "state" VARCHAR(7) NOT NULL DEFAULT 'PENDING' CHECK ("state" IN ('PENDING', 'SETTLED', 'EXPIRED')),
    "expires_at" TIMESTAMPTZ NOT NULL,
    "settled_cost" DECIMAL(30,15),
    "created_at" TIMESTAMPTZ NOT NULL,
    "closed_at" TIMESTAMPTZ,
    "budget_id" BIGINT NOT NULL REFERENCES "budgets" ("id") ON DELETE CASCADE,
    "created_by_id" BIGINT REFERENCES "principals" ("id") ON DELETE SET NULL,
    "period_id" BIGINT NOT NULL REFERENCES "budget_periods" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_budget_rese_state_84c3fd" ON "budget_reservations" ("state", "expires_at");
COMMENT ON COLUMN "budget_reservations"."state" IS 'PENDING: PENDING\nSETTLED: SETTLED\nEXPIRED: EXPIRED';
COMMENT ON TABLE "budget_reservations" IS 'An admission: `estimate` held in a period of a budget until a call settles it or it expires.';
        CREATE TABLE IF NOT EXISTS "budget_charges" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "amount" DECIMAL(30,15) NOT NULL,
    "call_id" BIGINT NOT NULL REFERENCES "llm_calls" ("id") ON DELETE CASCADE,
    "period_id" BIGINT NOT NULL REFERENCES "budget_periods" ("id") ON DELETE CASCADE,
    "reservation_id" BIGINT REFERENCES "budget_reservations" ("id") ON DELETE SET NULL,
    CONSTRAINT "uid_budget_char_period__c7528f" UNIQUE ("period_id", "call_id")
);
CREATE INDEX IF NOT EXISTS "idx_budget_char_call_id_1b0c9c" ON "budget_charges" ("call_id");
COMMENT ON TABLE "budget_charges" IS 'One call counted in one period of a budget, at its billed cost (0 when it has none).';
        CREATE TABLE IF NOT EXISTS "provider_cost_sources" (
    "provider" VARCHAR(64) NOT NULL PRIMARY KEY,
    "authority" VARCHAR(8) NOT NULL CHECK ("authority" IN ('COMPUTED', 'REPORTED')),
    "reason" VARCHAR(500) NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "updated_by_id" BIGINT REFERENCES "principals" ("id") ON DELETE SET NULL
);
COMMENT ON COLUMN "provider_cost_sources"."authority" IS 'COMPUTED: COMPUTED\nREPORTED: REPORTED';
COMMENT ON TABLE "provider_cost_sources" IS 'Which cost of a provider''s calls is charged and counted against budgets. A provider not listed';
        ALTER TABLE "llm_calls" ADD "cost_source" VARCHAR(8);
        ALTER TABLE "llm_calls" ADD "billed_cost" DECIMAL(30,15);
        ALTER TABLE "llm_calls" ADD "budget_reservation_id" BIGINT;
        ALTER TABLE "llm_calls" ADD "service_tier" VARCHAR(8) NOT NULL DEFAULT 'STANDARD';
        ALTER TABLE "llm_calls" ADD "api_key_prefix" VARCHAR(16);
        ALTER TABLE "llm_calls" ADD "reported_cost" DECIMAL(30,15);
        ALTER TABLE "llm_calls" ADD "price_tier" VARCHAR(40);
        ALTER TABLE "llm_call_repricings" ADD "old_billed_cost" DECIMAL(30,15);
        ALTER TABLE "llm_call_repricings" ADD "new_billed_cost" DECIMAL(30,15);
        ALTER TABLE "llm_call_repricings" ADD "new_price_tier" VARCHAR(40);
        ALTER TABLE "llm_call_repricings" ADD "old_price_tier" VARCHAR(40);
        ALTER TABLE "model_prices" ADD "tiers" JSONB NOT NULL DEFAULT '[]'::jsonb;
        UPDATE "llm_calls" SET "billed_cost" = "cost", "cost_source" = 'COMPUTED', "price_tier" = 'STANDARD'
        WHERE "priced";
        ALTER TABLE "llm_calls" ADD CONSTRAINT "llm_calls_service_tier"
            CHECK ("service_tier" IN ('STANDARD', 'BATCH', 'PRIORITY', 'FLEX'));
        ALTER TABLE "llm_calls" ADD CONSTRAINT "llm_calls_cost_source"
            CHECK (("cost_source" IS NULL) = ("billed_cost" IS NULL) AND "cost_source" IN ('COMPUTED', 'REPORTED'));
        ALTER TABLE "llm_calls" ADD CONSTRAINT "llm_calls_reported_cost" CHECK ("reported_cost" >= 0);
        CREATE INDEX IF NOT EXISTS "idx_llm_calls_budget_reservation" ON "llm_calls" ("budget_reservation_id")
            WHERE "budget_reservation_id" IS NOT NULL;
        ALTER TABLE "llm_calls" ADD CONSTRAINT "fk_llm_call_budget_r_9af46b7c" FOREIGN KEY ("budget_reservation_id") REFERENCES "budget_reservations" ("id") ON DELETE RESTRICT;"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "llm_calls" DROP CONSTRAINT IF EXISTS "fk_llm_call_budget_r_9af46b7c";
        ALTER TABLE "llm_calls" DROP CONSTRAINT IF EXISTS "llm_calls_service_tier";
        ALTER TABLE "llm_calls" DROP CONSTRAINT IF EXISTS "llm_calls_cost_source";
        ALTER TABLE "llm_calls" DROP CONSTRAINT IF EXISTS "llm_calls_reported_cost";
        DROP INDEX IF EXISTS "idx_llm_calls_budget_reservation";
        ALTER TABLE "llm_calls" DROP COLUMN "cost_source";
        ALTER TABLE "llm_calls" DROP COLUMN "billed_cost";
        ALTER TABLE "llm_calls" DROP COLUMN "budget_reservation_id";
        ALTER TABLE "llm_calls" DROP COLUMN "service_tier";
        ALTER TABLE "llm_calls" DROP COLUMN "api_key_prefix";
        ALTER TABLE "llm_calls" DROP COLUMN "reported_cost";
        ALTER TABLE "llm_calls" DROP COLUMN "price_tier";
        ALTER TABLE "model_prices" DROP COLUMN "tiers";
        ALTER TABLE "llm_call_repricings" DROP COLUMN "old_billed_cost";
        ALTER TABLE "llm_call_repricings" DROP COLUMN "new_billed_cost";
        ALTER TABLE "llm_call_repricings" DROP COLUMN "new_price_tier";
        ALTER TABLE "llm_call_repricings" DROP COLUMN "old_price_tier";
        DROP TABLE IF EXISTS "budget_charges";
        DROP TABLE IF EXISTS "budget_reservations";
        DROP TABLE IF EXISTS "budget_periods";
        DROP TABLE IF EXISTS "budgets";
        DROP TABLE IF EXISTS "provider_cost_sources";"""


MODELS_STATE = (
    "eJztfWtzo0iW9l/J8Jd2xat2lF0ud416diJUMlWtad9Gkqt7tjWBMaQs1ijRcLFLs9v//c"
    "0LdxKcICQjnBPTZQk4CXpOknnu538PlrYBLfdooOu2j7yDPvjfA6QtIf6QPdUDB9pqFZ8g"
    "Bzzt3qLXWtB4gI6qsWvpOe3e9RxNJ2PONcuF+JABXd0xV55pI0I0AIwMBGR9oAF37XpwGR"
    "4Bh3fsQH9pIu+uB8Kvur1c+R5MHFlqziP07t4B2yF3N2wd395ED9u80Qx5CwhsBKNh7Dke"
    "WrcRvvW979nOEZjiK+41S0M6BJb5BF2wgA4GQ19o6AEamNpag/s1WNmuhx/XPZqhGRr+og"
    "x/JeMQCPEDueBwaT44GkEOfDh+1we+G/8cFyD4hL8+2OAeWvYzeN8DyHaCL88LzQOmCxyI"
    "SZ6gcUTg8ZH5bx+qnv0A8U9wMEh//AsfNpEBv0M3/Lp6VOcmtIzUtDANMgA9rnrrFT322X"
    "wYIe8LvZaAf6/qtuUvUXz9au0tbBQRmGxCPUAE8a+C5A6e45M5gnzLCmZVOG3Yw8aXsKdM"
    "0BhwrvkWmWmEmj1AfOxAVa+up+pEmarqQW4WhhSJ+RIcSsBPAXggj/DjX05OPnz46eT9h7"
    "NPH09/+unjp/efemT+43P5Uz/9yR4mRosNRTEbfR1dTckD2fg1Ya8ROfAnpdE8jVFRZsTo"
    "0785/IcLzeGjH16fwR//sCz+IdrtZcBS+65aED14C/z19H0Jtt8G4+Evg/Hh6ft3aYCvgj"
    "Mn9BSBOob2Ef8sPrQK8pcU3hF+IPIm52AOaZuBOTwQ4xyvoPWBPpj8czJVLvuA/Z2h24ky"
    "7gPyb3bFFGHAJwH8PxXC/ymLfrBGVltbEkQvLzBNIf++AwtMjHu4LVQDPkklka+HPNQcVB"
    "X3mEaiXg91dwUZVOKgRyQS801mOpY2DW1dZ77HlJIDG3GAi/85Rq4UfT72WESFnrmER+SD"
    "ABcCUXHLQo4wH0ogPR9MlQx+c8f+D0ScuWvbFtQQH76YKAPdPaba1ryNjuwWs8/X1xdk5K"
    "Xr/tti8zIzKa9uLz8r48NjKhLii0yvYK4y2FQHaq7NgbxY18kR7k4aPzjY1nKRkrk/vhfR"
    "evBVhXI3PZfG29JcT9V0z3wyvbWqcTbH8+BV58POoy9bK8iHTq0X09GlMpkOLm9SLwBZRc"
    "iZE3p0nTl6eJZhUTQI+G00/QWQr+C/r68Uiqbteg8OvWN83fS/D8gzab5nq8h+VjUjiUl4"
    "ODyU4riOXxGMew1epykb4PKOdF/x9w3/QOMaWetgBu4J24OXpZzrsVlSrWrEy9PWksSy7/"
    "QbMegRW+r8MWHPIwfuNf3xWXMMNXUmIbIRxKHL4VNA+OXXMbSoSZjDj8B4r+BB1nv4Gv4Z"
    "TsDwaPw6Jie0jzzoqBKpl5Bi5hqKwIYwjeORugoW3uMM09sQp6mjIXcOW2T+bRYkA95LjD"
    "gYkZXdPrG5K3piE80Dd43g1Mb/5PwMfOyG6bH2ad8twg4fdrTnyOPIkTkwDPjHQ6Y4jrE8"
    "NB4N8f6a2k3T4JNTy5Nl9oiGtAf6u8kTkucJfd0r81e4PuB5wdmZXpkTXFuZ6iNci3q/ER"
    "jcjAAm6AEX/8bQF6y5gHiVJ78Mfjz5eEY8yuTr88K2ILn4Z3C3cuDc/H4HTAPvfCb+aS4w"
    "PWAiYJmBDznvAd/yzaQ/ucXiZ6/En4yZrC40d1HFzpKk6Zxf+exUwMJydlpoYCGn0vYV9g"
    "ZVATimaLM/uSbAx2cCAB9n9eQYYHLqT2nOePPmDAc+2Y+1uJ6mlKbKNpsqV/iX6uZKsyqb"
    "rLKUu3MddkJoyNmsODzJM+QLFi3NB4RFZUE95iY51p4xQ1SRyc7ElBozHEyGg3Mlo8XkrI"
    "V5taYhjcd1/WX4y/NaT3y2VPPRLc3BuoFOFX5Vi6iEA4FdbQ5BwCCqguCnRR5YObYOoeFi"
    "ZaUHfKx/WEADK+i4NgL2E3QcrJUQfYSj8Gw8JInDXZhEWVqT2f+kWYSzzLnYAxFPR0biyx"
    "WGrwc0jzCThAUTy+SajB4NXaQt/XHgmfojpGsSPudSIPF0+VdGjfoDT0LHCUwrwXzC75jn"
    "u+xSqWK1TsXKM0xUD8hTdlEfOBGJJMVXFWsEJ7lo0uQrVAHwDFkH0W44ajcCzIPfOXL4FB"
    "99AemQsBNYl0neyu/TlNAdonp4Ofj9XUrwvri++hpenuDC8OL6cwb+4AeodHOqAn+OUMJf"
    "A/7KsEu4N4E7kHO46/nLKRox9Q7Dwm7G199Gk9H11eDioBoXkqR9kPgyQ9fflPF4dH6uXP"
    "VB/DkrAovtvUJbb8nOm90QiqL2it+JDcP19sj2so13ItArDIhqGMJyxNIW1mZbWKCN5rn8"
    "98n1FZ/DCZIsb03dA/9HvXhbW/3+OveRTnNW733T8kzkHpH7/a3iUtgEswlE5S9f9j3LMJ"
    "AMkH35pOOheJ/pruMhsWreryubpXnUjcRSvjbDXyWvhRnNKjMhRSYdA005BmIT5oZegWHS"
    "njyNRt0znoj6B1Kzke8cKFx/duyCadmiI4owb9FNAY0fBFzdXly8lhvms288QG75leBMr8"
    "z9ck+vEXa23E7Osdy3ND3qmcD/mbYB5rZDXRaubq8w1bPpLYBmQYf4TvDeubDxzyBhX/hy"
    "HbJKJ8SpQsfhuV+2cxOu54SOpoYlGNg3ZmnJek+kh6SVHpI0A2sZd1IjtNm6djD4qlxN+4"
    "D+maHh9dV0PPp8O70e90HiywwNbkbqr8o/+yD4QK4dj5WLwXR0fUWujb7Usvwci1h+jost"
    "P8dZy0/yveNysSC5Pk3WZtbVdLmcCCVtnpQkbZ5wkjbJkqj6LueNOYe6udSsgmTNJF1W72"
    "SER8EAewh8WVK3MhxdDi4OP7zvHX/M5CAnywVlYjfpvlV3VYqp2zytsVKNVxn8zwz9pii/"
    "9gH5d4Yu8WL0Sx/QPzP0ZfS7ct4H9E+d9eajSN5ycdZyli/PGAKstGPcncq2lyytNHq22e"
    "gZcAvyZAMhPkOuTCC53Coux+J/Fet2mkoauKWBWxq4GzBw+yujJtfTlJLrbeE6Zw3mpT1T"
    "3tXwaeRIpUOjIYt6jKw09ArlDGdnYmUrb1b32zDHnZlvbyJFcM/Wuwp57k0bw4mKTV/BAp"
    "N4cL73smFc1emlgvbxawSBrlkWYOVFDGKPJjbrwIRNK3yzcUmkPzA9F9ybloUv1PGCDA7f"
    "g+cFRCRJeqG5AGHSd3n7+LZuwrWPs0GDF4LctSCxIHlGWslbZyXXlmEd/gr2vphIGvteMv"
    "aFL0A12ScmkoEEteM4UktUhRzPJJmEvzb8ifpQlXmQp5XSf1OJtgXeh8qSf0el0Kz0n1oO"
    "Xg6kIUt3A+BeWMthMFJHcU3scS+j6qQrxDUyc6tVnWvZUiKKcn4hbWGIUrCGFGpl8Rrzol"
    "aW0K9f1sp+I12M+BoSVYFojX5wSGaqGypV73qARRQd4pMGZhFI1kF8BzTmGUopZlu6zwzR"
    "MCdoHIE7OsQdacmkWc/amlXgcv0luRdR9AJtFRxqwLGfafgUuV2JghcAGuy+bBGM3ZvsO3"
    "GDyXCo1uz6vRJFL8vBKhb4HPe7Z4PfX5t73tWSeDnrMbo577Zk8/bYXNB0ptRyU9R1ZkeG"
    "m231P2ncalPcwKoU3pIOVhLhvF2M5wZ5wSrGC8qQDXsELTI+WjmmDg21Bvh5WsmFelwIhP"
    "Y8/MUxSQkSGZCU2p+bCEhKaTrib0RaQZJ24obsk/dRblIjVp49ZIOobSc1AdtU/y9vXys0"
    "7WSMcC/ad7JNJ4RKomvG0nRd/L0P7kiFqCWeC3dggX8LcZFrPLNMWMSP+tNd6HkWq1FuO+"
    "Rf+H1l4ifhlkTf6s1eLon+B61JQ1+LgJAEzkn3ezutMqYBlyvbg0hfkyr/eVYU5zhxSDtX"
    "N30rWU7hS1lRt0uSybCHl9S7aBGqlXjp8XHealEt5ep8dPW1okwbkvVB8GGG8JXTC5LWFH"
    "yYIeX3m9GYHAk+ZHcNkTehbOkJufBT4VvwU+4diLeG/FtQaiJMU0oTYbtNhFSWwDq77Va2"
    "FGZIN17y2ulAbdCgJdNaOpbgINT/0rLdekxPEso8wjavotI+9Kr2UplD1AYuyGBaaSRtEx"
    "saNJKK1OaQ0bHNRMfK1MMdpx5u086fqqg4hrT9woX9cMCx9hdd2hPvAOQwKkGzv/IEnTW4"
    "0zn3vesBbXlvPvi27xIbO7K9Po2XNCCylybSPFJRjlWJw2x8eIAOIFMrb+7f1k1k59MWb8"
    "u9Enu+bMvzim15dH4q42SpWVbh/M9Td0lK/XDy01n0ApAvZVN+cjm4uCjWv/bDsLXTNae7"
    "dq1gs4VOjdS9NGWXXqfXVfoiZHcsO7eNGeK5T+mZ2KYQGV4x8pfE5rhmuajIzIqAC9dwDv"
    "dCsMK/Maqr7Gnu4xH4R3DOJZlH+D/3GTousMwniC+iUizJKzqk8XXv+jlJucnBSRPNcDSX"
    "vCGm0QOkTG8PkMZvPeBCLJeb3roXDDVdk8LQ+sI2deji0ysNYaxpOksPwJAOcyeYqn/+a4"
    "aCh+gDAP43vNnIwGRBz84XenX+KSbG/5HoIGXgzcQyEZTxOlK+3xsJaPvi/cqxl6tKbSBj"
    "ik6oUGVS5Ta6fz1imRCpK83B3/HmWal4Jo+2HRHr5LadiVg37CW+t+ppD5W4kyFrB2M6lU"
    "oQiSVV2JIikkxpnCmBKFeFJQmSdjCkU8vXHvZcvb4JmqFWiA0lNH1A/iWNN0i3VRIEGn6a"
    "obHyd2U4JcfCTzNETDfn6vXttA+ij4mj6ueL6+GvhCR3KKtyicVXC4VXl0RX56Q1DUFLdc"
    "3/cIJ/yw2xacouWY2aMMImlcMcsOVW2AxpB+ML98TuKhRstl/WdhlG2oy5nYRTG7W4nqaU"
    "gaT78G7DJ4iqx5PyqGU8Y914Rungkg6utjJjVw6uhIrsuv5yVWC5qFKafhAN1CHc8xrOZi"
    "DdkCEu4fIe7rE9uhylJ9uDG06lb7a3j1JqITxbdSfbiLgwhwsfPR7w/MjJ871SBzK7UtXJ"
    "pcKeY3o1CWcMyGmdA+gAd6GR0gVg4uH12wA2XrJp7clDcrYHJr8Mfjz5eBbFQWLKdz/Tep"
    "VPUCcBksQF7GYtG9u+3wyZCPzDcDRESjMYmJwW08SIApPU2iQdhvHZZ4SF7jvgaY9BtQaf"
    "9hZ2IH5O+KRZP4O7YAreYeK1S7orEDfwDAVjB52J8d1XtkkKgD47pudBBLS5F9z0hkmgk3"
    "9c4F+6XJpeD4+Pf7NukrYNmgeoE/tHf/XuiHjFh78ow19BYkKCw6X54NAXDXw8ftcHx+Cv"
    "/wXu1/jlJB/OPn78cNYjqBFUTBecnYIF/A4M8wE/VlnzB7ZyMUJZArQ90lWvxHkdcCvHgZ"
    "I+uhFFJzypaePn2amA8fPstND4SU6ldQqynuThLXZUh9d3Atxdu6npIpZHuzgdM7y+S/ra"
    "yfHpT6efPpydRgtJdKRs/cirw67tO3q1HtsRRSemb6azsFDhmY8lhWc+5gvPVHXXSz99iE"
    "/jHsjwx+elEdu2oIYKxJGYKsOTe0y2LWZER3aL++fr64sU7p9H2VX59vKzMj48zpTI2PcM"
    "AunTaMankVSTqvI9Syv9Gm32axB1sEZlAGlB30Jzp0aM58Rc5Jj3mOf7KMqJ567zLedj/E"
    "KMR8OpmOm8qFB8FVNnYJ6bREN1BPFd2DzHob3toNjuGV/TE7F9Ria8Ct1dV5ppgDs9dT94"
    "1wfPpPfPs+YCzX2ERi/+zuZNcMD0WA9Wkv7iavQ4+bjAC26GAVu92QxZNnpg5k5C4QDPth"
    "/B4Z3hMyOiunTveuw8Vf+IwXOpOY/Qm3ia5/4A8EwnFUmJ0VWHpKwtdAt7DEmrYVt2lF6J"
    "1RAD4XCqdRRbtSKCTtgFdm7WYvVqKlu3MmRdEqkaM3ItTaS6OhaGOCKSZWsF0KaoMrjOCd"
    "keIlsC2/n17ecLBdyMleFoMgpsL5G6QU+m9f2xMriQlq62Wrp0vLWbRE2uspqkieRawrNp"
    "hRAVLdXlnYxyxF0CecehfEy4rcOHLKVkQm0mePYjRK7K+oxWFNjztJIRmzKCqIi1uBASSh"
    "bUZsHKtkx9rWL92eU2rC62ieYIu8SFxvbehDWikiSfoZOyvIgs77tw7vMCXss8pTFRPUfp"
    "/jhrGnSTOjWdpE6zLtL9wX7vHGXSEV68R3TXES5Tjdogk/kO1i9cWN1PnSZsJOPujbgVdp"
    "Tq9Ta81aXJXtJlvUWXdX4RyUN3jeDUxv8ITtmpoyF3LpT+1aq1Qzi0Ir1oiszVJmIBgtlY"
    "HAgQT9eXowDit0QsAoDlJDEqcL8GWpwK1COtXzHLH4HtGCQRicS30cwf6lii7nfaXh0cvq"
    "elMb0Fq3uTdfw3fI8ZilaVH1xgPyN2A/cdvZrW3YSEOZjHbL7iY5rHwg9o3hLNqnpeQESL"
    "eRqmUZwz5CRjMMhzyrSh9uzUvZIAAMqrHP7FMmtweZdk1ebSLCp7n6XnuZK1SmYFNTldH+"
    "8rQMkuljgW+mTquGO6BumuewcScaZ6pZ0ElQS/vslFpgW8XnWjQNiuYXJMU0ombMAEqthW"
    "50CCTBb4aszgmFA/GzA4ZrMK9uyNELc6ppeDAktObs9tDuWoZk1HEU4KGwLoygyvRjO88u"
    "t1A+BuYN3dE2BTe1RlT8S2s8LCiV1gB07M+3IrcHChcBWsFXRcG5FunxoC+PGQx+ylhg1d"
    "8Gw7j2E3o5WleXPbWR6BAbmKtT1a+PhHuayEFb7KdAF9mHzX0W3eSKZptVi86ZVYaReYs1"
    "alAi4xRTOJWq/LhFT5lg8nAtVbPpwUFm8hpzKWMPyz+OC+3LAgpG1zPtzBL7eXg6s+oH9m"
    "aPBVuZr2Af2TXX9EGCDSB6q4C1SuBxT8jlc8z+Q5XouTilJEMrOIWtObzCxy4Mr3oiiBTD"
    "Ab1M2lZhUpuEnCLGcY5VEwwta4c3z0nv7vFbhxrgxHl4OLw+OT3lkmKDRky2mueFQMWp0I"
    "0SyxDCDcpwBCGTb6FrkeNRWtbkPPUMqYxQ1MiCIBdfmiyRsH1nXN7JVe0LiFVjbGrIsGWS"
    "5uMoBTEDDDdLHks2kl+nM2SldBCjqvYUlhQ5zeQF+DwPDpwLnvbrxsjelgYzZWVxFzvfmG"
    "ME28eVfB0S3NMeemznQz2TSjWjR+ssXPRuH4VZoFtUouFnaEZTSClMsGPwS4ur24KA3IT/"
    "QK0nXbRxxVNJynIfgC3YLiobrhJ/uzorcqlCw4nqqE0FHspbKg8QAdNSnmCDmqNMdbk4j/"
    "+/+BzETp2UCLovx/pnkFTyZ8hg54XtikMwiyGRXwV6xvCW2gEqYF2A4hgI5LW6FwXVY7uK"
    "V0XrVYse6VOK8cqLk8M3Kx8yqmaLNXpab76vi9UPsBclmhD4WdzPfdLnARirXd3nG7h427"
    "bt/e/KJcnPcB+0s6bn9TxhPWcZt9aoFzC9lFTOFP/fD6HfJhW06S3Ux7aT4vZkB3zed4JN"
    "t6qldQJU0qa6q0uaaKvcLQkxp+ld0kWUoZ6r5BqHvwxtRgQ55WBr3X5UOoHVVmQoZQvgob"
    "vApEKa2VeZMilE7bRvI+vEQs9u7Cutv2KojaCTPLgEDQfLSJNgDw20hKyIodQpkJ0RbZAM"
    "ybWLv3BOO8TCFi8X4hSSG/xm/seOh6HaDMnrb1OkAKXkDWBxxrOjvRE7ClQ7IGiZrSSU0e"
    "1zRoH5zYmA001tY78JQAF1IbdZ81zsHvKundvaSnwjo795pFZgpr/Z23n2/pPjP0i+ni1X"
    "YNVhhPPJBDKv5oBpg79pJeT6cXySY5DG6COdkDpiGb+rReKOqVGNzZrKjGgZhGage1tYPg"
    "/VPp+1cN/xypZENtNnQ+nWc6HlxNvijjPgg/zdBkOhhPlbH6FR+Z9kHqKzn7RR0rvw3G5+"
    "RU+HmGvinj0ZfRcDAdXV9FF3AOztDw+or0uIouSn8n5y9vbqcKOUE/xBQ3t8R8P1FimvDI"
    "DCm/34zG/+wD9jf04QwuQh/O4KKOD+fkVMDTcHJa6Gcgp6SX4Q2am2MxqOLumaKTS3ftpZ"
    "vCCB0aGVK9slOeWLJCWpv3iwUl1s7C2LzKRiLx0Ly2MULUNpFekQWscNKUXAXe6qbk5OIs"
    "Z7BI6aD8btaqWiyK49iO8gTpD8ib5OKzvTK7HCTXqZBcKGaVK8ZZ2qtavK31SuxVrgdXef"
    "wLwQ8v75Jg0VgxWvY+UUxyiBZHHaap2mz7qBl9eCIUfHhSEnt4kg89XELXxWtjHuji9ukJ"
    "kk6gXKb8b6OBOhYLdE75wWLAI4JacLfTQboztB2ok3YT9aIsU6QdtHt1OLoWw6n7NGmxqm"
    "CUpezSHr3zULPgDaoVdZmllVGXdflAXO2a5zvVm8tlKeXL0JQlLFpmGrAkKMmx9owZoraE"
    "7LKcMiQMB5Ph4Fw54M/6JhAm2sUkOWBHYc6+8ELBf9FK3QDSbyL4L7u1NRD817BVLJ7rRZ"
    "ax1NvwknUsmlbCKeDIdpaaZbrQAHSIIGgMPwimMS08FAsCM8z5HDqkwrDjh0WDXdrtzbGf"
    "eYnezQ0srXUt3np7JdY6w3yALkcfLLYuxRSdq0V8JhJpclYcaXKWizSRBrzdGfBWmudBhy"
    "NEFtuTEiSdQHnXJqW56bikxB2sU+k2RyzNSm03K+WUuFcSyyIljyeRJTXAEmEsvKxC+gCW"
    "fmhUf9jIwUYkwl9zH0mYPT5g4uenvX5JpD8WbJ2gqhIImu3m8gQ2HVCKXXsqdiV4yTVE3d"
    "6OzovC4rKUGZ74Pp4chH7vhLESlFkXCLbaJdcx+jvTexJ9k1T6rYLIlabaljDweqLtsWi9"
    "lrJyLVmJi6xU6gpriCvO5l8sdWXIpORVQ/JaaQ7+hIVXThHK4j4baap2NNogt+1Mo405fh"
    "jokBKOlXTqDFn3lp/mNWtS48znTH7xCmk+7yXYZmmu8e3V1ejqa8W5HpL1QfBhhia3w6Gi"
    "nJPiaNHHGfoyGF2QQ+xvVt4U2ySE9oiSLSLHJX+51ByOMbwkxiMmkVEetWJqnHq5TWlKqY"
    "y3XRnP7Dumu6jF9gyprKDW5pS28B2tEUWSI5VBJLWDSLx5DfjnEvcauJfEjbis2cCGXnax"
    "lgUtw184hiGadQLRC/EK0QCsbyB4IbeiVo5diLG3rKWqa9ambUourOUQj7KHwlkR6Jy2Es"
    "05Er6Y3ydYEzzguBHCU70yJ8Lc/K4SVVLQh0AaZRqk0I/nweUqaPHs+roOXVIa357TmIrJ"
    "9AsgpZiIlYT+H7LoDBBFjvSiGkG/mRbpLm3ZzyxBMeVh2O7tZuje9vFxPAw+tQSHj3DlgW"
    "fTW9BLg4Q3twdMFHcD0IJ+ArQDNn08l3o/2BMWVir6IxeMFSxs/5LujrZs1L0Sd0c4A6vx"
    "IEm1u2jb9x3gRNIAE7zuFaXVJJnEvm75CzQnblydF3Zr2Vph4YskWQb8OaHbGvxH22JACZ"
    "bn17efLxRwM1aGo8kosMlHSjc9SRf8qPHyWBlcZJD2V0bNgj5pSmn0arE1JN+uTuZyvP4i"
    "9wq2kLcLfJkxRKZ4NJziwc+k2aHNaW9Rfcno9DpRg19tC0tVE9obi6PwJ0/3ypT+B3oh1f"
    "sFcziKEZYBfC1ebXslGi2/E1ixV3v3ncC65dPet1iPG+XqvEasR0DWB8GHGRrc3Iyvv5G4"
    "jvATqav6d2U4Zb3x2Kes7U8k2qPh3ngrx8byfS0lLEMqtbC2aGFizdtoK9h6ZUVSpDL0oD"
    "3KdhGfMfeWS8iLbize+/KUMrCr+iYoy7i0wNoR7VQ1AnDytJIRtRkRbR216ulkaWVITm3z"
    "H9JW7sKuXmQ9Q9jMq/BGFFNZS+cVa+kklvEGMK4SJrWvGOc3PqFSOtEivWOYW7aui5fSye"
    "5qDVhf8wt9nhkV++hNEgPt1foubP5O72xbb6QXxvxxbNqJcMCSZnrJ0EOxRPiLi0tASILk"
    "9WgR7YGVY+o05AyQlDbXi9vT0TMkGGxuO6SrnQfu4oyTO35+/BbuM0MzNLUfIT5P4aWN9A"
    "zT/R8bc7QPoKYvgEfPm24QxGaQ0eB3jIq1pvFxQcjbEbjTsZJ9R66kp2fo8Or2UsEM7gFk"
    "A4fEx+HHe/czMD1yEQkHZRFyd8Hz/xdD+Y5G2GmkoR+Jr3te4NvjAdhPwZyzTFiY8P9Hbg"
    "/T8eXIozzlxcj9kcz0+Zf0L7TSv4D3zCfT4DWwKM4iTdJ0ws+w7RxSuhhWQTgi6CC8W6nJ"
    "ZKKV76l0Pa0YgZillLaS2jq67Xt1uZAjlWyoHw6KRQuoEkdQLVZwySU7NmTHs2N6cAN+ZO"
    "klQzYw6RLhFz9XLXbwqCUzajPDwgAhfa0uOWwo5EGaqEvoN9bRR5ZnKIS6S87yjApeQcXI"
    "U3bBWZ6pM3MiEnuEryquNHPCiT8iFhXOpmHbFtRQkcocEmVQvsdU3XqHPl9fX6Ren8+jbN"
    "TB7eVnBeNOUY/zbfKLmI8YbirbdKtMbw5p9+b3ByFV+kOJKv0hr0oTUyNnz4C6udSsokwy"
    "bqFug9EcBbT7h3ZZNpkyHF0OLjCAveOPmYkcAn+aw1a2xnqbsYsrbU1C0tTNAozzo+ww0J"
    "hwmMzqr0EQcJVg48HovA/IvzN0e8W+sb8zlBi2D7L3qLrdH4vs9sfFm/1xrqwcdJ7wLqJ6"
    "ZjULeZZuh3zCM/XqfDCuyqSaO1Djsd110E5TdW+bPxXZ5U+LN3nePrSyqZJXY7PP0cpd/4"
    "Vd/960rHpYZygl0i8gTYBSXdt3eKUQSnThNFn3VpCGl2ltZaqPcK2uHDg3v1dBOk/ZPbCP"
    "z0TEkKw0mhBDznILiG88QA+rskSuKC7mX2a2LhxChiTXNV3LRIkWMCHUiWjVrzl0qmdL8A"
    "eQr0X91BUijVdPWompJPb1XZuy+7NMlmjtFtFIsgQ/jJ+uHw3Ae0n+3ISD7ddcF8+TiNda"
    "2Wx4GxkSgs2GywSZBqCeJobqJtIFwpvApM7rQw0A/pkOOk6P2U3kC/XJyslAKaskXpnw0z"
    "VTnHocDtehnXKrVapzuBVn+qSwfTnlR02zViz5R19o6IEmwWg0OecHkifjeqRN5Z3FHsNl"
    "zwHv+uCZlHo2PfCsub3oyz3U8eOzutLPizU/+WdL95Elt1osrPdAcUqM41ftlRlTNNkjM7"
    "8E7V+TTNuq5fdIkkmnxwtOD0Rr3lTGOEkmMX4BYzIh6zmn85Td83g076Amk7Me3nlKiffL"
    "eJNZWt9NzaGWK4rAql0fcQ61RPwFxKsHEW8YO9w2pXIHwcNMz6sZ4JoilQGu+xTgWpiAUp"
    "7ZWJR7Ij3gB8I+v1jgqYp/llL6+2pnvkdCflUeZCklD+r7voP9o5bvO0sr+dCQ71sP6kJt"
    "6FrpXsPJXsajktgNBfxX0bohfd5C6GbXWQGIo+1RQiwEcVacEAotiNZdGVogFlqQ3agq9w"
    "LepgcxMc05vsP0S1DsNaSH2FQSdBdOo3p8QbPZsETZ/6NjAfsJOuAPOJ9D3TOfoEqK+PVA"
    "/N2z35Hae7eTc7DCVx5fstJ8bt5huLU7kXqBY/uZ1QlEkAzD+GoA2wEO/DGo5IeJV5amwz"
    "7xVtqOA1mnW9fHw7mQ9rkFjv3Myv9peKRn8pgzdHgXXUJmz9075q20sTpKrncBsr14FAN4"
    "2iP+cZrjhX11kf0j+XGWtgKOb0FwqCGg/D68uD1XZiieuOHlS/PBoX76d0dggL+5LkYQ0G"
    "I27AcFZVTCOopB1cIFxD+fPNicuF0BmZYzpHkgcB8DovqDQzbMj38DtHpXLzEaPsZqSRX2"
    "+M1VKUyWs4sKr6U5KMsXttRXK8sXyvKFnSlfiNdedYm3g4q+gDzxxq6AtrFAwBdw/Kn3F3"
    "F3Lis3WBNwDrVE/AXEE1UFa6JeMMIbdHvVAJ6VD9wI+fwQEvpy6ONSgTWB5w8gYS+HncR9"
    "cCKI/z65vuLDHBFkkTV1D/wfsEx3a96og7/OfcQ0uHvftDwTa4Lkfn872D3YBKCUuzHXTS"
    "zbOKyX9iOSAXLdxNJ6VH7+l/qE89QddAvviRs4xKTUD5w0dNRnNqOVbRrbzOnqVTY2LLDR"
    "ttc2rRZ+FFILP5aohR/zamHKYle98xmHWro167qXE2jWqKmbJZZrW5vXNh0L3vWKJ6cpOy"
    "isdDmGLeBdjaU2RyrX2abCRyJkpYNYKIokOxNb5R++9r17+/vQd1zbOeB4iFPne2U+Ypte"
    "qerxpUI5pY793KfuSUtzScM2+O87+tWBlrYGCw0R1yce+wj8ClfUl0m9qT3qHdUAvt6HeI"
    "r1gGuTvM+FRvym4EFbcVzFO7hfwzmmk6VmWW/Fc/nh5KezaCUjX8rWrsnl4OLiZXck4bKK"
    "mVZt90hS7S4Q+n33to3XXNSUJ0gX5YI1jZ0WWdIguVIw7mWAAL0cEOO8R3pJsuALFz8CoE"
    "UxNGZcxOsGOR6kuuOVhA10DznrVhODkmgWttqZLngw8XAknT5e+WjnSUyx8u8t011Atw/w"
    "NPLMB9/23R4NcmFnAKmk4vTYjehijz9q3gy5/j27mePiMV0fPxuxER6BWxQOarDAloX2RC"
    "JqTLJCBkswwsPcRZdFfUFlyn6L3/aydZf+zeFfkiQaXN9BQ9TxiYghCl9V0vMkZ4haaWvL"
    "1jhTvNipkiDZvVvldewcW3GgSFtE8cTvri0iuTdV5XuWVtoa22xrrKwtbKIoZPn4RkSHli"
    "gKNxqC1iVc3kOu8SN5ulRR0C3NMeemzsqurQiZuqR04moDfkIs4RMhHnim/gi9H1xARzoC"
    "d8/QfFiwdvOmR6Trle/RezGxnYji9FJSAwtL/7YLEVeL2MY9uI3p2egHbIrhJ7jHL5yT60"
    "cvZfdWyu5sJnA2ubLIqJjoTUZenvTOhMOh8IZl8utblpv7knRdSs+vb/dL9hmJlpnqvqIc"
    "bZfQ3bFXnq38lXmQIpPwN+Wsi/fhDR11w6SEM41G3TOeiPrsUrMx5a8bDibDwblyULT4NA"
    "F1erSOQpxfdPk4v5JiEPmleWpB0mldrBSswssEdYDfFjZNMl3Y+AmBhsDgZgQe4ZrklZJg"
    "JRuRBNFQhneoM5I2Neyx1FL4HQ9vrWkOrGNbMK8BbOUO0kTf4q2hTMx/XRP96zIgbaAXih"
    "Q9LokUPebUXcPvBx/dl9vKhrRtdoYcDM4vR1d9QP/M0Fj5NlJ+U8Z9EH6aocFX5WqKryB/"
    "Zmh4fTUdjz7fTq/xRYkv2VVKiGONN3STRv1i6Ltl1K9gesz1V9ywDcJgZWIxcA+nQJFQl3"
    "qFNNf1l3RolZSlcEwDbopXNOLeekTKIUvbjR0SW+Z6G4KW0tTGbMgLu1MtN4ohZIpbkwh2"
    "TtfNJMS6tvWEdy/DdFe+t+kLe85G6ejbmmitsyFOnWxIlMGKbqcr2zJ1c9NpNaaD3ZCxRH"
    "bPfcQr7Je1IVLdazBWrb+SoE0uhPQawamN/xHYEyoZ5fYJ20pWMVanaYil8AnLHeWax3JX"
    "9crtZOx6NdH0XdhkZuoL1huKNosKhyINo2i1MpO4qjUH/xpawky3fUTqt2kPGAXSUIr2TH"
    "NJPbSQlMb5k0g4aHDsZ9u83QzRUmt4jOH15c3tVDk/AgqLkX3W1kErLGqIs32P+uOxbrOw"
    "HZO46Z8ge655VKQNeDa9yKYj2Ghja107Knu1yG7UVF2vYhNdyGBOqpWYJSk1QKvNSeGc70"
    "eznxiVbq7H9Fj4qY6x6JMAlz4VMumTbFqx+zR7f2XUtMalKaU1ri3WOE7kZU4GDnlXI903"
    "RyrTfRuKIIiRbcC1/QbSfXMzsVXpvknDA0d0z9glStrIQizJOmrWIvKyxD60l8RCBFaaaQ"
    "Dv2f5xtdBc2Ad32pIIyzT8dIF/CglSpSKuToVogP8zLeBCz8O37oEn2zRYHWb4fWU60Mg7"
    "u7d2pxm6C4R8OgbtOEvSgO8hRIAsiQmJ3/RInvBcc34OKkgv8StD8uVQ9BzSid721bFMQs"
    "eTY7myPYj0NXEQVRELOaSdU5G2UpuXvTjVZn1MI4MLa8d2BsteNeQTRDKVvmalK0/zageT"
    "RMS7Uz4PbpSr89HV14NqXAjJ+iD4MEP4yukFMQAEH2bo2/XonBxgf2dI+f1mNCYHgg8tsB"
    "AwQcGtob2mKTuove6vtprPE5QhQ8Wv134aKYRqklm2W4/pSUKZAdzmNztQBStbodJ0UtCs"
    "L2jKwn/tswQGs7sBM+AgHmnPXgdRK2B6JRDouyerKu66qqKMvWk49qayKToR1MW1RaeDvo"
    "qN0ZxYM7Hak0+Y56TAgT0PCqGRcQAdZ90nJdecNdBtOJ+TcZEXXgcxUPZyfQSuqEk3sPj/"
    "TFOnjKWJfnBzxuit3m2GwoJvbtBfMLxV0HKQOaCPAGmViE9D14uuMFnFOJLRZSIwtx194z"
    "iRYOj8y1S4ZycomhGa2mCYPjk+/en004ez02iPjo6Ubc0vm5xlAML2AxCkbl+Mfnd1e9eb"
    "q/eaC1W8rKqsC2w15aNggN1pgsfvu2b5DgHFr/xmHEkNsFOOdIslmmGzJC/XgyvO6lhWJC"
    "hH+zq1gg7eHx1X9E00YQcLiwV96p0K1wqKEMPzty7YAekrYX2yJ0jj0eemQWq7q3PL5mUN"
    "lLdk5JC/2uz+uDeYk4h/7Yk0VKxVdYw/wCvhvi9riqvNobeuNcuzpK82w0/2ZYozmYO2C3"
    "28rya75Eh3J7WcdEpkSQD5BOPU3trcyA6yO7587BRfkji6WDpnwHIs4GWWo6IRdseUD9tl"
    "yoaGJO5r4LtV6/PlaKUKtUk8l+NhJB8crWocY45U2hbqcsHQTGutQs2h/bx1jaPMlnGCS7"
    "7DnaBrL0VccFpdaNZctcw5VA2NV3PnhRbtJeO8krz64f0rSqvH7yuIqwn0yFof2hDq8yA7"
    "yqtpDO/3RWPIgFcusVZhwwti6w5ZsS82oQSAQYEcDCTSLF5CtignOANJLfolRtDA6LVKnP"
    "98x+fLcfCZIXYYDX8VeKuqhMITmj4g/87Q+JpUPP/aB8GHGRoMp6Nvo+k/+yD8dCC2s289"
    "7J0AjLwFZ9MuFKRydB2K2GtMd5MRkS2MiJRBe11qhcwCzsZw7rv8ut/pC3oCIWkOu7ZC71"
    "CmTtKOmrTRDh0BGuCQqpsAq5k90lXzPxCFCcvv+uARrrxekGDsmnh9J0W6DcderXiJ0du7"
    "jcxibvE6RmiKQsoe8Y/ny1V89MPrOxhOdiJS1OmkuKjTyalMV26NRUkGSm61aPoSui7eS6"
    "sgnCDpIMRbiUVlEeJq9bDqPGGXFpPGVKs5FspsXvJHcSvlBMlGrZTbKcfzYNtKJ+U2Fk/J"
    "s6Bj1VNkaHsx+t0NbZf9EVtqQpKt45puHRcn2L6OHWmCtJW7sL0DjgkpOtcrsx65wVWCdi"
    "OS1ker/ACN1YU20cqnDdxs36Of5jTBjwTdH4E7euldmPmna8hGpq5ZgOzQwIPf2RiksB/L"
    "ZU0Zj7Z4rxlaaO6C1NxzbdJ+2tKIIQrhjz+SE1H3OUJxv/agS6vr4UlQbH364wDPY92nfj"
    "c2U6LEA1IMUDakbs8a2SsxT/EzTUpipLjJJXu9SzWm7bCJz5W0X/ahRsRt1t3xj765nfYB"
    "/TND17dT+pX9reMnFbGbFJtNclaTgmpuU7waFsb87bqC2+somVPl92m5khnJ1BfXV1/Dy7"
    "OaZwbuhXby8ayKbhlTdALw7TQtSABs/geqdEOuskaniORKzTVf67Zj1NLUM6RSVd8nVT0r"
    "sopLnVnKLr1WO/cdBW9QjYCbPK2MuGnIXBLN8AaMJUpyrD17KURNJdkVIWUoGQ4mw8G5cl"
    "A08RvA+A0ENeXf9lZFNYUWpxvHR+znFhqlwkt6IrYpdcWuFrRRhfdwQwNRNDMBw8oA9+ug"
    "LpYHET3hPkO4gk4/NAbhP7bjEVOS7TILkws0F5AH4cU57eaWG8Q8tW2jl5amtOVVVJVJ0n"
    "RJ5GrO5kRflxp6TIqwg1rMnmgtISY5tSUnqVXZ44SkurBD6y5kuldd/5qV6BqUH7w5V2bA"
    "h8vlBG9erxInKVfpu2QYoONhAavOajtLmj51BL6xS6NdfTL9AtyF5kBwZ5kI4l+BkbkDh9"
    "Q5le/hutW7zRC+LBz9+N3Pkc+KkLJ6nkviDLszXdXCM9P17o7AtWWENC7xrRGpQzPII4XB"
    "1g58dkwPyyjFfq74YcglYciX9G/thdSRZp44F9J02xI9usqPVlWs7ZjEF61vnAlt2xbUUM"
    "G6kqTLIHuPCbcFbTjHdyvjfb6+vkiJd59HWYfW7eVnZXx4nEmUzQNO/+awLvZxhdd30MO1"
    "lajJ5JPlYC523WbIOoH2rh24loYe/IppBkmaToCenuIfTgRm+IeTwglOTmVqQ2kPlSLgw+"
    "s3Cn+vBfLBX+c+0qm17t43Lc9E7hG5398Odj/ftxIVT2yOrunZTqWA+DRVF+e80LL+oWRZ"
    "/8AJhreXS9NTsUZXBes0VQexPhWB+rQY6XwBj7lpQXWl4dEr4Jwi6iDMW0kXI0qhSsvEVd"
    "Bn0kRSpeFI2BQiyMuTLkcVclOlJaZsITWgWj1AL0PWwZVhC1F6nub5HBFPvImwzxP4tlk3"
    "6Xw8+DKtKNUxoj6gf4JCSUpQJkmZoXPlZqwMB1PSMDj+PEPflPHoy4j2FQ4+ZQ3HIlw7Fh"
    "HLj4vF8uOcWP5vX8M6/1p1ddvhKEBfLFsrWHtylBnGzQnptlj3/mhbtSnL6opd336+UABh"
    "6mgyCgTzyEVGT6atKGNlcJHB2yfJ6WpBn8MyU2yGUHY6r1mTFa4cyCoUqkXlG8qsLTzqWi"
    "tWO4ORdmZzkUnCxS9GdyOPg96CNbieppRcbwvXOZEbwdPL1PBWbH4yNbzK/rf3qeHefLBa"
    "WWENZn5cTfKK3gshNqoWX1wh3EbzPLhcecCzwdz8TlrJQsexHdKEFnlB11hEYl164Ea5Oh"
    "9dfQVYsDUtGi2LSNq26+s6dF1wOLkdDhXlXDl/1wN2Pl98q3eboegKNiL+vwa+DEYXyjm+"
    "FTLdBThkX8n1rJ+uiwGPQ4FLMsfJiCp9xih3fE4+yaCa1qyePVAcVGP7nm4XOcVftngkyH"
    "do8gjmf1WjR0DWD9+fGYpelD6IPs4Qexf6wStSx8TxFwELx18KDRx/ydVGJMtXLYkzTSkl"
    "zrZInCJ6BilwXy+xNU3ZANf3SM9vEZMLA8JzrUthdZ0iTSdTJ+va0sIVskYGa45UcqG+RZ"
    "OtWBhKJlFW5UXBAJIjdTmSF+wrJN7laKW9oz4jWpb/+CaZ4JoPSPN8p3r2QZZSMqE+E5hl"
    "oRr8EY0Evj7wzLBUczfgUct9uSHztyz1se1SHwlhpgmMyWhKOFhXQc7Jfy/DHO2TTYE8SQ"
    "7YUaCzwkWBGyeziTaAcJDY3FVYI6FBBNDk9tYEtGw80TWiZZuiMMQcoaCgIlCZnWDXK/Ke"
    "ol1gHREAPLZxNQD1G6hzlbMJimDMTLk7D1/YV4hTlu+2RS4oy3toGEU1xJLney9FLcDwUv"
    "HOiKTwRlhZ45lW43qCpAkPKadhIvAPw9GQ12PRBMTNb5gP0PVCpz8tNc/uCo0jMAAsy5yM"
    "mgtZ2ObNZojQ2L5HCo/Yz+BZMz0XzPHIhDCgccChNsfzAF/D7oRhMS0sC5GYB/w8EAFKZe"
    "KpDCJByQX6QkOYee82rUvWBmuEDGA4INOoRnJMhkwmxwgkx4QvXhWckzQSZHGQ67j9M6Qy"
    "2qPFgQD06RsqDMdV6SuWhKup0O9FMbgCdX47ZeC+Qcecl4eupi55UQp8SlxdIXg1EeP7g0"
    "vENFp0gpRzC+qzBZJbIJ/BJ6wg4hnyMz6vQ7DCchW7Mf4QfHHDQNBc6OoW78UNOo0ZGtLJ"
    "iNO9EdiC6cEXIl6OOE2Qt1meOLgZTCZ9QP5lAaUsnDT7+ojIGCIiRrGEkRcwgrcvz4DilM"
    "EkTZtRl5mC+8eKPZXpRCJ422AieG3uvlapykgsqIR+hlCyoKk4Bel2bNjtGM7UnXsN9hXd"
    "zKvdLr9B0ufLUxozPuESjTHpVxVTF4uR3sA6LnUs2Qq2G9W39rS40OsoT01UF5IdHd+mti"
    "QTHVqgOcmOjq1Un2SYt+zo2DKIW97RcUpbFFGlJadORed6ZaqUBY0HrC56wcUVfG9kY8QQ"
    "98GdtiS1Du/A0n6CLpg79pJFQsF7k1Z6IV90Bxr4m6bTuohHYLBaQWT8aONNHhxqGHvz4Q"
    "Hya8Zs40Yz5MC57+JRbm+IWAA0ZIBz5UKZKu9+BhrAXMesp5XlTRd/HyvflPFkcIFvoXmA"
    "IO2y+K4AN4Bv6ZAGTXjITWOupFb5mlqlacDlyvYg0tfqI6xUd59D2owf6XXZsv2OKo8mr5"
    "a2mKs0pG2zx+5gOh5cTb4o4z4IP80QViTGU2WsfsVHpn2Q+krOflHHym+DManaE30OqxMP"
    "B1Osd0YXcA7O0PD6irjtoovS38n5y5vbqUJO0A8xxc0tYdVEiWnCIzOk/H4zGv+zD9jfGQ"
    "oXxn60RNbx/p6IuH9Piv2/JzkHMNsqqi2kMY3UrWrrVku4tKssmuH1O6ysdbCTlXIrHR1C"
    "GaOG2poibERnfTPSQqJ9sW2ZeHev3iUwT9ghs0FjZui5RlIrKnWfSpBs1ICqZciWwLaVTl"
    "Mydqd4knfXGh3yroYdNEfaofVsx5sKM1mogcmiDify5FKCrc0Oak6qzQ0etWTGBq4aFzpP"
    "Wi2PWZ5WrlENuWpSs7wBV8IgHmnPXgvx6gT5dUEgAi69uEukRQr/8/ZDAagTy0UDOI/To+"
    "3XGiPuHsuusGJTOpAcpQ9ScD6nJe3KLsh0IxGaFI7ZBnnbaUD/5dcxtKLJWxxRi8eaREN1"
    "A/60LGi6K9+DHItEFaTO2SgdWnPTMU0ksnpTjBQ8yLpLCFXy++ffUAcSUJ/YwsaHNcx+Fn"
    "5Vx8kxO/i2MiO3Zqn2XDXid25T9MRf330BrWKYyTeb7jW5EBN6vFcWXqJbWpzYrT7ZwVLa"
    "bLj+HweeqT9CKtMmO2XJXOnWqJI9UBxxoS9sk5epK+b/j6lbHQEw+DpWSPNh8meGzkeT4E"
    "D4aYaulNvpmDjSgw91/OifBDyOnwr9jZ+y3kZ8r3lRHvU51M2lZhWYJFOEWZ8AozwKRmgP"
    "kxrJDVCGo8vBxeFPPWbWj5MAoiz2nFP3Gas8C57fpQzimOgtwnvyvhc0zxYBWLeXS27d0r"
    "K+8hFJF5oG54K4BKO4SsO48jhLJ+JbdCLKprHt8JUwKbgyD1JkEv6mXCSxTrKhiXOY1KGm"
    "0ah7xhNRa2dqNr6c0SI7IzfeGZlfMm5nOS0D6Jj64oBjbgjO9MoMDlp8TWtKArwVO8KGYY"
    "Cl1dT44ZbF8ntxoGWr7AJ1BfiPH0Xk948fi8V3ci7XJLIKwsHlHUT3WEg7Oi5Rjo45uhEx"
    "wfN00OLQ1gTJRqGtbUN7F7GtOcFsl5vZn/8flmFzIw=="
)
