"""The order of a curated list's members."""

from __future__ import annotations

from django.db import transaction

from markets.models import TokenList, TokenListMembership


@transaction.atomic
def lists_members_renumber(*, list_ids: list[int]) -> None:
    """Number each list's members 0, 1, 2... in their current order, as the admin's list
    form and /curate/ leave them: after members went with their deleted tokens, no gap."""
    for list_id in sorted(set(list_ids)):
        TokenList.objects.select_for_update().filter(pk=list_id).exists()  # one writer a list
        members = list(TokenListMembership.objects.filter(token_list_id=list_id)
                       .order_by("position", "id"))  # fmt: skip
        moved = [m for position, m in enumerate(members) if m.position != position]
        for position, member in enumerate(members):
            member.position = position
        TokenListMembership.objects.bulk_update(moved, ["position"])
