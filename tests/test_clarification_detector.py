"""The detector's explainable rules: the labelled corpus of rule findings (precision and recall), and the rules
one by one. The estimator and the questions by what is missing: test_clarification_estimator.py."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from api.settings import Settings
from services.clarification.ambiguity import MAX_QUESTIONS, Defaults, QuestionKind, Severity, detect, rule_questions
from services.clarification.tickets import FALLBACK_DEFAULT_MODEL, configure, detector_defaults

CORPUS = Path(__file__).parent / "data" / "clarification_corpus.json"
DEFAULTS = Defaults(model="test-model", temp_path="/tmp/omniclaude")
MIN_SCORE = 0.8


def rules(prompt: str, known: dict | None = None, defaults: Defaults = DEFAULTS) -> list:
    return rule_questions(prompt, known or {}, defaults)


def kinds(prompt: str, known: dict | None = None) -> set[str]:
    return {q.kind.value for q in rules(prompt, known)}


def test_corpus_precision_and_recall():
    items = json.loads(CORPUS.read_text())["prompts"]
    assert len(items) >= 60
    tp = fp = fn = 0
    misses = []
    for item in items:
        got, expected = kinds(item["prompt"], item.get("known")), set(item["expected"])
        tp, fp, fn = tp + len(got & expected), fp + len(got - expected), fn + len(expected - got)
        if got != expected:
            misses.append((item["prompt"], sorted(got - expected), sorted(expected - got)))
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    print(f"\nclarification corpus: {len(items)} prompts, precision {precision:.3f}, recall {recall:.3f}")
    for prompt, extra, missing in misses:
        print(f"  {prompt!r}: extra {extra} missing {missing}")
    assert precision >= MIN_SCORE and recall >= MIN_SCORE, (precision, recall, misses)


def test_postgres_task_asks_host_port_credentials_with_safe_defaults():
    prompt = "Connect to Postgres and copy the orders table."
    questions = rules(prompt)
    by_kind = {q.kind: q for q in questions}
    port = by_kind[QuestionKind.MISSING_PORT]
    assert port.default == "5432" and port.answer_type.value == "PORT" and port.severity is Severity.BLOCKING
    assert prompt[port.span.start:port.span.end] == port.span.text == "Postgres"
    assert by_kind[QuestionKind.MISSING_HOST].default == "localhost"
    assert by_kind[QuestionKind.MISSING_CREDENTIALS].default in by_kind[QuestionKind.MISSING_CREDENTIALS].choices


def test_known_parameters_answer_what_the_prompt_leaves_out():
    assert kinds("Connect to Postgres and copy the orders table.",
                 {"host": "db.internal", "port": 5432, "password": "env:PGPASSWORD"}) == set()


def test_model_default_comes_from_the_setting(monkeypatch):
    monkeypatch.setenv("CLARIFY_DEFAULT_MODEL", "catalog-default-1")
    configure(default_model=Settings(_env_file=None).clarify_default_model)
    try:
        [question] = rules("Summarize the tickets with an LLM and print them to stdout.", defaults=detector_defaults())
        assert question.kind is QuestionKind.MISSING_MODEL and question.default == "catalog-default-1"
    finally:
        configure(default_model=FALLBACK_DEFAULT_MODEL)
    monkeypatch.delenv("CLARIFY_DEFAULT_MODEL")
    assert Settings(_env_file=None).clarify_default_model == FALLBACK_DEFAULT_MODEL


def test_path_default_is_a_temp_path():
    [question] = rules("Back up the uploads folder every night.")
    assert question.kind is QuestionKind.MISSING_PATH and question.default == "/tmp/omniclaude"


def test_contradictions_are_blocking_choices_without_default():
    questions = detect("Use no database; store the sessions in Postgres on port 5432. Postgres runs on port 5433.",
                       {}, DEFAULTS).questions  # a contradiction always opens a ticket
    contradictions = [q for q in questions if q.kind is QuestionKind.CONTRADICTION]
    assert len(contradictions) == 2
    assert all(q.severity is Severity.BLOCKING and q.default is None for q in contradictions)
    assert {tuple(q.choices) for q in contradictions} == {("no database", "store the sessions in Postgres"),
                                                          ("5432", "5433")}
    assert questions[0].kind is QuestionKind.CONTRADICTION  # most important first


def test_known_port_that_disagrees_with_the_prompt_is_a_contradiction():
    [question] = rules("Serve the dashboard over HTTP on port 3000.", {"port": 3001})
    assert question.kind is QuestionKind.CONTRADICTION and question.choices == ("3000", "3001")


def test_vague_terms_each_explained_by_their_span():
    prompt = "Add some retries, maybe a circuit breaker, and log errors etc."
    questions = rules(prompt)
    spans = {q.span.text.lower() for q in questions if q.kind is QuestionKind.VAGUE}
    assert spans == {"some retries", "maybe", "etc."}
    retries = next(q for q in questions if q.span.text == "some retries")
    assert retries.answer_type.value == "NUMBER"
    assert next(q for q in questions if q.span.text == "maybe").answer_type.value == "BOOLEAN"


def test_polite_could_is_not_a_hedge():
    assert kinds("Could you rename tools/a.py to tools/b.py?") == set()
    assert kinds("The handler could return early in tools/a.py.") == {"VAGUE"}


def test_at_most_ten_questions_most_important_first():
    prompt = ("Move data from MySQL, MongoDB, Redis and Kafka into Elasticsearch and RabbitMQ; maybe add some "
              "caching, a few retries, several workers, etc., as needed.")
    questions = detect(prompt, {}, DEFAULTS).questions
    assert len(questions) == MAX_QUESTIONS
    assert [q.id for q in questions] == [f"q{i}" for i in range(1, 11)]
    keys = [q.sort_key() for q in questions]
    assert keys == sorted(keys)
    assert all(q.severity is Severity.BLOCKING for q in questions[:3])


def test_deterministic():
    prompt = "Connect to Postgres, maybe export some rows to a report, etc."
    assert detect(prompt, {}, DEFAULTS) == detect(prompt, {}, DEFAULTS)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_any_text_gives_valid_questions(prompt):
    result = detect(prompt, {}, DEFAULTS)
    assert len(result.questions) <= MAX_QUESTIONS
    assert result.ambiguous == bool(result.questions) and result.reason
    for q in result.questions:
        assert prompt[q.span.start:q.span.end] == q.span.text
        assert q.default is None or q.answer_type.value != "CHOICE" or q.default in q.choices
