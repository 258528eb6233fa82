"""Where search runs: PostgreSQL's full-text and trigram indexes, or SQLite's FTS5 table; chosen by the database.

Both take the same `QueryPlan` and order matches the same way: the categories the query names
first (`INTENT_WEIGHT`), then the text's own relevance, normalized to the best match.
"""

from __future__ import annotations

from django.db import connection

from shop.search.backends.base import SearchBackend


def search_backend() -> SearchBackend:
    # Each backend imports only what its database needs.
    if connection.vendor == "postgresql":
        from shop.search.backends.postgres import PostgresBackend

        return PostgresBackend()
    from shop.search.backends.sqlite import SqliteBackend

    return SqliteBackend()


__all__ = ["SearchBackend", "search_backend"]
