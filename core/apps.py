from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """What every app shares: API plumbing, the page cache, language cookie, formatting.

    At the bottom of the layering: it imports no app of the project.
    """

    name = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core import checks  # noqa: F401  (registers the deployment checks)

        # Admin sections that do not look alike: allauth's email addresses are not the
        # project's users (API tokens are accounts.ApiToken, beside the users).
        names = {"account": _("Sign-in email addresses")}
        for label, verbose_name in names.items():
            if label in apps.app_configs:
                apps.app_configs[label].verbose_name = verbose_name
