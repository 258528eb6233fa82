"""A throwaway PostgreSQL database for the benches that need one, created fresh and dropped after."""

from __future__ import annotations


def create_database(server: str, name: str) -> None:
    """Drops `name` if an earlier run left it, then creates it empty; `server` is postgres://user@host:port."""
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name}")
        connection.execute(f"CREATE DATABASE {name}")


def drop_database(server: str, name: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name}")
