"""A comment is not its own parent (a check constraint); comments the admin had moved out of
their thread become top-level comments again.

Before this, the admin could set a comment's parent, token or list: a comment made its own
parent, two comments each other's parent, a reply to a reply or a reply moved to another
discussion vanished from every thread (threads list top-level comments and their direct
replies). Every such reply is made a top-level comment of its own discussion, all decided on
the data as it was before the change.
"""

from django.db import migrations, models


def detached_replies_restore(apps, schema_editor):
    Comment = apps.get_model("discussions", "Comment")
    rows = Comment.objects.filter(parent__isnull=False).values_list(
        "pk", "parent_id", "token_id", "token_list_id",
        "parent__parent_id", "parent__token_id", "parent__token_list_id",
    )  # fmt: skip
    detached = [
        pk
        for pk, parent, token, token_list, grandparent, parent_token, parent_list in rows
        if parent == pk
        or grandparent is not None
        or (parent_token, parent_list) != (token, token_list)
    ]
    for start in range(0, len(detached), 1000):
        Comment.objects.filter(pk__in=detached[start : start + 1000]).update(parent=None)


class Migration(migrations.Migration):
    dependencies = [
        ("discussions", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(detached_replies_restore, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="comment",
            constraint=models.CheckConstraint(
                condition=models.Q(("parent", models.F("pk")), _negated=True),
                name="comment_not_own_parent",
            ),
        ),
    ]
