"""The alerts pages: list, presets, prefilled form, bad input, pause, delete, ownership."""

from __future__ import annotations

import uuid

import pytest
from django.conf import settings

from alerts.models import AlertFiring, AlertRule
from alerts.services import alert_create
from tests.markets.pages.html import find

pytestmark = pytest.mark.django_db


@pytest.fixture
def rule(alice, btc):
    return alert_create(
        owner=alice, condition="crossing_down", value=60_000, target="token", symbol="BTC"
    )


def form(**fields) -> dict:
    return {
        "condition": "crossing_down",
        "value": "60000",
        "target": "token",
        "symbol": "BTC",
        "frequency": "rearm",
        "cooldown_hours": "6",
        **fields,
    }


def test_the_alerts_page_lists_the_rules_with_the_article_presets(client, alice, rule):
    client.force_login(alice)
    page = client.get("/alerts/").content.decode()
    assert "BTC: price crossing down $60,000.00" in page
    assert 'data-preset="btc-60k"' in page and "style=" not in page and "<script>" not in page


def test_the_presets_write_amounts_and_signs_as_the_rules_do(client, alice):
    """The presets read "BTC crossing down 60,000 $" and "below -10 %" (a hyphen) above rules
    reading "$60,000.00" and "\u221210.00 %"."""
    client.force_login(alice)
    english = client.get("/alerts/").content.decode()
    assert "BTC crossing down $60,000</" in english and "60,000 $" not in english
    assert "cap change 24\u00a0h below \u221210\u00a0%</" in english and "-10 %" not in english
    french = client.get("/alerts/", headers={"Accept-Language": "fr"}).content.decode()
    assert "capitalisation sur 24\u00a0h sous \u221210\u00a0%</" in french and "-10" not in french
    assert "BTC passe sous 60\u202f000\u00a0$" in french  # spaced as the figures beside it


def test_a_preset_opens_the_form_prefilled(client, alice, btc):
    client.force_login(alice)
    page = client.get("/alerts/new/", {"preset": "ai-cap-24h"}).content.decode()
    assert 'value="list_cap_change_24h_below" selected' in page
    assert 'value="-10"' in page


def test_the_token_page_alert_me_button_prefills_the_token(client, alice, btc):
    client.force_login(alice)
    assert "/alerts/new/?token=BTC" in client.get("/tokens/BTC/").content.decode()
    assert 'value="BTC"' in client.get("/alerts/new/", {"token": "btc"}).content.decode()


def test_creating_an_alert_from_the_form_saves_it(client, alice, btc):
    client.force_login(alice)
    response = client.post("/alerts/new/", form())
    assert response.status_code == 302
    rule = AlertRule.objects.get(owner=alice)
    assert (rule.condition, rule.value, rule.token, rule.frequency) == (
        "crossing_down",
        60_000,
        btc,
        "rearm",
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"symbol": "XYZ"}, "Unknown token symbol"),
        ({"symbol": ""}, "Enter a token symbol."),
        ({"value": "-5"}, "A price level must be more than 0"),
        ({"condition": "change_24h_below", "value": "-150"}, "above -100 %"),
        ({"condition": "volume_spike", "value": "0.5"}, "A spike factor"),
        ({"expires_at": "2000-01-01T00:00"}, "The expiry date is in the past."),
        ({"webhook_url": "http://example.org/hook"}, "must use HTTPS"),
        ({"webhook_url": "https://127.0.0.1/hook"}, "inside a private network"),
        ({"webhook_url": "https://169.254.169.254/latest"}, "inside a private network"),
        ({"webhook_url": "https://2130706433/hook"}, "four decimal numbers"),
        ({"webhook_url": "https://127.1/hook"}, "four decimal numbers"),
        ({"webhook_url": "https://exa mple.org/hook"}, "Enter a valid host name"),
        ({"target": "list", "list_slug": "nope"}, "Select a valid choice"),
    ],
)
def test_bad_input_shows_a_clear_message_and_saves_nothing(client, alice, btc, fields, message):
    client.force_login(alice)
    response = client.post("/alerts/new/", form(**fields))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AlertRule.objects.exists()


def test_the_form_shows_every_mistake_at_once(client, alice, btc):
    client.force_login(alice)
    fields = form(value="-5", expires_at="2000-01-01T00:00", webhook_url="http://example.org/h")
    page = client.post("/alerts/new/", fields).content.decode()
    for message in ("A price level must be more than 0", "in the past", "must use HTTPS"):
        assert message in page, message


def test_another_users_watchlist_is_refused(client, alice, bob, btc):
    from watchlists.services import watchlist_create

    theirs = watchlist_create(owner=bob, name="Bob's")
    client.force_login(alice)
    response = client.post("/alerts/new/", form(target="watchlist", watchlist_id=theirs.pk))
    assert response.status_code == 400 and not AlertRule.objects.exists()


def test_the_201st_alert_is_refused(client, alice, btc):
    rules = [
        AlertRule(
            owner=alice,
            condition="less_than",
            value=1,
            target="token",
            token=btc,
            created_at="2026-01-01T00:00Z",
        )
        for _ in range(200)
    ]
    AlertRule.objects.bulk_create(rules)
    client.force_login(alice)
    response = client.post("/alerts/new/", form())
    assert response.status_code == 400 and "the most allowed" in response.content.decode()
    assert AlertRule.objects.count() == 200


def test_pause_resume_edit_and_delete(client, alice, rule):
    client.force_login(alice)
    client.post(f"/alerts/{rule.pk}/pause/")
    rule.refresh_from_db()
    assert not rule.is_active
    client.post(f"/alerts/{rule.pk}/pause/")
    rule.refresh_from_db()
    assert rule.is_active
    response = client.post(f"/alerts/{rule.pk}/edit/", form(value="58000"))
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.value == 58_000
    client.post(f"/alerts/{rule.pk}/delete/")
    assert not AlertRule.objects.exists()


def test_delete_asks_first_on_a_page_naming_the_alert_and_its_history(client, alice, rule):
    """One tap on Delete, beside Pause, removed the alert and its firings at once."""
    AlertFiring.objects.create(
        rule=rule, subject_id=rule.token_id, version=rule.created_at, value=59_000.0,
        text="BTC below", fired_at=rule.created_at, run=uuid.uuid4(),
    )  # fmt: skip
    client.force_login(alice)
    index = client.get("/alerts/").content.decode()
    assert f'href="/alerts/{rule.pk}/delete/"' in index
    assert f'action="/alerts/{rule.pk}/delete/"' not in index
    page = client.get(f"/alerts/{rule.pk}/delete/")
    html = page.content.decode()
    assert page.status_code == 200 and "BTC: price crossing down $60,000.00" in html
    assert "1 firing" in html and f'action="/alerts/{rule.pk}/delete/"' in html
    assert AlertRule.objects.filter(pk=rule.pk).exists()
    response = client.post(f"/alerts/{rule.pk}/delete/")
    assert response.status_code == 302 and not AlertRule.objects.exists()


def test_the_french_delete_page_asks_in_french(client, alice, rule):
    client.force_login(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    html = client.get(f"/alerts/{rule.pk}/delete/").content.decode()
    assert "Supprimer cette alerte\u202f?" in html and "Annuler" in html


def test_anonymous_visitors_are_sent_to_sign_in_from_the_delete_page(client, rule):
    response = client.get(f"/alerts/{rule.pk}/delete/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["bob", "staff"])
def test_another_users_alert_is_a_404_on_every_page(client, rule, who, request):
    client.force_login(request.getfixturevalue(who))
    for url in (f"/alerts/{rule.pk}/", f"/alerts/{rule.pk}/edit/", f"/alerts/{rule.pk}/delete/"):
        assert client.get(url).status_code == 404
    for url in (f"/alerts/{rule.pk}/pause/", f"/alerts/{rule.pk}/delete/"):
        assert client.post(url).status_code == 404
    assert AlertRule.objects.filter(pk=rule.pk, is_active=True).exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, rule):
    assert client.get("/alerts/").status_code == 302


def test_the_alerts_page_costs_the_same_queries_for_5_and_50_rules(client, alice, btc):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(alice)
    client.get("/alerts/")  # creates the webhook settings
    counts = []
    for n in (5, 45):
        AlertRule.objects.bulk_create(
            [
                AlertRule(
                    owner=alice,
                    condition="less_than",
                    value=1,
                    target="token",
                    token=btc,
                    created_at="2026-01-01T00:00Z",
                )
                for _ in range(n)
            ]
        )
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/alerts/").status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_a_numeric_default_webhook_url_is_refused_with_a_message(client, alice):
    from notifications.models import WebhookSettings

    client.force_login(alice)
    response = client.post("/alerts/webhook/", {"default_url": "https://0x7f000001/"}, follow=True)
    assert "four decimal numbers" in response.content.decode()
    assert WebhookSettings.objects.get(user=alice).default_url == ""


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("http://hooks.example.org/aicrash/7f3a9c", "must use HTTPS"),
        ("https://hooks.example.org/" + "a" * 500, "at most 500 characters"),
    ],
)
def test_a_refused_default_webhook_url_stays_in_its_field_with_the_reason_beside_it(
    client, alice, typed, reason
):
    """The page came back with the field emptied (or the old URL) and the reason at the top of
    a long page: the URL typed, often long, had to be typed again."""
    from notifications.models import WebhookSettings

    WebhookSettings.objects.create(user=alice, default_url="https://old.example.org/")
    client.force_login(alice)

    response = client.post("/alerts/webhook/", {"default_url": typed})

    assert response.status_code == 400
    field = find(response.content, tag="input", name="default_url")
    assert field.attrs["value"] == typed
    assert field.attrs["aria-invalid"] == "true"
    assert "autofocus" in field.attrs  # the browser scrolls down to it
    assert reason in find(response.content, tag="ul", id="id_default_url_error").text
    assert "Webhook settings saved." not in response.content.decode()
    assert WebhookSettings.objects.get(user=alice).default_url == "https://old.example.org/"


def test_editing_an_alert_in_french_shows_and_keeps_its_expiry(client, alice, btc):
    from datetime import UTC, datetime

    expiry = datetime(2099, 1, 1, 0, 0, tzinfo=UTC)
    rule = alert_create(
        owner=alice, condition="crossing_down", value=60_000, symbol="BTC", expires_at=expiry
    )
    client.force_login(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = client.get(f"/alerts/{rule.pk}/edit/").content.decode()
    assert 'type="datetime-local"' in page and 'value="2099-01-01T00:00"' in page
    response = client.post(f"/alerts/{rule.pk}/edit/", form(expires_at="2099-01-01T00:00"))
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.expires_at == expiry


PAGES = ["/alerts/", "/alerts/new/", "/alerts/{pk}/", "/alerts/{pk}/edit/"]


@pytest.mark.parametrize("path", PAGES)
def test_the_alerts_pages_are_never_cached(client, alice, rule, path):
    client.force_login(alice)
    response = client.get(path.format(pk=rule.pk))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("path", "method"),
    [
        *[(path, method) for path in PAGES for method in ("put", "patch", "delete")],
        ("/alerts/", "post"),
        ("/alerts/{pk}/", "post"),
    ],
)
def test_the_alerts_pages_refuse_other_http_methods(client, alice, rule, path, method):
    client.force_login(alice)
    response = getattr(client, method)(path.format(pk=rule.pk), form(value="58000"))
    assert response.status_code == 405
    rule.refresh_from_db()
    assert rule.value == 60_000


def test_the_form_watches_the_chosen_target_whatever_the_other_fields_hold(client, alice, btc):
    from tests.factories import TokenListFactory

    ai = TokenListFactory(slug="ai", is_public=True)
    client.force_login(alice)
    fields = form(target="list", list_slug="ai", condition="drawdown_7d_below", value="-20")
    assert client.post("/alerts/new/", fields).status_code == 302
    rule = AlertRule.objects.get(owner=alice)
    assert (rule.target, rule.token_list, rule.token) == ("list", ai, None)


def test_french_pages_name_a_curated_list_in_french(client, alice, btc):

    from tests.factories import TokenListFactory

    TokenListFactory(slug="ai", name="AI tokens", name_fr="Jetons IA", is_public=True)
    rule = alert_create(
        owner=alice, condition="list_members_down_20", value=2, target="list", list_slug="ai"
    )
    client.force_login(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    for path in ("/alerts/", f"/alerts/{rule.pk}/"):
        page = client.get(path).content.decode()
        assert "Jetons IA\u202f:" in page, path
        assert "AI tokens" not in page, path
    form_page = client.get("/alerts/new/").content.decode()
    assert '<option value="ai">Jetons IA</option>' in form_page


def test_a_too_long_default_webhook_url_is_refused_with_a_message(client, alice):
    from notifications.models import WebhookSettings

    webhook = WebhookSettings.objects.create(user=alice, default_url="https://hooks.example.org/")
    client.force_login(alice)
    client.post("/accounts/reauthenticate/", {"password": "password"})  # a new secret asks it
    url = "https://hooks.example.org/" + "a" * 500
    response = client.post("/alerts/webhook/", {"default_url": url, "new_secret": "1"}, follow=True)
    page = response.content.decode()
    assert "Webhook settings saved." not in page
    assert "at most 500 characters" in page
    assert WebhookSettings.objects.get(user=alice).secret == webhook.secret  # nothing saved


def test_the_form_refuses_a_non_ascii_look_alike_of_a_symbol_and_does_not_prefill_it(client, alice):
    from tests.factories import TokenFactory

    TokenFactory(symbol="SOL")
    client.force_login(alice)
    response = client.post("/alerts/new/", form(symbol="\u017fol"))
    assert response.status_code == 400 and "Unknown token symbol" in response.content.decode()
    assert not AlertRule.objects.exists()
    assert 'value="SOL"' not in client.get("/alerts/new/", {"token": "\u017fol"}).content.decode()
    assert 'value="SOL"' in client.get("/alerts/new/", {"token": "sol"}).content.decode()


def test_a_french_page_takes_a_decimal_comma_in_the_level_and_the_cooldown(client, alice, btc):

    client.force_login(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    fields = form(condition="change_24h_below", value="-10,5", cooldown_hours="1,5")
    response = client.post("/alerts/new/", fields)
    assert response.status_code == 302, response.content.decode()
    rule = AlertRule.objects.get(owner=alice)
    assert (rule.value, rule.cooldown_seconds) == (pytest.approx(-0.105), 5400)
    big = client.post("/alerts/new/", form(value="60 000,5"))
    assert big.status_code == 302
    assert AlertRule.objects.filter(value=60_000.5).exists()


@pytest.mark.parametrize(("language", "typed"), [("en", "\u221210.5"), ("fr", "\u221210,5")])
def test_a_threshold_written_with_the_minus_sign_the_pages_show_is_read(
    client, alice, btc, language, typed
):
    """The pages write a fall as "\u221210.50 %" (U+2212): pasted into the form, it is -10.5,
    not "Enter a number."."""
    client.force_login(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post("/alerts/new/", form(condition="change_24h_below", value=typed))
    assert response.status_code == 302, response.content.decode()
    assert AlertRule.objects.get(owner=alice).value == pytest.approx(-0.105)


def test_an_english_page_still_refuses_a_comma_in_a_level(client, alice, btc):
    client.force_login(alice)
    response = client.post("/alerts/new/", form(value="60,000"))
    assert response.status_code == 400 and not AlertRule.objects.exists()


@pytest.mark.parametrize("typed", ["60_000", "\u0666\u0660\u0660\u0660\u0660"])
def test_a_level_with_an_underscore_or_non_ascii_digits_is_refused(client, alice, btc, typed):
    """Python's float() reads "60_000" and Arabic-Indic digits as 60000; nobody means that."""
    client.force_login(alice)
    response = client.post("/alerts/new/", form(value=typed))
    assert response.status_code == 400 and not AlertRule.objects.exists()
    assert "Enter a number." in response.content.decode()


@pytest.mark.parametrize("path", ["/alerts/", "/alerts/{pk}/"])
def test_it_says_nothing_has_fired_in_a_sentence_not_a_numbered_list(client, alice, rule, path):
    client.force_login(alice)

    page = client.get(path.format(pk=rule.pk)).content.decode()

    assert '<p class="card__empty">Nothing has fired yet.</p>' in page
    assert '<ol class="al-firings">' not in page


def test_an_alerts_history_is_paged_so_firings_past_the_first_page_stay_reachable(
    client, alice, rule
):
    import uuid
    from datetime import UTC, datetime, timedelta

    from alerts.models import AlertFiring

    start = datetime(2026, 2, 1, tzinfo=UTC)
    AlertFiring.objects.bulk_create(
        AlertFiring(rule=rule, subject_id=1, version=start + timedelta(hours=i), value=1.0,
                    text=f"firing {i}", fired_at=start + timedelta(hours=i), run=uuid.uuid4())
        for i in range(130)
    )  # fmt: skip
    client.force_login(alice)

    first = client.get(f"/alerts/{rule.pk}/").content.decode()
    assert "firing 129<" in first and 'rel="next"' in first and 'rel="prev"' not in first
    last = client.get(f"/alerts/{rule.pk}/?page=999").content.decode()
    assert "firing 0<" in last and 'rel="prev"' in last and 'rel="next"' not in last
    pages = [client.get(f"/alerts/{rule.pk}/?page={n}").content.decode() for n in (1, 2, 3)]
    assert sum(page.count("firing ") for page in pages) == 130
    client.cookies["django_language"] = "fr"
    french = client.get(f"/alerts/{rule.pk}/?page=2").content.decode()
    assert "Plus récents" in french and "Page 2 sur 3" in french and "Plus anciens" in french


@pytest.mark.parametrize(
    ("language", "titles"),
    [
        ("en", ["Any AI token more than 20 % below", "AI tokens: cap change 24\u00a0h"]),
        (
            "fr",
            [
                "Un des tokens IA à plus de 20\u00a0%",
                "Tokens IA\u202f: capitalisation sur 24\u00a0h",
            ],
        ),
    ],
)
def test_the_list_presets_name_the_ai_tokens_not_the_lists_slug(client, alice, language, titles):
    client.force_login(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get("/alerts/").content.decode()
    assert all(title in page for title in titles), titles
    assert " ai " not in page


def test_a_french_page_asks_for_numbers_in_text_fields_that_keep_a_typed_comma(client, alice, btc):
    """A number input drops the comma a French reader types (Chromium turns "-10,5" into
    "-105" before posting): the level and the cooldown are text fields with a decimal
    keyboard, shown as the page's language writes them."""
    rule = alert_create(
        owner=alice, condition="change_24h_below", value=-0.105, target="token", symbol="BTC"
    )
    client.force_login(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = client.get(f"/alerts/{rule.pk}/edit/").content.decode()
    assert 'type="number"' not in page
    assert 'name="value" value="-10,5" inputmode="decimal"' in page
    assert 'name="cooldown_hours" value="6" inputmode="decimal"' in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(f"/alerts/{rule.pk}/edit/").content.decode()
    assert 'name="value" value="-10.5" inputmode="decimal"' in english


def test_the_french_alert_form_calls_a_crypto_token_a_token_throughout(client, alice, btc):
    """The form said "Symbole du token" beside "Surveiller : un jeton"."""
    client.force_login(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = client.get("/alerts/new/").content.decode()
    refused = client.post("/alerts/new/", form(symbol="NOPE")).content.decode()
    assert "un token" in page and "chaque token d" in page
    assert "Symbole de token inconnu" in refused
    assert "jeton" not in page.lower() and "jeton" not in refused.lower()


def test_the_alerts_page_writes_when_a_rule_last_fired_as_the_other_pages_do(client, alice, rule):
    from datetime import UTC, datetime

    AlertRule.objects.filter(pk=rule.pk).update(
        last_fired_at=datetime(2026, 2, 5, 14, 30, tzinfo=UTC)
    )
    client.force_login(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = client.get("/alerts/").content.decode()
    assert "5 février 2026, 14:30 UTC" in page  # was "2026-02-05 14:30 UTC"


def test_each_rules_buttons_name_the_rule_for_screen_readers(client, alice, rule):
    """Every row had the same "Edit", "Pause" and "Delete": a screen reader listing the
    buttons could not tell which alert each one acts on."""
    client.force_login(alice)
    page = client.get("/alerts/").content.decode()
    hidden = '<span class="visually-hidden"> BTC: price crossing down $60,000.00</span>'
    assert f"Edit{hidden}</a>" in page
    assert f"Pause{hidden}</button>" in page
    assert f"Delete{hidden}</a>" in page


@pytest.mark.parametrize(
    ("condition", "typed", "french"),
    [
        ("crossing_down", "0", "au plus 1\u202f000\u202f000\u202f000\u00a0$."),
        ("change_24h_below", "-150", "à \u2212100\u00a0% (et au plus 10\u202f000\u00a0%)."),
        ("drawdown_ath_below", "5", "compris entre \u2212100\u00a0% et 0\u00a0%."),
        ("volume_spike", "0,5", "compris entre 1 et 1\u202f000."),
    ],
)
def test_a_refused_french_level_names_its_limits_as_the_pages_write_numbers(
    client, alice, btc, condition, typed, french
):
    """The French form said "au plus 1e9 $" and "supérieur à -100 %": an exponent and a hyphen
    where every figure of the site writes 1 000 000 000 $ and a real minus sign."""
    client.force_login(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    response = client.post("/alerts/new/", form(condition=condition, value=typed))

    assert response.status_code == 400 and not AlertRule.objects.exists()
    assert french in response.content.decode()
    assert f'value="{typed}"' in response.content.decode()  # what was typed is kept


def test_it_resumes_an_ended_once_alert_whose_button_says_resume(client, alice, rule):
    """A once-alert that fired has ended while still active: its button reads "Resume", and
    that click paused it ("Alert paused.", still ended) instead of making it live again."""
    AlertRule.objects.filter(pk=rule.pk).update(ended_at=rule.created_at)
    client.force_login(alice)
    index = client.get("/alerts/").content.decode()
    assert f'action="/alerts/{rule.pk}/pause/"' in index and ">Resume<" in index
    response = client.post(f"/alerts/{rule.pk}/pause/", follow=True)
    rule.refresh_from_db()
    assert rule.is_active and rule.ended_at is None
    assert "Alert resumed." in response.content.decode()


def test_it_lets_an_expired_alert_be_edited_without_retyping_its_expiry(client, alice, btc):
    """The edit form sends the expiry it shows: a rule whose expiry has passed could not be
    changed at all ("The expiry date is in the past") unless the expiry was changed too."""
    rule = alert_create(
        owner=alice, condition="crossing_down", value=60_000, target="token", symbol="BTC"
    )
    AlertRule.objects.filter(pk=rule.pk).update(expires_at="2026-01-01T00:00Z")
    client.force_login(alice)
    response = client.post(
        f"/alerts/{rule.pk}/edit/", form(value="58000", expires_at="2026-01-01T00:00")
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.value == 58_000 and rule.expires_at.isoformat() == "2026-01-01T00:00:00+00:00"
    moved = client.post(f"/alerts/{rule.pk}/edit/", form(expires_at="2026-01-02T00:00"))
    assert moved.status_code == 400 and "in the past" in moved.content.decode()


def test_it_writes_when_a_webhook_delivery_was_made_in_utc_as_the_firings_beside_it(client, alice):
    """The deliveries showed "2026-02-06 12:00" with no time zone, the firings above them
    "Feb. 6, 2026, 12:00 UTC"."""
    from datetime import UTC, datetime

    from notifications.models import WebhookDelivery

    when = datetime(2026, 2, 6, 12, 0, tzinfo=UTC)
    WebhookDelivery.objects.create(
        user=alice, url="https://example.org/h", payload={}, created_at=when, updated_at=when
    )
    client.force_login(alice)
    page = client.get("/alerts/").content.decode()
    assert '<time datetime="2026-02-06T12:00:00+00:00">Feb. 6, 2026, 12:00 UTC</time>' in page
    assert "2026-02-06 12:00<" not in page


def test_it_lets_an_alert_on_an_unpublished_list_be_edited_keeping_its_list(client, alice):
    """While staff have the list unpublished its alerts stay silent, and still belong to their
    owner: the edit form showed no list ("—") and refused to save ("Choose a curated list")."""
    from tests.factories import TokenListFactory

    ai = TokenListFactory(slug="ai", name="AI tokens", is_public=True)
    rule = alert_create(
        owner=alice, condition="drawdown_7d_below", value=-0.2, target="list", list_slug="ai"
    )
    ai.is_public = False
    ai.save(update_fields=["is_public"])
    client.force_login(alice)
    page = client.get(f"/alerts/{rule.pk}/edit/").content.decode()
    assert '<option value="ai" selected>AI tokens</option>' in page
    fields = form(condition="drawdown_7d_below", value="-25", target="list", list_slug="ai")
    response = client.post(f"/alerts/{rule.pk}/edit/", fields)
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.value, rule.token_list) == (-0.25, ai)
    assert '<option value="ai"' not in client.get("/alerts/new/").content.decode()  # not new


def test_it_lets_an_alert_on_a_deactivated_token_be_edited_keeping_its_token(
    client, alice, btc, rule
):
    btc.is_active = False
    btc.save(update_fields=["is_active"])
    client.force_login(alice)
    response = client.post(f"/alerts/{rule.pk}/edit/", form(value="58000"))
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.value, rule.token) == (58_000, btc)


def test_pausing_twice_from_the_same_page_leaves_the_alert_paused(client, alice, rule):
    """The Pause button toggled: a double click, or the button of a page left open in another
    tab, resumed the alert it meant to pause. It now says what it asks for."""
    client.force_login(alice)
    index = client.get("/alerts/").content.decode()
    assert 'name="paused" value="1"' in index
    for _ in range(2):
        client.post(f"/alerts/{rule.pk}/pause/", {"paused": "1"})
    rule.refresh_from_db()
    assert not rule.is_active
    assert 'name="paused" value="0"' in client.get("/alerts/").content.decode()
    for _ in range(2):
        client.post(f"/alerts/{rule.pk}/pause/", {"paused": "0"})
    rule.refresh_from_db()
    assert rule.is_active
