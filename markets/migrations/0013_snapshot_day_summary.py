"""Day summaries of snapshots for the live metrics, and the triggers that keep them honest:
any statement that inserts, updates or deletes snapshots deletes the summaries of the days it
touched (PostgreSQL only; the summaries are never read elsewhere)."""

import django.db.models.deletion
from django.db import migrations, models

# The same key as markets.services.day_summary.LOCK_KEY (a migration must not import it).
LOCK_KEY = 7_120_260_201

FORGET = """
CREATE FUNCTION markets_day_summary_forget() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Shared: writers never wait for each other, only for a summary being built.
    PERFORM pg_advisory_xact_lock_shared({key});
    DELETE FROM markets_snapshotdaysummary s
    USING (SELECT DISTINCT token_id, (ts AT TIME ZONE 'UTC')::date AS day FROM changed) c
    WHERE s.token_id = c.token_id AND s.day = c.day;
    RETURN NULL;
END $$;
CREATE FUNCTION markets_day_summary_forget_all() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared({key});
    DELETE FROM markets_snapshotdaysummary;
    RETURN NULL;
END $$;
""".format(key=LOCK_KEY)
TRIGGERS = [
    ("markets_day_summary_insert", "INSERT", "NEW TABLE AS changed"),
    ("markets_day_summary_delete", "DELETE", "OLD TABLE AS changed"),
    # An update that moves a quote to another day forgets both days.
    ("markets_day_summary_update_old", "UPDATE", "OLD TABLE AS changed"),
    ("markets_day_summary_update_new", "UPDATE", "NEW TABLE AS changed"),
]


def triggers_create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FORGET)
    for name, event, referencing in TRIGGERS:
        schema_editor.execute(
            f"CREATE TRIGGER {name} AFTER {event} ON markets_snapshot"
            f" REFERENCING {referencing} FOR EACH STATEMENT"
            " EXECUTE FUNCTION markets_day_summary_forget()"
        )
        # ALWAYS: they fire in bulk loads too, which run as a replica (markets/bulk_load.py).
        schema_editor.execute(f"ALTER TABLE markets_snapshot ENABLE ALWAYS TRIGGER {name}")
    schema_editor.execute(
        "CREATE TRIGGER markets_day_summary_truncate AFTER TRUNCATE ON markets_snapshot"
        " FOR EACH STATEMENT EXECUTE FUNCTION markets_day_summary_forget_all()"
    )


def triggers_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, *_ in [*TRIGGERS, ("markets_day_summary_truncate",)]:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON markets_snapshot")
    schema_editor.execute("DROP FUNCTION IF EXISTS markets_day_summary_forget()")
    schema_editor.execute("DROP FUNCTION IF EXISTS markets_day_summary_forget_all()")


class Migration(migrations.Migration):
    dependencies = [
        ("markets", "0012_featured_list_public"),
    ]

    operations = [
        migrations.CreateModel(
            name="SnapshotDaySummary",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "token_id", "day", blank=True, editable=False, primary_key=True,
                        serialize=False,
                    ),
                ),
                ("day", models.DateField()),
                ("points", models.BinaryField()),
                (
                    "token",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="day_summaries",
                        to="markets.token",
                    ),
                ),
            ],
        ),
        migrations.RunPython(triggers_create, triggers_drop),
    ]
