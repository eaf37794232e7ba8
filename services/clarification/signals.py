"""Signals of whether a task says enough to act on, each with its span in the prompt.

What makes a task concrete (code spans, paths, identifiers, routes, versions, numbers with units,
quoted values, acceptance criteria, enumerated requirements) and what leaves it open (vague verbs
and adjectives, references the repository cannot resolve, unbounded scope, destructive or
outward-facing work). They are features of the underspecification estimator and the material of
the questions asked by what is missing. The words live in `data/signals.json`.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from services.clarification.matching import FLAGS, Found, Matcher

DATA_FILE = Path(__file__).resolve().parent / "data" / "signals.json"
CONCRETE_KINDS = ("code_span", "path", "identifier", "route", "version", "quantity", "quoted", "acceptance",
                  "enumeration")
OPEN_KINDS = ("vague_verb", "vague_adjective", "unresolved", "unbounded", "destructive", "environment", "hedge", "chat")
WORD = re.compile(r"[A-Za-z0-9][\w'-]*")
SENTENCE_END = re.compile(r"[.!?;](?=\s|$)|\n")
# A reference counts as resolved when a concrete signal sits this close to it in its sentence
# ("the bug in `paginate()`", "the `orders` table").
RESOLVE_BEFORE, RESOLVE_AFTER = 30, 60


@dataclass(frozen=True, slots=True)
class Signal:
    kind: str
    start: int
    end: int
    text: str


class SignalVocabulary:
    def __init__(self, data: dict[str, Any]) -> None:
        concrete = data["concrete"]
        # identifiers are told apart by case (snake_case, camelCase, CONSTANT_CASE); the rest ignore it
        self.concrete = {kind: Matcher.patterns(concrete[kind], 0 if kind == "identifier" else FLAGS)
                         for kind in CONCRETE_KINDS}
        self.vague_verbs = Matcher.phrases(data["vague_verbs"])
        self.vague_adjectives = Matcher.phrases(data["vague_adjectives"])
        unresolved = data["unresolved"]
        nouns = "|".join(re.escape(n) for n in sorted(unresolved["nouns"], key=len, reverse=True))
        modifiers = "|".join(re.escape(m) for m in unresolved["modifiers"])
        self.reference = Matcher.patterns([
            rf"\b(?:the|that|this|those|these|our|your|their|his|her)\s+(?:(?:{modifiers})\s+)?(?:{nouns})s?\b"])
        self.conversational = Matcher.phrases(unresolved["phrases"])
        self.unbounded = Matcher.phrases(data["unbounded"])
        self.destructive = Matcher.phrases(data["destructive"])
        self.environment = Matcher.phrases(data["environment"])
        self.hedges = Matcher.phrases(data["hedges"])
        self.chat = Matcher.phrases(data["chat"])


@lru_cache(maxsize=1)
def signal_vocabulary() -> SignalVocabulary:
    return SignalVocabulary(json.loads(DATA_FILE.read_text()))


def _signals(kind: str, found: list[Found]) -> list[Signal]:
    return [Signal(kind, m.start(), m.end(), m.group(0)) for m in found]


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping spans as one: `settings/redis.py` is one target, not a path and a file name."""
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def last_sentence(prompt: str) -> tuple[int, int]:
    """The span of the last sentence with words in it: where a request usually says what it wants."""
    bounds = [0, *(m.end() for m in SENTENCE_END.finditer(prompt)), len(prompt)]
    for start, end in reversed(list(itertools.pairwise(bounds))):
        if WORD.search(prompt, start, end):
            return start, end
    return 0, len(prompt)


def _sentence_starts(prompt: str) -> list[int]:
    return [0, *(m.end() for m in SENTENCE_END.finditer(prompt))]


def _same_sentence(starts: list[int], a: int, b: int) -> bool:
    return not any(min(a, b) < s <= max(a, b) for s in starts)


class Signals:
    """Every signal of one prompt, found once."""

    def __init__(self, prompt: str) -> None:
        vocab = signal_vocabulary()
        lowered = prompt.lower()
        self.prompt = prompt
        self.words = len(WORD.findall(prompt))
        self.sentences = max(1, sum(1 for s in re.split(r"[.!?\n]+", prompt) if s.strip()))
        self.concrete: dict[str, list[Signal]] = {
            kind: _signals(kind, matcher.finditer(prompt, lowered)) for kind, matcher in vocab.concrete.items()}
        concrete_spans = _merged(sorted((s.start, s.end) for kind in CONCRETE_KINDS if kind != "acceptance"
                                        for s in self.concrete[kind]))
        starts = _sentence_starts(prompt)

        def resolved(start: int, end: int) -> bool:
            return any(s < end + RESOLVE_AFTER and e > start - RESOLVE_BEFORE and _same_sentence(starts, s, start)
                       for s, e in concrete_spans)

        self.vague_verbs = _signals("vague_verb", vocab.vague_verbs.finditer(prompt, lowered))
        self.vague_adjectives = _signals("vague_adjective", vocab.vague_adjectives.finditer(prompt, lowered))
        references = [s for s in _signals("unresolved", vocab.reference.finditer(prompt, lowered))
                      if not resolved(s.start, s.end)]
        self.unresolved = sorted(references + _signals("unresolved", vocab.conversational.finditer(prompt, lowered)),
                                 key=lambda s: s.start)
        self.unbounded = _signals("unbounded", vocab.unbounded.finditer(prompt, lowered))
        self.destructive = _signals("destructive", vocab.destructive.finditer(prompt, lowered))
        self.environment = _signals("environment", vocab.environment.finditer(prompt, lowered))
        self.hedges = _signals("hedge", vocab.hedges.finditer(prompt, lowered))
        self.chat = _signals("chat", vocab.chat.finditer(prompt, lowered))
        self.concrete_count = len(concrete_spans) + len(self.concrete["acceptance"])
        self.ask = last_sentence(prompt)
        self._concrete_spans = concrete_spans

    def within(self, found: list[Signal] | list[tuple[int, int]], span: tuple[int, int]) -> int:
        start, end = span
        return sum(1 for item in found if start <= (item.start if isinstance(item, Signal) else item[0]) < end)

    @property
    def open_signals(self) -> dict[str, list[Signal]]:
        return {"vague_verb": self.vague_verbs, "vague_adjective": self.vague_adjectives,
                "unresolved": self.unresolved, "unbounded": self.unbounded, "destructive": self.destructive,
                "environment": self.environment, "hedge": self.hedges, "chat": self.chat}

    def features(self) -> dict[str, float]:
        """Numbers the estimator weighs; log1p keeps a long spec from swamping a short one."""
        words = max(self.words, 1)
        concrete = self.concrete_count
        vague = len(self.vague_verbs) + len(self.vague_adjectives)
        features = {"words": math.log1p(words), "sentences": math.log1p(self.sentences),
                    "lines": math.log1p(self.prompt.count("\n")), "question_mark": float("?" in self.prompt)}
        for kind in CONCRETE_KINDS:
            features[f"concrete_{kind}"] = math.log1p(len(self.concrete[kind]))
        features["concrete_total"] = math.log1p(concrete)
        features["concrete_per_10_words"] = min(concrete / words * 10, 5.0)
        features["no_concrete"] = float(concrete == 0)
        for kind, found in self.open_signals.items():
            features[f"open_{kind}"] = math.log1p(len(found))
        features["open_per_10_words"] = min((vague + len(self.unresolved) + len(self.unbounded)) / words * 10, 5.0)
        features["vague_without_concrete"] = float(vague > 0 and concrete == 0)
        features["unresolved_without_concrete"] = float(bool(self.unresolved) and concrete == 0)
        features["destructive_without_concrete"] = float(bool(self.destructive) and concrete == 0)
        features["destructive_without_environment"] = float(bool(self.destructive) and not self.environment)
        # the ask: a long spec of concrete background can still end on a vague request ("Reduce the app size.")
        ask_words = len(WORD.findall(self.prompt[self.ask[0]:self.ask[1]]))
        features["ask_words"] = math.log1p(ask_words)
        features["ask_concrete"] = math.log1p(self.within(self._concrete_spans, self.ask)
                                              + self.within(self.concrete["acceptance"], self.ask))
        features["ask_vague"] = math.log1p(self.within(self.vague_verbs, self.ask)
                                           + self.within(self.vague_adjectives, self.ask))
        features["ask_unresolved"] = math.log1p(self.within(self.unresolved, self.ask))
        features["ask_is_whole"] = float(ask_words >= words - 1)
        return features

    def first_concrete(self) -> Signal | None:
        found = [s for kind in CONCRETE_KINDS for s in self.concrete[kind]]
        return min(found, key=lambda s: s.start) if found else None

