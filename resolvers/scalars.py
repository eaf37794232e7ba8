"""Scalars shared by every domain."""

from __future__ import annotations

from typing import NewType

import strawberry

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def _parse_bigint(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(f"BigInt must be an integer, got {value!r}")
    number = int(value) if isinstance(value, int) or value.lstrip("-").isdigit() else None
    if number is None:
        raise ValueError(f"BigInt must be an integer, got {value!r}")
    if not INT64_MIN <= number <= INT64_MAX:
        raise ValueError(f"BigInt must fit in 64 bits, got {value}")
    return number


BigInt = NewType("BigInt", int)

# Given to the schema's config (`StrawberryConfig(scalar_map=SCALAR_MAP)` in api/schema.py).
SCALAR_MAP = {
    BigInt: strawberry.scalar(
        name="BigInt",
        serialize=int,
        parse_value=_parse_bigint,
        description="A 64-bit signed integer (token amounts). Sent as a JSON number; also accepted as a string of digits.",
    ),
}
