"""Strawberry types, queries, mutations and subscriptions, one module per domain; thin."""
