"""Nobody can learn which usernames exist from the profile form, and a username chosen by
hand (staff sign in to the admin and the API with theirs) is never shown to other people:
such an account is shown by a handle, so no display name can pass for it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import User
from accounts.services import profile_update
from tests.discussions.conftest import comment
from tests.factories import TokenFactory

pytestmark = pytest.mark.django_db

PROFILE = reverse("accounts:profile")


def _user(username: str, **fields) -> User:
    return User.objects.create_user(
        username=username, email=f"{username}@example.org", password="x", **fields
    )


@pytest.mark.parametrize("name", ["root", "ROOT", "Root"])
def test_it_accepts_a_display_name_equal_to_a_staff_username_like_any_free_name(client, name):
    _user("root", is_staff=True, is_superuser=True)
    bob = _user("member-bobbobbo")
    client.force_login(bob)

    taken = client.post(PROFILE, {"display_name": name, "preferred_language": ""})
    free = client.post(PROFILE, {"display_name": "nobody-has-this", "preferred_language": ""})

    assert taken.status_code == free.status_code == 302  # the same answer: nothing to learn
    bob.refresh_from_db()
    assert bob.display_name == "nobody-has-this"


def test_a_staff_member_without_a_display_name_is_never_shown_by_their_username(client, api_client):
    TokenFactory(symbol="TAO", name="Bittensor", coingecko_id="bittensor")
    root = _user("root", is_staff=True, is_superuser=True)
    comment(root, "Welcome to the discussion")

    [item] = api_client.get("/api/v1/tokens/TAO/comments/").json()["results"]
    page = client.get("/tokens/TAO/comments/").content.decode()

    assert root.public_name.startswith("member-") and root.public_name != "member-"
    assert item["author"] == root.public_name
    assert f'<span class="comment__author">{root.public_name}</span>' in page
    assert ">root<" not in page and "root" not in item["author"]


def test_the_handle_of_a_named_account_is_stable_and_its_own():
    root = _user("root", is_staff=True)
    admin = _user("admin", is_staff=True)

    assert root.public_name == User.objects.get(pk=root.pk).public_name
    assert root.public_name != admin.public_name
    assert len(root.public_name) == len("member-") + 8


def test_nobody_can_take_the_handle_a_named_account_is_shown_by():
    root = _user("root", is_staff=True)
    bob = _user("member-bobbobbo")

    with pytest.raises(Exception, match="cannot start with"):
        profile_update(
            user=bob,
            display_name=root.public_name,
            preferred_language="",
            email_notifications=True,
        )


def test_a_generated_handle_is_still_shown_as_it_is():
    dora = _user("member-abcdefgh")

    assert dora.public_name == "member-abcdefgh"


@pytest.mark.parametrize(
    "name",
    ["Admin", "ADMINISTRATOR", "Bob (admin)", "aicrash team", "Mod\u00e9rateur", "staff",
     "AI Crash", "ai-crash fan"],
)  # fmt: skip
def test_a_member_cannot_take_a_name_that_speaks_for_the_site(name):
    bob = _user("member-bobbobbo")

    with pytest.raises(ValidationError) as error:
        profile_update(user=bob, display_name=name, preferred_language="", email_notifications=True)

    [message] = error.value.message_dict["display_name"]
    assert message.startswith("This name is kept for the site")


def test_staff_may_sign_as_the_site(settings):
    root = _user("root", is_staff=True)

    saved = profile_update(
        user=root, display_name="aicrash moderator", preferred_language="",
        email_notifications=True,
    )  # fmt: skip

    assert saved.display_name == "aicrash moderator"


@pytest.mark.parametrize("name", ["Staffordshire trader", "Badminton fan", "Modest Bob"])
def test_names_that_only_contain_those_words_are_welcome(name):
    bob = _user("member-bobbobbo")

    saved = profile_update(
        user=bob, display_name=name, preferred_language="", email_notifications=True
    )

    assert saved.display_name == name


def test_a_word_of_a_longer_site_name_alone_stays_free(settings):
    # With the site's name split into words, "AI" or "Watch" alone was refused.
    settings.SITE_NAME = "AI Crash Watch"
    bob = _user("member-bobbobbo")

    profile_update(
        user=bob, display_name="Crypto AI fan", preferred_language="", email_notifications=True
    )
    with pytest.raises(ValidationError):
        profile_update(
            user=bob, display_name="aicrashwatch", preferred_language="", email_notifications=True
        )
