import json

from django.core.management.base import BaseCommand, CommandError

from markets.models import Token, TokenList
from markets.selectors import metrics_report
from markets.services.replay import BadAt, metrics_report_at, replay_at_parse


class Command(BaseCommand):
    help = "Print current metrics (field names as in the API); every active token by default."

    def add_arguments(self, parser):
        parser.add_argument("symbols", nargs="*", help="only these tokens (default: all active)")
        parser.add_argument(
            "--list", action="append", default=[], dest="lists", metavar="SLUG",
            help="a curated list's metrics too, e.g. ai (repeatable)",
        )  # fmt: skip
        parser.add_argument("--json", action="store_true", help="print JSON (the only format)")
        parser.add_argument(
            "--at", help="replay: the metrics as they were at this hour (ISO 8601 with Z or offset)"
        )

    def handle(self, *args, symbols: list[str], lists: list[str], at: str | None, **options):
        if at is not None and not at:  # the parser reads "" as no replay: the present
            raise CommandError("--at is empty: give an hour, e.g. 2026-02-05T14:00Z")
        try:
            at_hour = replay_at_parse(at)
        except BadAt as exc:
            raise CommandError(f"--at: {exc}") from None
        try:
            if at_hour is None:
                report = metrics_report(symbols=symbols or None, list_slugs=lists)
            else:
                report = metrics_report_at(at=at_hour, symbols=symbols or None, list_slugs=lists)
        except (Token.DoesNotExist, TokenList.DoesNotExist) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(json.dumps(report, indent=2, sort_keys=False))
