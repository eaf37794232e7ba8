"""What the clarification detector produces: questions about a task, each with the span of the
prompt that caused it, its severity, how its answer is checked and a safe default where one exists."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any


class QuestionKind(str, Enum):
    """In order of importance among questions of equal severity."""

    CONTRADICTION = "CONTRADICTION"
    MISSING_REFERENT = "MISSING_REFERENT"
    MISSING_TARGET = "MISSING_TARGET"
    MISSING_SCOPE = "MISSING_SCOPE"
    MISSING_ENVIRONMENT = "MISSING_ENVIRONMENT"
    MISSING_OUTCOME = "MISSING_OUTCOME"
    MISSING_CONSTRAINT = "MISSING_CONSTRAINT"
    MISSING_CREDENTIALS = "MISSING_CREDENTIALS"
    MISSING_HOST = "MISSING_HOST"
    MISSING_PORT = "MISSING_PORT"
    MISSING_VERSION = "MISSING_VERSION"
    MISSING_PATH = "MISSING_PATH"
    MISSING_MODEL = "MISSING_MODEL"
    MISSING_OUTPUT_FORMAT = "MISSING_OUTPUT_FORMAT"
    VAGUE = "VAGUE"


class Severity(str, Enum):
    BLOCKING = "BLOCKING"
    OPTIONAL = "OPTIONAL"


class AnswerType(str, Enum):
    FREE_TEXT = "FREE_TEXT"
    CHOICE = "CHOICE"
    NUMBER = "NUMBER"
    PORT = "PORT"
    PATH = "PATH"
    MODEL = "MODEL"
    BOOLEAN = "BOOLEAN"


KIND_RANK = {kind: rank for rank, kind in enumerate(QuestionKind)}
PARAM_KIND = {
    "port": QuestionKind.MISSING_PORT, "host": QuestionKind.MISSING_HOST,
    "credentials": QuestionKind.MISSING_CREDENTIALS, "path": QuestionKind.MISSING_PATH,
    "model": QuestionKind.MISSING_MODEL, "version": QuestionKind.MISSING_VERSION,
    "output_format": QuestionKind.MISSING_OUTPUT_FORMAT,
}


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Question:
    kind: QuestionKind
    text: str
    severity: Severity
    answer_type: AnswerType
    span: Span
    default: str | None = None
    choices: tuple[str, ...] = ()
    id: str = ""

    def sort_key(self) -> tuple:
        """Blocking before optional; among those, no default before default (nothing stands in);
        then by kind (contradictions first) and position in the prompt."""
        return (self.severity is not Severity.BLOCKING, self.default is not None, KIND_RANK[self.kind],
                self.span.start, self.text)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind.value, "text": self.text, "severity": self.severity.value,
                "answerType": self.answer_type.value, "choices": list(self.choices),
                "span": {"start": self.span.start, "end": self.span.end, "text": self.span.text},
                "default": self.default}


