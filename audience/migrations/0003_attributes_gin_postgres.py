"""A GIN index on Contact.attributes, on PostgreSQL only.

Segment rules "attribute is X" compile to ``attributes @> {...}`` there, which this index
answers. SQLite has no GIN, so the index is created by SQL run only on PostgreSQL and is not
part of the model state (``makemigrations`` stays quiet on both databases).
"""

from django.db import migrations

INDEX = "contact_attributes_gin"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON audience_contact "
            "USING gin (attributes jsonb_path_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("audience", "0002_importjob_reading_and_errors")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
