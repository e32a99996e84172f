"""Usernames allauth derived from the email's local part become ``member-xxxxxxxx`` handles.

Comments signed with the username showed part of the email address. Staff and superusers
keep theirs: they sign in to the admin with it. Not reversible: the old names were the leak.
"""

from django.db import migrations


def pseudonymize(apps, schema_editor):
    from accounts.services import usernames_pseudonymize

    usernames_pseudonymize(users=apps.get_model("accounts", "User").objects)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_profile_fields"),
    ]

    operations = [
        migrations.RunPython(pseudonymize, migrations.RunPython.noop),
    ]
