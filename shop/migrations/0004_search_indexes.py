"""Indexes only one database has, and the first synonyms.

PostgreSQL: pg_trgm, a GIN index on the documents' full-text vector and a GIN trigram index on the
catalogue's words (typo correction). SQLite: an FTS5 table over the documents' token columns, kept
in step by triggers (the documents are its external content).
"""

from django.db import migrations

from shop.search.default_synonyms import DEFAULT_SYNONYMS

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX shop_searchdocument_vector_gin ON shop_searchdocument USING gin (vector)",
    "CREATE INDEX shop_searchword_word_trgm ON shop_searchword USING gin (word gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS shop_searchword_word_trgm",
    "DROP INDEX IF EXISTS shop_searchdocument_vector_gin",
]
SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE shop_searchdocument_fts USING fts5(
        tokens_a, tokens_b, tokens_c, tokens_d,
        content='shop_searchdocument', content_rowid='id', tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER shop_searchdocument_fts_insert AFTER INSERT ON shop_searchdocument BEGIN
        INSERT INTO shop_searchdocument_fts(rowid, tokens_a, tokens_b, tokens_c, tokens_d)
        VALUES (new.id, new.tokens_a, new.tokens_b, new.tokens_c, new.tokens_d);
    END""",
    """CREATE TRIGGER shop_searchdocument_fts_delete AFTER DELETE ON shop_searchdocument BEGIN
        INSERT INTO shop_searchdocument_fts(shop_searchdocument_fts, rowid, tokens_a, tokens_b, tokens_c, tokens_d)
        VALUES ('delete', old.id, old.tokens_a, old.tokens_b, old.tokens_c, old.tokens_d);
    END""",
    """CREATE TRIGGER shop_searchdocument_fts_update AFTER UPDATE ON shop_searchdocument BEGIN
        INSERT INTO shop_searchdocument_fts(shop_searchdocument_fts, rowid, tokens_a, tokens_b, tokens_c, tokens_d)
        VALUES ('delete', old.id, old.tokens_a, old.tokens_b, old.tokens_c, old.tokens_d);
        INSERT INTO shop_searchdocument_fts(rowid, tokens_a, tokens_b, tokens_c, tokens_d)
        VALUES (new.id, new.tokens_a, new.tokens_b, new.tokens_c, new.tokens_d);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS shop_searchdocument_fts_update",
    "DROP TRIGGER IF EXISTS shop_searchdocument_fts_delete",
    "DROP TRIGGER IF EXISTS shop_searchdocument_fts_insert",
    "DROP TABLE IF EXISTS shop_searchdocument_fts",
]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


def synonyms_add(apps, schema_editor):
    SearchSynonym = apps.get_model("shop", "SearchSynonym")
    SearchSynonym.objects.bulk_create([SearchSynonym(terms=terms) for terms in DEFAULT_SYNONYMS])


class Migration(migrations.Migration):
    dependencies = [("shop", "0003_search")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
        migrations.RunPython(synonyms_add, migrations.RunPython.noop),
    ]
