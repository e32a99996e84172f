from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "alerts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from alerts.receivers import metrics_changed_receiver
        from core.slots import slot_register
        from markets.signals import metrics_changed

        metrics_changed.connect(metrics_changed_receiver, dispatch_uid="alerts-evaluate")
        slot_register("head", "alerts/_head.html")
        slot_register("token-actions", "alerts/_token_action.html")
        slot_register("nav-signed-in", "alerts/_nav.html")
