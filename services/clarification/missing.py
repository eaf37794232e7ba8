"""Questions by what a task is missing: which referent, which target, where a set ends, which
environment, what done looks like, which constraints. Asked when the estimator finds a task
underspecified, beside the rule findings, each with the span that prompted it and a safe default
where one exists. The wording lives in `data/missing.json`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from services.clarification.matching import FLAGS, Matcher
from services.clarification.questions import AnswerType, Question, QuestionKind, Severity, Span
from services.clarification.signals import Signals

DATA_FILE = Path(__file__).resolve().parent / "data" / "missing.json"
# Words that end a noun phrase: "some old invoices | to storage", "the inactive accounts | in the CRM".
STOP_WORDS = frozenset("""
a an the to into onto in on at for with by of from and or but nor that which who whom whose so if when
while as than then is are was were be been being it its this these those there here maybe perhaps
please should must can could would will may might not no every each all some any via per about
""".split())
NEXT_WORDS = re.compile(r"[ \t]+([A-Za-z][\w'-]*)")
MAX_NOUN_WORDS = 3


@dataclass(frozen=True)
class Template:
    words: frozenset[str]
    text: str


def _templates(items: list[dict[str, Any]], key: str, value: str) -> list[Template]:
    return [Template(frozenset(w.lower() for w in item[key]), item[value]) for item in items]


class MissingVocabulary:
    def __init__(self, data: dict[str, Any]) -> None:
        self.referent = _templates(data["referent"], "nouns", "text")
        self.referent_default: str = data["referent_default"]
        self.conversational: str = data["conversational"]
        self.scope = _templates(data["scope"], "words", "text")
        self.scope_words = Matcher.phrases([w for t in self.scope for w in t.words])
        self.destinations = [(frozenset(d["nouns"]), d["hint"]) for d in data["destinations"]]
        nouns = "|".join(re.escape(n) for d, _ in self.destinations for n in sorted(d, key=len, reverse=True))
        self.destination = Matcher.patterns(
            [rf"\b(?:to|into|onto|in|on)\s+(?:the\s+|our\s+|a\s+|some\s+)?(?:(?:new|other|same|right)\s+)?(?:{nouns})\b"])
        self.destination_text: str = data["destination_text"]
        self.generic_objects = frozenset(data["generic_objects"])
        self.target_text: str = data["target_text"]
        self.outcome = _templates(data["outcome"], "words", "text")
        self.outcome_default: str = data["outcome_default"]
        self.environment_verbs = Matcher.phrases(data["environment_verbs"])
        self.environment_text: str = data["environment_text"]
        self.environment_choices = tuple(data["environment_choices"])
        self.environment_default: str = data["environment_default"]
        self.constraint = Matcher.phrases(data["constraint_phrases"])
        self.constraint_text: str = data["constraint_text"]
        self.done_text: str = data["done_text"]
        self.destructive = Matcher.phrases(data["destructive_verbs"])
        self.max_questions = int(data["max_questions"])


@lru_cache(maxsize=1)
def missing_vocabulary() -> MissingVocabulary:
    return MissingVocabulary(json.loads(DATA_FILE.read_text()))


def _template_for(templates: list[Template], word: str) -> str | None:
    word = word.lower()
    return next((t.text for t in templates if word in t.words), None)


def noun_phrase_after(prompt: str, position: int) -> tuple[int, list[str]]:
    """The words of the noun phrase that starts at `position` (at most three, ending before a
    function word or punctuation), and where it ends."""
    words: list[str] = []
    end = position
    while len(words) < MAX_NOUN_WORDS:
        m = NEXT_WORDS.match(prompt, end)
        if not m or m.group(1).lower() in STOP_WORDS:
            break
        words.append(m.group(1))
        end = m.end()
    return end, words


SIZE_WORDS = frozenset({"big", "large", "small", "long", "short"})


def _plural(word: str) -> bool:
    word = word.lower()
    return (len(word) > 3 and word.endswith("s") and not word.endswith("ss")) or word in {"people", "data", "children"}


def scope_question_text(word: str, noun: str) -> str | None:
    """The question for a set bounded by a vague criterion ("old invoices": older than what?)."""
    template = _template_for(missing_vocabulary().scope, word)
    return template.format(word=word.lower(), noun=noun) if template else None


def _question(kind: QuestionKind, text: str, span: Span, *, severity: Severity = Severity.BLOCKING,
              answer_type: AnswerType = AnswerType.FREE_TEXT, default: str | None = None,
              choices: tuple[str, ...] = ()) -> Question:
    return Question(kind, text, severity, answer_type, span, default, choices)


def _span(prompt: str, start: int, end: int) -> Span:
    return Span(start, end, prompt[start:end])


def _destructive(signals: Signals) -> bool:
    return bool(missing_vocabulary().destructive.search(signals.prompt, signals.prompt.lower()))


# -- one generator per thing that can be missing ------------------------------------------------

DETERMINERS = frozenset({"the", "that", "this", "those", "these", "our", "your", "their", "his", "her"})


def _referents(signals: Signals) -> Iterable[Question]:
    """A named referent ("the bug") is asked about; a phrase such as "yesterday" or "again" only
    when no named referent is asked, since it usually qualifies one ("the bug ... yesterday")."""
    vocab = missing_vocabulary()
    prompt = signals.prompt
    named = [s for s in signals.unresolved if s.text.split()[0].lower() in DETERMINERS]
    for s in named or signals.unresolved:
        words = s.text.split()
        if words[0].lower() in DETERMINERS and len(words) >= 2:
            noun = words[-1].lower().rstrip("s") if words[-1].lower() not in {"changes", "fixes", "rules", "numbers"} \
                else words[-1].lower()
            template = _template_for(vocab.referent, noun) or _template_for(vocab.referent, words[-1].lower())
            text = (template or vocab.referent_default).format(noun=words[-1], text=s.text)
        else:
            text = vocab.conversational.format(text=s.text)
        yield _question(QuestionKind.MISSING_REFERENT, text, _span(prompt, s.start, s.end))


def _scopes(signals: Signals) -> Iterable[Question]:
    vocab = missing_vocabulary()
    prompt = signals.prompt
    severity = Severity.BLOCKING if _destructive(signals) else Severity.OPTIONAL
    for m in vocab.scope_words.finditer(prompt, prompt.lower()):
        end, words = noun_phrase_after(prompt, m.end())
        if not words or not (_plural(words[-1]) or m.group(0).lower() in SIZE_WORDS):
            continue  # "old invoices" is a set to bound; "the new warehouse" is one thing, a referent
        text = scope_question_text(m.group(0), " ".join(words))
        if text:
            yield _question(QuestionKind.MISSING_SCOPE, text, _span(prompt, m.start(), end), severity=severity)


def _destinations(signals: Signals) -> Iterable[Question]:
    vocab = missing_vocabulary()
    prompt = signals.prompt
    for m in vocab.destination.finditer(prompt, prompt.lower()):
        after = prompt[m.end():m.end() + 40]
        if re.match(r"\s*[`\"'(]|\s+(?:named|called)\b|\s*:|\s+[\w-]*[/_.][\w-]", after):
            continue  # a name follows: "to the bucket `acme-exports`"
        noun = re.sub(r"^(?:to|into|onto|in|on)\s+(?:the\s+|our\s+|a\s+|some\s+)?(?:(?:new|other|same|right)\s+)?",
                      "", m.group(0), flags=FLAGS)
        hint = next((h for nouns, h in vocab.destinations if noun.lower() in nouns), "its name")
        start = m.end() - len(noun)
        yield _question(QuestionKind.MISSING_TARGET, vocab.destination_text.format(noun=noun, hint=hint),
                        _span(prompt, start, m.end()))


def _targets(signals: Signals) -> Iterable[Question]:
    if signals.concrete_count:
        return
    vocab = missing_vocabulary()
    prompt = signals.prompt
    for verb in signals.vague_verbs:
        end, words = noun_phrase_after(prompt, verb.end)
        determiner = re.match(r"\s+(?:the|our|my|this|that|all the|all)\s+", prompt[verb.end:], FLAGS)
        if determiner:
            end, words = noun_phrase_after(prompt, verb.end + determiner.end() - 1)
        noun = " ".join(words)
        if noun.lower() in vocab.generic_objects or (words and words[-1].lower() in vocab.generic_objects):
            yield _question(QuestionKind.MISSING_TARGET, vocab.target_text.format(noun=noun),
                            _span(prompt, verb.start, end))
            return


def _outcomes(signals: Signals) -> Iterable[Question]:
    if signals.concrete["acceptance"] or signals.concrete["quantity"]:
        return
    vocab = missing_vocabulary()
    prompt = signals.prompt
    found = sorted(signals.vague_adjectives + signals.vague_verbs, key=lambda s: s.start)
    for s in found:
        template = _template_for(vocab.outcome, s.text)
        if template:
            yield _question(QuestionKind.MISSING_OUTCOME, template.format(word=s.text.lower()),
                            _span(prompt, s.start, s.end))
            return


def _environments(signals: Signals) -> Iterable[Question]:
    if signals.environment:
        return
    vocab = missing_vocabulary()
    m = vocab.environment_verbs.search(signals.prompt, signals.prompt.lower())
    if m:
        yield _question(QuestionKind.MISSING_ENVIRONMENT, vocab.environment_text,
                        _span(signals.prompt, m.start(), m.end()), answer_type=AnswerType.CHOICE,
                        default=vocab.environment_default, choices=vocab.environment_choices)


def _constraints(signals: Signals) -> Iterable[Question]:
    vocab = missing_vocabulary()
    m = vocab.constraint.search(signals.prompt, signals.prompt.lower())
    if m:
        yield _question(QuestionKind.MISSING_CONSTRAINT, vocab.constraint_text.format(text=m.group(0)),
                        _span(signals.prompt, m.start(), m.end()), severity=Severity.OPTIONAL)


GENERATORS: tuple[Callable[[Signals], Iterable[Question]], ...] = (
    _referents, _scopes, _destinations, _targets, _environments, _outcomes, _constraints)


def _overlaps(span: Span, taken: list[Span]) -> bool:
    return any(span.start < t.end and t.start < span.end for t in taken)


def missing_questions(signals: Signals, asked: list[Question]) -> list[Question]:
    """Questions by what is missing, none on a span a question in `asked` already covers; when
    nothing more specific applies and nothing was asked, what done looks like."""
    vocab = missing_vocabulary()
    taken = [q.span for q in asked]
    found: list[Question] = []
    for generate in GENERATORS:
        for question in generate(signals):
            if len(found) == vocab.max_questions:
                return found
            if not _overlaps(question.span, taken):
                found.append(question)
                taken.append(question.span)
    if not found and not asked:
        start, end = signals.ask
        text = signals.prompt[start:end]
        start += len(text) - len(text.lstrip())
        end -= len(text) - len(text.rstrip())
        found.append(_question(QuestionKind.MISSING_OUTCOME, vocab.done_text, _span(signals.prompt, start, end)))
    return found

