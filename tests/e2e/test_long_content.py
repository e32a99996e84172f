"""Long content does not make a page scroll sideways: an 80-character watchlist name without
a space (also in the alert form's dropdown and on the public share page), a long email
address and display name, a long word in a comment and so in the reply's notification, and
staff's long list, token and episode names and poll question and options. At 390 and 1280 px,
in English and French."""

from dataclasses import dataclass

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client
from playwright.sync_api import Browser, expect

from alerts.services import alert_create
from discussions.models import Poll
from discussions.services.comments import comment_create
from discussions.services.moderation import comment_report
from episodes.models import Episode
from markets.models import Token, TokenList, TokenListMembership
from markets.services.metrics import metrics_recompute
from watchlists import services
from watchlists.models import NAME_MAX_LENGTH

WIDTHS = [390, 1280]
LONG_NAME = ("WatchlistOfMyLongTermAIHoldings" * 3)[:NAME_MAX_LENGTH]
LONG_EMAIL = "jeanne.dupont.portefeuille.intelligence.artificielle@subdomain.example.org"
LONG_WORD = "Capitulation" + "n" * 60 + "!!!"


@dataclass
class Content:
    user: object
    watchlist: object
    share_url: str
    comment: object
    rule: object
    symbol: str


def staff_long_names() -> str:
    """A member of the AI list with a 100-character name, a list and an episode title alike;
    returns the member's symbol."""
    token = Token.objects.filter(memberships__token_list__slug="ai").exclude(symbol="TAO")[0]
    token.name = token.name_fr = "Supercalifragilistic" * 5
    token.save()
    long = TokenList.objects.create(
        slug="long", name="ArtificialIntelligence" * 4, name_fr="IntelligenceArtificielle" * 4,
        description="Longdescriptionword" * 10,
    )  # fmt: skip
    TokenListMembership.objects.create(token_list=long, token=token)
    Episode.objects.filter(slug="feb-2026").update(
        title="TheGreatAICrashOfFebruary" * 7, title_fr="LeGrandKrachDeLIAEnFévrier" * 7
    )
    poll = Poll.objects.get(token_list__slug="ai")  # on the dashboard, the list and its page
    Poll.objects.filter(pk=poll.pk).update(question_en="Doomed" * 33, question_fr="Condamnés" * 22)
    poll.options.filter(pk=poll.options.first().pk).update(
        label_en="CapitulationThenRebound" * 8, label_fr="CapitulationPuisRebond" * 9
    )
    metrics_recompute()
    return token.symbol


@pytest.fixture
def long_content(demo) -> Content:
    users = get_user_model().objects
    jeanne = users.create_user(
        "jeanne", LONG_EMAIL, "pw-jeanne-1234", is_staff=True,
        display_name=("JeanneDupont" * 7)[:80],
    )  # fmt: skip
    EmailAddress.objects.create(user=jeanne, email=LONG_EMAIL, primary=True, verified=True)
    EmailAddress.objects.create(
        user=jeanne, email="jeanne.dupont@example.org", primary=False, verified=True
    )
    bob = users.create_user("bob", "bob@example.org", "pw-bob-12345", display_name="B" * 80)
    symbol = staff_long_names()

    watchlist = services.watchlist_create(owner=jeanne, name=LONG_NAME)
    services.watchlist_create(owner=jeanne, name="AI bags")
    for token in Token.objects.values_list("symbol", flat=True):
        lots = [{"quantity": "1234.5678", "cost_basis_usd": "99999.99", "purchased_at": None}]
        services.watchlist_add_token(watchlist=watchlist, symbol=token, lots=lots)
    item = watchlist.items.get(token__symbol="TAO")
    services.item_note_set(item=item, note=LONG_WORD * 5)
    services.watchlist_share_set(watchlist=watchlist, is_public=True)

    tao = Token.objects.get(symbol="TAO")
    comment = comment_create(author=jeanne, body=f"{LONG_WORD * 3} then a rebound", token=tao)
    comment_create(author=bob, body=LONG_WORD * 4, token=tao, parent=comment)  # notifies her
    long_list = TokenList.objects.get(slug="long")
    listed = comment_create(author=jeanne, body=LONG_WORD * 3, token_list=long_list)
    comment_create(author=bob, body=LONG_WORD * 4, token_list=long_list, parent=listed)
    comment_report(comment=comment, reporter=bob, reason="spam", text=LONG_WORD * 3)
    rule = alert_create(
        owner=jeanne, condition="drawdown_ath_below", value=-0.5, target="watchlist",
        watchlist_id=watchlist.pk,
    )  # fmt: skip
    return Content(
        user=jeanne,
        watchlist=watchlist,
        share_url=f"/watchlists/shared/{watchlist.share_token}/",
        comment=comment,
        rule=rule,
        symbol=symbol,
    )


def signed_in_context(browser: Browser, live_server, user, *, width: int, locale: str):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": width, "height": 900}, locale=locale)
    name = django_settings.SESSION_COOKIE_NAME
    cookie = {"name": name, "value": client.cookies[name].value, "url": live_server.url}
    context.add_cookies([cookie])
    return context


# On a failure: the innermost elements reaching past the screen outside any scroll box (a
# table's wrapper scrolls on purpose), so the message says what to fix.
WIDEST = """() => {
  const limit = document.documentElement.clientWidth;
  const clipped = e => {
    for (let a = e.parentElement; a; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    }
    return false;
  };
  const wide = [...document.querySelectorAll('body *')].filter(e => {
    const box = e.getBoundingClientRect();
    return box.width && box.left + Math.max(box.width, e.scrollWidth) > limit + 0.5 && !clipped(e);
  });
  return wide.filter(e => !wide.some(o => o !== e && e.contains(o))).slice(0, 3).map(e =>
    e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') + ' ' +
    (e.parentElement ? e.parentElement.tagName.toLowerCase() + '.' + e.parentElement.className : '')
    + ' "' + e.textContent.trim().slice(0, 30) + '"');
}"""


def overflow(page, url: str) -> list:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    return [] if scroll <= inner else [(url, scroll, inner, page.evaluate(WIDEST))]


def public_pages(content: Content) -> list[str]:
    return [
        "/", "/lists/", "/lists/long/", f"/tokens/{content.symbol}/", "/tokens/TAO/comments/",
        "/lists/long/comments/", f"/comments/{content.comment.pk}/", "/episodes/",
        "/episodes/feb-2026/", content.share_url,
        f"/polls/{Poll.objects.get(token_list__slug='ai').pk}/",
    ]  # fmt: skip


def signed_in_pages(content: Content) -> list[str]:
    wl, rule = content.watchlist.pk, content.rule.pk
    return [
        "/tokens/TAO/", "/watchlists/", f"/watchlists/{wl}/", f"/watchlists/{wl}/items/TAO/",
        f"/watchlists/{wl}/items/{content.symbol}/", content.share_url, "/accounts/profile/",
        "/accounts/email/", "/accounts/password/reset/", "/notifications/", "/alerts/",
        "/alerts/new/", f"/alerts/{rule}/", f"/alerts/{rule}/edit/", "/tokens/TAO/comments/",
        "/moderation/", "/curate/",
    ]  # fmt: skip


@pytest.mark.parametrize("locale", ["en-GB", "fr-FR"])
def test_long_names_words_and_addresses_never_make_a_page_scroll_sideways(
    browser: Browser, live_server, long_content, locale
):
    wide = []
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900}, locale=locale)
        page = context.new_page()
        for path in public_pages(long_content):
            wide += [(width, *o) for o in overflow(page, live_server.url + path)]
        context.close()
        context = signed_in_context(
            browser, live_server, long_content.user, width=width, locale=locale
        )
        page = context.new_page()
        page.goto(live_server.url + "/alerts/new/")  # the long name is one of the options
        expect(page.locator("#id_watchlist_id option", has_text=LONG_NAME)).to_have_count(1)
        for path in signed_in_pages(long_content):
            wide += [(width, *o) for o in overflow(page, live_server.url + path)]
        context.close()
    assert wide == [], "\n".join(map(str, wide))
