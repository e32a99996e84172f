"""Hourly and day closes are keyed by (token, hour) and (token, day): the surrogate id, its
sequence and its index go (Django cannot migrate a primary key to a composite one itself)."""

from django.db import migrations, models

TABLES = (
    ("pricehourly", "hour", "unique_price_hour"),
    ("pricedaycloses", "day", "unique_price_day_closes"),
)


def _rekey(apps, schema_editor):
    for model_name, column, unique in TABLES:
        model = apps.get_model("markets", model_name)
        table = model._meta.db_table
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"ALTER TABLE {table} DROP COLUMN id, DROP CONSTRAINT {unique},"
                f" ADD PRIMARY KEY (token_id, {column})"
            )
            continue
        # Other databases (SQLite in development): rebuild the table under the new key.
        schema_editor.execute(f"ALTER TABLE {table} RENAME TO {table}__old")
        schema_editor.create_model(model)
        names = ", ".join(f.column for f in model._meta.concrete_fields)
        schema_editor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {table}__old")
        schema_editor.execute(f"DROP TABLE {table}__old")


class Migration(migrations.Migration):
    dependencies = [
        ("markets", "0008_compact_close_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(
                    model_name="pricedaycloses", name="unique_price_day_closes"
                ),
                migrations.RemoveConstraint(model_name="pricehourly", name="unique_price_hour"),
                migrations.RemoveField(model_name="pricedaycloses", name="id"),
                migrations.RemoveField(model_name="pricehourly", name="id"),
                migrations.AddField(
                    model_name="pricedaycloses",
                    name="pk",
                    field=models.CompositePrimaryKey(
                        "token_id",
                        "day",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                migrations.AddField(
                    model_name="pricehourly",
                    name="pk",
                    field=models.CompositePrimaryKey(
                        "token_id",
                        "hour",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
            ]
        ),
        migrations.RunPython(_rekey)  # irreversible: the ids are gone,
    ]
