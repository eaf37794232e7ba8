"""Pure rules of the debug loop: the Wilson lower bound and error signature normalisation."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.debug.confidence import wilson_lower_bound
from services.debug.signatures import signature, split_error_text

counts = st.integers(min_value=0, max_value=10_000).flatmap(
    lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n)))


def test_wilson_matches_the_formula_on_known_values():
    # n=100, p=0.95, z=1.96: (0.95 + 0.019208 - 1.96*sqrt(0.000475 + 0.00009604)) / 1.038416
    expected = (0.95 + 1.96**2 / 200 - 1.96 * math.sqrt(0.95 * 0.05 / 100 + 1.96**2 / 40000)) / (1 + 1.96**2 / 100)
    assert wilson_lower_bound(95, 100) == pytest.approx(expected, abs=1e-15)
    assert wilson_lower_bound(95, 100) == pytest.approx(0.8882, abs=1e-4)
    assert wilson_lower_bound(2, 2) == pytest.approx(0.3424, abs=1e-4)
    assert wilson_lower_bound(0, 0) == 0.0
    assert wilson_lower_bound(0, 10) == 0.0


def test_two_of_two_ranks_below_ninety_five_of_a_hundred():
    assert wilson_lower_bound(2, 2) < wilson_lower_bound(95, 100)


@given(counts)
def test_wilson_is_within_zero_and_one_and_below_the_observed_rate(pair):
    successes, attempts = pair
    bound = wilson_lower_bound(successes, attempts)
    assert 0.0 <= bound <= 1.0
    if attempts:
        assert bound <= successes / attempts + 1e-12


@given(counts)
def test_wilson_grows_with_successes(pair):
    successes, attempts = pair
    if successes < attempts:
        assert wilson_lower_bound(successes + 1, attempts) > wilson_lower_bound(successes, attempts)


@given(st.integers(min_value=1, max_value=5000))
def test_more_evidence_at_the_same_rate_raises_the_bound(n):
    assert wilson_lower_bound(2 * n, 2 * n) < wilson_lower_bound(4 * n, 4 * n)


def test_wilson_rejects_impossible_counts():
    with pytest.raises(ValueError):
        wilson_lower_bound(3, 2)


PYTHON = [
    ("KeyError", "'user_4821'", "KeyError", "'order_77'"),
    ("FileNotFoundError", "[Errno 2] No such file or directory: '/tmp/run-81/out.json'",
     "FileNotFoundError", "[Errno 2] No such file or directory: '/var/cache/job-3/out.json'"),
    ("ZeroDivisionError", "division by zero in worker 7 at line 42 (object at 0x7f3a2c1b9e80)",
     "ZeroDivisionError", "division by zero in worker 12 at line 108 (object at 0x55d1aa0c3f10)"),
]
JAVASCRIPT = [
    ("TypeError", "Cannot read properties of undefined (reading 'map') at src/app/list.js:12:5",
     "TypeError", "Cannot read properties of undefined (reading 'filter') at src/app/table.js:98:17"),
    ("Error", "ENOENT: no such file or directory, open '/home/ci/build-19/config.json'",
     "Error", "ENOENT: no such file or directory, open '/home/ci/build-20/config.json'"),
    ("Error", "Request 3f2a9c1e-4b7d-4e2a-9c1e-0a1b2c3d4e5f timed out after 30000ms calling https://api.acme.io/v1/users/17",
     "Error", "Request 0b7e4f3a-1c2d-4e5f-8a9b-c0d1e2f3a4b5 timed out after 5000ms calling https://api.acme.io/v1/users/9"),
]
SQL = [
    (
        "UniqueViolation",
        'duplicate key value violates unique constraint "users_email_key" '
        'DETAIL: Key (email)=(bob@example.com) already exists.',
        "UniqueViolation",
        'duplicate key value violates unique constraint "users_handle_key" '
        'DETAIL: Key (handle)=(carol) already exists.',
    ),
    (
        "ProgrammingError",
        'relation "orders_2024" does not exist LINE 1: SELECT * FROM orders_2024 WHERE id = 5',
        "ProgrammingError",
        'relation "orders_2025" does not exist LINE 3: SELECT * FROM orders_2025 WHERE id = 912',
    ),
]


@pytest.mark.parametrize("type_a,message_a,type_b,message_b", PYTHON + JAVASCRIPT)
def test_the_same_failure_from_different_runs_shares_a_signature(type_a, message_a, type_b, message_b):
    assert signature(type_a, message_a).digest == signature(type_b, message_b).digest


def test_sql_errors_group_by_shape():
    unique_a, unique_b = (signature(t, m) for t, m, *_ in [SQL[0], SQL[0][2:]])
    assert unique_a.pattern == ("duplicate key value violates unique constraint <str> DETAIL: Key (email)=(<value>) "
                                "already exists.")
    assert (
        signature(*SQL[1][:2]).pattern
        == "relation <str> does not exist LINE <line>: SELECT * FROM orders_2024 WHERE id = <n>"
    )
    assert unique_a.digest != unique_b.digest  # the failing column is part of the shape


def test_type_is_kept_and_words_stay():
    assert signature("KeyError", "'a'").digest != signature("IndexError", "'a'").digest
    assert signature("TypeError", "can't multiply sequence by non-int of type 'float'").pattern == \
        "can't multiply sequence by non-int of type <str>"
    assert signature("Error", "int64 overflow in utf8 decoder").pattern == "int64 overflow in utf8 decoder"
    masked = signature("ZeroDivisionError", PYTHON[2][1]).pattern
    assert masked == "division by zero in worker <n> at line <line> (object at <hex>)"


def test_error_text_is_split_at_its_type():
    assert split_error_text("Traceback (most recent call last):\n  File \"a.py\", line 3\nKeyError: 'x'") == (
        "KeyError",
        "'x'",
    )
    assert split_error_text("psycopg.errors.UniqueViolation: duplicate key") == (
        "psycopg.errors.UniqueViolation",
        "duplicate key",
    )
    assert split_error_text("it broke") == ("Error", "it broke")
