"""The detector's literal gates never hide a match: every text a vocabulary pattern matches holds one
of its gate's literals."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.clarification.ambiguity import FLAGS, vocabulary
from services.clarification.gates import gate


def _patterns() -> list[str]:
    vocab = vocabulary()
    matchers = [*vocab.triggers.values(), *vocab.present.values(), vocab.port_patterns,
                *(c.positive for c in vocab.contradictions)]
    return sorted({p.pattern for m in matchers for _, p in m.parts})


PATTERNS = _patterns()


def test_every_vocabulary_pattern_has_a_gate():
    assert PATTERNS and [p for p in PATTERNS if gate(p) is None] == []


@pytest.mark.parametrize("pattern", PATTERNS)
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_a_match_holds_a_literal_of_the_gate(pattern, data):
    compiled = re.compile(pattern, FLAGS)
    text = data.draw(st.from_regex(compiled, fullmatch=True))
    match = compiled.search(text)
    if match:
        assert any(literal in match.group(0).lower() for literal in gate(pattern)), (pattern, text)


@pytest.mark.parametrize("pattern, expected", [
    (r"\bsend (an )?emails?\b", {"send "}),
    (r"\buse (pandas|numpy)\b", {"pandas", "numpy"}),
    (r"\b(a|as a) table\b", {" table"}),
    (r"(?<!no )\bretry\b", {"retry"}),
    (r"\b[a-z]+\.txt\b", {".txt"}),
    (r"\bport\s*[:=]?\s*\d{2,5}\b", {"port"}),
    (r"(?i)x", None),
])
def test_gates_of_typical_patterns(pattern, expected):
    found = gate(pattern)
    assert (set(found) if found is not None else None) == expected
