"""The account page: display name, preferred language, email notifications."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.services import profile_update
from tests.accounts.conftest import EMAIL, PASSWORD

pytestmark = pytest.mark.django_db

PROFILE = reverse("accounts:profile")
COOKIE = settings.LANGUAGE_COOKIE_NAME


def profile_data(**changes) -> dict:
    data = {"display_name": "Alice L.", "preferred_language": "fr", "email_notifications": "on"}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_an_anonymous_visitor_is_sent_to_sign_in_first(client):
    response = client.get(PROFILE)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={PROFILE}"


def test_the_page_shows_the_profile_and_links_to_email_password_and_sign_out(alice_client):
    response = alice_client.get(PROFILE)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="site-nav"' in html  # the site's layout
    assert EMAIL in html
    for name in ("account_email", "account_change_password", "account_logout"):
        assert f'href="{reverse(name)}"' in html
    assert f'href="{reverse("accounts:delete")}"' in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_owner_edits_display_name_language_and_notifications(alice_client, alice):
    response = alice_client.post(PROFILE, profile_data(email_notifications=None))

    assert response.status_code == 302
    assert response["Location"] == PROFILE
    alice.refresh_from_db()
    assert alice.display_name == "Alice L."
    assert alice.preferred_language == "fr"
    assert alice.email_notifications is False
    assert alice.public_name == "Alice L."


def test_choosing_a_language_sets_the_language_cookie_and_the_next_page_follows_it(
    alice_client,
):
    english = {"Accept-Language": "en"}

    response = alice_client.post(PROFILE, profile_data(), headers=english)

    cookie = response.cookies[COOKIE]
    assert cookie.value == "fr"
    assert cookie["path"] == settings.LANGUAGE_COOKIE_PATH
    [message] = get_messages(response.wsgi_request)
    assert str(message) == "Votre profil a été enregistré."
    html = alice_client.get(PROFILE, headers=english).content.decode()
    assert '<html lang="fr">' in html
    assert "Nom affiché" in html


def test_following_the_browser_forgets_the_language_cookie(alice_client, alice):
    alice_client.cookies[COOKIE] = "fr"

    response = alice_client.post(PROFILE, profile_data(preferred_language=""))

    assert response.cookies[COOKIE].value == ""
    assert response.cookies[COOKIE]["max-age"] == 0
    alice.refresh_from_db()
    assert alice.preferred_language == ""


def test_an_unknown_language_or_a_too_long_name_is_refused_and_nothing_changes(alice_client, alice):
    response = alice_client.post(
        PROFILE, profile_data(preferred_language="de", display_name="x" * 81)
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"preferred_language", "display_name"}
    assert COOKIE not in response.cookies
    alice.refresh_from_db()
    assert (alice.display_name, alice.preferred_language) == ("", "")


def test_the_service_refuses_an_unknown_language(alice):
    with pytest.raises(ValidationError):
        profile_update(
            user=alice, display_name="A", preferred_language="xx", email_notifications=True
        )


def test_signing_in_sets_the_cookie_to_the_preferred_language(client, alice):
    alice.preferred_language = "fr"
    alice.save()

    response = client.post(reverse("account_login"), {"login": EMAIL, "password": PASSWORD})

    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "fr"


def test_signing_in_without_a_preferred_language_keeps_the_browser_language(client, alice):
    response = client.post(reverse("account_login"), {"login": EMAIL, "password": PASSWORD})

    assert response.status_code == 302
    assert COOKIE not in response.cookies


def test_the_admin_shows_the_profile_fields(client, alice):
    staff = type(alice).objects.create_superuser("root", "root@example.com", PASSWORD)
    client.force_login(staff)

    change = client.get(reverse("admin:accounts_user_change", args=[alice.pk])).content.decode()
    listing = client.get(reverse("admin:accounts_user_changelist")).content.decode()

    for field in ("display_name", "preferred_language", "email_notifications"):
        assert f'name="{field}"' in change
    assert "column-display_name" in listing


@pytest.mark.parametrize("character", ["\u200b", "\u202e", "\u2066", "\ufeff"])
def test_a_display_name_with_an_invisible_character_is_refused(character):
    from django.core.exceptions import ValidationError

    from accounts.models import User
    from accounts.services import profile_update

    user = User.objects.create_user(username="ines", email="ines@example.org", password="x")
    with pytest.raises(ValidationError) as error:
        profile_update(
            user=user,
            display_name=f"Ad{character}min",
            preferred_language="",
            email_notifications=False,
        )

    assert "display_name" in error.value.message_dict
    user.refresh_from_db()
    assert user.display_name == ""


def test_the_headers_sign_in_link_comes_back_to_the_page_it_was_followed_from(client, db):
    """It led to the dashboard whatever page the visitor was reading."""
    html = client.get("/tokens/TAO/?range=7d").content.decode()
    assert 'href="/accounts/login/?next=/tokens/TAO/%3Frange%3D7d"' in html
    signin = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/login/"' in signin and 'href="/accounts/login/?next=' not in signin
