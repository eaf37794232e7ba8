"""The cost of an operation, computed from its document before it runs (as the GitHub and Shopify
APIs do): what a query may return at most, in objects.

- An object counts 1, a scalar or enum 0; an operation costs at least 1 (`BASE_COST`).
- A connection's page counts `first` (or `last`; the default page size when neither is given)
  objects for each of its edges and nodes, and whatever they select, times that size: nested
  connections multiply.
- A plain list of objects counts as `LIST_SIZE` objects (lists outside connections are short:
  questions of a ticket, votes of a panel).
- A mutation costs `MUTATION_COST` for each of its root fields, whatever it selects.
- Introspection (`__schema`, `__type`) counts 1.

A subscription is charged once, when it starts, as a query of its selection."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
)

BASE_COST = 1
MUTATION_COST = 10
LIST_SIZE = 10
PAGE_ARGUMENTS = ("first", "last")


@dataclass(frozen=True)
class Cost:
    points: int
    uses_variables: bool  # a page size came from a variable: the same document may cost otherwise


def operation_cost(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None,
                   variables: Mapping[str, Any] | None, *, default_page: int, max_page: int) -> Cost:
    operation = _operation(document, operation_name)
    if operation is None:
        return Cost(BASE_COST, False)
    if operation.operation is OperationType.MUTATION:
        return Cost(MUTATION_COST * max(1, _root_fields(operation.selection_set, document)), False)
    root = schema.subscription_type if operation.operation is OperationType.SUBSCRIPTION else schema.query_type
    walk = _Walk(schema, document, variables or {}, default_page, max_page)
    return Cost(BASE_COST + walk.selection(root, operation.selection_set, 1, None), walk.uses_variables)


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name and o.name.value == name), None)


def _root_fields(selection_set: SelectionSetNode, document: DocumentNode) -> int:
    count = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            count += selection.name.value != "__typename"
        elif isinstance(selection, InlineFragmentNode):
            count += _root_fields(selection.selection_set, document)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = _fragments(document).get(selection.name.value)
            count += _root_fields(fragment.selection_set, document) if fragment else 0
    return count


def _fragments(document: DocumentNode) -> dict[str, Any]:
    return {d.name.value: d for d in document.definitions if d.kind == "fragment_definition"}


def _unwrapped(kind: Any) -> tuple[Any, bool]:
    """The named type under non-null and list wrappers, and whether a list was among them."""
    listed = False
    while isinstance(kind, (GraphQLNonNull, GraphQLList)):
        listed = listed or isinstance(kind, GraphQLList)
        kind = kind.of_type
    return kind, listed


def _is_connection(kind: Any) -> bool:
    return isinstance(kind, GraphQLObjectType) and "edges" in kind.fields and "pageInfo" in kind.fields


class _Walk:
    def __init__(self, schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any],
                 default_page: int, max_page: int) -> None:
        self.types = schema.type_map
        self.fragments = _fragments(document)
        self.variables = variables
        self.default_page = default_page
        self.max_page = max_page
        self.uses_variables = False
        self.seen_fragments: list[str] = []

    def selection(self, parent: Any, selection_set: SelectionSetNode | None, multiplier: int,
                  page: int | None) -> int:
        """Objects under `selection_set` of `parent`, `multiplier` instances of it; `page` is the
        page size when `parent` is a connection (its edges and nodes come `page` at a time)."""
        if selection_set is None or parent is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(parent, selection, multiplier, page)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                narrowed = self.types.get(condition.name.value) if condition else parent
                total += self.selection(narrowed or parent, selection.selection_set, multiplier, page)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in self.seen_fragments:  # validation refuses cycles; be safe
                    continue
                self.seen_fragments.append(name)
                narrowed = self.types.get(fragment.type_condition.name.value)
                total += self.selection(narrowed or parent, fragment.selection_set, multiplier, page)
                self.seen_fragments.pop()
        return total

    def field(self, parent: Any, node: FieldNode, multiplier: int, page: int | None) -> int:
        name = node.name.value
        if name.startswith("__"):
            return multiplier if name in ("__schema", "__type") else 0
        fields = getattr(parent, "fields", None)
        definition = fields.get(name) if isinstance(parent, (GraphQLObjectType, GraphQLInterfaceType)) else None
        if definition is None:
            return 0
        kind, listed = _unwrapped(definition.type)
        if not isinstance(kind, (GraphQLObjectType, GraphQLInterfaceType)) and not hasattr(kind, "types"):
            return 0  # scalars and enums
        if listed:
            instances = multiplier * (page if page is not None else LIST_SIZE)
        else:
            instances = multiplier
        size = self.page_size(node) if _is_connection(kind) else None
        return instances + self.selection(kind, node.selection_set, instances, size)

    def page_size(self, node: FieldNode) -> int:
        for argument in node.arguments or ():
            if argument.name.value not in PAGE_ARGUMENTS:
                continue
            value = argument.value
            if isinstance(value, VariableNode):
                self.uses_variables = True
                given = self.variables.get(value.name.value)
            elif isinstance(value, IntValueNode):
                given = int(value.value)
            else:
                given = None
            if isinstance(given, int) and not isinstance(given, bool):
                return max(0, min(given, self.max_page))
        return min(self.default_page, self.max_page)
