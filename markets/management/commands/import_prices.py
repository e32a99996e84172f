from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from markets.demo_episode import DEMO_SOURCE
from markets.services.csv_import import CsvImportError, csv_decode, prices_import_csv
from markets.services.locks import LeaseBusy


class Command(BaseCommand):
    help = (
        "Import prices from a CSV file (symbol,timestamp,price_usd,market_cap_usd,"
        "volume_24h_usd). The file imports atomically: one bad row stores nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the CSV file (UTF-8, or UTF-16 with a BOM)")
        parser.add_argument(
            "--source", default="csv", help="source name stored with each row (default csv)"
        )
        parser.add_argument(
            "--create-tokens", action="store_true", help="create tokens for unknown symbols"
        )

    def handle(self, *args, file: Path, source: str, create_tokens: bool, **options):
        if not source.strip() or len(source) > 32 or not source.isprintable():
            raise CommandError("--source must be 1 to 32 printable characters")
        if source != source.strip():
            raise CommandError("--source must not start or end with spaces")
        if source == DEMO_SOURCE:  # its newest quote is the demo clock
            raise CommandError(f"--source {DEMO_SOURCE!r} is the demo provider's own")
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc}") from None
        try:
            text = csv_decode(data)
            del data
            result = prices_import_csv(text=text, source=source, create_tokens=create_tokens)
        except CsvImportError as exc:
            raise CommandError(f"{file}: {exc}; nothing was imported") from None
        except LeaseBusy as exc:
            raise CommandError(f"{file}: {exc}; nothing was imported") from None
        rows_read = ngettext("%(count)d row read", "%(count)d rows read", result.rows)
        stored = ngettext(
            "%(count)d stored or changed", "%(count)d stored or changed", result.stored
        )
        summary = f"{rows_read % {'count': result.rows}}, {stored % {'count': result.stored}}"
        if result.tokens_created:
            summary += ngettext(
                ", created token %(symbols)s",
                ", created tokens %(symbols)s",
                len(result.tokens_created),
            ) % {"symbols": ", ".join(result.tokens_created)}
        self.stdout.write(self.style.SUCCESS(f"{summary}."))
        if result.superseded:
            self.stdout.write(f"{result.superseded_note}.")
        if result.compacted:
            self.stdout.write(f"{result.compacted_note}.")
