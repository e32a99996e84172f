from django.core.management.base import BaseCommand, CommandError

from markets.models import Token
from markets.services.metrics import metrics_recompute
from markets.symbols import symbol_lookup_key


class Command(BaseCommand):
    help = "Recompute token and list metrics (all active tokens, or the given symbols)."

    def add_arguments(self, parser):
        parser.add_argument("symbols", nargs="*", help="only these tokens (default: all active)")

    def handle(self, *args, symbols: list[str], **options):
        ids = None
        if symbols:
            wanted = {symbol_lookup_key(s) for s in symbols}
            found = dict(Token.objects.filter(symbol__in=wanted).values_list("symbol", "pk"))
            if unknown := sorted(wanted - found.keys()):
                raise CommandError(f"unknown symbol(s): {', '.join(unknown)}")
            ids = list(found.values())
        count = metrics_recompute(token_ids=ids)
        self.stdout.write(f"Recomputed metrics of {count} tokens and their lists.")
