from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

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
        parts = (
            ngettext("%(count)d snapshot folded", "%(count)d snapshots folded", result.raw_folded)
            % {"count": result.raw_folded},
            ngettext("into %(count)d hourly row", "into %(count)d hourly rows", result.hourly_rows)
            % {"count": result.hourly_rows},
            ngettext("%(count)d hourly row", "%(count)d hourly rows", result.hourly_folded)
            % {"count": result.hourly_folded},
            ngettext("into %(count)d daily row", "into %(count)d daily rows", result.daily_rows)
            % {"count": result.daily_rows},
        )
        self.stdout.write("{} {}, {} {}.".format(*parts))
