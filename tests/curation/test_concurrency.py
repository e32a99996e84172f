"""Two staff at once: the second write waits for the first and both end in a sane state."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from curation import services
from markets.models import TokenList


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite runs the two transactions one after the other"
)
@pytest.mark.django_db(transaction=True)
def test_two_staff_featuring_two_lists_at_once_both_succeed_and_the_last_one_wins(staff):
    """The second feature waited on the old featured list, found it no longer featured once
    the first committed, and then hit the one-featured-list constraint: a 500 on /curate/."""
    old = TokenList.objects.create(slug="old", name="Old", is_public=True, is_featured=True)
    first = TokenList.objects.create(slug="first", name="First")
    second = TokenList.objects.create(slug="second", name="Second")
    holding, errors = threading.Event(), []

    def feature_first_and_hold() -> None:
        try:
            with transaction.atomic():
                services.list_feature(actor=staff, token_list=first)
                holding.set()
                threading.Event().wait(0.5)  # the other staff member clicks meanwhile
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            holding.set()
            connection.close()

    thread = threading.Thread(target=feature_first_and_hold)
    thread.start()
    assert holding.wait(10)
    services.list_feature(actor=staff, token_list=second)
    thread.join(10)
    assert errors == []
    featured = list(TokenList.objects.filter(is_featured=True).values_list("slug", flat=True))
    assert featured == ["second"] and old.pk
