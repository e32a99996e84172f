from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.slots import slot_register

        slot_register("head", "notifications/_head.html")
        slot_register("nav-signed-in", "notifications/_bell.html")
