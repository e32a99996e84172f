from django.core.management.base import BaseCommand, CommandError

from markets.models import Token
from markets.providers.base import ProviderError
from markets.services.locks import LeaseBusy
from markets.services.refresh import token_backfill
from markets.symbols import symbol_lookup_key


class Command(BaseCommand):
    help = "Fetch N days of history for one token, store it and recompute its metrics."

    def add_arguments(self, parser):
        parser.add_argument("symbol", help="the token's symbol, e.g. TAO (any case)")
        parser.add_argument(
            "--days", type=int, default=90, help="days of history, 1 to 3650 (default 90)"
        )

    def handle(self, *args, symbol: str, days: int, **options):
        if not 1 <= days <= 3650:
            raise CommandError("--days must be between 1 and 3650")
        if not symbol.strip():
            raise CommandError("give a token's symbol, e.g. backfill TAO")
        try:
            run = token_backfill(symbol=symbol, days=days)
        except Token.DoesNotExist:
            raise CommandError(f"unknown symbol {symbol_lookup_key(symbol)}") from None
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        except ProviderError as exc:
            raise CommandError(f"backfill of {symbol_lookup_key(symbol)} failed: {exc}") from None
        except LeaseBusy as exc:
            raise CommandError(f"{exc}; nothing was stored") from None
        self.stdout.write(f"Backfill {run.status}: {run.quotes_stored} snapshots stored.")
