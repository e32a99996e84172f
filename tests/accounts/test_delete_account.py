"""Deleting an account: password re-entry, personal data removed, signed out."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.contrib.messages import get_messages
from django.urls import reverse
from rest_framework.authtoken.models import Token

from accounts.models import User
from accounts.services import account_delete
from tests.accounts.conftest import PASSWORD

pytestmark = pytest.mark.django_db

DELETE = reverse("accounts:delete")
PROFILE = reverse("accounts:profile")


def test_the_page_asks_for_the_password(alice_client):
    response = alice_client.get(DELETE)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'type="password"' in html
    assert 'method="post"' in html
    assert 'class="site-nav"' in html


def test_a_wrong_password_deletes_nothing_and_keeps_the_user_signed_in(alice_client, alice):
    response = alice_client.post(DELETE, {"password": "not-my-password"})

    assert response.status_code == 200
    assert "password" in response.context["form"].errors
    assert User.objects.filter(pk=alice.pk).exists()
    assert alice_client.get(PROFILE).status_code == 200


def test_the_right_password_deletes_the_user_and_their_data_and_signs_them_out(alice_client, alice):
    Token.objects.create(user=alice)
    other = User.objects.create_user(username="bob", email="bob@example.com", password="x")
    Token.objects.create(user=other)

    response = alice_client.post(DELETE, {"password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert not User.objects.filter(pk=alice.pk).exists()
    assert not Token.objects.filter(user_id=alice.pk).exists()
    assert not EmailAddress.objects.filter(user_id=alice.pk).exists()
    assert User.objects.filter(pk=other.pk).exists()
    assert Token.objects.filter(user=other).exists()
    assert "_auth_user_id" not in alice_client.session
    assert alice_client.get(PROFILE).status_code == 302
    [message] = get_messages(response.wsgi_request)
    assert "deleted" in str(message)


def test_deleting_an_account_deletes_its_watchlists(alice):
    from watchlists.models import Watchlist

    Watchlist.objects.create(owner=alice, name="AI bags")

    account_delete(user=alice)

    assert not Watchlist.objects.exists()


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.post(DELETE, {"password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_page_says_comments_stay_signed_deleted_user_in_english_and_french(alice_client):
    from django.conf import settings

    html = alice_client.get(DELETE).content.decode()
    assert "Your comments stay in their discussions, signed “deleted user”." in html
    alice_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    html = alice_client.get(DELETE).content.decode()
    assert (
        "Vos commentaires restent dans leurs discussions, "
        "signés «\u202futilisateur supprimé\u202f»." in html
    )
