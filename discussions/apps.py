from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussionsConfig(AppConfig):
    name = "discussions"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Discussions")

    def ready(self) -> None:
        from core.slots import annotator_register, slot_register
        from discussions import receivers  # noqa: F401
        from discussions.badges import lists_annotate, tokens_annotate
        from discussions.services.notices import REPLY_MESSAGE, reply_notice_title
        from notifications.messages import message_register

        slot_register("head", "discussions/_head.html")
        slot_register("nav-signed-in", "discussions/_nav.html")
        slot_register("token-sections", "discussions/_token_sections.html")
        slot_register("list-sections", "discussions/_list_sections.html")
        slot_register("episode-sections", "discussions/_list_sections.html")  # the episode's list
        annotator_register("tokens", tokens_annotate)
        annotator_register("lists", lists_annotate)
        # A reply notice is written in its reader's language when read.
        message_register(REPLY_MESSAGE, reply_notice_title)
