"""The API token on the account page: made by a button, shown whole once, then only its start;
regenerated, revoked, replaced by a new password; the admin shows only its start too."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

pytestmark = pytest.mark.django_db

PROFILE = reverse("accounts:profile")
REGENERATE = reverse("accounts:api-token-regenerate")
REAUTHENTICATE = reverse("account_reauthenticate")
API = reverse("api:token-list")


@pytest.fixture
def alice_client(client, alice):
    """Signed in, the password given again a moment ago (making a token asks for it)."""
    from tests.accounts.conftest import PASSWORD

    client.force_login(alice)
    client.post(REAUTHENTICATE, {"password": PASSWORD})
    return client


def api_get(api_client, key: str):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api_client.get(API)


def test_viewing_the_account_page_creates_no_token_but_offers_a_button(alice_client, alice):
    response = alice_client.get(PROFILE)

    assert response.status_code == 200
    assert "Create an API token" in response.content.decode()
    assert not Token.objects.filter(user=alice).exists()


def test_the_button_creates_the_token_which_the_page_then_shows(alice_client, alice):
    response = alice_client.post(REGENERATE)

    assert response.status_code == 302
    key = Token.objects.get(user=alice).key
    assert key in alice_client.get(PROFILE).content.decode()
    assert Token.objects.filter(user=alice).count() == 1


def test_signing_up_makes_no_token_until_one_is_asked_for(client):
    """A key is shown whole only on the page after it is made: one made at sign-up was a
    working credential its owner never saw nor could see, waiting to leak with nobody using
    it. It is made when asked for (the profile's button, or POST /api/v1/auth/token/)."""
    from accounts.models import User

    password = "violet-otter-harbour-42"
    client.post(
        reverse("account_signup"),
        {"email": "new@example.org", "password1": password, "password2": password},
    )

    assert User.objects.filter(email="new@example.org").exists()
    assert not Token.objects.filter(user__email="new@example.org").exists()
    assert "Create an API token" in client.get(PROFILE).content.decode()


def test_the_token_shown_authenticates_api_calls_as_its_owner(alice_client, alice, api_client):
    alice_client.post(REGENERATE)
    key = Token.objects.get(user=alice).key

    response = api_get(api_client, key)

    assert response.status_code == 200
    assert response.wsgi_request.user == alice


def test_regenerating_replaces_the_token_and_the_old_key_stops_working(
    alice_client, alice, api_client
):
    alice_client.post(REGENERATE)
    old = Token.objects.get(user=alice).key

    response = alice_client.post(REGENERATE)

    assert response.status_code == 302
    assert response["Location"] == PROFILE
    new = Token.objects.get(user=alice).key
    assert new != old
    assert new in alice_client.get(PROFILE).content.decode()

    refused = api_get(api_client, old)
    assert refused.status_code == 401
    assert refused.json() == {"detail": "Invalid token."}
    with pytest.raises(AuthenticationFailed):
        TokenAuthentication().authenticate_credentials(old)

    assert api_get(api_client, new).status_code == 200
    assert TokenAuthentication().authenticate_credentials(new)[0] == alice


def test_regenerating_is_a_post_only_action(alice_client):
    assert alice_client.get(REGENERATE).status_code == 405


def test_regenerating_needs_the_csrf_token(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    assert client.post(REGENERATE).status_code == 403


def test_an_anonymous_visitor_cannot_regenerate_a_token(client, alice):
    response = client.post(REGENERATE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not Token.objects.exists()


# --- A new password ends the old token ------------------------------------------------------

NEW_PASSWORD = "amber-heron-lantern-97"


def test_it_rejects_the_old_token_after_a_password_change(alice_client, alice, api_client):
    """Whoever learnt the password and took a token with it keeps no access once the owner
    changes the password (as Django ends the other sessions)."""
    from tests.accounts.conftest import PASSWORD

    old = Token.objects.create(user=alice).key

    response = alice_client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert api_get(api_client, old).status_code == 401
    new = Token.objects.get(user=alice).key
    assert new != old
    assert api_get(api_client, new).status_code == 200
    page = alice_client.get(PROFILE).content.decode()
    assert new not in page  # made without being shown: only its start, regenerate to copy one
    assert f"{new[:4]}\u2026" in page


def test_it_rejects_the_old_token_after_a_password_reset(client, alice, api_client, mailoutbox):
    import re

    old = Token.objects.create(user=alice).key
    client.post(reverse("account_reset_password"), {"email": alice.email})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mailoutbox[0].body)
    form = client.get(link.group(1), follow=True)

    response = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link.group(1),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert api_get(api_client, old).status_code == 401
    assert Token.objects.get(user=alice).key != old


def test_a_password_change_makes_no_token_for_someone_without_one(alice_client, alice):
    from tests.accounts.conftest import PASSWORD

    alice_client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert not Token.objects.filter(user=alice).exists()


def test_it_rejects_the_old_token_after_staff_set_a_new_password_in_the_admin(
    client, alice, api_client
):
    """Staff helping someone whose password leaked set a new one in the admin: the token
    taken with the old one must stop working there too."""
    from accounts.models import User

    boss = User.objects.create_user(
        username="boss", email="boss@example.com", password="x", is_staff=True, is_superuser=True
    )
    client.force_login(boss)
    old = Token.objects.create(user=alice).key

    response = client.post(
        reverse("admin:auth_user_password_change", args=[alice.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )

    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    assert api_get(api_client, old).status_code == 401
    assert Token.objects.get(user=alice).key != old


def test_it_revokes_the_token_when_staff_turn_password_sign_in_off_in_the_admin(
    client, alice, api_client
):
    """Staff shutting out whoever took over an account turn its password off: the key taken
    with that password kept working, since no new password was set."""
    from accounts.models import User

    boss = User.objects.create_user(
        username="boss", email="boss@example.com", password="x", is_staff=True, is_superuser=True
    )
    client.force_login(boss)
    old = Token.objects.create(user=alice).key

    response = client.post(
        reverse("admin:auth_user_password_change", args=[alice.pk]),
        {"usable_password": "false", "unset-password": "1"},
    )

    assert response.status_code == 302
    alice.refresh_from_db()
    assert not alice.has_usable_password()
    assert api_get(api_client, old).status_code == 401
    assert not Token.objects.filter(user=alice).exists()


def test_it_rejects_the_old_token_after_changepassword_on_the_server(
    alice, api_client, monkeypatch
):
    from django.core.management import call_command

    old = Token.objects.create(user=alice).key
    monkeypatch.setattr("getpass.getpass", lambda prompt="": NEW_PASSWORD)

    call_command("changepassword", alice.username, stdout=io.StringIO())

    assert api_get(api_client, old).status_code == 401
    assert Token.objects.get(user=alice).key != old


def test_saving_the_user_for_anything_else_keeps_the_token(alice, api_client):
    old = Token.objects.create(user=alice).key
    alice.check_password("not it")  # may rehash, which is no new password either
    alice.display_name = "Alice"
    alice.save(update_fields=["display_name"])

    assert api_get(api_client, old).status_code == 200


def test_the_token_creation_time_is_written_on_the_24_hour_clock_like_every_other_time(
    alice_client, alice
):
    from datetime import UTC, datetime

    token = Token.objects.create(user=alice)
    Token.objects.filter(pk=token.pk).update(created=datetime(2026, 12, 1, 14, 9, tzinfo=UTC))
    page = alice_client.get(PROFILE).content.decode()
    assert "Created Dec. 1, 2026, 14:09 UTC." in page  # was "2:09 p.m. UTC"
    alice_client.cookies["django_language"] = "fr"
    french = alice_client.get(PROFILE).content.decode()
    assert "Créé le 1er décembre 2026, 14:09 UTC." in french  # as every page writes it


# --- Shown once, then only its first characters ---------------------------------------------


def test_it_shows_the_full_token_only_once_right_after_it_is_created(alice_client, alice):
    """Like a password, the key is not on the page for whoever looks at it later (a shoulder,
    a screenshot, a borrowed session): shown once to copy, then only its first characters."""
    alice_client.post(REGENERATE)
    key = Token.objects.get(user=alice).key

    first = alice_client.get(PROFILE).content.decode()
    again = alice_client.get(PROFILE).content.decode()

    assert key in first
    assert "it will not be shown again" in first
    assert key not in again
    assert f"{key[:4]}\u2026" in again


def test_it_shows_the_new_token_once_after_regenerating_then_only_its_start(alice_client, alice):
    alice_client.post(REGENERATE)
    alice_client.get(PROFILE)
    alice_client.post(REGENERATE)
    new = Token.objects.get(user=alice).key

    assert new in alice_client.get(PROFILE).content.decode()
    assert new not in alice_client.get(PROFILE).content.decode()


def test_it_never_shows_in_full_a_token_made_elsewhere(alice_client, alice):
    """The token made at sign-up, or after a new password, was never shown: the page gives
    its first characters and says how to get a key to copy (regenerate)."""
    key = Token.objects.create(user=alice).key

    page = alice_client.get(PROFILE).content.decode()

    assert key not in page
    assert f"{key[:4]}\u2026" in page
    assert "Regenerate the token" in page


def test_it_does_not_show_a_key_replaced_before_the_page_was_read(alice_client, alice):
    """A key kept for the next page that no longer works (a new password replaced it
    meanwhile) is not shown as if it did."""
    alice_client.post(REGENERATE)
    shown = Token.objects.get(user=alice).key
    from accounts.services import api_token_regenerate

    api_token_regenerate(user=alice)

    page = alice_client.get(PROFILE).content.decode()
    assert shown not in page
    assert Token.objects.get(user=alice).key not in page


def test_the_key_shown_once_is_not_shown_to_whoever_signs_in_next_in_that_browser(
    alice_client, alice, client
):
    from accounts.models import User

    alice_client.post(REGENERATE)
    key = Token.objects.get(user=alice).key
    bob = User.objects.create_user(username="bob", email="bob@example.com", password="x")
    client.force_login(bob)

    assert key not in client.get(PROFILE).content.decode()


def test_the_once_only_notice_reads_in_french(alice_client, alice):
    alice_client.cookies["django_language"] = "fr"
    alice_client.post(REGENERATE)

    first = alice_client.get(PROFILE).content.decode()
    again = alice_client.get(PROFILE).content.decode()

    assert "il ne sera plus affiché" in first
    assert "Seuls ses premiers caractères sont affichés" in again


# --- The admin ----------------------------------------------------------------------------


def test_the_admin_list_of_api_tokens_shows_only_their_first_characters(client, alice):
    """DRF's admin listed every member's key whole: whoever could see that page (a staff
    member allowed only to view tokens, a screenshot) could call the API as anyone."""
    from accounts.models import User

    boss = User.objects.create_user(
        username="boss", email="boss@example.com", password="x", is_staff=True, is_superuser=True
    )
    key = Token.objects.create(user=alice).key
    client.force_login(boss)

    listing = client.get(reverse("admin:accounts_apitoken_changelist"))
    change = client.get(reverse("admin:accounts_apitoken_change", args=[alice.pk]))

    assert listing.status_code == 200 and change.status_code == 200
    assert key not in listing.content.decode() + change.content.decode()
    assert f"{key[:4]}\u2026" in listing.content.decode()


# --- A key is a password: a session alone does not make one ---------------------------------


def test_it_asks_for_the_password_again_before_making_a_token_from_a_bare_session(client, alice):
    """A borrowed session must not mint a key that keeps working after it ends: making one
    asks for the password unless it was given in the last minutes, as changing the email
    address does."""
    client.force_login(alice)  # a session someone took: no recent password in it

    response = client.post(REGENERATE)

    assert response.status_code == 302
    assert response["Location"].startswith(REAUTHENTICATE)
    assert not Token.objects.filter(user=alice).exists()


def test_it_keeps_the_old_token_when_a_bare_session_asks_to_regenerate_it(client, alice):
    old = Token.objects.create(user=alice).key
    client.force_login(alice)

    client.post(REGENERATE)

    assert Token.objects.get(user=alice).key == old


def test_once_the_password_is_given_the_token_is_made_and_shown_once(client, alice):
    from tests.accounts.conftest import PASSWORD

    client.force_login(alice)
    asked = client.post(REGENERATE)

    done = client.post(asked["Location"], {"password": PASSWORD})

    assert done.status_code == 302 and done["Location"] == PROFILE
    key = Token.objects.get(user=alice).key
    assert key in client.get(PROFILE).content.decode()
    assert key not in client.get(PROFILE).content.decode()


# --- Revoking it ----------------------------------------------------------------------------


def test_it_lets_the_owner_revoke_the_token_without_making_another(alice_client, alice, api_client):
    """Someone who fears the key leaked, or no longer uses the API, could only replace it
    with another working key: now the key can be turned off."""
    key = Token.objects.create(user=alice).key

    response = alice_client.post(reverse("accounts:api-token-revoke"))

    assert response.status_code == 302 and response["Location"] == PROFILE
    assert not Token.objects.filter(user=alice).exists()
    assert api_get(api_client, key).status_code == 401
    page = alice_client.get(PROFILE).content.decode()
    assert "Your API token was revoked; it no longer works." in page
    assert "Create an API token" in page


def test_revoking_is_a_post_with_the_csrf_token(alice):
    Token.objects.create(user=alice)
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    assert client.post(reverse("accounts:api-token-revoke")).status_code == 403
    assert client.get(reverse("accounts:api-token-revoke")).status_code == 405
    assert Token.objects.filter(user=alice).exists()


def test_revoking_touches_only_the_owners_token(alice_client, alice):
    from accounts.models import User

    bob = User.objects.create_user(username="bob", email="bob@example.com", password="x")
    theirs = Token.objects.create(user=bob).key

    alice_client.post(reverse("accounts:api-token-revoke"))

    assert Token.objects.get(user=bob).key == theirs


def test_the_page_offers_to_revoke_the_token_in_english_and_french(alice_client, alice):
    Token.objects.create(user=alice)

    assert "Revoke the token" in alice_client.get(PROFILE).content.decode()
    alice_client.cookies["django_language"] = "fr"
    assert "Révoquer" in alice_client.get(PROFILE).content.decode()


def test_the_french_account_pages_call_the_api_token_a_token_as_every_french_page_does(
    alice_client, alice
):
    """The profile and deletion pages said "jeton" where the rest of the site says "token"."""
    Token.objects.create(user=alice)
    alice_client.cookies["django_language"] = "fr"

    profile = alice_client.get(PROFILE).content.decode()
    delete = alice_client.get(reverse("accounts:delete")).content.decode()

    assert "Token d\u2019API" in profile
    assert "jeton" not in (profile + delete).lower()
