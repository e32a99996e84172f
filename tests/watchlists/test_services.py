"""Writes: every bad input is a ValidationError naming its field, and nothing is half-saved."""

import re
import threading
import time
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, ValidationError
from django.db import close_old_connections, connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from markets.models import Token
from tests.factories import TokenFactory
from tests.watchlists.conftest import at, lot, prices
from watchlists import services, validation
from watchlists.models import Lot, Watchlist, WatchlistItem
from watchlists.selectors import watchlist_get_shared, watchlist_items_with_valuation


def errors_of(call, **kwargs) -> dict:
    with pytest.raises(ValidationError) as caught:
        call(**kwargs)
    return caught.value.message_dict


def names(user) -> list[str]:
    return list(Watchlist.objects.filter(owner=user).values_list("name", flat=True))


# --- Watchlists ------------------------------------------------------------------------------


def test_a_new_watchlist_is_private_empty_and_placed_after_the_others(alice):
    first = services.watchlist_create(owner=alice, name="  Bags  ")
    second = services.watchlist_create(owner=alice, name="Dreams")
    assert (first.name, first.position, second.position) == ("Bags", 0, 1)
    assert not first.is_public and first.share_token is None and not first.show_amounts


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Enter a name."),
        ("   ", "Enter a name."),
        ("x" * 81, "At most 80 characters (it has 81)."),
    ],
)
def test_an_empty_or_overlong_name_is_refused(alice, name, message):
    assert errors_of(services.watchlist_create, owner=alice, name=name) == {"name": [message]}
    assert names(alice) == []


def test_a_name_of_exactly_80_characters_is_fine(alice):
    assert services.watchlist_create(owner=alice, name="x" * 80).name == "x" * 80


def test_a_name_the_owner_already_uses_in_any_case_is_refused_but_others_may_use_it(alice, bob):
    services.watchlist_create(owner=alice, name="AI bags")
    errors = errors_of(services.watchlist_create, owner=alice, name="ai BAGS")
    assert errors == {"name": ["You already have a watchlist named 'ai BAGS'."]}
    services.watchlist_create(owner=bob, name="ai bags")
    assert names(alice) == ["AI bags"]


def test_the_fifty_first_watchlist_is_refused(alice):
    Watchlist.objects.bulk_create(
        [Watchlist(owner=alice, name=f"List {n}", position=n) for n in range(50)]
    )
    errors = errors_of(services.watchlist_create, owner=alice, name="One more")
    assert errors == {NON_FIELD_ERRORS: ["You already have 50 watchlists, the most allowed."]}
    assert Watchlist.objects.filter(owner=alice).count() == 50


def test_a_first_visit_gets_an_empty_my_watchlist_once(alice):
    created = services.watchlist_default_ensure(user=alice)
    again = services.watchlist_default_ensure(user=alice)
    assert created == again
    assert names(alice) == ["My watchlist"]


def test_a_user_with_lists_gets_their_first_one_and_no_default(alice):
    services.watchlist_create(owner=alice, name="Second")
    first = services.watchlist_create(owner=alice, name="First")
    services.watchlist_move(watchlist=first, position=0)
    assert services.watchlist_default_ensure(user=alice).name == "First"
    assert sorted(names(alice)) == ["First", "Second"]


def test_renaming_checks_the_name_like_creating_but_may_change_its_case(alice, alice_list):
    services.watchlist_create(owner=alice, name="Dreams")
    assert errors_of(services.watchlist_rename, watchlist=alice_list, name="DREAMS") == {
        "name": ["You already have a watchlist named 'DREAMS'."]
    }
    assert errors_of(services.watchlist_rename, watchlist=alice_list, name=" ") == {
        "name": ["Enter a name."]
    }
    services.watchlist_rename(watchlist=alice_list, name="ai BAGS")
    alice_list.refresh_from_db()
    assert alice_list.name == "ai BAGS"


def test_watchlists_can_be_reordered_but_only_with_exactly_their_ids(alice, bob):
    a, b, c = (services.watchlist_create(owner=alice, name=n) for n in "ABC")
    services.watchlist_reorder(owner=alice, watchlist_ids=[c.pk, a.pk, b.pk])
    assert names(alice) == ["C", "A", "B"]
    bobs = services.watchlist_create(owner=bob, name="Bob's")
    for wrong in ([c.pk, a.pk], [c.pk, a.pk, b.pk, bobs.pk], [a.pk, a.pk, b.pk]):
        errors = errors_of(services.watchlist_reorder, owner=alice, watchlist_ids=wrong)
        assert errors == {"watchlist_ids": ["Give each of your watchlists exactly once."]}
    assert names(alice) == ["C", "A", "B"]


def test_a_watchlist_moves_to_a_position_and_past_the_end_means_last(alice):
    a, _, c = (services.watchlist_create(owner=alice, name=n) for n in "ABC")
    services.watchlist_move(watchlist=c, position=0)
    assert names(alice) == ["C", "A", "B"]
    services.watchlist_move(watchlist=c, position=99)
    assert names(alice) == ["A", "B", "C"]
    assert c.position == 2
    assert errors_of(services.watchlist_move, watchlist=a, position=-1) == {
        "position": ["Enter a whole number, 0 or more."]
    }


def test_deleting_a_watchlist_deletes_its_items_and_lots(alice_list, tao):
    services.watchlist_add_token(watchlist=alice_list, symbol="TAO", lots=[lot("1", "100")])
    services.watchlist_delete(watchlist=alice_list)
    assert not Watchlist.objects.exists() and not Lot.objects.exists()


# --- Sharing ---------------------------------------------------------------------------------


def test_making_a_list_public_issues_an_unguessable_share_token(alice_list):
    services.watchlist_share_set(watchlist=alice_list, is_public=True)
    assert alice_list.is_public
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", alice_list.share_token)
    assert watchlist_get_shared(share_token=alice_list.share_token) == (alice_list, True)


def test_making_a_list_private_breaks_the_old_link_and_public_again_issues_a_new_one(alice_list):
    services.watchlist_share_set(watchlist=alice_list, is_public=True)
    old = alice_list.share_token
    services.watchlist_share_set(watchlist=alice_list, is_public=True)
    assert alice_list.share_token == old  # staying public keeps the link
    services.watchlist_share_set(watchlist=alice_list, is_public=False)
    alice_list.refresh_from_db()
    assert (alice_list.is_public, alice_list.share_token) == (False, None)
    with pytest.raises(Http404):
        watchlist_get_shared(share_token=old)
    services.watchlist_share_set(watchlist=alice_list, is_public=True)
    assert alice_list.share_token not in (None, old)
    with pytest.raises(Http404):
        watchlist_get_shared(share_token=old)


def test_a_share_link_can_be_rotated_while_public(alice_list):
    services.watchlist_share_set(watchlist=alice_list, is_public=True)
    old = alice_list.share_token
    services.watchlist_share_set(watchlist=alice_list, is_public=True, rotate=True)
    assert alice_list.share_token != old
    assert watchlist_get_shared(share_token=alice_list.share_token).watchlist == alice_list


def test_visitors_see_amounts_only_when_the_owner_shows_them(alice_list):
    services.watchlist_share_set(watchlist=alice_list, is_public=True, show_amounts=True)
    assert watchlist_get_shared(share_token=alice_list.share_token).hide_amounts is False
    services.watchlist_update(watchlist=alice_list, show_amounts=False)
    assert watchlist_get_shared(share_token=alice_list.share_token).hide_amounts is True


# --- Items -----------------------------------------------------------------------------------


def test_a_token_is_added_by_symbol_in_any_case_with_a_note_and_lots(alice_list, tao):
    item = services.watchlist_add_token(
        watchlist=alice_list, symbol=" tao ", note=" Long term ",
        lots=[lot("2.5", "180.25", "2026-01-15"), lot(Decimal("1"), 150)],
    )  # fmt: skip
    assert (item.token, item.note, item.position) == (tao, "Long term", 0)
    lots = list(item.lots.values_list("quantity", "cost_basis_usd", "purchased_at"))
    assert lots == [
        (Decimal("2.5"), Decimal("180.25"), date(2026, 1, 15)),
        (Decimal("1"), Decimal("150"), None),
    ]


@pytest.mark.parametrize(
    ("symbol", "message"),
    [("", "Enter a token symbol."), ("XYZ", "Unknown token symbol 'XYZ'."),
     ("A" * 300, f"Unknown token symbol {'A' * 20!r}.")],
)  # fmt: skip
def test_an_empty_or_unknown_symbol_is_refused(alice_list, tao, symbol, message):
    errors = errors_of(services.watchlist_add_token, watchlist=alice_list, symbol=symbol)
    assert errors == {"symbol": [message]}
    assert not WatchlistItem.objects.exists()


def test_the_same_token_twice_in_one_list_is_refused(alice_list, tao):
    services.watchlist_add_token(watchlist=alice_list, symbol="TAO")
    errors = errors_of(services.watchlist_add_token, watchlist=alice_list, symbol="tao")
    assert errors == {"symbol": ["TAO is already in this watchlist."]}


def test_the_five_hundred_and_first_token_is_refused(alice_list):
    tokens = [TokenFactory(symbol=f"T{n}") for n in range(501)]
    WatchlistItem.objects.bulk_create(
        [
            WatchlistItem(watchlist=alice_list, token=t, position=n)
            for n, t in enumerate(tokens[:500])
        ]
    )
    errors = errors_of(services.watchlist_add_token, watchlist=alice_list, symbol="T500")
    assert errors == {
        NON_FIELD_ERRORS: ["This watchlist already has 500 tokens, the most allowed."]
    }
    assert alice_list.items.count() == 500


def test_a_note_may_have_500_characters_but_not_501(alice_list, tao, btc):
    services.watchlist_add_token(watchlist=alice_list, symbol="TAO", note="n" * 500)
    errors = errors_of(
        services.watchlist_add_token, watchlist=alice_list, symbol="BTC", note="n" * 501
    )
    assert errors == {"note": ["At most 500 characters (it has 501)."]}


TOO_PRECISE = "The quantity has more than 18 decimal places."
COST_TOO_HIGH = "The cost per unit must be at most 1,000,000,000."


@pytest.mark.parametrize(
    ("bad_lot", "field", "message"),
    [
        (lot("0", "1"), "quantity", "The quantity must be greater than 0."),
        (lot("-3", "1"), "quantity", "The quantity must be greater than 0."),
        (lot("1000000000001", "1"), "quantity", "The quantity must be at most 1,000,000,000,000."),
        (lot("1e13", "1"), "quantity", "The quantity must be at most 1,000,000,000,000."),
        (lot("abc", "1"), "quantity", "'abc' is not a number."),
        (lot("NaN", "1"), "quantity", "Enter a finite number."),
        (lot("", "1"), "quantity", "Enter a quantity."),
        (lot("0.0000000000000000001", "1"), "quantity", TOO_PRECISE),
        (lot("1", "0"), "cost_basis_usd", "The cost per unit must be greater than 0."),
        (lot("1", "-10"), "cost_basis_usd", "The cost per unit must be greater than 0."),
        (lot("1", "1000000001"), "cost_basis_usd", COST_TOO_HIGH),
        (lot("1", "2", "2026-13-01"), "purchased_at", "'2026-13-01' is not a date (YYYY-MM-DD)."),
        (lot("1", "2", "2008-12-31"), "purchased_at", "The purchase date is before 2009-01-01."),
        (lot("1", "2", "2026-02-08"), "purchased_at", "The purchase date is in the future."),
    ],
)  # fmt: skip
def test_a_bad_lot_is_refused_by_field_and_the_token_is_not_added(
    frozen, alice_list, tao, bad_lot, field, message
):
    lots = [lot("1", "1"), bad_lot]
    errors = errors_of(services.watchlist_add_token, watchlist=alice_list, symbol="TAO", lots=lots)
    assert errors == {f"lots[1].{field}": [message]}
    assert not WatchlistItem.objects.exists() and not Lot.objects.exists()


def test_a_lot_added_alone_names_its_fields_without_prefix(alice_list, tao):
    item = services.watchlist_add_token(watchlist=alice_list, symbol="TAO")
    errors = errors_of(services.lot_add, item=item, quantity="-1", cost_basis_usd="0")
    assert errors == {
        "quantity": ["The quantity must be greater than 0."],
        "cost_basis_usd": ["The cost per unit must be greater than 0."],
    }


def test_the_largest_sane_lot_is_accepted(alice_list, tao):
    item = services.watchlist_add_token(watchlist=alice_list, symbol="TAO")
    added = services.lot_add(item=item, quantity="1e12", cost_basis_usd="1000000000")
    assert (added.quantity, added.cost_basis_usd) == (Decimal("1e12"), Decimal("1e9"))


def test_an_item_takes_several_lots_and_one_can_be_removed(alice_list, tao, btc):
    item = services.watchlist_add_token(watchlist=alice_list, symbol="TAO")
    first = services.lot_add(item=item, quantity="1", cost_basis_usd="100")
    services.lot_add(item=item, quantity="2", cost_basis_usd="90", purchased_at="2026-01-02")
    other = services.watchlist_add_token(watchlist=alice_list, symbol="BTC")
    with pytest.raises(Lot.DoesNotExist):
        services.lot_remove(item=other, lot_id=first.pk)  # not a lot of that item
    services.lot_remove(item=item, lot_id=first.pk)
    assert list(item.lots.values_list("quantity", flat=True)) == [Decimal("2")]


def test_removing_a_lot_takes_the_lists_lock_first_as_every_other_write(alice_list, tao):
    item = services.watchlist_add_token(watchlist=alice_list, symbol="TAO")
    first = services.lot_add(item=item, quantity="1", cost_basis_usd="100")
    with CaptureQueriesContext(connection) as queries:
        services.lot_remove(item=item, lot_id=first.pk)
    sqls = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert "FOR UPDATE" in sqls[0] and '"watchlists_watchlist"' in sqls[0]
    assert not item.lots.exists()


def test_a_lot_sent_again_with_its_form_key_is_the_same_lot_and_not_a_second_one(alice_list, tao):
    item = services.watchlist_add_token(watchlist=alice_list, symbol="TAO")
    key, other = uuid.uuid4(), uuid.uuid4()

    first = services.lot_add(item=item, quantity="1", cost_basis_usd="99", form_key=key)
    again = services.lot_add(item=item, quantity="1", cost_basis_usd="99", form_key=key)
    new = services.lot_add(item=item, quantity="1", cost_basis_usd="99", form_key=other)
    unkeyed = [services.lot_add(item=item, quantity="1", cost_basis_usd="99") for _ in range(2)]

    assert again.pk == first.pk and new.pk != first.pk
    assert item.lots.count() == 4  # two keyed, and the two without a key (API, import)
    assert len({lot.pk for lot in unkeyed}) == 2


def test_an_item_refuses_more_than_the_lot_limit(alice_list, tao, monkeypatch):
    monkeypatch.setattr(services, "MAX_LOTS_PER_ITEM", 2)
    item = services.watchlist_add_token(watchlist=alice_list, symbol="TAO", lots=[lot(1, 1)] * 2)
    errors = errors_of(services.lot_add, item=item, quantity=1, cost_basis_usd=1)
    assert errors == {NON_FIELD_ERRORS: ["TAO would have more than 2 lots."]}


def test_removing_a_token_removes_its_lots_and_an_absent_token_is_an_error(alice_list, tao, btc):
    services.watchlist_add_token(watchlist=alice_list, symbol="TAO", lots=[lot(1, 1)])
    services.watchlist_remove_token(watchlist=alice_list, symbol="tao")
    assert not WatchlistItem.objects.exists() and not Lot.objects.exists()
    errors = errors_of(services.watchlist_remove_token, watchlist=alice_list, symbol="BTC")
    assert errors == {"symbol": ["BTC is not in this watchlist."]}


def symbols(watchlist) -> list[str]:
    return [i.token.symbol for i in watchlist.items.select_related("token")]


def test_items_can_be_reordered_by_symbol_or_moved_one_at_a_time(alice_list, tao, btc, near):
    for symbol in ("TAO", "BTC", "NEAR"):
        services.watchlist_add_token(watchlist=alice_list, symbol=symbol)
    services.item_reorder(watchlist=alice_list, symbols=["near", "TAO", "btc"])
    assert symbols(alice_list) == ["NEAR", "TAO", "BTC"]
    errors = errors_of(services.item_reorder, watchlist=alice_list, symbols=["NEAR", "TAO"])
    assert errors == {"symbols": ["Give each token of the watchlist exactly once."]}
    services.item_move(item=alice_list.items.get(token=btc), position=0)
    assert symbols(alice_list) == ["BTC", "NEAR", "TAO"]


def test_a_note_is_set_stripped_and_checked(alice_list, tao):
    item = services.watchlist_add_token(watchlist=alice_list, symbol="TAO")
    services.item_note_set(item=item, note="  Sell at 400  ")
    assert WatchlistItem.objects.get().note == "Sell at 400"
    assert errors_of(services.item_note_set, item=item, note="x" * 501) == {
        "note": ["At most 500 characters (it has 501)."]
    }


def test_an_item_update_replaces_or_adds_lots_all_or_nothing(alice_list, tao):
    item = services.watchlist_add_token(watchlist=alice_list, symbol="TAO", lots=[lot(1, 100)])
    services.item_update(item=item, lots=[lot(5, 50), lot(6, 60)])
    assert sorted(item.lots.values_list("quantity", flat=True)) == [5, 6]
    services.item_update(item=item, add_lots=[lot(7, 70)])
    assert sorted(item.lots.values_list("quantity", flat=True)) == [5, 6, 7]
    errors = errors_of(services.item_update, item=item, note="kept?", lots=[lot(0, 1)])
    assert errors == {"lots[0].quantity": ["The quantity must be greater than 0."]}
    assert errors_of(services.item_update, item=item, lots=[], add_lots=[]) == {
        NON_FIELD_ERRORS: ["Send lots (to replace them) or add_lots (to add some), not both."]
    }
    item.refresh_from_db()
    assert item.note == "" and item.lots.count() == 3


def test_a_watchlist_update_saves_nothing_when_one_change_is_refused(alice, alice_list):
    services.watchlist_create(owner=alice, name="Taken")
    errors = errors_of(
        services.watchlist_update, watchlist=alice_list, is_public=True, name="taken"
    )
    assert errors == {"name": ["You already have a watchlist named 'taken'."]}
    alice_list.refresh_from_db()
    assert (alice_list.name, alice_list.is_public, alice_list.share_token) == (
        "AI bags",
        False,
        None,
    )


def test_the_validation_limits_are_the_ones_of_the_issue():
    assert validation.MAX_WATCHLISTS_PER_USER == 50
    assert validation.MAX_ITEMS_PER_WATCHLIST == 500


# --- Concurrency (PostgreSQL: real row locks between two connections) ---------------------------


def run_together(*calls) -> list:
    """Run calls in threads released at once; return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except Exception as exc:  # the outcome is what the test checks
            outcomes[index] = exc
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(n, c)) for n, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL"
)


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_creations_cannot_exceed_fifty_watchlists(alice):
    Watchlist.objects.bulk_create(
        [Watchlist(owner=alice, name=f"List {n}", position=n) for n in range(49)]
    )
    outcomes = run_together(
        *(lambda n=n: services.watchlist_create(owner=alice, name=f"Race {n}") for n in range(4))
    )
    assert sum(isinstance(o, Watchlist) for o in outcomes) == 1
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 3
    assert Watchlist.objects.filter(owner=alice).count() == 50


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_additions_cannot_exceed_five_hundred_tokens(alice):
    watchlist = services.watchlist_create(owner=alice, name="Full")
    tokens = [TokenFactory(symbol=f"T{n}") for n in range(503)]
    WatchlistItem.objects.bulk_create(
        [
            WatchlistItem(watchlist=watchlist, token=t, position=n)
            for n, t in enumerate(tokens[:499])
        ]
    )
    outcomes = run_together(
        *(lambda s=s: services.watchlist_add_token(watchlist=watchlist, symbol=s)
          for s in ("T499", "T500", "T501", "T502"))
    )  # fmt: skip
    assert sum(isinstance(o, WatchlistItem) for o in outcomes) == 1
    assert watchlist.items.count() == 500


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_creations_of_one_name_save_one_list(alice):
    outcomes = run_together(
        *(lambda: services.watchlist_create(owner=alice, name="Same") for _ in range(3))
    )
    assert sum(isinstance(o, Watchlist) for o in outcomes) == 1
    assert names(alice) == ["Same"]


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_lot_form_sent_twice_at_once_adds_one_lot(alice, tao):
    watchlist = services.watchlist_create(owner=alice, name="Bags")
    item = services.watchlist_add_token(watchlist=watchlist, symbol="TAO")
    key = uuid.uuid4()
    outcomes = run_together(
        *(lambda: services.lot_add(item=item, quantity="1", cost_basis_usd="99", form_key=key)
          for _ in range(3))
    )  # fmt: skip
    assert all(isinstance(o, Lot) for o in outcomes), outcomes
    assert len({o.pk for o in outcomes}) == 1
    assert item.lots.count() == 1


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_an_item_update_and_the_removal_of_that_item_at_once_do_not_deadlock(
    alice, tao, monkeypatch
):
    """The update wrote the note, then locked the list for the lots, while the removal locks
    the list, then deletes the item: each waited for the other's lock, PostgreSQL killed one
    (an API PATCH answered 503). Both take the list's lock first now: one waits its turn."""
    watchlist = services.watchlist_create(owner=alice, name="Bags")
    item = services.watchlist_add_token(watchlist=watchlist, symbol="TAO")
    note_written = threading.Event()
    item_lock = services._item_lock

    def item_lock_after_the_removal_started(item):
        note_written.set()
        time.sleep(0.3)  # the removal takes (or waits for) the list's lock meanwhile
        item_lock(item)

    monkeypatch.setattr(services, "_item_lock", item_lock_after_the_removal_started)

    def remove():
        note_written.wait(5)
        return services.watchlist_remove_token(watchlist=watchlist, symbol="TAO")

    update = lambda: services.item_update(item=item, note="Long", lots=[lot("1", "90")])  # noqa: E731
    outcomes = run_together(update, remove)

    assert isinstance(outcomes[0], WatchlistItem) and outcomes[1] is None, outcomes
    assert not WatchlistItem.objects.exists() and not Lot.objects.exists()


# --- Control characters, deactivated tokens, rows deleted meanwhile ------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a\x00b", "Null characters are not allowed."),
        ("\x00", "Null characters are not allowed."),
        ("bell\x07", "Control characters are not allowed (U+0007)."),
        ("a\x7fb", "Control characters are not allowed (U+007F)."),
        ("a\x85b", "Control characters are not allowed (U+0085)."),
    ],
)
def test_a_name_or_note_with_a_nul_or_another_control_character_is_refused(
    alice, alice_list, tao, text, message
):
    assert errors_of(services.watchlist_create, owner=alice, name=text) == {"name": [message]}
    assert errors_of(services.watchlist_rename, watchlist=alice_list, name=text) == {
        "name": [message]
    }
    errors = errors_of(services.watchlist_add_token, watchlist=alice_list, symbol="TAO", note=text)
    assert errors == {"note": [message]}
    assert names(alice) == ["AI bags"] and not WatchlistItem.objects.exists()


def test_a_note_keeps_tabs_and_new_lines_but_a_name_may_not_have_them(alice, alice_list, tao):
    item = services.watchlist_add_token(watchlist=alice_list, symbol="TAO")
    services.item_note_set(item=item, note="buy\r\n\tsell\rhold")
    assert WatchlistItem.objects.get().note == "buy\n\tsell\nhold"  # new lines stored as LF
    assert errors_of(services.watchlist_create, owner=alice, name="two\nlines") == {
        "name": ["Control characters are not allowed (U+000A)."]
    }


def test_a_deactivated_token_cannot_be_added_but_its_items_stay_valued_and_removable(
    frozen, alice_list, tao, btc
):
    prices(tao, [(at("2026-02-06T12:00"), 99.0)])
    services.watchlist_add_token(watchlist=alice_list, symbol="TAO", lots=[lot("2", "95")])
    Token.objects.filter(pk__in=[tao.pk, btc.pk]).update(is_active=False)

    errors = errors_of(services.watchlist_add_token, watchlist=alice_list, symbol="btc")
    again = errors_of(services.watchlist_add_token, watchlist=alice_list, symbol="tao")

    assert errors == {"symbol": ["Unknown token symbol 'BTC'."]}
    assert again == {"symbol": ["TAO is already in this watchlist."]}  # not "unknown"
    item = alice_list.items.get()
    services.lot_add(item=item, quantity="1", cost_basis_usd="90")
    valued = watchlist_items_with_valuation(watchlist=alice_list)
    assert [v.token.symbol for v in valued.items] == ["TAO"]
    assert valued.totals.value_usd == Decimal("297")
    services.watchlist_remove_token(watchlist=alice_list, symbol="TAO")
    assert not WatchlistItem.objects.exists()


@pytest.mark.parametrize(
    ("deleted", "change"),
    [
        ("list", lambda i: services.watchlist_rename(watchlist=i.watchlist, name="New")),
        ("list", lambda i: services.item_note_set(item=i, note="x")),
        ("item", lambda i: services.item_note_set(item=i, note="x")),
        ("item", lambda i: services.lot_add(item=i, quantity="1", cost_basis_usd="1")),
        ("item", lambda i: services.item_update(item=i, lots=[lot("1", "1")])),
        ("item", lambda i: services.item_update(item=i, add_lots=[lot("1", "1")])),
    ],
    ids=["rename", "note of a deleted list", "note", "lot", "replace lots", "add lots"],
)
def test_changing_a_list_or_item_deleted_meanwhile_raises_does_not_exist(
    alice_list, tao, deleted, change
):
    item = services.watchlist_add_token(watchlist=alice_list, symbol="TAO")
    row = alice_list if deleted == "list" else item
    type(row).objects.filter(pk=row.pk).delete()  # by another request: this one keeps its rows

    with pytest.raises(ObjectDoesNotExist):
        change(item)

    assert not WatchlistItem.objects.exists() and not Lot.objects.exists()


def test_a_lot_bought_just_after_midnight_in_paris_is_not_in_the_future(alice_list, tao):
    prices(tao, [(at("2026-02-06T23:00"), 99.0)])
    item = services.watchlist_add_token(watchlist=alice_list, symbol="TAO")

    with time_machine.travel(datetime(2026, 2, 6, 23, 30, tzinfo=UTC), tick=False):
        lot_today = services.lot_add(
            item=item, quantity="2", cost_basis_usd="98", purchased_at="2026-02-07"
        )  # 00:30 on 7 February in Paris, 23:30 on the 6th in UTC
        errors = errors_of(
            services.lot_add, item=item, quantity="1", cost_basis_usd="1", purchased_at="2026-02-08"
        )
        valued = watchlist_items_with_valuation(watchlist=alice_list)

    assert lot_today.purchased_at == date(2026, 2, 7)
    assert errors == {"purchased_at": ["The purchase date is in the future."]}
    assert valued.totals.value_usd == 198.0  # it counts from the latest price
    assert len(valued.series) == 1
