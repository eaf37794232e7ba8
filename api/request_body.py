"""What a request body (and a WebSocket message) may be: UTF-8 JSON, no deeper than the nesting limit,
no number longer than 100 characters, no NaN or Infinity. Anything else is refused before GraphQL
sees it, with a message saying which rule it broke."""

from __future__ import annotations

import json
import math
import re
from itertools import chain
from typing import Any

import orjson

MAX_NUMBER_CHARS = 100
# a run of characters a long number is made of (a string holding one sends the body to the strict reader)
LONG_NUMBER = re.compile(r"[0-9.eE+-]{%d,}" % (MAX_NUMBER_CHARS + 1))
LONG_NUMBER_BYTES = re.compile(rb"[0-9.eE+-]{%d,}" % (MAX_NUMBER_CHARS + 1))


class BodyRefused(json.JSONDecodeError):
    """A body or message that is not acceptable JSON. A `JSONDecodeError`, so strawberry's WebSocket
    transport refuses the message as it refuses any non-JSON one."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "", 0)
        self.message = message

    def __str__(self) -> str:
        return self.message


def _number(text: str, convert: type) -> Any:
    if len(text) > MAX_NUMBER_CHARS:
        raise BodyRefused(f"a number of {len(text)} characters; at most {MAX_NUMBER_CHARS} are accepted "
                          "(send long values as strings)")
    value = convert(text)
    if isinstance(value, float) and not math.isfinite(value):
        raise BodyRefused(f"the number {text} is too large to represent")
    return value


def _constant(name: str) -> Any:
    raise BodyRefused(f"{name} is not JSON")


CONTAINERS = {dict, list}


def nesting_depth(value: Any) -> int:
    """How deeply arrays and objects nest in `value` (a scalar is 0), level by level, without recursion."""
    depth, level = 0, [value] if value.__class__ in CONTAINERS else []
    while level:
        depth += 1
        children = chain.from_iterable(item.values() if item.__class__ is dict else item for item in level)
        level = [child for child in children if child.__class__ in CONTAINERS]
    return depth


def decode(data: str | bytes, *, max_depth: int) -> Any:
    """The JSON value of `data`, or `BodyRefused` naming the rule it broke. orjson reads what it can
    (nearly every body, several times faster); whatever it refuses or might hold a rule's breach (a
    long run of digits, more brackets than the nesting limit) is decided by the strict reader."""
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError:
        return strict_decode(data, max_depth=max_depth)
    digits = LONG_NUMBER_BYTES if isinstance(data, bytes) else LONG_NUMBER
    brackets = data.count(b"[") + data.count(b"{") if isinstance(data, bytes) else data.count("[") + data.count("{")
    if brackets > max_depth or digits.search(data):
        return strict_decode(data, max_depth=max_depth)
    return value


def strict_decode(data: str | bytes, *, max_depth: int) -> Any:
    """The JSON value of `data`, or `BodyRefused` naming the rule it broke."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BodyRefused(f"the body is not valid UTF-8 (byte {exc.start})") from None
    try:
        value = json.loads(data, parse_int=lambda t: _number(t, int), parse_float=lambda t: _number(t, float),
                           parse_constant=_constant)
    except BodyRefused:
        raise
    except RecursionError:
        raise BodyRefused(f"JSON nested deeper than {max_depth} levels") from None
    except ValueError as exc:
        raise BodyRefused(f"not JSON: {exc}") from None
    # fewer brackets than the limit cannot nest deeper than it: most bodies skip the walk
    if data.count("[") + data.count("{") > max_depth and nesting_depth(value) > max_depth:
        raise BodyRefused(f"JSON nested deeper than {max_depth} levels")
    return value
