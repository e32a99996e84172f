from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EpisodesConfig(AppConfig):
    name = "episodes"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Episodes")

    def ready(self) -> None:
        from core.charts import chart_annotations_register
        from core.slots import slot_register
        from episodes import receivers  # noqa: F401
        from episodes.selectors import chart_annotations_provide

        chart_annotations_register(chart_annotations_provide)
        slot_register("dashboard-sections", "episodes/_dashboard_link.html")
