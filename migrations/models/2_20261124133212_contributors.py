from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "contributors" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "handle" VARCHAR(32) NOT NULL UNIQUE,
    "kind" VARCHAR(8) NOT NULL,
    "expertise" JSONB NOT NULL,
    "reputation" DECIMAL(12,6) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "principal_id" BIGINT UNIQUE REFERENCES "principals" ("id") ON DELETE SET NULL
);
COMMENT ON COLUMN "contributors"."kind" IS 'HUMAN: HUMAN\nAGENT: AGENT';
COMMENT ON TABLE "contributors" IS 'A person or an agent that does work on the platform. Agents and humans share this table.';"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "contributors";"""


MODELS_STATE = (
    "eJztW21z2jgQ/isaPuVmKEOchKTczc04hDZcE+gkpL3p5cYRtgBNjORacgjTy3+/lWzjFw"
    "yBNC+kIR8ClnYl+Vlp/eyu+VEacYe4omJ69BOZlOroR4nhEYEvuZ4yKmHPS9pVg8Q9V4ti"
    "j1rXZKIbcU9IH9sS2vvYFQSaHCJsn3qScqakTYbMzy0ECmUkJPeJgzhzJwgLJIcEnR+b74"
    "y9GuJ9fTkecpco4d/RleeTPr29QtQhTNI+JQJRiShDLhWSsoGoqBU43IYlwOVzTBYw+j0g"
    "luQDAgP4MOU//0IzZQ65JSK+9K4tGMB1MgBTRw2g2y058XTbIR20mPygZdWt9Cybu8GIJf"
    "LeRA45mypQJlXrgDDiY0nUDNIPFOoscN3IQLEhwsUmIuEqUzoO6ePAVbZT2uECkraSZbU7"
    "Xeu82bWs0oxdY40U+lGTzZnaE7BUoQEYqCW8e28YOzv7RnWndrC3u7+/d1A9AFm93tmu/b"
    "twMQla4VAas9bHVrurFsRh44U7UjXcaR0scailjZGgD0a2hlgMZ23QGGK/2AJpnZwd4Abz"
    "dohRX19DjPCt5RI2kEO4rO0uwPiLedY4Ns+2aru/ZYFuRz2G7lKQJxCHJ2gVgBONx4E3bk"
    "jwTXzSswO8XVsC4O3aXIBVVxZg2ycKDAvLWZCPoEfSESkGOquZA9uJVCvxl9cIPdyg0wFP"
    "H52pBdB3W6fN8655+llNNxLiu6vxM7tN1WPo1kmudStvpukg6Gure4zUJfrWaTc1vFzIga"
    "9nTOS630pqTTiQ3GJ8bGEndfzj1hi1jNV9csOvH2T1rOYjWD1a7roY/ZUYOcZkoZU9uFOb"
    "eti1VuUJec37GcNrOM/PRhoUX+tfF3KGKbKzBvkA1JIOGFBlbZQWLB4zmxTgH/Hqz+mxXp"
    "kx7uItF7cmrsDH4ynVndmJgALcO5EhCzDPG+ZRs6QB72H7eox9x8ogr3q4wXMtU9nZrpEx"
    "yrdghgcaIXUrauER/g3O4CZ7cAT9UkHYk+5eGPvYieCy8Q/yiC84Q9xHmCFYHpMQfWCJHA"
    "5Bxpj71xCj6HjEc7Hsc39UQaaSEiDvoGEANyWQABZFQIpCJKMWUxD7POFEm7hnjV3Yorhn"
    "CJZ1ySqkPNH45WKeHWMJSr5jzKXkqitLya/htorBbbJgNPNsyIaXke46xz6l44tTs11H+u"
    "OSmR+b7W4d6Y+8/1nGAAdL4H8wF/6DPPrkFjyepKJgf/913mkX7++MUp4UU1ui/3TK56ls"
    "UPqjHzBbwYt6AXUlZaKi5vuz9PwsWYGUIcgx1lun5t95MzROOod55qsGOMwZxSdeILFe5W"
    "y8Qmw6wu68cCWtmLdMqFmJRngy62xXqvrvBaxx1Gy0Ts2TrW2jHEYiYBQakqfYLLvVTU5g"
    "kxN48Wgxnwd4IzxrJlRcJZRZKqzsMNLl8O8Jgsq1stmjRJSwCNS+ODnJhZQ/FSZ2Atnjt4"
    "0A4qjCODHTX14UKHItadmJ6L2RIhge+Xxc1yGai4VEV4J8v9KXPnHxBClurkpagaygT8TT"
    "9SmsdMqIcQlfQT4gsGfKSHBVvxpiAT1ogL2CYtkzzPfIceM5PPrdtxI57hj7takPUxeLvN"
    "Y5MIeT+8NBZWULjLbaQyOt9XzpxerbfmA8tlNr3hDtZ+f4tLB7GZdGlOTyxX8tjsY+lZIw"
    "5UCUexGwBDhTmAkcxkJRgd4GjzMgypOEA/VIcZH/pwe9ZJcs9HZUoAGF4VBvkvJ846EaVy"
    "Iv6EF0NiSijlTqjw4CHoiymjHqQdx3iF8OJ9LOXufcLpkIeuFkvoAxRQBr6/t8VEEXLB7U"
    "Ua5UgNO8IYgRqjxk5IIZDHM1FQOOfrVJw637aV/kd/XnDP7zk3Cx/Drnhh5aFzeqyxTGje"
    "r8yrgxEwZ7eOJyXLDF5+eBUirPnwV6marok+R7NhmI+Rv/F85ApJ5Nq9o9r7t5M2Gd30xY"
    "OVr4mUBhrbIUby5QSPJJBWFCJtk0P0iYpmyWjBC+DjmQeR8NOaxQ1a2j93frCEf17HJSzV"
    "aVbSSIf0NVymEMjBmRWxjenSCukxlFdfEnmWHDxNf4OK0vE1+jYvh2dSkeXl3Aw6szPFyd"
    "j4fWw2PddY55SubRaatdR/rjkp01v7SaX5tndRR/y9bIL1mj0+6etQ4vuh0QSl08pHq+ea"
    "N4w90fyt1XYBjJ9kj/0Cf3vIo0P3w6I+68mv3MT4pe2RaYV6W6W4mDpU5b9iXDYkTjEuD9"
    "uObeWXyVEVIxtitQVpP41B4W8dWoZyFZxYnMfUR1/p09MhV8KzzQ2N7d3z3Yqe1O6d+0ZR"
    "Hru5/hAdcXhW8fzSd5KZV1Zh8PZHrG3t4SxAGk5jIH3ZelDupQrYBwJP4LovskPFo9KqJ6"
    "3LL57JTKJp+9Yj77RfMvd/8DSWS1cw=="
)
