"""The schema: every domain's queries, mutations and subscriptions merged into one.

`strawberry export-schema api.schema:schema` prints it; `schema.graphql` is that output.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import strawberry
from graphql import (
    GraphQLDefaultInput,
    GraphQLSchema,
    Undefined,
    get_nullable_type,
    is_input_object_type,
    is_object_type,
)
from graphql.utilities.value_to_literal import default_scalar_value_to_literal
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from api.executor import PlainFieldsExecutor
from resolvers.auth import AuthMutation, AuthQuery
from resolvers.budgets import BudgetMutation, BudgetQuery, BudgetSubscription
from resolvers.clarification import ClarificationMutation, ClarificationQuery, ClarificationSubscription
from resolvers.context_market import ContextMarketMutation, ContextMarketQuery
from resolvers.contributors import ContributorMutation, ContributorQuery
from resolvers.debug.golden_states import GoldenStateMutation, GoldenStateQuery
from resolvers.debug.records import DebugMutation, DebugQuery
from resolvers.economy.compute import ComputeMutation
from resolvers.economy.disputes import DisputeMutation, DisputeQuery
from resolvers.economy.ledger import LedgerMutation, LedgerQuery, LedgerSubscription
from resolvers.economy.rewards import RewardMutation, RewardQuery, RewardSubscription
from resolvers.economy.stats import EconomyQuery
from resolvers.events import EventsQuery, EventsSubscription
from resolvers.executions import ExecutionMutation, ExecutionQuery
from resolvers.node import NodeQuery
from resolvers.pricing import CostSourceMutation, CostSourceQuery, PricingMutation, PricingQuery
from resolvers.rate_limits import RateLimitQuery
from resolvers.scalars import SCALAR_MAP
from resolvers.search import SearchQuery
from resolvers.stf.registry import StfMutation, StfQuery
from resolvers.stf.usage import StfUsageMutation, StfUsageQuery
from resolvers.stf.verification import StfVerificationMutation

Query = merge_types("Query", (NodeQuery, AuthQuery, ContributorQuery, StfQuery, PricingQuery, ExecutionQuery,
                              ClarificationQuery, LedgerQuery, RewardQuery, DisputeQuery, EconomyQuery, DebugQuery,
                              GoldenStateQuery, StfUsageQuery, ContextMarketQuery, SearchQuery, RateLimitQuery,
                              EventsQuery,
                              CostSourceQuery, BudgetQuery))
Mutation = merge_types(
    "Mutation",
    (
        AuthMutation,
        ContributorMutation,
        StfMutation,
        PricingMutation,
        ExecutionMutation,
        ClarificationMutation,
        LedgerMutation,
        ComputeMutation,
        RewardMutation,
        DisputeMutation,
        DebugMutation,
        GoldenStateMutation,
        StfUsageMutation,
        StfVerificationMutation,
        ContextMarketMutation,
        CostSourceMutation,
        BudgetMutation,
    ),
)
Subscription = merge_types("Subscription", (EventsSubscription, ClarificationSubscription, LedgerSubscription,
                                            RewardSubscription, BudgetSubscription))


class Schema(strawberry.Schema):
    def process_errors(self, errors: Any, execution_context: Any = None) -> None:
        """Logging happens in api/extensions.py (mask_unexpected), once, with the request id; not here."""


def build_schema(extensions: Sequence[Any] = ()) -> Schema:
    built = Schema(query=Query, mutation=Mutation, subscription=Subscription, extensions=list(extensions),
                   config=StrawberryConfig(scalar_map=SCALAR_MAP), execution_context_class=PlainFieldsExecutor)
    _json_defaults_as_literals(built._schema)
    return built


def _json_defaults_as_literals(schema: GraphQLSchema) -> None:
    """Introspection writes a default through graphql-core's `ast_from_value`, which cannot write a JSON
    object (`parameters: JSON! = {}` made every introspection query, GraphiQL's included, fail on that
    field). JSON defaults are given as literals instead, which introspection uses as they are."""
    json_type = schema.get_type("JSON")
    for type_ in schema.type_map.values():
        if is_input_object_type(type_):
            holders = list(type_.fields.values())
        elif is_object_type(type_):
            holders = [arg for field in type_.fields.values() for arg in field.args.values()]
        else:
            continue
        for holder in holders:
            if get_nullable_type(holder.type) is json_type and holder.default_value is not Undefined \
                    and holder.default is None:
                holder.default = GraphQLDefaultInput(literal=default_scalar_value_to_literal(holder.default_value))


schema = build_schema()
