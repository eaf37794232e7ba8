"""Error signatures: the same failure from different runs reads the same once the parts that vary
(numbers, quoted strings, paths, URLs, hex ids, UUIDs, line numbers) are masked; the type is kept."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from models.columns import max_length
from models.debug import ErrorSignature

MAX_TYPE = max_length(ErrorSignature, "error_type")
MAX_PATTERN = 2000

# Order matters: wider tokens first, so a UUID is not read as numbers and a path not as words.
RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"), "<uuid>"),
    (re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s'\"<>()]+"), "<url>"),
    # a quote opens only after a non-word character, so the apostrophe of "can't" opens nothing
    (re.compile(r"(?<![\w])'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"|`[^`\n]*`"), "<str>"),
    (re.compile(r"\b[A-Za-z]:\\[^\s'\"<>|:]+"), "<path>"),
    (re.compile(r"(?:(?<=\s)|(?<=^)|(?<=[(\[=]))(?:~|\.{1,2})?(?:/[\w.@+-]+)+/?"), "<path>"),
    (re.compile(r"\b[\w.-]+(?:/[\w.@+-]+)+"), "<path>"),
    (re.compile(r"\b(line) \d+", re.IGNORECASE), r"\1 <line>"),
    (re.compile(r"(?<=<path>):\d+(?::\d+)?"), ":<line>"),
    (re.compile(r"\b0x[0-9a-fA-F]+\b"), "<hex>"),
    (re.compile(r"\b(?=[0-9a-fA-F]*\d)(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{8,}\b"), "<hex>"),
    (re.compile(r"=\((?!<)[^()\n]*\)"), "=(<value>)"),  # PostgreSQL details: Key (email)=(a@b.c)
    (re.compile(r"(?<![\w.<])[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\d>])"), "<n>"),
]
SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Signature:
    error_type: str
    pattern: str
    digest: str  # SHA-256 of type and pattern: the key that groups errors

    @property
    def text(self) -> str:
        return f"{self.error_type}: {self.pattern}"


def normalise_message(message: str) -> str:
    text = message
    for pattern, mask in RULES:
        text = pattern.sub(mask, text)
    return SPACE.sub(" ", text).strip()[:MAX_PATTERN]


def signature(error_type: str, message: str) -> Signature:
    kept = error_type.strip()[:MAX_TYPE]
    pattern = normalise_message(message)
    return Signature(kept, pattern, hashlib.sha256(f"{kept}\n{pattern}".encode()).hexdigest())


LEADING_TYPE = re.compile(r"^\s*([A-Za-z_$][\w.$]*)\s*:\s+(.*)$", re.DOTALL)


def split_error_text(text: str) -> tuple[str, str]:
    """'KeyError: 'x'' -> ('KeyError', "'x'"): the last line of a traceback, a JS error's toString, a
    driver's 'psycopg.errors.UniqueViolation: ...'. Text without a leading type has the type 'Error'."""
    found = LEADING_TYPE.match(text.strip().splitlines()[-1] if text.strip() else "")
    if found:
        return found.group(1), found.group(2)
    return "Error", text.strip()
