from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from markets.models import Token
from markets.services.locks import LeaseBusy
from markets.services.recompute import metrics_recompute_leased
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
        try:
            count = metrics_recompute_leased(token_ids=ids)
        except LeaseBusy as exc:
            raise CommandError(f"{exc}; no metrics were recomputed") from None
        # The service also recomputes the other members of the tokens' lists (list totals
        # stay consistent): they are counted apart from the symbols asked for.
        others = max(count - len(ids), 0) if ids is not None else 0
        line = ngettext(
            "Recomputed metrics of %(count)d token",
            "Recomputed metrics of %(count)d tokens",
            count - others,
        ) % {"count": count - others}
        if others:
            line += ngettext(
                " and of %(count)d other member of the same lists",
                " and of %(count)d other members of the same lists",
                others,
            ) % {"count": others}
        self.stdout.write(line + ".")
