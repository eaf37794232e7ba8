"""Answer values by type: the rules the server applies and the terminal client applies first (pure)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.clarification.answers import BadAnswer, canonical_value


def q(answer_type: str, severity: str = "OPTIONAL", choices: list[str] | None = None) -> dict:
    return {"answerType": answer_type, "severity": severity, "choices": choices or []}


@pytest.mark.parametrize("answer_type,given_value,expected", [
    ("PORT", " 05432 ", "5432"), ("PORT", "1", "1"), ("PORT", "65535", "65535"),
    ("NUMBER", "1.50", "1.5"), ("NUMBER", "100", "100"), ("NUMBER", "-2e3", "-2000"),
    ("BOOLEAN", "Yes", "true"), ("BOOLEAN", "0", "false"),
    ("PATH", " /srv/data ", "/srv/data"), ("MODEL", "claude-3-5-haiku-latest", "claude-3-5-haiku-latest"),
    ("FREE_TEXT", "  three retries ", "three retries"), ("FREE_TEXT", "", ""),
])
def test_valid_values_become_canonical(answer_type, given_value, expected):
    assert canonical_value(q(answer_type), given_value) == expected


@pytest.mark.parametrize("question,given_value", [
    (q("PORT"), "0"), (q("PORT"), "65536"), (q("PORT"), "80a"), (q("PORT"), "²"), (q("PORT"), "-1"),
    (q("NUMBER"), "many"), (q("NUMBER"), "NaN"), (q("NUMBER"), "1e999999"), (q("BOOLEAN"), "perhaps"),
    (q("CHOICE", choices=["json", "csv"]), "xml"), (q("MODEL"), "no spaces allowed"), (q("PATH"), "a\x00b"),
    (q("FREE_TEXT", "BLOCKING"), "   "), (q("PORT"), ""), (q("FREE_TEXT"), "x" * 2001),
])
def test_invalid_values_say_why(question, given_value):
    with pytest.raises(BadAnswer):
        canonical_value(question, given_value)


def test_a_choice_matches_in_any_case_and_is_stored_as_listed():
    assert canonical_value(q("CHOICE", choices=["Secrets Manager", "env"]), "secrets manager") == "Secrets Manager"


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["PORT", "NUMBER", "BOOLEAN", "CHOICE", "PATH", "MODEL", "FREE_TEXT"]),
       st.sampled_from(["BLOCKING", "OPTIONAL"]), st.text(max_size=40))
def test_any_text_is_either_canonical_and_stable_or_a_bad_answer(answer_type, severity, text):
    question = q(answer_type, severity, ["json", "csv"])
    try:
        value = canonical_value(question, text)
    except BadAnswer:
        return
    assert canonical_value(question, value) == value


def test_the_default_model_offered_is_priced_in_the_default_catalog():
    import json
    from pathlib import Path

    from services.clarification.tickets import FALLBACK_DEFAULT_MODEL

    catalog = json.loads(
        (Path(__file__).resolve().parent.parent / "services/pricing/data/litellm_model_prices.json").read_text()
    )
    assert FALLBACK_DEFAULT_MODEL in catalog
