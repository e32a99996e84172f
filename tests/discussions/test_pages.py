"""Thread pages: on token and list pages, htmx and plain forms, permissions, counts, cache."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from discussions import services
from discussions.models import Comment
from tests.discussions.conftest import comment

HX = {"HTTP_HX_REQUEST": "true"}


def test_the_token_page_shows_its_thread_sentiment_and_a_comment_count(client, alice, tao):
    comment(alice, "*Capitulation* first")
    html = client.get("/tokens/TAO/").content.decode()
    assert 'id="thread-token"' in html and "<em>Capitulation</em> first" in html
    assert 'id="sentiment"' in html
    assert 'class="badge badge--comments"' in html and "1 comment" in html
    assert "Sign in to join the discussion." in html
    assert 'name="csrfmiddlewaretoken"' not in html  # anonymous pages are shared


@time_machine.travel("2026-02-20 15:00Z", tick=False)
def test_the_daily_sentiment_table_dates_each_day_in_words_and_in_iso_form(client, tao):
    html = client.get("/tokens/TAO/").content.decode()
    days = re.findall(r'<time datetime="([^"]+)">([^<]+)</time></th>', html)
    assert len(days) == 30
    assert days[0] == ("2026-02-20", "Feb. 20, 2026")  # newest first
    assert days[-1] == ("2026-01-22", "Jan. 22, 2026")


def test_list_pages_and_the_dashboard_show_the_lists_thread_and_open_poll(client, alice, ai_list):
    from discussions.services.polls import scenario_poll_seed

    scenario_poll_seed(token_list=ai_list)
    comment(alice, "sector view", token_list=ai_list)
    for path in ("/lists/ai-tokens/", "/"):
        html = client.get(path).content.decode()
        assert 'id="thread-list"' in html and "sector view" in html, path
        assert "AI tokens: doomed, or a healthy purge?" in html, path
    assert "1 comment" in client.get("/lists/").content.decode()


def test_a_plain_form_posts_and_redirects_to_the_comment(client, alice, tao):
    client.force_login(alice)
    response = client.post("/tokens/TAO/comments/", {"body": "hello", "stance": "bullish"})
    posted = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/tokens/TAO/#comment-{posted.pk}"
    assert posted.author == alice and posted.stance == "bullish"


@pytest.mark.usefixtures("no_rate_limits")
def test_without_javascript_acting_on_an_older_comment_lands_on_its_own_page_where_it_shows(
    client, alice, bob, tao
):
    oldest = comment(alice, "the oldest")
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        for n in range(20):  # the thread's first page is full: the oldest is on page 2
            comment(alice, f"newer {n}")
    client.force_login(bob)

    response = client.post(f"/comments/{oldest.pk}/reply/", {"body": "late reply"})
    reply = Comment.objects.get(parent=oldest)
    assert response["Location"] == f"/comments/{oldest.pk}/#comment-{reply.pk}"
    html = client.get(response["Location"]).content.decode()
    assert f'id="comment-{reply.pk}"' in html and "late reply" in html
    assert "late reply" not in client.get("/tokens/TAO/").content.decode()

    edited = client.post(f"/comments/{reply.pk}/edit/", {"body": "late reply, edited"})
    assert edited["Location"] == f"/comments/{oldest.pk}/#comment-{reply.pk}"

    reported = client.post(f"/comments/{oldest.pk}/report/", {"reason": "spam"}, follow=True)
    assert reported.redirect_chain == [(f"/comments/{oldest.pk}/#comment-{oldest.pk}", 302)]
    assert "Thank you: the moderators will look at it." in reported.content.decode()

    deleted = client.post(f"/comments/{reply.pk}/delete/")
    assert deleted["Location"] == f"/comments/{oldest.pk}/#comment-{reply.pk}"


def test_without_javascript_a_comment_the_textarea_allows_is_accepted_with_its_new_lines(
    client, alice, tao
):
    # maxlength counts a new line as one character; the browser posts it as CR LF.
    typed = "\n".join(["y" * 97] * 51) + "zzz"  # 51 x 97 + 50 new lines + 3 = 5000
    assert len(typed) == 5000
    client.force_login(alice)

    response = client.post("/tokens/TAO/comments/", {"body": typed.replace("\n", "\r\n")})

    assert response.status_code == 302
    assert Comment.objects.get().body == typed  # stored with LF


def test_the_textareas_let_people_type_as_much_as_the_configured_limit_allows(
    client, alice, tao, settings
):
    settings.COMMENT_MAX_LENGTH = 8000
    comment(alice, "mine: its edit and reply forms show")
    client.force_login(alice)
    for path in ("/tokens/TAO/", "/tokens/TAO/comments/"):
        html = client.get(path).content.decode()
        limits = re.findall(r'<textarea[^>]*name="body"[^>]*maxlength="(\d+)"', html)
        assert limits == ["8000"] * 3, path  # new comment, edit, reply


def test_an_htmx_post_returns_the_thread_fragment(client, alice, tao):
    client.force_login(alice)
    response = client.post("/tokens/TAO/comments/", {"body": "via htmx"}, **HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="thread-token"') and "via htmx" in html


def test_a_refused_comment_shows_the_message_keeps_the_text_and_stores_nothing(
    client, alice, tao, settings
):
    settings.COMMENT_MAX_LENGTH = 5
    client.force_login(alice)
    response = client.post("/tokens/TAO/comments/", {"body": "too long"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "At most 5 characters (this has 8)." in html and ">too long</textarea>" in html
    response = client.post("/tokens/TAO/comments/", {"body": "too long"}, **HX)
    assert "At most 5 characters" in response.content.decode()
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "body, french",
    [
        ("rtl\u202e here", "Les caractères invisibles ou qui changent le sens d\u2019écriture"),
        ("bell\x07 here", "Les caractères de contrôle ne sont pas autorisés (U+0007)."),
    ],
)
def test_a_comment_refused_for_a_hidden_character_says_why_in_french(
    client, alice, tao, body, french
):
    client.force_login(alice)
    client.cookies["django_language"] = "fr"
    response = client.post("/tokens/TAO/comments/", {"body": body}, **HX)
    assert french in response.content.decode()  # was the English message
    assert not Comment.objects.exists()


def test_a_rate_limited_post_is_a_clear_message(client, alice, tao):
    client.force_login(alice)
    for n in range(5):
        client.post("/tokens/TAO/comments/", {"body": f"c{n}"})
    response = client.post("/tokens/TAO/comments/", {"body": "sixth"})
    assert response.status_code == 429
    assert "at most 5 comments a minute" in response.content.decode()
    assert Comment.objects.count() == 5


def test_anonymous_visitors_read_but_cannot_write(client, alice, tao):
    posted = comment(alice, "x")
    assert client.get("/tokens/TAO/comments/").status_code == 200
    for url in ("/tokens/TAO/comments/", f"/comments/{posted.pk}/reply/",
                f"/comments/{posted.pk}/edit/", f"/comments/{posted.pk}/delete/",
                f"/comments/{posted.pk}/report/", "/tokens/TAO/sentiment/"):  # fmt: skip
        response = client.post(url, {"body": "y", "stance": "bullish", "reason": "spam"})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    assert Comment.objects.count() == 1


def test_replies_edits_and_deletes_in_place_with_htmx(client, alice, bob, tao):
    top = comment(alice, "top")
    client.force_login(bob)
    html = client.post(f"/comments/{top.pk}/reply/", {"body": "a reply"}, **HX).content.decode()
    reply = Comment.objects.get(parent=top)
    assert html.lstrip().startswith(f'<article id="comment-{top.pk}"') and "a reply" in html
    html = client.post(f"/comments/{reply.pk}/edit/", {"body": "edited"}, **HX).content.decode()
    assert "edited</p>" in html and 'class="comment__edited"' in html
    html = client.post(f"/comments/{reply.pk}/delete/", **HX).content.decode()
    assert "Comment deleted." in html


def test_only_the_author_edits_and_others_get_a_clear_message(client, alice, bob, tao):
    posted = comment(alice, "mine")
    client.force_login(bob)
    response = client.post(f"/comments/{posted.pk}/edit/", {"body": "theirs"})
    assert response.status_code == 403
    assert "Only its author can change this comment." in response.content.decode()
    response = client.post(f"/comments/{posted.pk}/delete/", **HX)
    assert "Only its author can change this comment." in response.content.decode()
    posted.refresh_from_db()
    assert posted.body == "mine" and posted.state == "visible"


def test_no_delete_button_is_offered_on_a_comment_pending_review(client, alice, tao):
    posted = comment(alice, "mine")
    Comment.objects.filter(pk=posted.pk).update(state=Comment.State.PENDING)
    client.force_login(alice)
    html = client.get("/tokens/TAO/comments/").content.decode()
    assert "Hidden pending review by a moderator." in html
    assert f"/comments/{posted.pk}/delete/" not in html


def test_the_edit_form_is_offered_only_within_the_window(client, alice, tao):
    posted = comment(alice, "mine")
    client.force_login(alice)
    assert f'id="edit-body-{posted.pk}"' in client.get("/tokens/TAO/comments/").content.decode()
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        html = client.get("/tokens/TAO/comments/").content.decode()
    assert f'id="edit-body-{posted.pk}"' not in html


def test_a_report_from_the_page_then_a_second_one_is_refused(client, alice, bob, tao):
    posted = comment(alice, "x")
    client.force_login(bob)
    html = client.post(f"/comments/{posted.pk}/report/", {"reason": "spam"}, **HX).content.decode()
    assert "the moderators will look at it" in html
    response = client.post(f"/comments/{posted.pk}/report/", {"reason": "spam"})
    assert response.status_code == 400
    assert "You already reported this comment." in response.content.decode()


def test_a_reply_to_a_hidden_comment_is_refused_on_the_page(client, alice, bob, staff, tao):
    posted = comment(alice, "x")
    services.comment_hide(comment=posted, moderator=staff)
    client.force_login(bob)
    response = client.post(f"/comments/{posted.pk}/reply/", {"body": "y"})
    assert response.status_code == 400
    assert "That comment is hidden or deleted." in response.content.decode()


def test_a_deleted_users_comment_says_deleted_user(client, alice, tao):
    from accounts.services import account_delete

    comment(alice, "legacy")
    account_delete(user=alice)
    html = client.get("/tokens/TAO/comments/").content.decode()
    assert "deleted user" in html and "legacy" in html


def test_an_unknown_token_or_comment_is_a_404(client, alice):
    client.force_login(alice)
    assert client.get("/tokens/NOPE/comments/").status_code == 404
    assert client.post("/comments/999999/reply/", {"body": "x"}).status_code == 404
    assert client.post("/comments/abc/edit/", {"body": "x"}).status_code == 404
    assert client.get("/comments/99999999999999999999999/").status_code == 404


def test_pages_and_orders_of_the_thread(client, alice, tao, settings, no_rate_limits):
    settings.COMMENTS_PER_PAGE = 2
    for n in range(3):
        comment(alice, f"number-{n}")
    newest = client.get("/tokens/TAO/comments/").content.decode()
    assert re.findall(r"number-\d", newest) == ["number-2", "number-1"]
    oldest = client.get("/tokens/TAO/comments/?order=oldest&page=2", **HX).content.decode()
    assert re.findall(r"number-\d", oldest) == ["number-2"]
    assert 'hx-get="/tokens/TAO/comments/?order=oldest&amp;page=1"' in oldest


def test_the_link_back_to_the_first_page_says_older_when_the_oldest_come_first(
    client, alice, tao, settings, no_rate_limits
):
    settings.COMMENTS_PER_PAGE = 1
    for n in range(3):
        comment(alice, f"number-{n}")

    def links(url):
        html = client.get(url, **HX).content.decode()
        return re.findall(r'<a [^>]*rel="(prev|next)">([^<]*)</a>', html)

    assert links("/tokens/TAO/comments/?order=oldest&page=2") == [
        ("prev", "Older"), ("next", "More"),
    ]  # fmt: skip
    assert links("/tokens/TAO/comments/?order=newest&page=2") == [
        ("prev", "Newer"), ("next", "More"),
    ]  # fmt: skip
    client.cookies["django_language"] = "fr"
    assert links("/tokens/TAO/comments/?order=oldest&page=2")[0] == ("prev", "Plus anciens")


def test_switching_the_order_puts_the_thread_pages_address_in_the_address_bar(
    client, alice, tao, ai_list
):
    comment(alice, "first")
    for page in ("/tokens/TAO/", "/tokens/TAO/comments/", "/lists/ai-tokens/"):
        html = client.get(page).content.decode()
        links = re.findall(r'<a class="btn btn--seg" (href="[^"]*/comments/\?order=[^>]*)>', html)
        assert len(links) == 2, page
        for link in links:
            href = re.search(r'href="([^"]+)"', link)[1]
            assert re.search(r'hx-get="([^"]+)"', link)[1] == href
            assert re.search(r'hx-push-url="([^"]+)"', link)[1] == href, page
    # the pushed address, reloaded, is the thread's page in that order
    reloaded = client.get("/tokens/TAO/comments/?order=oldest").content.decode()
    assert "<html" in reloaded and 'aria-current="true">Oldest first' in reloaded


def test_turning_a_thread_page_puts_its_address_in_the_address_bar(
    client, alice, tao, settings, no_rate_limits
):
    settings.COMMENTS_PER_PAGE = 1
    for n in range(3):
        comment(alice, f"number-{n}")
    html = client.get("/tokens/TAO/comments/?order=newest&page=2").content.decode()
    links = re.findall(r'<a (href="[^"]*page=[^>]*) rel="(?:prev|next)"', html)
    assert len(links) == 2
    for link in links:
        href = re.search(r'href="([^"]+)"', link)[1]
        assert re.search(r'hx-push-url="([^"]+)"', link)[1] == href


def test_an_htmx_history_restore_of_a_pushed_thread_address_gets_the_whole_page(client, alice, tao):
    comment(alice, "first")
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    restored = client.get("/tokens/TAO/comments/?order=oldest", headers=headers)
    assert "<html" in restored.content.decode() and "first" in restored.content.decode()
    partial = client.get("/tokens/TAO/comments/?order=oldest", headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode()


def test_a_new_comment_reaches_anonymous_visitors_of_the_cached_token_page(
    client, alice, tao, django_capture_on_commit_callbacks
):
    assert "fresh news" not in client.get("/tokens/TAO/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        comment(alice, "fresh news")
    assert "fresh news" in client.get("/tokens/TAO/").content.decode()


def _thread_of(n: int, alice, bob, tao):
    for i in range(n):
        top = comment(alice, f"top {i} $TAO")
        services.comment_create(author=bob, body=f"reply {i}", token=tao, parent=top)


@pytest.mark.parametrize("n", [5, 50])
def test_the_thread_page_reads_in_the_same_number_of_queries_for_5_and_50(
    client, alice, bob, tao, n, settings, no_rate_limits, django_assert_num_queries
):
    settings.COMMENTS_PER_PAGE = 100
    _thread_of(n, alice, bob, tao)
    client.force_login(alice)
    client.get("/tokens/TAO/comments/")  # warm the session
    # session, user, token, count, page, replies (+ edit window needs no query)
    with django_assert_num_queries(6):
        response = client.get("/tokens/TAO/comments/")
    assert response.content.decode().count('class="comment comment--reply"') == n


def test_the_thread_heading_counts_the_comments_people_read_as_the_badge_does(
    client, alice, bob, tao
):
    top = comment(alice, "first")
    for body in ("a reply", "another reply"):
        services.comment_create(author=bob, body=body, token=tao, parent=top)
    services.comment_delete(comment=comment(alice, "second thoughts"), user=alice)

    for path in ("/tokens/TAO/", "/tokens/TAO/comments/"):
        html = client.get(path).content.decode()
        assert "Discussion of TAO (3 comments)" in html, path  # replies count, the deleted not
    assert 'title="3 comments"' in client.get("/tokens/TAO/").content.decode()


def test_the_sentiment_vote_changes_the_split_in_place(client, alice, bob, tao):
    services.sentiment_vote(token=tao, user=bob, stance="bullish")
    client.force_login(alice)
    html = client.post("/tokens/TAO/sentiment/", {"stance": "bearish"}, **HX).content.decode()
    assert html.lstrip().startswith('<section id="sentiment"')
    assert 'data-share="bearish">50\u00a0%' in html and "2 voters" in html
    response = client.post("/tokens/TAO/sentiment/", {"stance": "bullish"})
    assert response.status_code == 302 and response["Location"] == "/tokens/TAO/#sentiment"
    response = client.post("/tokens/TAO/sentiment/", {"stance": "moon"})
    assert response.status_code == 400 and "Vote bullish or bearish." in response.content.decode()


def test_a_muted_users_vote_is_refused_in_place_with_the_end_of_the_mute(client, alice, staff, tao):
    services.user_mute(user=alice, moderator=staff, days=1, reason="vote brigading")
    client.force_login(alice)
    html = client.post("/tokens/TAO/sentiment/", {"stance": "bearish"}, **HX).content.decode()
    assert html.lstrip().startswith('<section id="sentiment"')
    assert "You are muted by the moderators until" in html and "0 voters" in html
    response = client.post("/tokens/TAO/sentiment/", {"stance": "bearish"})
    assert response.status_code == 403 and "muted" in response.content.decode()


def test_a_poll_vote_from_the_page(client, alice, ai_list):
    from discussions.services.polls import scenario_poll_seed

    poll = scenario_poll_seed(token_list=ai_list)
    option = poll.options.last()
    client.force_login(alice)
    html = client.post(f"/polls/{poll.pk}/vote/", {"option": option.pk}, **HX).content.decode()
    assert f'data-option="{option.pk}">100\u00a0%' in html and "1 vote" in html
    response = client.post(f"/polls/{poll.pk}/vote/", {"option": "x"})
    assert response.status_code == 400
    assert "Choose one of this poll" in response.content.decode()
    page = client.get(f"/polls/{poll.pk}/").content.decode()
    assert "Votes by day" in page and "Differentiated coexistence" in page


def test_french_visitors_read_the_poll_in_french(client, ai_list):
    from discussions.services.polls import scenario_poll_seed

    poll = scenario_poll_seed(token_list=ai_list)
    client.cookies["django_language"] = "fr"
    html = client.get(f"/polls/{poll.pk}/").content.decode()
    assert "Tokens IA\u202f: condamnés ou purge saine\u202f?" in html
    assert "Coexistence différenciée" in html


def test_no_inline_scripts_or_styles_in_discussion_templates():
    from pathlib import Path

    import discussions

    for path in Path(discussions.__file__).parent.glob("templates/**/*.html"):
        text = path.read_text()
        assert "<script" not in text and "style=" not in text and "<style" not in text, path


def test_the_thread_speaks_french(client, alice, tao):
    comment(alice, "x")
    client.cookies["django_language"] = "fr"
    html = client.get("/tokens/TAO/").content.decode()
    assert "Discussion sur TAO (1 commentaire)" in html
    assert "Connectez-vous pour participer à la discussion." in html
    assert "Sentiment sur TAO aujourd\u2019hui" in html


@pytest.mark.parametrize("path", ["/tokens/TAO/", "/lists/ai-tokens/", "/"])
def test_market_pages_with_a_thread_run_the_same_queries_for_5_and_50_comments(
    client, alice, bob, tao, ai_list, path, settings, no_rate_limits
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.COMMENTS_PER_PAGE = 100
    client.force_login(alice)  # signed in: never the page cache
    counts = []
    for n in (5, 45):
        _thread_of(n, alice, bob, tao)
        for i in range(n):
            top = comment(alice, f"list {i}", token_list=ai_list)
            services.comment_create(author=bob, body="r", token_list=ai_list, parent=top)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_poll_page_shows_the_votes_by_day_beside_the_sector_cap(client, alice, ai_list):
    from discussions.services.polls import scenario_poll_seed
    from markets.models import ListMetrics

    poll = scenario_poll_seed(token_list=ai_list)
    now = timezone.now()
    ListMetrics.objects.create(
        token_list=ai_list, computed_at=now, cap_series=[[int(now.timestamp()) - 60, 1.57e9]]
    )
    services.poll_vote(poll=poll, user=alice, option_id=poll.options.first().pk)
    html = client.get(f"/polls/{poll.pk}/").content.decode()
    assert "Sector cap at the day" in html and "$1.57B" in html


@time_machine.travel("2026-02-20 15:00Z", tick=False)
def test_a_poll_says_closed_on_a_past_date_and_closes_on_a_future_one(client, alice, ai_list):
    from discussions.services.polls import scenario_poll_seed

    poll = scenario_poll_seed(token_list=ai_list)
    client.force_login(alice)  # a page made for her, not the anonymous visitors' cached one
    for closes_in, is_open, wording, wrong in [
        (timedelta(days=-3), True, "closed on Feb. 17, 2026", "closes on"),
        (timedelta(days=-3), False, "closed on Feb. 17, 2026", "closes on"),
        (timedelta(days=3), True, "closes on Feb. 23, 2026", "closed on"),
    ]:
        poll.closes_at = timezone.now() + closes_in
        poll.is_open = is_open
        poll.save(update_fields=["closes_at", "is_open"])

        html = client.get(f"/polls/{poll.pk}/").content.decode()

        assert wording in html and wrong not in html, wording


def test_a_signed_out_htmx_post_sends_the_whole_page_to_sign_in_not_the_thread(client, alice, tao):
    # The session ended in another tab: htmx must not swap the sign-in page into the thread.
    posted = comment(alice, "x")
    here = "http://testserver/tokens/TAO/"
    headers = {**HX, "HTTP_HX_CURRENT_URL": here}
    for url in ("/tokens/TAO/comments/", f"/comments/{posted.pk}/reply/",
                f"/comments/{posted.pk}/edit/", f"/comments/{posted.pk}/delete/",
                f"/comments/{posted.pk}/report/", "/tokens/TAO/sentiment/"):  # fmt: skip
        response = client.post(url, {"body": "y", "stance": "bullish", "reason": "spam"}, **headers)
        assert response.status_code == 200, url
        assert response["HX-Redirect"] == "/accounts/login/?next=%2Ftokens%2FTAO%2F", url
        assert response.content == b"", url
    assert Comment.objects.count() == 1


def test_the_discussion_s_sign_in_links_bring_the_visitor_back_to_the_same_view(
    client, tao, ai_list
):
    """'Sign in to join the discussion.' and 'Sign in to vote.' sent back to the bare path:
    after signing in the replayed hour (?at=), the table's sort and the thread's order were
    gone."""
    from urllib.parse import quote

    from discussions.services.polls import scenario_poll_seed

    scenario_poll_seed(token_list=ai_list)
    paths = ["/lists/ai-tokens/?sort=-change_7d&at=2026-02-05T10:00Z",
             "/tokens/TAO/?at=2026-02-05T10:00Z", "/tokens/TAO/comments/?order=top"]  # fmt: skip
    for path in paths:
        html = client.get(path).content.decode()
        links = re.findall(r'href="/accounts/login/\?next=([^"]*)">Sign in to (?:join|vote)', html)
        assert links, path
        assert set(links) == {quote(path, safe="/")}, path


@pytest.mark.parametrize("page", ["0", "-1", "00", "abc"])
def test_a_page_number_below_one_shows_the_first_page_like_any_bad_number(
    client, alice, tao, settings, no_rate_limits, page
):
    settings.COMMENTS_PER_PAGE = 2
    for n in range(3):
        comment(alice, f"number-{n}")

    html = client.get(f"/tokens/TAO/comments/?page={page}", **HX).content.decode()

    assert re.findall(r"number-\d", html) == ["number-2", "number-1"]  # not the last page


@pytest.mark.parametrize("page", ["0", "-1"])
def test_the_api_refuses_a_page_number_below_one_as_any_bad_number(api_client, alice, tao, page):
    comment(alice, "number-0")

    response = api_client.get(f"/api/v1/tokens/TAO/comments/?page={page}")

    assert response.status_code == 400
    assert response.json()["errors"] == {"page": ["A page number from 1, or 'last'."]}
