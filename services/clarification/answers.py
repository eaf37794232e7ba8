"""Answer values, checked by the question's answer type and put in one canonical text form.

Pure, so the terminal client (`omniclaude clarify`) checks answers with the same rules before it
sends them; the server checks them again."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

MAX_TEXT = 2000
MAX_PATH = 4096
PORT = re.compile(r"[0-9]{1,5}")
MAX_MAGNITUDE = 30  # decimal digits either side of the point
MODEL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,199}$")
TRUE = {"true", "yes", "y", "1"}
FALSE = {"false", "no", "n", "0"}


class BadAnswer(ValueError):
    pass


def canonical_value(question: dict[str, Any], value: str) -> str:
    """The value as stored, or BadAnswer saying what is wrong. `question` is a ticket question
    (answerType, choices, severity)."""
    answer_type = question["answerType"]
    text = value.strip()
    if not text:
        if question["severity"] == "BLOCKING":
            raise BadAnswer("a blocking question needs a non-empty answer")
        if answer_type in ("FREE_TEXT",):
            return ""
        raise BadAnswer(f"an empty value is not a {answer_type}")
    if answer_type == "PORT":
        if not PORT.fullmatch(text) or not 1 <= int(text) <= 65535:
            raise BadAnswer(f"a port is a whole number from 1 to 65535, got {value!r}")
        return str(int(text))
    if answer_type == "NUMBER":
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise BadAnswer(f"not a number: {value!r}") from None
        if not number.is_finite():
            raise BadAnswer(f"not a finite number: {value!r}")
        if number and abs(number.adjusted()) > MAX_MAGNITUDE:
            raise BadAnswer(f"a number within 1e-{MAX_MAGNITUDE} to 1e{MAX_MAGNITUDE}, got {value!r}")
        return format(number.normalize(), "f")
    if answer_type == "BOOLEAN":
        if text.lower() in TRUE:
            return "true"
        if text.lower() in FALSE:
            return "false"
        raise BadAnswer(f"answer true or false (yes/no), got {value!r}")
    if answer_type == "CHOICE":
        for choice in question["choices"]:
            if text.lower() == choice.lower():
                return choice
        raise BadAnswer(f"choose one of: {', '.join(question['choices'])}")
    if answer_type == "PATH":
        if len(text) > MAX_PATH or "\x00" in text:
            raise BadAnswer(f"a path is at most {MAX_PATH} characters, without NUL")
        return text
    if answer_type == "MODEL":
        if not MODEL_NAME.match(text):
            raise BadAnswer("a model name is 1-200 characters of letters, digits and . _ : / @ + -")
        return text
    if len(text) > MAX_TEXT:
        raise BadAnswer(f"at most {MAX_TEXT} characters")
    return text
