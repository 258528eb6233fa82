"""The event table partitioned by month on PostgreSQL; SQLite keeps the plain table.

Existing rows are copied into their month's partition while the table is locked (see
docs/operations.md, "Events at scale", for planning it on a large install). Nothing changes in
Django's model state: `id` stays the model's primary key and `uuid` stays unique to Django, while
in PostgreSQL the keys are (id, "timestamp") and (uuid, "timestamp"), as partitioning requires.
No foreign key points at the event table, so none has to be dropped.
"""

from django.db import migrations


def partition(apps, schema_editor):
    from personalization.tracking.partitions import partition_table

    partition_table(schema_editor.connection)


def unpartition(apps, schema_editor):
    from personalization.tracking.partitions import unpartition_table

    unpartition_table(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("tracking", "0006_assistant_turn_event_type"),
    ]

    operations = [
        migrations.RunPython(partition, unpartition, elidable=False),
    ]
