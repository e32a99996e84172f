from datetime import UTC, datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from markets.models import Token
from markets.services.csv_parse import timestamp_parse
from markets.services.locks import LeaseBusy
from markets.services.snapshot_removal import snapshots_delete
from markets.symbols import symbol_lookup_key


class Command(BaseCommand):
    help = (
        "Delete a token's snapshots at one instant (a mistyped date or price in an import), "
        "rebuild that hour's and day's closes from the snapshots left and recompute its "
        "metrics."
    )

    def add_arguments(self, parser):
        parser.add_argument("symbol", help="the token's symbol")
        parser.add_argument(
            "--at", required=True, help="the snapshot's time, ISO 8601 with a time zone"
        )

    def handle(self, *args, symbol: str, at: str, **options):
        key = symbol_lookup_key(symbol)
        token = Token.objects.filter(symbol=key).first()
        if token is None:
            raise CommandError(f"unknown symbol: {key}")
        try:
            moment = datetime.fromtimestamp(timestamp_parse(at), UTC)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        try:
            deleted = snapshots_delete(token_id=token.pk, at=moment)
        except LeaseBusy as exc:
            raise CommandError(f"{exc}; nothing was deleted") from None
        if not deleted:
            raise CommandError(f"no snapshot of {key} at {moment:%Y-%m-%dT%H:%M:%SZ}")
        self.stdout.write(
            ngettext(
                "Deleted %(count)d snapshot of %(symbol)s; its metrics are recomputed.",
                "Deleted %(count)d snapshots of %(symbol)s; its metrics are recomputed.",
                deleted,
            )
            % {"count": deleted, "symbol": key}
        )
