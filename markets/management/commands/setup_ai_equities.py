from django.core.management.base import BaseCommand

from markets.services.equities import AI_EQUITIES_SLUG, ai_equities_setup


class Command(BaseCommand):
    help = "Create the curated ai-equities list and its equity tokens (what is missing only)."

    def handle(self, *args, **options):
        token_list = ai_equities_setup()
        members = ", ".join(token_list.members.order_by("memberships__position").values_list(
            "symbol", flat=True))  # fmt: skip
        self.stdout.write(f"List {AI_EQUITIES_SLUG}: {members or 'no members'}.")
