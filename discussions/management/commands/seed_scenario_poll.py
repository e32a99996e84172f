from django.core.management.base import BaseCommand, CommandError

from discussions.services.polls import SCENARIO_LIST, scenario_poll_seed
from markets.models import TokenList


class Command(BaseCommand):
    help = "Put the article's scenario poll on a list (default: ai) unless it has a poll."

    def add_arguments(self, parser):
        parser.add_argument("--list", default=SCENARIO_LIST, help="slug of the list")

    def handle(self, *args, **options):
        token_list = TokenList.objects.filter(slug=options["list"]).first()
        if token_list is None:
            raise CommandError(f"No list {options['list']!r}; run seed_demo first.")
        poll = scenario_poll_seed(token_list=token_list)
        self.stdout.write("Poll created." if poll else "The list already has a poll.")
