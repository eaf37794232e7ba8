"""A text column's max_length is its one limit: unit rules of models/columns.py and the conversion of
a write over the limit into a user error."""

from __future__ import annotations

import pytest
from tortoise import Tortoise, fields

from models.columns import CharField, ColumnLimit
from models.contributors import Contributor
from resolvers.payload import attempt
from services.errors import domain_error


def test_every_text_column_of_every_model_is_bounded_by_its_own_length(db_url) -> None:
    """A model added with tortoise's own CharField would raise on a long lookup (INTERNAL): use models.columns."""
    plain = [f"{model.__name__}.{name}" for app in Tortoise.apps.values() for model in app.values()
             for name, field in model._meta.fields_map.items()
             if type(field) is fields.CharField and model.__module__.startswith("models.")]
    assert plain == [], f"use models.columns.CharField for {plain}"


def test_a_lookup_longer_than_the_column_matches_nothing_instead_of_raising() -> None:
    handle = Contributor._meta.fields_map["handle"]
    assert isinstance(handle, CharField)
    assert handle.to_db_value("x" * 1000, Contributor) == "x" * 1000


async def test_a_lookup_longer_than_the_column_is_simply_not_found(db_url) -> None:
    assert await Contributor.get_or_none(handle="x" * 1000) is None


def test_a_write_longer_than_the_column_names_the_field_and_the_limit() -> None:
    row = Contributor(handle="h" * 33)
    with pytest.raises(ColumnLimit) as refused:
        Contributor._meta.fields_map["handle"].to_db_value(row.handle, row)
    fault = domain_error(refused.value)
    assert (fault.field, fault.message, fault.code) == ("handle", "at most 32 characters, got 33", "INVALID")


async def test_a_column_limit_in_a_service_is_a_user_error_and_writes_nothing(db_url) -> None:
    async def write() -> Contributor:
        return await Contributor.create(handle="w" * 40, kind="HUMAN")

    created, errors = await attempt(write())
    assert created is None and [(e.field, e.code) for e in errors] == [("handle", "INVALID")]
    assert await Contributor.filter(handle__startswith="w" * 32).count() == 0


def test_snake_case_columns_are_named_as_the_api_spells_them() -> None:
    assert domain_error(ColumnLimit("commit_sha", "at most 40 characters, got 41")).field == "commitSha"
