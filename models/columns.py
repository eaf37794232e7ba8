"""Column types whose size is the one limit on what they hold. A text column's `max_length` decides
both answers: a lookup by a longer value is simply not found (no row can hold it), and writing a
longer value is `ColumnLimit`, which the API answers as a user error naming the field and the limit."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.exceptions import ValidationError


def max_length(model: type, field: str) -> int:
    """The length of a text column: the one place a service reads a length limit from."""
    return model._meta.fields_map[field].max_length


class ColumnLimit(ValidationError):
    """A value too large for the column it was written to; nothing of the unit of work is kept."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class CharField(fields.CharField):
    """VARCHAR(max_length). Tortoise would raise on a filter value longer than the column; here it is
    compared as it is, and matches nothing."""

    def to_db_value(self, value: Any, instance: Any) -> Any:
        if isinstance(value, str) and len(value) > self.max_length:
            if isinstance(instance, type):  # a filter or lookup (tortoise passes the model class)
                return value
            raise ColumnLimit(self.model_field_name, f"at most {self.max_length} characters, got {len(value)}")
        return super().to_db_value(value, instance)
