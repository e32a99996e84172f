from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketsConfig(AppConfig):
    name = "markets"
    verbose_name = _("Market data")

    def ready(self) -> None:
        from core.slots import annotator_register, slot_register
        from markets import checks  # noqa: F401  (registers the system checks)
        from markets.badges import tokens_annotate

        slot_register("head", "markets/_head.html")
        annotator_register("tokens", tokens_annotate)
