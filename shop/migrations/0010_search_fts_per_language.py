"""SQLite: an FTS5 table per language instead of one for all, so each language keeps its own term statistics.

Replaces 0004's single table and its triggers with one table (and triggers) per configured language,
filled from the documents already there. PostgreSQL is unchanged: its ts_rank reads no corpus statistics.
"""

from importlib import import_module

from django.db import migrations

from shop.search.backends.sqlite import fts_table_drop_statements, fts_table_statements
from shop.search.documents import document_languages

single_table = import_module("shop.migrations.0004_search_indexes")


def per_language(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in single_table.SQLITE_BACKWARD:
        schema_editor.execute(statement)
    for language in document_languages():
        for statement in fts_table_statements(language):
            schema_editor.execute(statement)


def one_table(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'shop_searchdocument_fts_%'")
        tables = [row[0] for row in cursor.fetchall() if not row[0].endswith(("_data", "_idx", "_docsize", "_config"))]
    for table in tables:
        language = table.removeprefix("shop_searchdocument_fts_").replace("_", "-")
        for statement in fts_table_drop_statements(language):
            schema_editor.execute(statement)
    for statement in single_table.SQLITE_FORWARD:
        schema_editor.execute(statement)
    schema_editor.execute("INSERT INTO shop_searchdocument_fts(shop_searchdocument_fts) VALUES ('rebuild')")


class Migration(migrations.Migration):
    dependencies = [("shop", "0009_search_intent_smoothed_weight")]

    operations = [migrations.RunPython(per_language, one_table)]
