"""The featured list (the dashboard's) must be public: a check constraint.

A list featured while unpublished left the dashboard empty ("No token list is featured") and
its page a 404. Such a list, if one is stored, is published before the constraint is added, as
featuring a list in /curate/ publishes it; the migration prints its slug.
"""

from django.db import migrations, models


def featured_lists_publish(apps, schema_editor):
    TokenList = apps.get_model("markets", "TokenList")
    hidden = TokenList.objects.filter(is_featured=True, is_public=False)
    for slug in hidden.values_list("slug", flat=True):
        print(f"\n  markets: the featured list {slug!r} was unpublished: it is published")
    hidden.update(is_public=True)


class Migration(migrations.Migration):
    dependencies = [
        ("markets", "0011_token_symbol_routable"),
    ]

    operations = [
        migrations.RunPython(featured_lists_publish, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="tokenlist",
            constraint=models.CheckConstraint(
                condition=models.Q(("is_featured", False), ("is_public", True), _connector="OR"),
                name="featured_list_public",
                violation_error_message="The featured list must be public.",
            ),
        ),
    ]
