"""The documents' head vector (name, brand, category) and its GIN index on PostgreSQL.

Search bounds its candidates with it at large catalogues (see shop/search/backends/postgres.py).
Existing documents get their head vector from their token columns here.
"""

import django.contrib.postgres.search
from django.db import migrations

POSTGRES_FORWARD = [
    """UPDATE shop_searchdocument SET head_vector =
        setweight(to_tsvector('simple', tokens_a), 'A') || setweight(to_tsvector('simple', tokens_b), 'B')""",
    "CREATE INDEX shop_searchdocument_head_vector_gin ON shop_searchdocument USING gin (head_vector)",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS shop_searchdocument_head_vector_gin"]


def _run(statements: list[str]):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("shop", "0007_product_rating")]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="head_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(_run(POSTGRES_FORWARD), _run(POSTGRES_BACKWARD)),
    ]
