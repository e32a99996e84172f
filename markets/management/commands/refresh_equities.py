from django.core.management.base import BaseCommand, CommandError

from markets.providers.base import ProviderError
from markets.services.equities import MAX_BACKFILL_DAYS, equities_backfill, equities_refresh
from markets.services.locks import LeaseBusy


class Command(BaseCommand):
    help = (
        "Fetch the daily closes of the active equities from Stooq (the last two weeks, or "
        "--days of history with --backfill), store them and recompute their metrics."
    )

    def add_arguments(self, parser):
        parser.add_argument("symbols", nargs="*", help="only these equities (backfill only)")
        parser.add_argument("--backfill", action="store_true", help="fetch --days of history")
        parser.add_argument(
            "--days", type=int,
            help=f"days of history for --backfill, 1 to {MAX_BACKFILL_DAYS} (default 365)",
        )  # fmt: skip

    def handle(self, *args, symbols: list[str], backfill: bool, days: int | None, **options):
        if days is not None and not backfill:
            raise CommandError("--days is for --backfill; a refresh fetches the last two weeks")
        days = 365 if days is None else days
        if not 1 <= days <= MAX_BACKFILL_DAYS:
            raise CommandError(f"--days must be between 1 and {MAX_BACKFILL_DAYS}")
        if symbols and not backfill:
            raise CommandError("symbols are for --backfill; a refresh covers every equity")
        try:
            if backfill:
                run = equities_backfill(days=days, symbols=symbols or None)
            else:
                run = equities_refresh()
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        except (ProviderError, LeaseBusy) as exc:
            raise CommandError(
                f"equities {'backfill' if backfill else 'refresh'} failed: {exc}"
            ) from None
        line = f"Equities {run.kind} {run.status}: {run.quotes_stored} stored"
        self.stdout.write(line + (f" ({run.error})" if run.error else ""))
        if run.status == run.Status.FAILED:
            raise CommandError("equities refresh failed")
