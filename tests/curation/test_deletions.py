"""Deleting a list or a token is recorded in the /curate/ history: who, when, and what (as
text: the list or token is gone). Lists are deleted in the admin, one or several at once;
tokens too (markets' admin, which tells curation through markets.signals)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from curation.models import CurationChange
from markets.models import Token, TokenList
from tests.factories import TokenFactory
from watchlists.models import Watchlist, WatchlistItem

pytestmark = pytest.mark.django_db
Action = CurationChange.Action
LISTS, TOKENS = "/admin/markets/tokenlist/", "/admin/markets/token/"


def _bulk(ids) -> dict:
    return {"action": "delete_selected", "_selected_action": list(ids), "post": "yes"}


def _inserts(ctx) -> int:
    insert = 'INSERT INTO "curation_curationchange"'
    return sum(1 for q in ctx.captured_queries if q["sql"].startswith(insert))


def _deletions() -> list[tuple[str, str, str, str]]:
    rows = CurationChange.objects.filter(action__in=[Action.LIST_DELETED, Action.TOKEN_DELETED])
    return [(c.action, c.actor.username, c.subject, c.subject_fr) for c in rows.order_by("id")]


def test_deleting_a_list_in_the_admin_records_who_when_and_which_list(client, staff, ai):
    client.force_login(staff)
    before = timezone.now()

    response = client.post(f"{LISTS}{ai.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302 and not TokenList.objects.filter(pk=ai.pk).exists()
    assert _deletions() == [(Action.LIST_DELETED, "staff", "AI tokens (ai)", "Tokens IA (ai)")]
    change = CurationChange.objects.get(action=Action.LIST_DELETED)
    assert change.at >= before and change.token_list is None


def test_deleting_lists_in_bulk_records_one_entry_each_in_one_insert(client, staff, ai):
    infra = TokenList.objects.create(slug="infra", name="Infrastructure")
    memes = TokenList.objects.create(slug="memes", name="Memes", name_fr="Mèmes")
    client.force_login(staff)

    with CaptureQueriesContext(connection) as ctx:
        client.post(LISTS, _bulk([ai.pk, infra.pk, memes.pk]))

    assert not TokenList.objects.exists()
    assert sorted(_deletions()) == [
        (Action.LIST_DELETED, "staff", "AI tokens (ai)", "Tokens IA (ai)"),
        (Action.LIST_DELETED, "staff", "Infrastructure (infra)", ""),
        (Action.LIST_DELETED, "staff", "Memes (memes)", "Mèmes (memes)"),
    ]
    assert _inserts(ctx) == 1


def test_deleting_a_token_in_the_admin_records_its_symbol_and_name(client, staff, ai, tao):
    Token.objects.filter(pk=tao.pk).update(name_fr="Bittensor (FR)")
    client.force_login(staff)

    response = client.post(f"{TOKENS}{tao.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302 and not Token.objects.filter(pk=tao.pk).exists()
    assert _deletions() == [
        (Action.TOKEN_DELETED, "staff", "TAO (Bittensor)", "TAO (Bittensor (FR))")
    ]


def test_deleting_tokens_in_bulk_records_one_entry_each_in_one_insert(client, staff, tao):
    others = [TokenFactory(symbol=f"Z{i}", name=f"Zed {i}") for i in range(3)]
    client.force_login(staff)

    with CaptureQueriesContext(connection) as ctx:
        client.post(TOKENS, _bulk([tao.pk, *(t.pk for t in others)]))

    assert not Token.objects.exists()
    assert sorted(d[2] for d in _deletions()) == ["TAO (Bittensor)", "Z0 (Zed 0)", "Z1 (Zed 1)",
                                                  "Z2 (Zed 2)"]  # fmt: skip
    assert _inserts(ctx) == 1


def test_a_refused_deletion_records_nothing(client, staff, alice, ai, tao):
    """The dashboard's list and a token someone holds are not deleted: nor recorded."""
    ai.is_featured, ai.is_public = True, True
    ai.save(update_fields=["is_featured", "is_public"])
    watchlist = Watchlist.objects.create(owner=alice, name="Mine")
    WatchlistItem.objects.create(watchlist=watchlist, token=tao)
    client.force_login(staff)

    client.post(f"{LISTS}{ai.pk}/delete/", {"post": "yes"})
    client.post(LISTS, _bulk([ai.pk]))
    client.post(f"{TOKENS}{tao.pk}/delete/", {"post": "yes"})
    client.post(TOKENS, _bulk([tao.pk]))

    assert TokenList.objects.filter(pk=ai.pk).exists() and Token.objects.filter(pk=tao.pk).exists()
    assert _deletions() == []


def test_a_bulk_deletion_that_fails_midway_leaves_neither_a_deletion_nor_an_entry(
    client, staff, ai, tao, monkeypatch
):
    """The admin's bulk action runs outside any transaction of its own: the deletion and its
    entries are one, kept or undone together."""

    def fail(**kwargs):
        raise RuntimeError("renumbering failed")

    monkeypatch.setattr("markets.admin.lists_members_renumber", fail)
    client.force_login(staff)

    with pytest.raises(RuntimeError):
        client.post(TOKENS, _bulk([tao.pk]))

    assert Token.objects.filter(pk=tao.pk).exists() and _deletions() == []


def test_someone_who_is_not_staff_still_cannot_delete_and_nothing_is_recorded(client, alice, ai):
    client.force_login(alice)

    client.post(f"{LISTS}{ai.pk}/delete/", {"post": "yes"})
    client.post(LISTS, _bulk([ai.pk]))

    assert TokenList.objects.filter(pk=ai.pk).exists() and _deletions() == []
    assert client.get("/curate/").status_code == 404


def _history(client, language: str = "en") -> str:
    html = client.get("/curate/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    return html[html.index('id="changes"') :]


def test_the_history_shows_deletions_in_english_and_in_french(client, staff, ai, tao):
    client.force_login(staff)
    client.post(f"{LISTS}{ai.pk}/delete/", {"post": "yes"})
    client.post(f"{TOKENS}{tao.pk}/delete/", {"post": "yes"})

    english, french = _history(client), _history(client, "fr")

    subject = '<span class="cur-subject">{}</span>'
    assert "deleted the token " + subject.format("“TAO (Bittensor)”") in english
    assert "deleted the list " + subject.format("“AI tokens (ai)”") in english
    assert "a supprimé le token " + subject.format("«\u202fTAO (Bittensor)\u202f»") in french
    assert "a supprimé la liste " + subject.format("«\u202fTokens IA (ai)\u202f»") in french


def test_the_history_still_names_the_list_of_earlier_changes_once_it_is_deleted(client, staff, ai):
    """Its earlier entries lost their link to the list, and with it the list's name."""
    client.force_login(staff)
    client.post("/curate/lists/ai/members/move/", {"symbol": "TAO", "direction": "down"})
    client.post(f"{LISTS}{ai.pk}/delete/", {"post": "yes"})

    english, french = _history(client), _history(client, "fr")

    assert 'reordered the members <span class="cur-subject">“AI tokens”</span>' in english
    french_subject = '<span class="cur-subject">«\u202fTokens IA\u202f»</span>'
    assert "a réordonné les membres " + french_subject in french


def test_the_history_pages_deletions_at_a_cost_that_does_not_grow_with_them(client, staff):
    client.force_login(staff)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/curate/").status_code == 200
        return len(ctx)

    def delete(n: int) -> None:
        lists = [TokenList.objects.create(slug=f"l{i}", name=f"L{i}") for i in range(n)]
        client.post(LISTS, _bulk([t.pk for t in lists]))

    delete(2)
    few = queries()
    delete(40)
    assert queries() == few
    older = client.get("/curate/?page=3").content.decode()
    assert older.count('class="cur-subject"') == 2 and "Page 3 of 3" in older


def test_the_migration_names_the_list_of_every_earlier_change(staff, ai, tao):
    migration = importlib.import_module("curation.migrations.0002_deletions_recorded")
    change = CurationChange.objects.create(actor=staff, action=Action.MEMBER_ADDED,
                                           token_list=ai, token=tao, detail="TAO")  # fmt: skip
    alone = CurationChange.objects.create(actor=staff, action=Action.TOKEN_CREATED, token=tao)

    migration.subjects_fill(apps, None)

    change.refresh_from_db()
    alone.refresh_from_db()
    assert (change.subject, change.subject_fr) == ("AI tokens", "Tokens IA")
    assert (alone.subject, alone.subject_fr) == ("", "")
