from django.apps import AppConfig


class CurationConfig(AppConfig):
    """Staff curation of token lists in the site (/curate/), with a record of every change."""

    name = "curation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.slots import slot_register
        from curation.receivers import tokens_deleting_receiver
        from markets.signals import tokens_deleting

        tokens_deleting.connect(tokens_deleting_receiver, dispatch_uid="curation-tokens-deleted")
        slot_register("nav-signed-in", "curation/_nav.html")
