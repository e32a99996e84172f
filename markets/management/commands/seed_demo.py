from datetime import UTC, datetime, timedelta

from django.core.management.base import BaseCommand, CommandError

from markets.demo_episode import HOURS
from markets.models import Snapshot
from markets.providers.base import MAX_EPOCH, MIN_EPOCH
from markets.services.demo import EPISODE_END, demo_seed
from markets.services.locks import LeaseBusy


class Command(BaseCommand):
    help = "Load the demo reconstruction of the February 2026 AI-token crash (not market data)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--end",
            help="ISO 8601 end of the episode with a time zone, from 1990-05-31 to 2099 "
            f"(default {EPISODE_END.isoformat()}, the article's morning)",
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when snapshots already exist"
        )

    def handle(self, *args, end=None, if_empty=False, **options):
        if if_empty and Snapshot.objects.exists():
            self.stdout.write("Snapshots already exist; demo data left as they are.")
            return
        end_at = None
        if end is not None:  # an empty --end is refused, not taken for the default
            try:
                end_at = datetime.fromisoformat(end)
            except ValueError:
                raise CommandError(f"--end {end!r} is not an ISO 8601 date-time") from None
            if end_at.tzinfo is None:
                raise CommandError("--end needs a time zone, e.g. 2026-02-06T12:00:00Z")
            # Every quote lies in the price data's range (1990 to 2099): checked before the
            # demo already stored is replaced, which a refused episode would have emptied.
            earliest = datetime.fromtimestamp(MIN_EPOCH, UTC) + timedelta(hours=HOURS)
            if not earliest.timestamp() <= end_at.timestamp() < MAX_EPOCH:
                raise CommandError(
                    f"--end must fall from {earliest:%Y-%m-%dT%H:%M:%SZ} to before 2100 "
                    f"(UTC): the demo's {HOURS // 24} days of prices are stored from 1990 to 2099"
                )
        try:
            result = demo_seed(end=end_at)
        except LeaseBusy as exc:
            raise CommandError(f"{exc}; nothing was changed") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data: {result.tokens} tokens and {result.equities} equities,"
                f" {result.snapshots} snapshots ending "
                f"{result.end.isoformat()} (a reconstruction, not market data)."
            )
        )
