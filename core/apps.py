from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app shares: API plumbing, the page cache, language cookie, formatting.

    At the bottom of the layering: it imports no app of the project.
    """

    name = "core"
    default_auto_field = "django.db.models.BigAutoField"
