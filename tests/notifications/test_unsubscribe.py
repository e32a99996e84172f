"""The one-click unsubscribe link of alert digests (RFC 8058): signed, asks on GET, stops on
POST without a session or CSRF token, and only for the account and address it was made for."""

from __future__ import annotations

import pytest
from django.core import signing
from django.test import Client

from notifications.services import UNSUBSCRIBE_SALT, digests_unsubscribe_path

pytestmark = pytest.mark.django_db


def emails_on(user) -> bool:
    user.refresh_from_db()
    return user.email_notifications


def test_opening_the_link_asks_and_changes_nothing(client, alice):
    response = client.get(digests_unsubscribe_path(user=alice))

    assert response.status_code == 200
    assert "Stop the alert emails?" in response.text and "alice@example.org" in response.text
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert emails_on(alice)


def test_a_mail_clients_one_click_post_stops_the_emails_without_a_session_nor_csrf(alice):
    client = Client(enforce_csrf_checks=True)

    response = client.post(digests_unsubscribe_path(user=alice), {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert "You will not receive alert emails any more" in response.text
    assert not emails_on(alice)


def test_a_second_post_changes_nothing_and_still_says_done(client, alice):
    path = digests_unsubscribe_path(user=alice)
    client.post(path)

    response = client.post(path)

    assert response.status_code == 200 and not emails_on(alice)


def test_the_link_stops_only_its_own_accounts_emails(client, alice, bob):
    client.post(digests_unsubscribe_path(user=alice))

    assert not emails_on(alice) and emails_on(bob)


@pytest.mark.parametrize(
    "token",
    [
        "forged",
        signing.dumps({"user": 1, "email": "alice@example.org"}, salt="another.salt"),
        signing.dumps(["not", "a", "claim"], salt=UNSUBSCRIBE_SALT),
    ],
    ids=["not signed", "signed for something else", "signed but not a claim"],
)
def test_a_forged_link_is_a_404_and_changes_nothing(client, alice, token):
    response = client.post(f"/notifications/unsubscribe/{token}/")

    assert response.status_code == 404 and emails_on(alice)


def test_a_link_made_for_an_address_the_account_no_longer_has_is_a_404(client, alice):
    path = digests_unsubscribe_path(user=alice)
    alice.email = "alice@new.example.org"
    alice.save(update_fields=["email"])

    response = client.post(path)

    assert response.status_code == 404 and emails_on(alice)


def test_other_methods_are_refused(client, alice):
    assert client.put(digests_unsubscribe_path(user=alice)).status_code == 405
    assert emails_on(alice)


def test_the_page_reads_in_french(client, alice):
    path = digests_unsubscribe_path(user=alice)

    asked = client.get(path, headers={"Accept-Language": "fr"})
    done = client.post(path, headers={"Accept-Language": "fr"})

    assert "Arrêter les e-mails d\u2019alerte\u202f?" in asked.text
    assert "Vous ne recevrez plus d\u2019e-mails d\u2019alerte" in done.text
