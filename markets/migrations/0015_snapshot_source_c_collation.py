"""Snapshot.source compares byte-wise on PostgreSQL ("C" collation), whatever the database's
locale: "the source that sorts last" picks one quote per instant, and under a locale such
as en-US (ICU or glibc) "Zeta" sorts after "csv", while SQLite, numpy and Python compare
code points ("csv" last). SQLite's columns are already binary: nothing to do there."""

from django.db import migrations


def _alter(collation: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        table = schema_editor.quote_name(apps.get_model("markets", "Snapshot")._meta.db_table)
        schema_editor.execute(
            f'ALTER TABLE {table} ALTER COLUMN "source" TYPE varchar(32) COLLATE {collation}'
        )

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("markets", "0014_compact_bar_high"),
    ]

    operations = [
        migrations.RunPython(_alter('"C"'), _alter('"default"'), elidable=False),
    ]
