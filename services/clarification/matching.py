"""Finding phrases and patterns in a prompt fast: a substring gate before each regular expression,
phrases by substring search with the word boundaries checked by hand."""

from __future__ import annotations

import re

from services.clarification.gates import gate

FLAGS = re.IGNORECASE
WORD_CHARS = re.compile(r"[\w-]")


class Hit:
    """A phrase found by substring search; quacks like the parts of re.Match the detector uses."""

    __slots__ = ("_start", "_end", "_text")

    def __init__(self, start: int, end: int, text: str) -> None:
        self._start, self._end, self._text = start, end, text

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end

    def group(self, index: int = 0) -> str:
        return self._text


Found = re.Match[str] | Hit


class Matcher:
    """Phrases or regular expressions behind a cheap gate. Python's `re` scans slowly for patterns
    that start with `\\b`, a lookbehind or a group of alternatives, while a substring test is fast
    and most of the vocabulary does not occur in most prompts. So each pattern runs only when one of
    the literals every match must contain is in the lower-cased prompt, and phrases are found by
    substring search with the word boundaries checked by hand."""

    def __init__(self, parts: list[tuple[frozenset[str] | None, re.Pattern[str]]], phrases: list[str] = ()) -> None:
        self.parts = parts
        self.phrase_list = sorted({w.lower() for w in phrases}, key=len, reverse=True)

    @classmethod
    def phrases(cls, words: list[str]) -> "Matcher":
        return cls([], words)

    @classmethod
    def patterns(cls, patterns: list[str], flags: int = FLAGS) -> "Matcher":
        # a gate holds lower-case literals tested against the lower-cased prompt: sound whatever the flags
        return cls([(gate(p), re.compile(p, flags)) for p in patterns])

    def _phrase_hits(self, prompt: str, lowered: str) -> list[Hit]:
        if len(lowered) != len(prompt):  # lower() changed the length (rare Unicode): offsets would drift
            alternatives = "|".join(re.escape(w) for w in self.phrase_list)
            pattern = re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", FLAGS)
            return [Hit(m.start(), m.end(), m.group(0)) for m in pattern.finditer(prompt)]
        hits = []
        for phrase in self.phrase_list:
            at = lowered.find(phrase)
            while at != -1:
                end = at + len(phrase)
                if (at == 0 or not WORD_CHARS.match(lowered[at - 1])) and (
                        end == len(lowered) or not WORD_CHARS.match(lowered[end])):
                    hits.append(Hit(at, end, prompt[at:end]))
                at = lowered.find(phrase, at + 1)
        hits.sort(key=lambda h: (h.start(), -h.end()))
        kept: list[Hit] = []
        for hit in hits:  # leftmost, then longest; no overlaps, as a regex alternation would give
            if not kept or hit.start() >= kept[-1].end():
                kept.append(hit)
        return kept

    def _live(self, lowered: str) -> list[re.Pattern[str]]:
        return [pattern for gate, pattern in self.parts if gate is None or any(g in lowered for g in gate)]

    def finditer(self, prompt: str, lowered: str) -> list[Found]:
        if self.phrase_list:
            return self._phrase_hits(prompt, lowered)  # type: ignore[return-value]
        live = self._live(lowered)
        found = [m for pattern in live for m in pattern.finditer(prompt)]
        if len(live) > 1:
            found.sort(key=lambda m: m.start())
        return found

    def search(self, prompt: str, lowered: str) -> Found | None:
        if self.phrase_list:
            hits = self._phrase_hits(prompt, lowered)
            return hits[0] if hits else None
        first = None
        for pattern in self._live(lowered):
            m = pattern.search(prompt)
            if m and (first is None or m.start() < first.start()):
                first = m
        return first
