"""The token and list admin actions speak French to a French curator, plurals included."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import TokenFactory, TokenListFactory

pytestmark = pytest.mark.django_db

TOKEN_CHANGELIST = reverse("admin:markets_token_changelist")
LIST_CHANGELIST = reverse("admin:markets_tokenlist_changelist")


@pytest.fixture
def french_admin(admin_client):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    return admin_client


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def run_action(client, url, action, objs):
    return client.post(
        url, {"action": action, "_selected_action": [o.pk for o in objs]}, follow=True
    )


@pytest.mark.parametrize(
    ("action", "one", "two"),
    [
        ("deactivate", "1 token désactivé.", "2 tokens désactivés."),
        ("activate", "1 token activé.", "2 tokens activés."),
        ("mark_benchmark", "1 token marqué comme référence.", "2 tokens marqués comme référence."),
        (
            "unmark_benchmark",
            "1 token n\u2019est plus une référence.",
            "2 tokens ne sont plus des références.",
        ),
    ],
)
def test_token_actions_report_in_french_with_the_right_plural(french_admin, action, one, two):
    first, second = TokenFactory(symbol="TAO"), TokenFactory(symbol="NEAR")

    assert one in messages_of(run_action(french_admin, TOKEN_CHANGELIST, action, [first]))
    assert two in messages_of(run_action(french_admin, TOKEN_CHANGELIST, action, [first, second]))


def test_featuring_a_list_is_confirmed_in_french(french_admin):
    chosen = TokenListFactory(name="IA", slug="ia")

    response = run_action(french_admin, LIST_CHANGELIST, "feature_list", [chosen])

    assert "«\u202fIA\u202f» est désormais la liste mise en avant." in messages_of(response)


def test_featuring_two_lists_is_refused_in_french(french_admin):
    lists = [TokenListFactory(slug="a"), TokenListFactory(slug="b")]

    response = run_action(french_admin, LIST_CHANGELIST, "feature_list", lists)

    assert "Sélectionnez exactement une liste à mettre en avant." in messages_of(response)
