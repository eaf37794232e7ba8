"""Custom scalars shared by every domain."""

from __future__ import annotations

from typing import Any, NewType

import strawberry

MAX_BIGINT = 2**63 - 1


def _parse_bigint(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("BigInt: expected an integer, got a boolean")
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    if not isinstance(value, int):
        raise ValueError(f"BigInt: expected an integer or a string of digits, got {value!r}")
    if not -MAX_BIGINT - 1 <= value <= MAX_BIGINT:
        raise ValueError("BigInt: outside the signed 64-bit range")
    return value


BigInt = NewType("BigInt", int)

# Registered in the schema's config (api/schema.py): {Python type: GraphQL scalar}.
SCALAR_MAP = {
    BigInt: strawberry.scalar(
        name="BigInt",
        serialize=int,
        parse_value=_parse_bigint,
        description="A signed 64-bit integer (token counts). Sent as a JSON number; accepted as a number or a "
        "string of digits.",
    ),
}
