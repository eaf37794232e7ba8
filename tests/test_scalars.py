"""The scalars' limits as pure rules: a value is either parsed within its limits or refused with a
coercion error (a clear GraphQL error), never another exception."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strawberry.exceptions import StrawberryInputCoercionError

from resolvers.scalars import DATETIME_MAX, DATETIME_MIN, MAX_BIGINT, parse_bigint, parse_datetime, parse_decimal

OFFSETS = st.integers(min_value=-14 * 60, max_value=14 * 60).map(lambda m: timezone(timedelta(minutes=m)))


@given(st.integers(min_value=-2**80, max_value=2**80) | st.text(max_size=30))
def test_bigint_is_within_64_bits_or_refused(value) -> None:
    try:
        parsed = parse_bigint(value)
    except StrawberryInputCoercionError as refused:
        assert "BigInt" in str(refused)
    else:
        assert -MAX_BIGINT - 1 <= parsed <= MAX_BIGINT


@given(st.decimals(allow_nan=True, allow_infinity=True).map(str) | st.floats() | st.text(max_size=30))
def test_decimal_is_finite_and_bounded_or_refused(value) -> None:
    try:
        parsed = parse_decimal(value)
    except StrawberryInputCoercionError as refused:
        assert "Decimal" in str(refused)
    else:
        assert parsed.is_finite() and abs(parsed) < Decimal(10) ** 18


@given(st.datetimes(timezones=st.none() | OFFSETS))
def test_datetime_is_utc_within_range_or_refused(value: datetime) -> None:
    try:
        parsed = parse_datetime(value.isoformat())
    except StrawberryInputCoercionError as refused:
        assert "outside" in str(refused)
    else:
        assert parsed.tzinfo is timezone.utc and DATETIME_MIN <= parsed <= DATETIME_MAX
        assert parsed == (value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value)


@pytest.mark.parametrize("text,expected", [
    ("2025-07-01", datetime(2025, 7, 1, tzinfo=timezone.utc)),
    ("2025-07-01T12:00:00", datetime(2025, 7, 1, 12, tzinfo=timezone.utc)),
    ("2025-07-01T14:00:00+02:00", datetime(2025, 7, 1, 12, tzinfo=timezone.utc)),
    ("2025-07-01T12:00:00Z", datetime(2025, 7, 1, 12, tzinfo=timezone.utc)),
])
def test_a_value_without_a_zone_is_read_as_utc(text: str, expected: datetime) -> None:
    assert parse_datetime(text) == expected


@pytest.mark.parametrize("text", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00Z",
                                  "9999-12-31T23:59:59.999999Z"])
def test_the_ends_of_pythons_range_are_refused(text: str) -> None:
    with pytest.raises(StrawberryInputCoercionError, match="outside"):
        parse_datetime(text)
