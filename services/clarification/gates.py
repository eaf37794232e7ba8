"""Literal gates of regular expressions: for a pattern, a set of lower-case strings one of which every
match must contain, so the pattern runs only on text holding one of them (a substring test is much
faster than Python's `re` scanning for a pattern that starts with `\\b` or a group).

A small reader of the pattern's text covers what the vocabulary uses (literals, escapes, classes,
groups, lookarounds, alternation, quantifiers); anything it does not know yields no gate, so the
pattern always runs. A gate is only ever an optimisation: it must never hide a match."""

from __future__ import annotations

from dataclasses import dataclass

ZERO_WIDTH_ESCAPES = frozenset("bBAZ")
CLASS_ESCAPES = frozenset("dDsSwW")
Gate = frozenset[str]


class Unsupported(Exception):
    pass


@dataclass
class _Reader:
    text: str
    at: int = 0

    def peek(self, n: int = 1) -> str:
        return self.text[self.at:self.at + n]

    def take(self, n: int = 1) -> str:
        taken = self.text[self.at:self.at + n]
        self.at += n
        return taken


def gate(pattern: str) -> Gate | None:
    """The gate of `pattern`, or None when every text must be searched."""
    reader = _Reader(pattern)
    try:
        found = _alternation(reader)
    except Unsupported:
        return None
    return found if reader.at == len(pattern) else None


def _alternation(r: _Reader) -> Gate | None:
    branches = [_sequence(r)]
    while r.peek() == "|":
        r.take()
        branches.append(_sequence(r))
    if len(branches) == 1:
        return branches[0]
    return frozenset().union(*branches) if all(branches) else None


def _sequence(r: _Reader) -> Gate | None:
    candidates: list[Gate] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            candidates.append(frozenset({"".join(current).lower()}))
        current.clear()

    while r.peek() and r.peek() not in "|)":
        kind, value = _atom(r)
        least = _quantifier(r)
        if kind == "anchor":
            continue
        if kind == "literal" and least == 1:
            current.append(value)
            continue
        flush()
        if kind in ("literal", "group") and least >= 1:
            inner = frozenset({value.lower()}) if kind == "literal" else value
            if inner:
                candidates.append(inner)
    flush()
    return max(candidates, key=lambda g: (min(map(len, g)), -len(g)), default=None)


def _atom(r: _Reader) -> tuple[str, object]:
    char = r.take()
    if char == "(":
        return _group(r)
    if char == "[":
        _skip_class(r)
        return "other", None
    if char == "\\":
        escaped = r.take()
        if not escaped:
            raise Unsupported
        if escaped in ZERO_WIDTH_ESCAPES:
            return "anchor", None
        if escaped in CLASS_ESCAPES or escaped.isalnum():
            return "other", None  # classes, back-references, \n and other letters with a meaning
        return "literal", escaped
    if char in "^$":
        return "anchor", None
    if char == ".":
        return "other", None
    if char in "*+?{":
        raise Unsupported
    return "literal", char


def _group(r: _Reader) -> tuple[str, object]:
    lookaround = False
    if r.peek() == "?":
        r.take()
        if r.peek() == ":":
            r.take()
        elif r.peek() in ("=", "!"):
            r.take()
            lookaround = True
        elif r.peek(2) in ("<=", "<!"):
            r.take(2)
            lookaround = True
        elif r.peek(2) == "P<":
            r.take(2)
            while r.peek() and r.take() != ">":
                pass
        else:
            raise Unsupported  # inline flags, conditionals, comments
    inner = _alternation(r)
    if r.take() != ")":
        raise Unsupported
    return ("anchor", None) if lookaround else ("group", inner)


def _skip_class(r: _Reader) -> None:
    if r.peek() == "^":
        r.take()
    if r.peek() == "]":
        r.take()
    while True:
        char = r.take()
        if not char:
            raise Unsupported
        if char == "\\":
            r.take()
        elif char == "]":
            return


def _quantifier(r: _Reader) -> int:
    """The least number of repetitions the quantifier after an atom allows (1 without one)."""
    char = r.peek()
    if char in ("?", "*"):
        r.take()
        least = 0
    elif char == "+":
        r.take()
        least = 1
    elif char == "{":
        end = r.text.find("}", r.at)
        low = r.text[r.at + 1:end].partition(",")[0] if end != -1 else ""
        if not low.isdigit():
            raise Unsupported
        r.at = end + 1
        least = int(low)
    else:
        return 1
    if r.peek() in ("?", "+"):
        r.take()
    return least
