from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "alerts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from alerts.receivers import demo_removed_receiver, metrics_changed_receiver
        from alerts.words import FIRING_MESSAGE, firing_message
        from core.slots import slot_register
        from markets.signals import demo_removed, metrics_changed
        from notifications.messages import message_register

        metrics_changed.connect(metrics_changed_receiver, dispatch_uid="alerts-evaluate")
        demo_removed.connect(demo_removed_receiver, dispatch_uid="alerts-demo-removed")
        slot_register("head", "alerts/_head.html")
        slot_register("token-actions", "alerts/_token_action.html")
        slot_register("nav-signed-in", "alerts/_nav.html")
        # A firing's notification is written in its reader's language when read.
        message_register(FIRING_MESSAGE, firing_message)
