"""Two people argue about TAO in a real browser: a comment, a reply, a report, a moderator
hides the comment from the queue, its author sees it removed; a bearish vote moves the split
without a reload. At a phone's width and a desktop's."""

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client
from playwright.sync_api import Browser, expect

from tests.factories import TokenFactory

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "discussion.png"


def signed_in(browser: Browser, live_server, user, width: int):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context.new_page()


@pytest.mark.parametrize("width", [390, 1280])
def test_two_users_discuss_tao_a_moderator_hides_a_comment_and_a_vote_moves_the_split(
    browser: Browser, live_server, transactional_db, width
):
    TokenFactory(symbol="TAO", name="Bittensor")
    users = get_user_model().objects
    alice = users.create_user("alice", "alice@example.org", "pw")
    bob = users.create_user("bob", "bob@example.org", "pw")
    staff = users.create_user("staff", "staff@example.org", "pw", is_staff=True)
    tao_page = f"{live_server.url}/tokens/TAO/"

    first = signed_in(browser, live_server, alice, width)
    first.goto(tao_page)
    first.evaluate("window.stillTheSamePage = true")
    thread = first.locator("#thread-token")
    thread.locator("textarea[name=body]").first.fill("**Capitulation**, then a rebound for $TAO")
    thread.locator("select[name=stance]").first.select_option("bullish")
    thread.get_by_role("button", name="Post comment").click()
    comment = thread.locator("article.comment").first
    expect(comment).to_contain_text("Capitulation, then a rebound")
    expect(comment.locator(".comment__body strong")).to_have_text("Capitulation")
    expect(comment.locator(".stance--bullish")).to_be_visible()

    second = signed_in(browser, live_server, bob, width)
    second.goto(tao_page)
    their = second.locator("#thread-token article.comment").first
    their.locator("summary", has_text="Reply").click()
    their.locator("textarea[name=body]").fill("The narrative is over.")
    their.get_by_role("button", name="Post reply").click()
    expect(second.locator(".comment--reply")).to_contain_text("The narrative is over.")
    if width == 1280:  # the README's picture of a thread
        second.locator("#sentiment, #thread-token").last.screenshot(path=str(SCREENSHOT))
    their = second.locator("#thread-token article.comment").first
    their.locator("summary", has_text="Report").first.click()
    their.locator("select[name=reason]").first.select_option("spam")
    their.get_by_role("button", name="Send report").first.click()
    expect(second.locator("#thread-token")).to_contain_text("the moderators will look at it")

    moderator = signed_in(browser, live_server, staff, width)
    moderator.goto(f"{live_server.url}/moderation/")
    item = moderator.locator(".moderation-item").first
    expect(item).to_contain_text("Capitulation")
    item.locator("input[name=reason]").fill("off-topic")
    item.get_by_role("button", name="Hide").click()
    expect(moderator.locator(".messages")).to_contain_text("Done")

    first.reload()
    first.evaluate("window.stillTheSamePage = true")
    expect(first.locator("#thread-token article.comment").first).to_contain_text(
        "Removed by a moderator."
    )
    expect(first.locator("#thread-token")).not_to_contain_text("then a rebound")

    sentiment = first.locator("#sentiment")
    expect(sentiment).to_contain_text("0 voters")
    sentiment.get_by_role("button", name="Bearish").click()
    expect(first.locator("#sentiment [data-share=bearish]")).to_have_text("100 %")
    expect(first.locator("#sentiment")).to_contain_text("1 voter")
    assert first.evaluate("window.stillTheSamePage") is True  # no reload


def test_the_moderation_reason_field_looks_like_the_other_fields(
    browser: Browser, live_server, transactional_db
):
    from discussions.services.comments import comment_create
    from discussions.services.moderation import comment_report

    tao = TokenFactory(symbol="TAO", name="Bittensor")
    users = get_user_model().objects
    alice = users.create_user("alice", "alice@example.org", "pw")
    mod = users.create_user("mod", "mod@example.org", "pw", is_staff=True)
    comment = comment_create(author=alice, body="Buy my course", token=tao)
    comment_report(comment=comment, reporter=mod, reason="spam")
    page = signed_in(browser, live_server, mod, 390)
    look = """(sel) => { const s = getComputedStyle(document.querySelector(sel));
                         return [s.paddingLeft, s.borderRadius, s.fontSize]; }"""

    page.goto(f"{live_server.url}/moderation/")

    assert page.evaluate(look, f"#reason-{comment.pk}") == page.evaluate(look, "#mute-reason")
