"""Expected failures, and the codes each domain answers them with.

A service raises `DomainError(field, message, code)` inside its transaction, so nothing of the unit of
work is kept; the resolver turns it into a userError (mutations) or a GraphQL error (everything else).
Each domain's codes are an enum (in the schema as `<Domain>ErrorCode`): its own, plus those of the
domains it calls, since their failures reach its callers. `tests/test_error_codes.py` checks every code
a domain's services can raise is in its enum."""

from __future__ import annotations

from enum import Enum

from models.columns import ColumnLimit

COMMON_CODES = ("INVALID", "NOT_FOUND", "FORBIDDEN")


class DomainError(Exception):
    """An expected failure: bad input or a broken domain rule."""

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


def error_codes(domain: str, *own: str, includes: tuple[type[Enum], ...] = ()) -> type[Enum]:
    """The enum of a domain's error codes: the common ones, its own, and those of the domains it calls."""
    names = set(COMMON_CODES) | set(own) | {code.value for codes in includes for code in codes}
    return Enum(f"{domain}ErrorCode", {name: name for name in sorted(names)}, type=str)


AUTH = error_codes("Auth", "ALREADY_REVOKED", "DUPLICATE")
PRICING = error_codes("Pricing")
# the ledger and contributors call each other: the economy lists the contributor codes itself
ECONOMY = error_codes(
    "Economy", "ALREADY_FROZEN", "ALREADY_RESOLVED", "ALREADY_REVERSED", "ALREADY_SETTLED", "BELOW_CHARGED",
    "DUPLICATE", "EARNING_CAP", "EXCEEDS_RESERVATION", "FROZEN", "IDEMPOTENCY_CONFLICT", "INSUFFICIENT_FUNDS",
    "NOT_DISPUTABLE", "NOT_FROZEN", "NO_ACCOUNT", "PARTY", "RESERVATION_CLOSED", "RESERVATION_EXPIRED", "UNCHANGED",
    includes=(AUTH,))
CONTRIBUTORS = error_codes("Contributor", "DUPLICATE", includes=(AUTH, ECONOMY))
SEARCH = error_codes("Search")
STF = error_codes("Stf", "ALREADY_VERIFIED", "DEPRECATED", "NOT_LATEST", "NO_CHANGE", "NO_CONTRIBUTOR",
                  includes=(CONTRIBUTORS, ECONOMY, SEARCH))
CLARIFICATION = error_codes("Clarification", "DEADLINE_PASSED", "DUPLICATE", "NOT_A_PANEL_MEMBER",
                            "NOT_ENOUGH_AGENTS", "TICKET_CLOSED", includes=(CONTRIBUTORS,))
CONTEXT_MARKET = error_codes("ContextMarket", "ALREADY_RATED", includes=(CONTRIBUTORS, ECONOMY, SEARCH))
# executions record debug events and debug events look executions up: one set serves both
DEBUG = error_codes("Debug", "ALREADY_FINISHED", "ALREADY_RESOLVED", "ALREADY_REVIEWED", "CONFLICT", "DEPRECATED",
                    "DUPLICATE", "NOT_LATEST", "TOO_LARGE", includes=(ECONOMY, PRICING, STF))
EXECUTIONS = error_codes("Execution", includes=(DEBUG,))

BY_DOMAIN: dict[str, type[Enum]] = {
    "auth": AUTH, "pricing": PRICING, "economy": ECONOMY, "contributors": CONTRIBUTORS, "search": SEARCH,
    "stf": STF, "clarification": CLARIFICATION, "context_market": CONTEXT_MARKET, "debug": DEBUG,
    "executions": EXECUTIONS,
}
