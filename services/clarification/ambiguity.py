"""The ambiguity detector: deterministic and explainable. Every question names the span of the
prompt that caused it. The vocabulary lives in `services/clarification/data/ambiguity.json`.

Three families of findings:
- vague quantifiers, hedges and open-ended terms ("some", "maybe", "etc.", "as needed"),
- parameters that a task of its kind needs but neither the prompt nor the known parameters give
  (a PostgreSQL task needs a host, a port and a credentials source; writing files needs a path),
- contradictions ("no database" and "store in Postgres"; two different ports for one service).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from services.clarification.estimator import Estimate, embedding_text, estimate, uses_embedding
from services.clarification.matching import FLAGS, Found, Matcher
from services.clarification.missing import missing_questions, noun_phrase_after, scope_question_text
from services.clarification.questions import (
    PARAM_KIND,
    AnswerType,
    Question,
    QuestionKind,
    Severity,
    Span,
)
from services.clarification.signals import Signals
from services.search.embedding import Embedder

DATA_FILE = Path(__file__).resolve().parent / "data" / "ambiguity.json"
MISSING_INFORMATION = frozenset({
    QuestionKind.MISSING_REFERENT, QuestionKind.MISSING_TARGET, QuestionKind.MISSING_SCOPE,
    QuestionKind.MISSING_ENVIRONMENT, QuestionKind.MISSING_OUTCOME, QuestionKind.MISSING_CONSTRAINT})
MAX_QUESTIONS = 10


@dataclass(frozen=True, slots=True)
class Defaults:
    """Safe defaults that come from configuration rather than the vocabulary."""

    model: str
    temp_path: str


@dataclass(slots=True)
class Detection:
    """`ambiguous`: the estimator finds the task underspecified, or the rules found a contradiction."""

    questions: list[Question]
    reason: str
    ambiguous: bool
    estimate: Estimate


@dataclass(frozen=True)
class Service:
    name: str
    role: str
    port: int | None
    generic: bool  # "the database": dropped when an engine of its family is named
    family: str | None
    pattern: Matcher


@dataclass(frozen=True)
class Contradiction:
    topic: str
    negative: Matcher
    positive: Matcher


class Vocabulary:
    def __init__(self, data: dict[str, Any]) -> None:
        vague = data["vague"]
        self.vague = {
            category: Matcher.phrases(vague[category]) for category in ("quantity", "hedge", "open_ended", "quality")
        }
        self.vague_exceptions = Matcher.phrases(vague["exceptions"])
        self.max_vague = int(vague["max_questions"])
        self.services = [Service(s["name"], s["role"], s["port"], bool(s.get("generic")), s.get("family"),
                                 Matcher.phrases(s["patterns"]))
                         for s in data["services"]]
        self.needs: dict[str, list[str]] = data["needs"]
        self.triggers = {param: Matcher.patterns(patterns) for param, patterns in data["triggers"].items()}
        self.present = {param: Matcher.patterns(patterns) for param, patterns in data["present"].items()}
        self.known_aliases: dict[str, list[str]] = data["known_parameters"]
        self.defaults: dict[str, Any] = data["defaults"]
        self.severity = {param: Severity(value) for param, value in data["severity"].items()}
        self.contradictions = [
            Contradiction(c["topic"], Matcher.phrases(c["negative"]), Matcher.patterns(c["positive"]))
            for c in data["contradictions"]
        ]
        self.port_patterns = Matcher.patterns(data["port_patterns"])


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    return Vocabulary(json.loads(DATA_FILE.read_text()))


# -- helpers ------------------------------------------------------------------------------------

SENTENCE_END = re.compile(r"[.!?;](?=\s|$)|\n")
CLAUSE_END = re.compile(r"[.,;:!?\n]")
HEDGED_WORDS = 6  # a hedge question quotes at most this many words of what the hedge qualifies


def _span(prompt: str, start: int, end: int) -> Span:
    return Span(start, end, prompt[start:end])


def _sentence_bounds(prompt: str) -> list[int]:
    """Start offsets of sentences, ascending."""
    return [0, *(m.end() for m in SENTENCE_END.finditer(prompt))]


def _sentence_of(bounds: list[int], position: int) -> int:
    lo, hi = 0, len(bounds) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if bounds[mid] <= position:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _clause(prompt: str, start: int, limit: int = 80) -> str:
    end_match = CLAUSE_END.search(prompt, start)
    end = min(end_match.start() if end_match else len(prompt), start + limit)
    return prompt[start:end].strip()


def _in_identifier(prompt: str, m: Found) -> bool:
    """`export` in `reports/export.py` or `legacy_export` names a file or a function, not a task."""
    before = prompt[m.start() - 1] if m.start() else " "
    after = prompt[m.end():m.end() + 2]
    return before in "/_." or (len(after) == 2 and after[0] in "._/" and (after[1].isalnum()))


def _known_params(known: dict[str, Any], vocab: Vocabulary) -> set[str]:
    keys = [str(k).lower() for k, v in known.items() if v not in (None, "", [], {})]
    return {param for param, aliases in vocab.known_aliases.items() if any(a in k for k in keys for a in aliases)}


def _known_port(known: dict[str, Any]) -> int | None:
    value = known.get("port")
    if isinstance(value, bool):
        return None
    if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        return int(value)
    return None


class Text:
    """The prompt, lower-cased once, with what it mentions looked up at most once."""

    def __init__(self, prompt: str, lowered: str, known: dict[str, Any], *, vocab: Vocabulary) -> None:
        self.prompt = prompt
        self.lowered = lowered
        self.known = known
        self.vocab = vocab
        self.known_params = _known_params(known, vocab)
        self._present: dict[str, bool] = {}

    def find(self, matcher: Matcher) -> Found | None:
        return matcher.search(self.prompt, self.lowered)

    def find_all(self, matcher: Matcher) -> list[Found]:
        return matcher.finditer(self.prompt, self.lowered)

    def gives(self, param: str) -> bool:
        """The prompt or the known parameters give `param` (port: only the known parameters)."""
        if param not in self._present:
            self._present[param] = param in self.known_params or (
                param in self.vocab.present and self.find(self.vocab.present[param]) is not None)
        return self._present[param]


# -- the detector -------------------------------------------------------------------------------

def embed_for_estimator(prompt: str, embedder: Embedder | None) -> tuple[str | None, np.ndarray | None]:
    """The embedder's name and, when the estimator's weights use it, the prompt's vector: for
    synchronous callers (scripts, benchmarks, tests). Async code embeds off the event loop."""
    if embedder is None or not uses_embedding(embedder.name):
        return (embedder.name if embedder else None), None
    return embedder.name, embedder.embed_batch([embedding_text(prompt)])[0]


def rule_questions(prompt: str, known_parameters: dict[str, Any], defaults: Defaults) -> list[Question]:
    """Every question the explainable rules raise, most important first, not yet capped or numbered."""
    vocab = vocabulary()
    text = Text(prompt, prompt.lower(), known_parameters, vocab=vocab)
    questions: list[Question] = []
    questions += _contradictions(text)
    service_questions, port_conflicts = _services(text, defaults)
    questions += port_conflicts + service_questions
    questions += _triggered(text, defaults, questions)
    questions += _vague(text)
    questions.sort(key=Question.sort_key)
    return questions


def detect(prompt: str, known_parameters: dict[str, Any], defaults: Defaults, *, embedder_name: str | None = None,
           vector: np.ndarray | None = None, threshold: float | None = None) -> Detection:
    """The rules' findings, the estimator's verdict and, for an underspecified task, questions by
    what is missing. `embedder_name` names the configured sentence embedder and `vector` is the
    prompt's embedding by it (`embed_for_estimator`); `threshold` overrides the trained one."""
    rules = rule_questions(prompt, known_parameters, defaults)
    signals = Signals(prompt)
    verdict = estimate(signals, rules, embedder_name=embedder_name, vector=vector, threshold=threshold)
    contradiction = any(q.kind is QuestionKind.CONTRADICTION for q in rules)
    if not (verdict.underspecified or contradiction):
        return Detection([], _reason_clear(rules, verdict), False, verdict)
    questions = rules + missing_questions(signals, rules) if verdict.underspecified else rules
    questions.sort(key=Question.sort_key)
    kept = [_with_id(q, i + 1) for i, q in enumerate(questions[:MAX_QUESTIONS])]
    return Detection(kept, f"{verdict.reason} {_reason(kept, len(questions))}", True, verdict)


def _with_id(question: Question, n: int) -> Question:
    return Question(question.kind, question.text, question.severity, question.answer_type, question.span,
                    question.default, question.choices, f"q{n}")


def _family(question: Question) -> str:
    if question.kind is QuestionKind.CONTRADICTION:
        return "contradiction"
    if question.kind is QuestionKind.VAGUE:
        return "vague term"
    if question.kind in MISSING_INFORMATION:
        return "missing information"
    return "missing parameter"


def _families(questions: list[Question]) -> str:
    counts: dict[str, int] = {}
    for q in questions:
        counts[_family(q)] = counts.get(_family(q), 0) + 1
    return ", ".join(f"{n} {family}{'s' if n > 1 and family != 'missing information' else ''}"
                     for family, n in counts.items())


def _reason(questions: list[Question], found: int) -> str:
    dropped = f"; {found - len(questions)} less important finding(s) left out" if found > len(questions) else ""
    return f"{len(questions)} question(s): {_families(questions)}{dropped}."


def _reason_clear(rules: list[Question], verdict: Estimate) -> str:
    if not rules:
        return (f"{verdict.reason} No vague terms, missing parameters or contradictions were found: the task can "
                "start as written.")
    return (f"{verdict.reason} The rules noted {_families(rules)}, not enough to hold the task: it can start as "
            "written, on the safe defaults.")


def _contradictions(text: Text) -> list[Question]:
    prompt = text.prompt
    found = []
    for rule in text.vocab.contradictions:
        negative = text.find(rule.negative)
        positive = text.find(rule.positive) if negative else None
        if not negative or not positive:
            continue
        if positive.start() < negative.end() and negative.start() < positive.end():
            continue  # the same words, not two statements
        later = negative if negative.start() > positive.start() else positive
        neg_text, pos_text = negative.group(0), positive.group(0)
        found.append(Question(
            QuestionKind.CONTRADICTION, f'The task says "{neg_text}" but also "{pos_text}": which one holds?',
            Severity.BLOCKING, AnswerType.CHOICE, _span(prompt, later.start(), later.end()),
            choices=(neg_text, pos_text)))
    return found


def _services(text: Text, defaults: Defaults) -> tuple[list[Question], list[Question]]:
    prompt, vocab, known = text.prompt, text.vocab, text.known
    mentions: list[tuple[int, int, Service]] = []
    for service in vocab.services:
        for m in text.find_all(service.pattern):
            mentions.append((m.start(), m.end(), service))
    mentions = [m for m in mentions if not _configures_a_file(text, m[0])]
    named_families = {s.family for _, _, s in mentions if not s.generic and s.family}
    mentions = [m for m in mentions if not (m[2].generic and m[2].family in named_families)]
    mentions.sort(key=lambda m: m[0])
    bounds = _sentence_bounds(prompt)

    ports: dict[str, list[tuple[int, Found]]] = {}
    for m in text.find_all(vocab.port_patterns):
        owner = _port_owner(mentions, bounds, m.start())
        number = next(g for g in m.groups() if g is not None)
        ports.setdefault(owner.name if owner else "", []).append((int(number), m))

    conflicts = []
    for owner, found in ports.items():
        found.sort(key=lambda p: p[1].start())
        distinct = list(dict.fromkeys(port for port, _ in found))
        known_port = _known_port(known)
        if known_port is not None and len(ports) == 1 and known_port not in distinct:
            distinct.append(known_port)
        if len(distinct) > 1:
            second = next((m for port, m in found if port != distinct[0]), found[0][1])
            name = owner or "the service"
            conflicts.append(Question(
                QuestionKind.CONTRADICTION,
                f"The task gives {name} {len(distinct)} different ports ({', '.join(map(str, distinct))}): which one?",
                Severity.BLOCKING, AnswerType.PORT, _span(prompt, second.start(), second.end()),
                choices=tuple(str(p) for p in distinct)))

    questions: list[Question] = []
    seen: set[tuple[str, str]] = set()
    for start, end, service in mentions:
        for param in vocab.needs[service.role]:
            if (param, service.name) in seen:
                continue
            seen.add((param, service.name))
            if param == "port":
                if text.gives("port") or service.name in ports or (len(ports) == 1 and "" in ports):
                    continue
            elif text.gives(param):
                continue
            questions.append(
                _service_question(prompt, param, service, start=start, end=end, vocab=vocab, defaults=defaults)
            )
    return questions, conflicts


CONFIG_EDIT = re.compile(
    r"\b(?:set|change|raise|lower|increase|decrease|bump|tune|adjust|configure|make)\b[^.\n]{0,80}"
    r"\b(?:timeout|ttl|limit|size|retries|interval|pool|max\w*|min\w*|setting|option|flag)\b", FLAGS)


def _configures_a_file(text: Text, position: int) -> bool:
    """"Set the Redis timeout to 5 s in settings/redis.py" edits a setting in a named file: it does
    not connect to Redis, so its host, port and credentials are not the task's to ask."""
    bounds = _sentence_bounds(text.prompt)
    i = _sentence_of(bounds, position)
    sentence = text.prompt[bounds[i]:bounds[i + 1] if i + 1 < len(bounds) else len(text.prompt)]
    return bool(CONFIG_EDIT.search(sentence)) and text.gives("path")


def _port_owner(mentions: list[tuple[int, int, Service]], bounds: list[int], position: int) -> Service | None:
    """The service a port number belongs to: the nearest one named in its sentence (before it if
    any), else the last one named before it."""
    sentence = _sentence_of(bounds, position)
    same = [m for m in mentions if _sentence_of(bounds, m[0]) == sentence]
    before = [m for m in same if m[0] <= position]
    if before:
        return before[-1][2]
    if same:
        return same[0][2]
    earlier = [m for m in mentions if m[0] <= position]
    return earlier[-1][2] if earlier else None


def _service_question(prompt: str, param: str, service: Service, *, start: int, end: int,
                      vocab: Vocabulary, defaults: Defaults) -> Question:
    span = _span(prompt, start, end)
    severity = vocab.severity[param]
    if param == "port":
        verb = "should" if service.role == "serve" else "does"
        return Question(QuestionKind.MISSING_PORT, f"Which port {verb} {service.name} listen on?", severity,
                        AnswerType.PORT, span, str(service.port) if service.port else None)
    if param == "host":
        return Question(QuestionKind.MISSING_HOST, f"Which host runs {service.name}?", severity,
                        AnswerType.FREE_TEXT, span, vocab.defaults["host"])
    if param == "credentials":
        return Question(QuestionKind.MISSING_CREDENTIALS, f"Where should the credentials for {service.name} come from?",
                        severity, AnswerType.CHOICE, span, vocab.defaults["credentials"],
                        tuple(vocab.defaults["credential_sources"]))
    return Question(QuestionKind.MISSING_PATH, f"Where should {service.name} file live (a path)?", severity,
                    AnswerType.PATH, span, f"{defaults.temp_path}/data.db")


def _triggered(text: Text, defaults: Defaults, asked: list[Question]) -> list[Question]:
    prompt, vocab = text.prompt, text.vocab
    asked_kinds = {q.kind for q in asked}
    found = []
    for param, trigger in vocab.triggers.items():
        kind = PARAM_KIND[param]
        if kind in asked_kinds:
            continue
        m = next((m for m in text.find_all(trigger) if not _in_identifier(prompt, m)), None)
        if not m or text.gives(param):
            continue
        span = _span(prompt, m.start(), m.end())
        said = m.group(0)
        severity = vocab.severity[param]
        if param == "path":
            q = Question(kind, f'Which file or directory path does "{said}" refer to?', severity, AnswerType.PATH,
                         span, defaults.temp_path)
        elif param == "model":
            q = Question(kind, f'Which model should be used ("{said}")?', severity, AnswerType.MODEL, span,
                         defaults.model)
        elif param == "version":
            q = Question(kind, f'Which version is meant ("{said}")?', severity, AnswerType.FREE_TEXT, span)
        elif param == "credentials":
            q = Question(kind, f'Where should the credentials for "{said}" come from?', severity, AnswerType.CHOICE,
                         span, vocab.defaults["credentials"], tuple(vocab.defaults["credential_sources"]))
        else:
            q = Question(kind, f'Which output format should "{said}" produce?', severity, AnswerType.CHOICE, span,
                         vocab.defaults["output_format"], tuple(vocab.defaults["output_formats"]))
        found.append(q)
    return found


def _vague(text: Text) -> list[Question]:
    prompt, vocab = text.prompt, text.vocab
    excluded = [(m.start(), m.end()) for m in text.find_all(vocab.vague_exceptions)]
    hits: list[tuple[int, int, str]] = []
    for category, pattern in vocab.vague.items():
        for m in text.find_all(pattern):
            if any(s <= m.start() < e for s, e in excluded):
                continue
            hits.append((m.start(), m.end(), category))
    hits.sort()
    found: list[Question] = []
    seen: set[str] = set()
    last_end = -1
    for start, end, category in hits:
        phrase = prompt[start:end].lower()
        if phrase in seen or start < last_end:
            continue
        seen.add(phrase)
        last_end = end
        found.append(_vague_question(prompt, start, end, category=category))
        if len(found) == vocab.max_vague:
            break
    return found


def _vague_question(prompt: str, start: int, end: int, *, category: str) -> Question:
    """A vague term's question names the words it qualifies and no more: "some old invoices", not
    the rest of the clause."""
    said = prompt[start:end]
    if category == "quantity":
        phrase_end, words = noun_phrase_after(prompt, end)
        if not words:
            return Question(QuestionKind.VAGUE, f'What exactly is meant by "{said}" here?', Severity.OPTIONAL,
                            AnswerType.FREE_TEXT, _span(prompt, start, end))
        span = _span(prompt, start, phrase_end)
        head = words[-1]
        scoped = next((text for w in words[:-1] if (text := scope_question_text(w, head))), None)
        if scoped:
            return Question(QuestionKind.VAGUE, scoped, Severity.OPTIONAL, AnswerType.FREE_TEXT, span)
        if head.lower().endswith("s") and len(head) > 3:
            return Question(QuestionKind.VAGUE, f"How many {' '.join(words)} exactly?", Severity.OPTIONAL,
                            AnswerType.NUMBER, span)
        return Question(QuestionKind.VAGUE, f'What exactly is meant by "{span.text}"?', Severity.OPTIONAL,
                        AnswerType.FREE_TEXT, span)
    if category == "hedge":
        rest = " ".join(_clause(prompt, end).split()[:HEDGED_WORDS])
        text = (f'Is "{rest}" required, or only a suggestion?' if rest
                else f'Is "{_clause(prompt, max(0, start - 60)).strip()}" required, or only a suggestion?')
        return Question(QuestionKind.VAGUE, text, Severity.OPTIONAL, AnswerType.BOOLEAN, _span(prompt, start, end))
    if category == "open_ended":
        sentence_start = max(prompt.rfind(".", 0, start), prompt.rfind("\n", 0, start), start - 60) + 1
        context = prompt[sentence_start:end].strip()
        return Question(QuestionKind.VAGUE, f'What exactly is included in "{context}"?', Severity.OPTIONAL,
                        AnswerType.FREE_TEXT, _span(prompt, start, end))
    return Question(QuestionKind.VAGUE, f'What concrete target does "{said}" mean here (a number, a date, a rule)?',
                    Severity.OPTIONAL, AnswerType.FREE_TEXT, _span(prompt, start, end))
