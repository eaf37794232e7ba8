from __future__ import annotations


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
