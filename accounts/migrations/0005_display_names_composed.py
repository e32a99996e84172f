"""Display names are stored composed (Unicode NFC), as accounts.services has stored new ones
since names written with a combining accent ("Cafe" + U+0301) could pass for another
member's ("Café"). Existing names are composed here; where two then clash whatever their
case, the oldest account (lowest id) keeps it and the others are cleared, as in 0004.
"""

import unicodedata

from django.db import migrations


def compose(apps, schema_editor):
    users = apps.get_model("accounts", "User").objects
    kept: set[str] = set()
    changed = []
    for user in users.exclude(display_name="").order_by("pk").only("pk", "display_name"):
        name = unicodedata.normalize("NFC", user.display_name)
        key = name.lower()
        name = "" if key in kept else name
        kept.add(key)
        if name != user.display_name:
            user.display_name = name
            changed.append(user)
    # Cleared names first: a composed name may take the place of one cleared here.
    changed.sort(key=lambda user: user.display_name != "")
    for user in changed:
        user.save(update_fields=["display_name"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_display_names_unique")]

    operations = [migrations.RunPython(compose, migrations.RunPython.noop)]
