from django.core.management.base import BaseCommand, CommandError

from markets.services.demo_removal import NoDemoData, demo_remove
from markets.services.locks import LeaseBusy


class Command(BaseCommand):
    help = (
        "Delete the demo data (snapshots of source 'demo' and everything derived from them); "
        "tokens and lists stay, for a live provider to refresh."
    )

    def add_arguments(self, parser):
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, yes=False, **options):
        if not yes and not self._confirmed():
            self.stdout.write("Nothing removed (run with --yes to skip the question).")
            return
        try:
            removal = demo_remove()
        except NoDemoData:
            self.stdout.write("There are no demo data to remove; nothing changed.")
            return
        except LeaseBusy as exc:
            raise CommandError(str(exc)) from None
        kept = f"; {len(removal.kept)} of them keep their other prices" if removal.kept else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Removed the demo data of {len(removal.token_ids)} tokens{kept}: "
                f"{removal.snapshots} snapshots, {removal.hourly_closes} hourly closes, "
                f"{removal.day_closes} day rows, {removal.compacted} compacted rows, "
                f"{removal.token_metrics} token metrics, {removal.list_metrics} list metrics, "
                f"{removal.refresh_runs} demo refresh records. Tokens and lists stay."
            )
        )

    def _confirmed(self) -> bool:
        try:
            answer = input("Delete the demo prices and everything computed from them? [y/N] ")
        except EOFError:  # no terminal to ask: --yes says it
            self.stdout.write("")
            answer = ""
        return answer.strip().lower() in ("y", "yes")
