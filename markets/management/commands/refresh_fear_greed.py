from django.core.management.base import BaseCommand, CommandError

from markets.providers.base import ProviderError
from markets.services.fear_greed import fear_greed_refresh


class Command(BaseCommand):
    help = "Fetch the crypto Fear & Greed index (alternative.me) and store one value per day."

    def add_arguments(self, parser):
        parser.add_argument(
            "--backfill", action="store_true", help="the whole history (since 2018)"
        )
        parser.add_argument("--limit", type=int, help="the latest N days (default 2)")

    def handle(self, *args, backfill: bool, limit: int | None, **options):
        if limit is not None and backfill:
            raise CommandError("--limit and --backfill are exclusive: --backfill takes every day")
        limit = 2 if limit is None else limit
        if limit < 1 and not backfill:
            raise CommandError("--limit must be at least 1 (use --backfill for everything)")
        try:
            run = fear_greed_refresh(limit=0 if backfill else limit)
        except ProviderError as exc:
            raise CommandError(f"Fear & Greed refresh failed: {exc}") from None
        self.stdout.write(f"Fear & Greed: {run.stored} days stored, {run.rejected} rejected.")
