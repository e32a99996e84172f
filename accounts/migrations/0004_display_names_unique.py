"""Display names are unique whatever their case (a constraint on ``lower(display_name)``).

Before the constraint, names that would pass for someone else are cleared: names starting
with ``member-`` (the generated handles), names equal to another account's username, and
duplicates (case-insensitive) except on the oldest account (lowest id). Not reversible:
which account had which duplicate is not kept.
"""

import django.db.models.functions.text
from django.db import migrations, models


def deduplicate(apps, schema_editor):
    from accounts.services import display_names_deduplicate

    display_names_deduplicate(users=apps.get_model("accounts", "User").objects)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_pseudonymous_usernames"),
    ]

    operations = [
        migrations.RunPython(deduplicate, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("display_name"),
                condition=models.Q(("display_name", ""), _negated=True),
                name="user_display_name_unique_ci",
                violation_error_message="This name is already used by another member.",
            ),
        ),
    ]
