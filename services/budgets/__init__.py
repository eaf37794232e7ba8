"""Budgets: a USD limit per period for a scope (agent, contributor, API key, correlation id), admission
by reservation, spend counted from recorded calls, threshold alerts."""
