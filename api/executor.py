"""The executor: graphql-core's, with a short way through objects whose selected fields are all
plain (a strawberry field without resolver, permission or extension, read as an attribute).

graphql-core completes every field on its own: a path, a resolve-info object, the resolver, an
awaitable check and a completion per field, which costs more than the SQL for a page of 100 rows.
For a plain selection the result is only attributes read and leaves serialised, so it is planned
once per request and selection (`Plan`) and run per object. Any value the plan cannot take as it
is (a null where the schema says non-null, a value a scalar refuses, an object of another type)
sends that object back through graphql-core's own completion, which makes the error it always
made; values are only read, so nothing runs twice that could tell."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import (
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    is_leaf_type,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import Path, Undefined
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

DEFINITION = "strawberry-definition"


class NotPlain(Exception):
    """A value the plan does not complete itself: graphql-core's completion takes the object."""


Complete = Callable[[Any], Any]


def _leaf(leaf: GraphQLLeafType) -> Complete:
    coerce = leaf.coerce_output_value

    def complete(value: Any) -> Any:
        if isinstance(value, Exception):
            raise NotPlain
        coerced = coerce(value)
        if coerced is None or coerced is Undefined:
            raise NotPlain
        return coerced

    return complete


def _wrapped(kind: GraphQLOutputType, inner: Complete) -> Complete:
    """Completion of `kind` (non-null and list wrappers around a leaf or a planned object)."""
    if isinstance(kind, GraphQLNonNull):
        of = _wrapped(kind.of_type, inner)

        def non_null(value: Any) -> Any:
            if value is None:
                raise NotPlain
            return of(value)

        return non_null
    if isinstance(kind, GraphQLList):
        item = _wrapped(kind.of_type, inner)

        def each(value: Any) -> Any:
            if value is None:
                return None
            if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__iter__"):
                raise NotPlain
            return [item(v) for v in value]

        return each

    def nullable(value: Any) -> Any:
        return None if value is None else inner(value)

    return nullable


# Plans of selections that no variable can change (no directive, no fragment), shared by every
# request: documents come from the parse cache, so the same field nodes come back request after
# request. An entry keeps its nodes alive, so their ids are not reused while it is here.
SHARED_PLANS_MAX = 4096
_shared: dict[tuple[GraphQLObjectType, int, int], tuple[tuple[Any, ...], Complete | None]] = {}


def _fixed_selection(field_details_list: FieldDetailsList) -> bool:
    """Whether the fields under these nodes, at every depth, are the same whatever the variables:
    only fields, without directives (a fragment or a directive may depend on a variable)."""
    return all(details.fragment_variable_values is None and _fixed(details.node) for details in field_details_list)


def _fixed(node: Any) -> bool:
    return all(selection.kind == "field" and not selection.directives and
               (selection.selection_set is None or _fixed(selection))
               for selection in node.selection_set.selections)


class PlainFieldsExecutor(StrawberryGraphQLCoreExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plans: dict[tuple[GraphQLObjectType, int], tuple[FieldDetailsList, Complete | None]] = {}
        manager = self.middleware_manager
        self._plain_allowed = manager is None or not manager.middlewares

    def complete_object_value(self, return_type: GraphQLObjectType, field_details_list: FieldDetailsList,
                              info: GraphQLResolveInfo, path: Path, result: Any, position_context: Any) -> Any:
        plan = self._plan(return_type, field_details_list) if self._plain_allowed else None
        if plan is not None:
            try:
                return plan(result)
            except NotPlain:
                pass
            except Exception:  # a getter or a scalar failed: graphql-core reports it at its path
                pass
        return super().complete_object_value(return_type, field_details_list, info, path, result, position_context)

    def _plan(self, return_type: GraphQLObjectType, field_details_list: FieldDetailsList) -> Complete | None:
        key = (return_type, id(field_details_list))
        cached = self._plans.get(key)
        if cached is None:
            cached = (field_details_list, self._shared_plan(return_type, field_details_list))
            self._plans[key] = cached  # the list is kept alive with its plan, so its id is not reused
        return cached[1]

    def _shared_plan(self, return_type: GraphQLObjectType, field_details_list: FieldDetailsList) -> Complete | None:
        nodes = tuple(details.node for details in field_details_list)
        key = (return_type, id(nodes[0]), len(nodes))
        shared = _shared.get(key)
        if shared is not None and all(a is b for a, b in zip(shared[0], nodes)):
            return shared[1]
        plan = self._make_plan(return_type, field_details_list)
        if _fixed_selection(field_details_list):
            if len(_shared) >= SHARED_PLANS_MAX:
                _shared.clear()
            _shared[key] = (nodes, plan)
        return plan

    def _make_plan(self, return_type: GraphQLObjectType, field_details_list: FieldDetailsList) -> Complete | None:
        grouped, defer_usages, _ = self.collect_subfields(return_type, field_details_list)
        if defer_usages:
            return None
        steps: list[tuple[str, str | None, Complete]] = []
        for response_key, details in grouped.items():
            name = details[0].node.name.value
            if name == "__typename":
                steps.append((response_key, None, lambda _value, n=return_type.name: n))
                continue
            field = return_type.fields.get(name)
            definition = field.extensions.get(DEFINITION) if field else None
            if definition is None or not definition.is_basic_field or details[0].node.arguments \
                    or definition.default_resolver is not getattr:
                return None
            named = field.type
            while isinstance(named, (GraphQLNonNull, GraphQLList)):
                named = named.of_type
            if is_leaf_type(named):
                inner = _leaf(named)
            elif isinstance(named, GraphQLObjectType):
                inner = self._plan(named, details)
                if inner is None:
                    return None
            else:
                return None
            steps.append((response_key, definition.python_name, _wrapped(field.type, inner)))

        def run(source: Any) -> dict[str, Any]:
            if return_type.is_type_of is not None and not return_type.is_type_of(source, None):
                raise NotPlain
            return {key: complete(source if attribute is None else getattr(source, attribute))
                    for key, attribute, complete in steps}

        return run
