"""Custom scalars shared by every domain, and the limits of what a number or a date may be: the
boundary refuses anything the database or the services could not hold (docs/api.md lists the limits).
A refusal is a GraphQL error naming the scalar and the limit, whether the value came inline in the
document or as a variable."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any, NewType

import strawberry
from strawberry.exceptions import StrawberryInputCoercionError

MAX_BIGINT = 2**63 - 1
DECIMAL_MAX_INTEGER_DIGITS = 18
DECIMAL_MAX_PLACES = 18
# A day inside Python's range at either end: asyncpg sends Python's first and last instants as PostgreSQL's
# -infinity and infinity, and a service may add or subtract a day.
DATETIME_MIN = datetime(1, 1, 2, tzinfo=timezone.utc)
DATETIME_MAX = datetime(9999, 12, 30, 23, 59, 59, 999999, tzinfo=timezone.utc)
DATETIME_RANGE = "0001-01-02T00:00:00Z to 9999-12-30T23:59:59.999999Z"


def _refuse(scalar: str, value: Any, why: str) -> StrawberryInputCoercionError:
    shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
    return StrawberryInputCoercionError(f"{scalar}: {why}, got {shown}")


def parse_bigint(value: Any) -> int:
    if isinstance(value, str):
        text = value.strip()
        digits = text[1:] if text.startswith("-") else text
        if not (digits.isascii() and digits.isdigit()):
            raise _refuse("BigInt", value, "expected an integer or a string of digits")
        if len(digits) > len(str(MAX_BIGINT)):
            raise _refuse("BigInt", value, "outside the signed 64-bit range")
        number = int(text)
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        raise _refuse("BigInt", value, "expected an integer or a string of digits")
    if not -MAX_BIGINT - 1 <= number <= MAX_BIGINT:
        raise _refuse("BigInt", value, "outside the signed 64-bit range")
    return number


def parse_decimal(value: Any) -> Decimal:
    """A finite decimal of at most 18 digits before the point and 18 after. Sent as a string
    ("12.50") to keep every digit; a JSON number is read through its shortest decimal form."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise _refuse("Decimal", value, "expected a string of a decimal number or a number")
    try:
        number = Decimal(value.strip() if isinstance(value, str) else str(value))
    except (InvalidOperation, ValueError):
        raise _refuse("Decimal", value, "expected a decimal number such as \"12.50\"") from None
    if not number.is_finite():
        raise _refuse("Decimal", value, "must be finite (no NaN or Infinity)")
    if number != 0 and number.adjusted() >= DECIMAL_MAX_INTEGER_DIGITS:
        raise _refuse("Decimal", value, f"at most {DECIMAL_MAX_INTEGER_DIGITS} digits before the point")
    if -number.as_tuple().exponent > DECIMAL_MAX_PLACES:  # type: ignore[operator]
        raise _refuse("Decimal", value, f"at most {DECIMAL_MAX_PLACES} digits after the point")
    return number


def parse_datetime(value: Any) -> datetime:
    """ISO 8601. A value without a zone (or a date alone) is read as UTC; the result is in UTC,
    within DATETIME_RANGE (Python's range less a day at either end, within PostgreSQL's)."""
    if not isinstance(value, str):
        raise _refuse("DateTime", value, "expected an ISO 8601 string such as 2025-07-01T12:00:00Z")
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise _refuse("DateTime", value, "expected an ISO 8601 string such as 2025-07-01T12:00:00Z") from None
    try:
        utc = parsed.replace(tzinfo=timezone.utc) if parsed.tzinfo is None else parsed.astimezone(timezone.utc)
    except OverflowError:
        utc = None
    if utc is None or not DATETIME_MIN <= utc <= DATETIME_MAX:
        raise _refuse("DateTime", value, f"outside {DATETIME_RANGE} once in UTC")
    return utc


BigInt = NewType("BigInt", int)

# Registered in the schema's config (api/schema.py): {Python type: GraphQL scalar}.
SCALAR_MAP = {
    BigInt: strawberry.scalar(
        name="BigInt",
        serialize=int,
        parse_value=parse_bigint,
        description="A signed 64-bit integer (token counts). Sent as a JSON number; accepted as a number or a "
        "string of digits.",
    ),
    Decimal: strawberry.scalar(
        name="Decimal",
        serialize=str,
        parse_value=parse_decimal,
        description="A finite decimal number (USD), sent as a string such as \"12.50\"; at most 18 digits before "
        "the point and 18 after. A JSON number is accepted too.",
    ),
    datetime: strawberry.scalar(
        name="DateTime",
        serialize=lambda value: value.isoformat(),
        parse_value=parse_datetime,
        description=f"An ISO 8601 date-time, answered in UTC. A value without a zone (or a date alone) is read as "
        f"UTC; any offset is accepted as long as the instant lies within {DATETIME_RANGE}.",
    ),
}
