from django.core.management.base import BaseCommand

from alerts.engine import alerts_evaluate


class Command(BaseCommand):
    help = "Evaluate every live alert rule against the current metrics (what the task does)."

    def handle(self, *args, **options):
        result = alerts_evaluate()
        self.stdout.write(
            f"{result.rules} rules evaluated, {result.fired} fired, "
            f"{result.duplicates} already recorded"
        )
