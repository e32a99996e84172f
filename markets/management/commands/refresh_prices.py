from django.core.management.base import BaseCommand, CommandError

from markets.providers import UnknownProvider, provider_factory
from markets.providers.base import ProviderError
from markets.services.refresh import prices_refresh


class Command(BaseCommand):
    help = (
        "Fetch the latest quotes of every active token now, then recompute metrics. Exit "
        "status: 0 when the refresh is complete (or skipped, another one running), 3 when it "
        "is partial (some batches stored, others failed), 1 when it failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--provider", help="provider name (default: PRICE_PROVIDER)")

    def handle(self, *args, provider=None, **options):
        try:
            # An empty --provider is an unknown one, not the configured provider.
            run = prices_refresh(
                provider=None if provider is None else provider_factory(provider)()
            )
        except ProviderError as exc:
            raise CommandError(f"refresh failed: {exc}") from None
        except UnknownProvider as exc:
            raise CommandError(str(exc)) from None
        line = f"Refresh {run.status}: {run.quotes_stored} stored, {run.quotes_rejected} rejected"
        self.stdout.write(line + (f" ({run.error})" if run.error else ""))
        if run.status == run.Status.FAILED:
            raise CommandError("refresh failed")
        # Not 0: cron and monitoring must see the failed batches. Not 1 (failure) nor 2
        # (argparse's wrong arguments): the stored quotes are good and metrics were updated.
        if run.status == run.Status.PARTIAL:
            raise CommandError("refresh partial: some batches failed", returncode=3)
