"""Rows without the ORM's query building: model objects for rows read or written with raw SQL, rows
by primary key, and for the hot read paths `Rows`, whose SQL text is made once per shape (table,
columns, conditions, order) and kept, its asyncpg rows going to the caller with no model object
per row. Writes, and reads inside a write's transaction, stay with the ORM."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

import asyncpg
from tortoise import connections
from tortoise.models import Model

Record = asyncpg.Record
M = TypeVar("M", bound=Model)


def from_row(model: type[M], row: Mapping[str, Any]) -> M:
    """The object Tortoise itself builds from a SELECT of `model`'s table: `row` is keyed by column
    name, values are converted as on a read (enums, JSON), and the object counts as saved."""
    return model._init_from_db(**row)


async def by_id(model: type[M], pk: int) -> M | None:
    return await model.get_or_none(id=pk)


async def by_ids(model: type[M], ids: Iterable[int]) -> dict[int, M]:
    return {row.id: row for row in await model.filter(id__in=list(ids))}


class BadPosition(ValueError):
    """A keyset position whose values PostgreSQL cannot compare with the order's columns."""


class Rows:
    """The rows of one table that meet every condition. A condition is SQL with `?` where its
    arguments go (`'"status" = ?'`); conditions and column names come from code, never from input."""

    __slots__ = ("table", "columns", "conditions", "args")

    def __init__(self, table: str, columns: Sequence[str], conditions: tuple[str, ...] = (),
                 args: tuple[Any, ...] = ()) -> None:
        self.table = table
        self.columns = tuple(columns)
        self.conditions = conditions
        self.args = args

    def where(self, condition: str, *args: Any) -> "Rows":
        """These rows that also meet `condition`."""
        return Rows(self.table, self.columns, (*self.conditions, condition), (*self.args, *args))

    async def one(self) -> Record | None:
        rows = await _fetch(_select_sql(self.table, self.columns, self.conditions, (), False, False), self.args)
        return rows[0] if rows else None

    async def page(self, *, order: Sequence[str], after: Sequence[Any] | None, limit: int) -> list[Record]:
        """At most `limit` rows in `order` (columns, '-' for descending; the last one unique),
        strictly after the position `after` (the values of the order's columns) when given."""
        sql = _select_sql(self.table, self.columns, self.conditions, tuple(order), after is not None, True)
        position = _after_args(order, after) if after is not None else ()
        try:
            return await _fetch(sql, (*self.args, *position, limit))
        except (asyncpg.DataError, asyncpg.exceptions.InvalidTextRepresentationError) as exc:
            raise BadPosition(str(exc)) from None

    async def count(self) -> int:
        rows = await _fetch(_count_sql(self.table, self.conditions), self.args)
        return rows[0][0]


async def _fetch(sql: str, args: tuple[Any, ...]) -> list[Record]:
    return (await connections.get("default").execute_query(sql, list(args)))[1]


_SQL: dict[tuple, str] = {}


def _numbered(clauses: Sequence[str], start: int = 1) -> tuple[list[str], int]:
    """`?` placeholders as `$1, $2, ...` in order across the clauses."""
    out, n = [], start
    for clause in clauses:
        parts = clause.split("?")
        text = parts[0]
        for part in parts[1:]:
            text += f"${n}{part}"
            n += 1
        out.append(text)
    return out, n


def _after_clause(order: Sequence[str]) -> str:
    """Strictly after a position in `order`: a row comparison when every column goes the same way
    (PostgreSQL walks the index), otherwise the expanded OR form."""
    names = [f'"{o.lstrip("-")}"' for o in order]
    descending = [o.startswith("-") for o in order]
    if all(descending) or not any(descending):
        op = "<" if descending[0] else ">"
        return f"({', '.join(names)}) {op} ({', '.join('?' for _ in names)})"
    ors = []
    for i, name in enumerate(names):
        equal = [f"{n} = ?" for n in names[:i]]
        ors.append("(" + " AND ".join([*equal, f"{name} {'<' if descending[i] else '>'} ?"]) + ")")
    return "(" + " OR ".join(ors) + ")"


def _after_args(order: Sequence[str], values: Sequence[Any]) -> list[Any]:
    """The arguments of `_after_clause`: the OR form repeats the leading values in each term."""
    descending = [o.startswith("-") for o in order]
    if all(descending) or not any(descending):
        return list(values)
    return [v for i in range(len(values)) for v in (*values[:i], values[i])]


def _select_sql(table: str, columns: tuple[str, ...], conditions: tuple[str, ...], order: tuple[str, ...],
                after: bool, limited: bool) -> str:
    key = ("select", table, columns, conditions, order, after, limited)
    sql = _SQL.get(key)
    if sql is None:
        clauses = [*conditions, _after_clause(order)] if after else list(conditions)
        numbered, n = _numbered(clauses)
        sql = f'SELECT {", ".join(f"{chr(34)}{c}{chr(34)}" for c in columns)} FROM "{table}"'
        if numbered:
            sql += " WHERE " + " AND ".join(f"({c})" for c in numbered)
        if order:
            sql += " ORDER BY " + ", ".join(f'"{o.lstrip("-")}"{" DESC" if o.startswith("-") else ""}' for o in order)
        if limited:
            sql += f" LIMIT ${n}"
        _SQL[key] = sql
    return sql


def _count_sql(table: str, conditions: tuple[str, ...]) -> str:
    key = ("count", table, conditions)
    sql = _SQL.get(key)
    if sql is None:
        numbered, _ = _numbered(conditions)
        sql = f'SELECT count(*) FROM "{table}"' + (" WHERE " + " AND ".join(f"({c})" for c in numbered)
                                                  if numbered else "")
        _SQL[key] = sql
    return sql


def like_pattern(text: str) -> str:
    """`text` anywhere, for `LIKE`: its own `%`, `_` and `\\` taken literally."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
