"""The discussions API: reads by anyone, writes signed in, author-only edits, staff moderation."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from discussions import services
from discussions.models import Comment, PollVote, Report, SentimentVote
from discussions.services.polls import scenario_poll_seed
from tests.discussions.conftest import comment

COMMENTS = "/api/v1/tokens/TAO/comments/"


def post(client, url, data=None):
    return client.post(url, data or {}, format="json")


def test_anyone_reads_a_thread_with_replies_source_and_html(api_client, alice, bob, tao):
    top = comment(alice, "*top*")
    services.comment_create(author=bob, body="reply", token=tao, parent=top)
    data = api_client.get(COMMENTS).json()
    assert data["count"] == 1
    item = data["results"][0]
    assert item["body"] == "*top*" and item["body_html"] == "<p><em>top</em></p>\n"
    assert item["author"] == alice.public_name and item["target"] == {"kind": "token", "key": "TAO"}
    assert [r["body"] for r in item["replies"]] == ["reply"]
    assert item["replies"][0]["parent"] == top.pk


def test_anonymous_writes_are_401_and_store_nothing(api_client, alice, tao):
    posted = comment(alice, "x")
    for method, url in [
        ("post", COMMENTS),
        ("patch", f"/api/v1/comments/{posted.pk}/"),
        ("delete", f"/api/v1/comments/{posted.pk}/"),
        ("post", f"/api/v1/comments/{posted.pk}/report/"),
        ("post", f"/api/v1/comments/{posted.pk}/hide/"),
        ("post", "/api/v1/tokens/TAO/sentiment/"),
    ]:
        response = getattr(api_client, method)(url, {"body": "y"}, format="json")
        assert response.status_code == 401, url
    assert Comment.objects.count() == 1


def test_a_signed_in_user_posts_a_comment_and_a_reply(api_client, alice, bob, tao):
    api_client.force_authenticate(alice)
    response = post(api_client, COMMENTS, {"body": "view on $TAO", "stance": "bearish"})
    assert response.status_code == 201
    top = response.json()
    assert top["stance"] == "bearish" and "/tokens/TAO/" in top["body_html"]
    api_client.force_authenticate(bob)
    reply = post(api_client, COMMENTS, {"body": "disagree", "parent": top["id"]})
    assert reply.status_code == 201 and reply.json()["parent"] == top["id"]


@pytest.mark.parametrize(
    ("body", "status", "errors"),
    [
        ({"body": ""}, 400, {"body": ["Write something first."]}),
        ({"body": "x" * 5001}, 400, {"body": ["At most 5000 characters (this has 5001)."]}),
        ({"body": "a\x1b[31m"}, 400, {"body": ["Control characters are not allowed (U+001B)."]}),
        ({"body": "x", "colour": "red"}, 400, {"colour": ["Unknown field."]}),
        ({"body": "x", "stance": "moon"}, 400, None),
        ({}, 400, {"body": ["This field is required."]}),
        ({"body": "x", "parent": 99999}, 404, None),
    ],
)
def test_bad_comments_are_refused_naming_the_field(api_client, alice, tao, body, status, errors):
    api_client.force_authenticate(alice)
    response = post(api_client, COMMENTS, body)
    assert response.status_code == status
    if errors is not None:
        assert response.json()["errors"] == errors
    assert not Comment.objects.exists()


def test_a_reply_to_a_reply_or_to_a_hidden_comment_is_a_400(api_client, alice, bob, staff, tao):
    top = comment(alice, "top")
    reply = services.comment_create(author=bob, body="r", token=tao, parent=top)
    api_client.force_authenticate(bob)
    response = post(api_client, COMMENTS, {"body": "x", "parent": reply.pk})
    assert response.status_code == 400
    assert response.json()["errors"] == {"parent": ["Replies go to a comment, not to a reply."]}
    services.comment_hide(comment=top, moderator=staff)
    assert post(api_client, COMMENTS, {"body": "x", "parent": top.pk}).status_code == 400
    assert Comment.objects.count() == 2


def test_an_unknown_token_list_or_comment_is_a_404(api_client, alice):
    api_client.force_authenticate(alice)
    assert api_client.get("/api/v1/tokens/NOPE/comments/").status_code == 404
    assert post(api_client, "/api/v1/tokens/NOPE/comments/", {"body": "x"}).status_code == 404
    assert api_client.get("/api/v1/lists/nope/comments/").status_code == 404
    assert api_client.get("/api/v1/comments/abc/").status_code == 404
    assert api_client.get("/api/v1/comments/99999999999999999999/").status_code == 404
    assert api_client.get("/api/v1/polls/0/").status_code == 404


def test_a_bad_order_is_a_400_naming_it(api_client, tao):
    response = api_client.get(COMMENTS, {"order": "random"})
    assert response.status_code == 400 and "order" in response.json()["errors"]


def test_only_the_author_edits_within_the_window_or_deletes(api_client, alice, bob, staff, tao):
    posted = comment(alice, "mine")
    url = f"/api/v1/comments/{posted.pk}/"
    for user in (bob, staff):
        api_client.force_authenticate(user)
        assert api_client.patch(url, {"body": "x"}, format="json").status_code == 403
        assert api_client.delete(url).status_code == 403
    api_client.force_authenticate(alice)
    response = api_client.patch(url, {"body": "**edited**"}, format="json")
    assert response.status_code == 200 and response.json()["edited_at"] is not None
    assert api_client.patch(url, {"body": "x", "author": "bob"}, format="json").status_code == 400
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        response = api_client.patch(url, {"body": "late"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"body": ["Comments can be edited for 15 minutes only."]}
    assert api_client.delete(url).status_code == 204
    shown = api_client.get(url).json()
    assert shown["state"] == "deleted" and shown["body"] == "" and shown["body_html"] == ""


def test_a_patch_of_the_stance_alone_keeps_the_text_as_the_schema_says_body_is_optional(
    api_client, alice, tao
):
    posted = comment(alice, "*mine*")
    api_client.force_authenticate(alice)

    response = api_client.patch(
        f"/api/v1/comments/{posted.pk}/", {"stance": "bearish"}, format="json"
    )

    assert response.status_code == 200
    edited = response.json()
    assert (edited["body"], edited["body_html"]) == ("*mine*", "<p><em>mine</em></p>\n")
    assert edited["stance"] == "bearish" and edited["edited_at"] is not None
    unchanged = api_client.patch(f"/api/v1/comments/{posted.pk}/", {}, format="json")
    assert unchanged.status_code == 200 and unchanged.json() == edited


def test_deleting_a_deleted_comment_again_is_a_400_naming_the_comment_not_a_body_field(
    api_client, alice, tao
):
    """A DELETE has no body: its error names the comment, as a report of a gone one does."""
    url = f"/api/v1/comments/{comment(alice, 'mine').pk}/"
    api_client.force_authenticate(alice)
    assert api_client.delete(url).status_code == 204

    response = api_client.delete(url)

    assert response.status_code == 400
    assert response.json()["errors"] == {"comment": ["This comment was deleted."]}
    edit = api_client.patch(url, {"body": "back"}, format="json")
    assert edit.status_code == 400
    assert edit.json()["errors"] == {"body": ["This comment was deleted."]}


def test_reports_once_and_staff_hide_and_restore(api_client, alice, bob, staff, tao):
    posted = comment(alice, "scam")
    api_client.force_authenticate(bob)
    report = f"/api/v1/comments/{posted.pk}/report/"
    assert post(api_client, report, {"reason": "scam"}).status_code == 201
    second = post(api_client, report, {"reason": "scam"})
    assert second.status_code == 400
    assert second.json()["errors"] == {"comment": ["You already reported this comment."]}
    assert Report.objects.count() == 1
    assert post(api_client, f"/api/v1/comments/{posted.pk}/hide/").status_code == 403
    api_client.force_authenticate(staff)
    hidden = post(api_client, f"/api/v1/comments/{posted.pk}/hide/", {"reason": "scam"})
    assert hidden.status_code == 200 and hidden.json()["state"] == "hidden"
    assert hidden.json()["body"] == "scam"  # staff still read it
    api_client.force_authenticate(bob)
    seen = api_client.get(f"/api/v1/comments/{posted.pk}/").json()
    assert seen["state"] == "hidden" and seen["body"] == "" and seen["body_html"] == ""
    api_client.force_authenticate(staff)
    restored = post(api_client, f"/api/v1/comments/{posted.pk}/restore/")
    assert restored.json()["state"] == "visible"


def test_a_muted_user_is_refused_with_a_403(api_client, alice, staff, tao):
    services.user_mute(user=alice, moderator=staff, days=1, reason="spam")
    api_client.force_authenticate(alice)
    response = post(api_client, COMMENTS, {"body": "hello"})
    assert response.status_code == 403 and "muted" in response.json()["detail"]
    assert not Comment.objects.exists()


def test_a_muted_user_cannot_vote_through_the_api_either(api_client, alice, staff, tao):
    services.user_mute(user=alice, moderator=staff, days=1, reason="vote brigading")
    api_client.force_authenticate(alice)
    response = post(api_client, "/api/v1/tokens/TAO/sentiment/", {"stance": "bearish"})
    assert response.status_code == 403 and "muted" in response.json()["detail"]
    assert api_client.get("/api/v1/tokens/TAO/sentiment/").json()["today"]["voters"] == 0


def test_the_rate_limit_is_a_429_with_retry_after(api_client, alice, tao):
    api_client.force_authenticate(alice)
    for n in range(5):
        assert post(api_client, COMMENTS, {"body": f"c{n}"}).status_code == 201
    response = post(api_client, COMMENTS, {"body": "sixth"})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "5 comments a minute" in response.json()["detail"]


def test_list_threads_work_the_same(api_client, alice, ai_list):
    api_client.force_authenticate(alice)
    response = post(api_client, "/api/v1/lists/ai-tokens/comments/", {"body": "sector"})
    assert response.status_code == 201
    assert response.json()["target"] == {"kind": "list", "key": "ai-tokens"}
    assert api_client.get("/api/v1/lists/ai-tokens/comments/").json()["count"] == 1


@pytest.mark.parametrize("n", [5, 50])
def test_the_comments_endpoint_reads_in_the_same_number_of_queries_for_5_and_50(
    api_client, alice, bob, tao, n, no_rate_limits, django_assert_num_queries
):
    for i in range(n):
        top = comment(alice, f"top {i}")
        services.comment_create(author=bob, body=f"reply {i}", token=tao, parent=top)
    with django_assert_num_queries(3):  # token, page (it fits: its length is the count), replies
        data = api_client.get(COMMENTS, {"page_size": 200}).json()
    assert len(data["results"]) == n


def test_sentiment_votes_through_the_api(api_client, alice, tao):
    assert api_client.get("/api/v1/tokens/TAO/sentiment/").json()["today"]["voters"] == 0
    api_client.force_authenticate(alice)
    response = post(api_client, "/api/v1/tokens/TAO/sentiment/", {"stance": "bearish"})
    data = response.json()
    assert response.status_code == 200 and data["my_vote"] == "bearish"
    assert data["today"]["bearish"] == 1 and len(data["days"]) == 30
    post(api_client, "/api/v1/tokens/TAO/sentiment/", {"stance": "bullish"})
    assert SentimentVote.objects.get().stance == "bullish"
    bad = post(api_client, "/api/v1/tokens/TAO/sentiment/", {"stance": "moon", "x": 1})
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"stance", "x"}


def test_polls_through_the_api(api_client, alice, ai_list):
    poll = scenario_poll_seed(token_list=ai_list)
    listed = api_client.get("/api/v1/polls/").json()["results"]
    assert listed[0]["question_fr"] == "Tokens IA\u202f: condamnés ou purge saine\u202f?"
    assert listed[0]["is_open"] is True and len(listed[0]["options"]) == 3
    api_client.force_authenticate(alice)
    option = poll.options.first()
    response = post(api_client, f"/api/v1/polls/{poll.pk}/vote/", {"option": option.pk})
    data = response.json()
    assert response.status_code == 200 and data["my_vote"] == option.pk
    assert data["options"][0]["share"] == 1.0 and data["votes"] == 1
    assert data["daily"][0]["counts"] == {str(option.pk): 1}
    other = scenario_poll_seed(token_list=type(ai_list).objects.create(slug="x", name="X"))
    bad = post(api_client, f"/api/v1/polls/{poll.pk}/vote/", {"option": other.options.first().pk})
    assert bad.status_code == 400
    poll.is_open = False
    poll.save(update_fields=["is_open"])
    closed = post(api_client, f"/api/v1/polls/{poll.pk}/vote/", {"option": option.pk})
    assert closed.status_code == 400
    assert closed.json()["errors"] == {"option": ["This poll is closed."]}
    assert PollVote.objects.count() == 1


def test_each_moderation_route_has_its_own_summary_in_the_schema(openapi):
    schema = openapi["paths"]
    assert schema["/api/v1/comments/{id}/hide/"]["post"]["summary"] == "Hide a comment (staff)"
    restore = schema["/api/v1/comments/{id}/restore/"]["post"]["summary"]
    assert restore == "Restore a comment (staff)"


def _component(openapi, schema: dict) -> dict:
    while "$ref" in schema:
        schema = openapi["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def test_the_schema_describes_a_polls_target_and_daily_votes_field_by_field(openapi):
    """The daily votes were a list of free-form objects and a poll's target had neither its
    kinds nor its required keys: clients had only the prose to go by."""
    schemas = openapi["components"]["schemas"]
    for name in ("Poll", "PollDetail", "Comment"):
        target = _component(openapi, schemas[name]["properties"]["target"])
        assert target["properties"]["kind"]["enum"] == ["token", "list"], name
        assert sorted(target["required"]) == ["key", "kind"], name
    day = _component(openapi, schemas["PollDetail"]["properties"]["daily"]["items"])
    assert sorted(day["required"]) == ["counts", "day", "market_cap_usd"]
    assert (day["properties"]["day"]["type"], day["properties"]["day"]["format"]) == (
        "string",
        "date",
    )
    assert day["properties"]["counts"]["additionalProperties"]["type"] == "integer"
    assert day["properties"]["market_cap_usd"]["nullable"] is True


def test_a_polls_daily_votes_read_as_the_schema_says(api_client, alice, ai_list):
    poll = scenario_poll_seed(token_list=ai_list)
    option = poll.options.first()
    api_client.force_authenticate(alice)

    data = post(api_client, f"/api/v1/polls/{poll.pk}/vote/", {"option": option.pk}).json()

    assert data["target"] == {"kind": "list", "key": ai_list.slug}
    (day,) = data["daily"]
    assert set(day) == {"day", "counts", "market_cap_usd"}
    assert day["counts"] == {str(option.pk): 1} and day["day"] == str(timezone.now().date())


@pytest.mark.parametrize(
    "spelling",
    [
        lambda n: str(n).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")),  # Arabic-Indic
        lambda n: f"+{n}",
        lambda n: f" {n}",
        lambda n: f"0_{n}",
    ],
)
def test_a_look_alike_of_a_comment_or_poll_id_is_a_404_like_other_ids(
    api_client, alice, ai_list, spelling
):
    """int() took these for the id, so one comment or poll answered under several URLs (API
    and pages); watchlist, alert and notification ids take ASCII digits only."""
    posted = comment(alice, "mine")
    poll = scenario_poll_seed(token_list=ai_list)

    assert api_client.get(f"/api/v1/comments/{spelling(posted.pk)}/").status_code == 404
    assert api_client.get(f"/api/v1/polls/{spelling(poll.pk)}/").status_code == 404
    assert api_client.get(f"/api/v1/comments/{posted.pk}/").status_code == 200
    assert api_client.get(f"/api/v1/polls/{poll.pk}/").status_code == 200


def test_a_polls_vote_route_only_takes_a_vote(api_client, alice, ai_list, openapi):
    """GET /polls/<id>/vote/ answered the poll (signed in only), a copy of GET /polls/<id>/
    the schema listed as an operation of its own."""
    poll = scenario_poll_seed(token_list=ai_list)
    api_client.force_authenticate(alice)

    response = api_client.get(f"/api/v1/polls/{poll.pk}/vote/")

    assert response.status_code == 405
    assert response["Allow"] == "POST, OPTIONS"
    assert set(openapi["paths"]["/api/v1/polls/{id}/vote/"]) == {"post"}


@pytest.mark.parametrize("path", ["tokens/{}/comments/", "tokens/{}/sentiment/"])
@pytest.mark.parametrize("symbol", ["TAO%00", "tao%20", "%20TAO", "\u0131cp"])
def test_a_symbol_the_token_route_refuses_is_a_404_for_its_discussion_too(
    api_client, alice, tao, path, symbol
):
    """With a NUL byte these were 500s (PostgreSQL refuses NUL in text); with spaces around
    it the thread answered while /api/v1/tokens/<symbol>/ was a 404."""
    api_client.force_authenticate(alice)
    url = "/api/v1/" + path.format(symbol)

    posted = api_client.post(url, {"body": "x", "stance": "bullish"}, format="json")

    assert api_client.get(url).status_code == 404
    assert posted.status_code == 404
    assert api_client.get(f"/api/v1/tokens/{symbol}/").status_code == 404


@pytest.mark.parametrize("slug", ["ai-tokens%00", "ai-tokens%20"])
def test_a_slug_the_list_route_refuses_is_a_404_for_its_thread_too(api_client, ai_list, slug):
    assert api_client.get(f"/api/v1/lists/{slug}/comments/").status_code == 404
    assert api_client.get(f"/api/v1/lists/{slug}/").status_code == 404


@pytest.mark.parametrize("where", ["inactive token", "private list"])
def test_a_reply_to_a_comment_the_caller_cannot_see_is_answered_as_an_unknown_comment(
    api_client, alice, bob, tao, near, ai_list, where
):
    target = {"token": tao} if where == "inactive token" else {"token_list": ai_list}
    hidden_away = comment(alice, "private words", **target)
    if where == "inactive token":
        tao.is_active = False
        tao.save()
    else:
        ai_list.is_featured = ai_list.is_public = False
        ai_list.save()
    api_client.force_authenticate(bob)

    url = "/api/v1/tokens/NEAR/comments/"
    unknown = post(api_client, url, {"body": "x", "parent": 99999})
    response = post(api_client, url, {"body": "x", "parent": hidden_away.pk})

    assert response.status_code == unknown.status_code == 404
    assert response.json() == unknown.json()
    assert Comment.objects.count() == 1
