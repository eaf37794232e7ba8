from __future__ import annotations

from models.columns import ColumnLimit


class DomainError(Exception):
    """An expected failure: bad input or a broken domain rule. Resolvers turn it into a userError.

    Raise it inside the transaction so nothing of the unit of work is kept.
    """

    def __init__(self, field: str | None, message: str, code: str = "INVALID") -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.code = code


class NotFound(DomainError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(field, message, "NOT_FOUND")


# What a unit of work may fail with because of its input: a broken rule, or a value its column cannot hold.
INPUT_FAULTS = (DomainError, ColumnLimit)


def domain_error(exc: DomainError | ColumnLimit) -> DomainError:
    """The DomainError of an input fault; a column's limit names the field as the API spells it."""
    if isinstance(exc, ColumnLimit):
        head, *rest = exc.field.split("_")
        return DomainError(head + "".join(part.title() for part in rest), exc.message, "INVALID")
    return exc
