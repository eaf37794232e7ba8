"""What a string may hold, decided once for every argument, input field and variable: Unicode text
without U+0000. PostgreSQL stores no NUL in text or JSON, and a lone surrogate (valid in JSON as
"\\ud800") is not a character at all. Literals in the document are checked while the document is
validated (cached with it); variables before execution. Length is the column's business
(models/columns.py)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from graphql import ArgumentNode, GraphQLError, ObjectFieldNode, StringValueNode, ValidationRule

SURROGATE = re.compile("[\ud800-\udfff]")
# How a NUL or a surrogate looks once json.dumps has escaped it: a cheap first look before the walk.
ESCAPED_SUSPECT = re.compile(r"\\u0000|\\ud[89a-f]", re.IGNORECASE)


def string_fault(value: str) -> str | None:
    """Why `value` may not be input, or None when it may."""
    if "\x00" in value:
        return "contains U+0000 (NUL), which no string may hold"
    if not value.isascii() and SURROGATE.search(value):
        return "contains a lone surrogate (U+D800 to U+DFFF), which is not a character"
    return None


def _faults(value: Any, path: str) -> Iterator[tuple[str, str]]:
    stack = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if fault := string_fault(item):
                yield where, fault
        elif isinstance(item, dict):
            for key, child in item.items():
                if fault := string_fault(key):
                    yield f"{where} (a key)", fault
                stack.append((child, f"{where}.{key}"))
        elif isinstance(item, list):
            stack.extend((child, f"{where}[{i}]") for i, child in enumerate(item))


class StringLiteralRule(ValidationRule):
    """Refuses string literals that hold what no string may, naming the argument path."""

    def enter_string_value(self, node: StringValueNode, key: Any, parent: Any, path: Any, ancestors: list) -> None:
        if fault := string_fault(node.value):
            names = [a.name.value for a in [*ancestors, parent] if isinstance(a, (ArgumentNode, ObjectFieldNode))]
            where = ".".join(names) or "a string"
            self.report_error(GraphQLError(f"{where}: {fault}", node, extensions={"code": "INVALID", "field": where}))


def check_variables(variables: dict | None) -> None:
    """Refuses variables whose strings (at any depth, keys included) hold what no string may."""
    suspect = variables and ESCAPED_SUSPECT.search(json.dumps(variables))
    for where, fault in _faults(variables, "$") if suspect else ():
        field = where.removeprefix("$.")
        raise GraphQLError(f"${field}: {fault}", extensions={"code": "INVALID", "field": field})
