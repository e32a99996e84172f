from django.core.management.base import BaseCommand, CommandError

from markets.services.locks import LeaseBusy
from markets.services.retention import snapshots_compact


class Command(BaseCommand):
    help = (
        "Fold raw snapshots older than RAW_RETENTION_DAYS into hourly rows, and hourly rows "
        "older than HOURLY_RETENTION_DAYS into daily rows. Safe to run again."
    )

    def handle(self, *args, **options):
        try:
            result = snapshots_compact()
        except LeaseBusy as exc:
            raise CommandError(f"{exc}; nothing was folded") from None
        self.stdout.write(
            f"{result.raw_folded} snapshots folded into {result.hourly_rows} hourly rows, "
            f"{result.hourly_folded} hourly rows into {result.daily_rows} daily rows."
        )
