"""Discussions API: read by anyone, written by signed-in users, moderated by staff.

The same services as the pages: a bad body is a 400 naming the field, someone else's comment
a 403, a muted user a 403, a rate limit a 429 with Retry-After, a bad id or symbol a 404.
"""

from __future__ import annotations

import re
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, Throttled
from rest_framework.parsers import FormParser
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response

from core.api.errors import (
    READ_ERRORS,
    RETRY_AFTER,
    WRITE_ERRORS,
    ErrorSerializer,
    service_errors,
    validated,
)
from core.api.params import SLUG_PARAM, SLUG_PATTERN, SYMBOL_PARAM, QueryParams
from core.api.parsers import JSONParser
from core.api.views import JsonApiView
from discussions import selectors, services
from discussions.api.serializers import (
    CommentCreateSerializer,
    CommentSerializer,
    CommentUpdateSerializer,
    ModerationSerializer,
    PollDetailSerializer,
    PollSerializer,
    PollVoteSerializer,
    ReportSerializer,
    SentimentSerializer,
    SentimentVoteSerializer,
)
from discussions.models import Comment
from markets.symbols import symbol_url_is_valid

ID_PARAM = OpenApiParameter("id", {"type": "integer", "minimum": 1}, OpenApiParameter.PATH)
ORDER_PARAM = OpenApiParameter(
    "order", OpenApiTypes.STR, enum=list(selectors.ORDERS), default=selectors.DEFAULT_ORDER,
    description="Top-level comments newest or oldest first (replies: oldest first).",
)  # fmt: skip
FORBIDDEN = {
    403: OpenApiResponse(ErrorSerializer, description="Not allowed (author, staff, muted).")
}
LIMITED = {429: OpenApiResponse(ErrorSerializer, description="Too many comments; see Retry-After.")}
REPORTS_LIMITED = {
    429: OpenApiResponse(ErrorSerializer, description="Too many reports; see Retry-After.")
}


class OrderParams(QueryParams):
    order = serializers.ChoiceField(choices=list(selectors.ORDERS), required=False)


@contextmanager
def discussion_errors():
    """Service errors as API errors (400, 403, 404, 429)."""
    try:
        with service_errors():
            yield
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc)) from None
    except services.CommentRateLimited as exc:
        raise Throttled(wait=exc.retry_after, detail=exc.message) from None


SLUG_RE = re.compile(SLUG_PATTERN)


def _token_or_404(symbol: str):
    """The active token of a discussion route, under the symbols its token route answers to
    (/api/v1/tokens/<symbol>/): anything else, a NUL byte or spaces included, is a 404."""
    if symbol_url_is_valid(symbol):
        try:
            return selectors.token_for_discussion(symbol=symbol)
        except Http404:
            pass
    raise NotFound(_("Unknown token symbol."))


def _list_or_404(slug: str):
    if SLUG_RE.fullmatch(slug):
        try:
            return selectors.list_for_discussion(slug=slug)
        except Http404:
            pass
    raise NotFound(_("No public list with this slug."))


def _comment_or_404(pk) -> Comment:
    try:
        return selectors.comment_get(pk=pk)
    except Http404:
        raise NotFound(_("No such comment.")) from None


class DiscussionApiView(JsonApiView):
    """Discussions of a token or a curated list: anyone reads; a write needs a signed-in
    account (API token or session) and follows the same rules and messages as the pages."""

    permission_classes = [IsAuthenticatedOrReadOnly]
    parser_classes = [JSONParser, FormParser]
    serializer_class = CommentSerializer

    def comment_response(self, comment: Comment, status_code=200) -> Response:
        comment = (
            selectors.comment_with_replies(comment=comment)
            if not comment.parent_id
            else (
                Comment.objects.select_related("author", "token", "token_list").get(pk=comment.pk)
            )
        )
        return Response(self.get_serializer(comment).data, status=status_code)


class ThreadView(DiscussionApiView):
    def target(self) -> dict:
        raise NotImplementedError

    def get(self, request, **kwargs):
        params = validated(OrderParams(data=request.query_params))
        target = self.target()
        comments = selectors.thread_comments(
            **target, order=params.get("order", selectors.DEFAULT_ORDER)
        ).select_related("token", "token_list")
        page = self.paginate_queryset(comments)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def post(self, request, **kwargs):
        target = self.target()
        data = validated(CommentCreateSerializer(data=request.data))
        parent = None
        if data.get("parent"):
            # Only among the comments the caller can read: one on an inactive token or an
            # unpublished list is "no such comment", as the id of no comment at all.
            try:
                parent = selectors.comment_get(pk=data["parent"])
            except Http404:
                raise NotFound(_("No such comment to reply to.")) from None
        with discussion_errors():
            comment = services.comment_create(
                author=request.user, body=data["body"], stance=data["stance"], parent=parent,
                **target,
            )  # fmt: skip
        return self.comment_response(comment, status.HTTP_201_CREATED)


THREAD_DOCS = {
    "get": extend_schema(
        summary="Comments of the thread, with their replies",
        parameters=[ORDER_PARAM],
        responses={200: CommentSerializer(many=True), **READ_ERRORS},
    ),
    "post": extend_schema(
        summary="Post a comment or (with parent) a reply",
        description="Markdown subset rendered on save into body_html. 5 comments a minute "
        "and 100 a day per user; muted users are refused (403).",
        request=CommentCreateSerializer,
        responses={201: CommentSerializer, **WRITE_ERRORS, **FORBIDDEN, **LIMITED},
    ),
}


# extend_schema_view documents copies of the inherited get/post: ThreadView stays untouched,
# so each thread route keeps only its own path parameter.
@extend_schema_view(**THREAD_DOCS)
@extend_schema(tags=["discussions"], parameters=[SYMBOL_PARAM, RETRY_AFTER])
class TokenThreadView(ThreadView):
    def target(self) -> dict:
        return {"token": _token_or_404(self.kwargs["symbol"])}


@extend_schema_view(**THREAD_DOCS)
@extend_schema(tags=["discussions"], parameters=[SLUG_PARAM, RETRY_AFTER])
class ListThreadView(ThreadView):
    def target(self) -> dict:
        return {"token_list": _list_or_404(self.kwargs["slug"])}


@extend_schema(tags=["discussions"], parameters=[ID_PARAM, RETRY_AFTER])
class CommentDetailView(DiscussionApiView):
    @extend_schema(summary="One comment", responses={200: CommentSerializer, **READ_ERRORS})
    def get(self, request, id: str):
        return self.comment_response(_comment_or_404(id))

    @extend_schema(
        summary="Edit your comment (within 15 minutes)",
        description="Refused (400, naming body) while a report on the comment is open: the "
        "moderators judge the text that was reported. Possible again once they dismiss it.",
        request=CommentUpdateSerializer,
        responses={200: CommentSerializer, **WRITE_ERRORS, **FORBIDDEN},
    )
    def patch(self, request, id: str):
        comment = _comment_or_404(id)
        data = validated(CommentUpdateSerializer(data=request.data))
        with discussion_errors():
            services.comment_edit(comment=comment, user=request.user, **data)
        return self.comment_response(comment)

    @extend_schema(
        summary="Delete your comment (its place stays: comment deleted)",
        request=None,
        responses={204: None, **WRITE_ERRORS, **FORBIDDEN},
    )
    def delete(self, request, id: str):
        comment = _comment_or_404(id)
        with discussion_errors():
            services.comment_delete(comment=comment, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["discussions"], parameters=[ID_PARAM, RETRY_AFTER])
class CommentReportView(DiscussionApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Report a comment (once)",
        description="Reported by 3 different users with some standing (staff, or accounts at "
        "least 7 days old, not muted, with a comment of their own shown), a comment is hidden "
        "pending review; every report reaches the moderators' queue. 5 reports a minute "
        "and 50 a day per user.",
        request=ReportSerializer,
        responses={201: None, **WRITE_ERRORS, **REPORTS_LIMITED},
    )
    def post(self, request, id: str):
        comment = _comment_or_404(id)
        data = validated(ReportSerializer(data=request.data))
        with discussion_errors():
            services.comment_report(comment=comment, reporter=request.user, **data)
        return Response(status=status.HTTP_201_CREATED)


class ModerationView(DiscussionApiView):
    permission_classes = [IsAuthenticated]
    moderate = None  # a moderation service

    def post(self, request, id: str):
        if not request.user.is_staff:
            raise PermissionDenied(_("Only moderators can do this."))
        comment = _comment_or_404(id)
        data = validated(ModerationSerializer(data=request.data))
        with discussion_errors():
            type(self).moderate(comment=comment, moderator=request.user, reason=data["reason"])
        return self.comment_response(comment)


MODERATION_DOC = {
    "request": ModerationSerializer,
    "responses": {200: CommentSerializer, **WRITE_ERRORS, **FORBIDDEN},
}


# extend_schema_view documents a copy of the inherited post per route (decorating
# ModerationView.post itself gave both routes the last summary).
@extend_schema_view(post=extend_schema(summary="Hide a comment (staff)", **MODERATION_DOC))
@extend_schema(tags=["discussions"], parameters=[ID_PARAM, RETRY_AFTER])
class CommentHideView(ModerationView):
    moderate = services.comment_hide


@extend_schema_view(post=extend_schema(summary="Restore a comment (staff)", **MODERATION_DOC))
@extend_schema(tags=["discussions"], parameters=[ID_PARAM, RETRY_AFTER])
class CommentRestoreView(ModerationView):
    moderate = services.comment_restore


@extend_schema(tags=["discussions"], parameters=[SYMBOL_PARAM, RETRY_AFTER])
class SentimentView(DiscussionApiView):
    serializer_class = SentimentSerializer

    def _response(self, token, status_code=200):
        sentiment = selectors.token_sentiment(token=token, user=self.request.user)
        sentiment.symbol = token.symbol
        return Response(SentimentSerializer(sentiment).data, status=status_code)

    def _token(self):
        return _token_or_404(self.kwargs["symbol"])

    @extend_schema(
        summary="Today's bullish/bearish split and the last 30 days",
        responses={200: SentimentSerializer, **READ_ERRORS},
    )
    def get(self, request, symbol: str):
        return self._response(self._token())

    @extend_schema(
        summary="Vote bullish or bearish today (UTC); a second vote changes it",
        request=SentimentVoteSerializer,
        responses={200: SentimentSerializer, **WRITE_ERRORS, **FORBIDDEN},
    )
    def post(self, request, symbol: str):
        token = self._token()
        data = validated(SentimentVoteSerializer(data=request.data))
        with discussion_errors():
            services.sentiment_vote(token=token, user=request.user, stance=data["stance"])
        return self._response(token)


def _poll_or_404(pk):
    try:
        return selectors.poll_get(pk=pk)
    except Http404:
        raise NotFound(_("No such poll.")) from None


@extend_schema(tags=["discussions"], parameters=[RETRY_AFTER])
class PollListView(DiscussionApiView):
    serializer_class = PollSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    @extend_schema(
        summary="Scenario polls, newest first",
        responses={200: PollSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request):
        page = self.paginate_queryset(selectors.polls_list())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema(tags=["discussions"], parameters=[ID_PARAM, RETRY_AFTER])
class PollDetailView(PollListView):
    serializer_class = PollDetailSerializer

    def _response(self, poll):
        poll.my_vote = selectors.poll_my_vote(poll=poll, user=self.request.user)
        poll.daily = selectors.poll_daily(poll=poll)
        return Response(self.get_serializer(poll).data)

    @extend_schema(
        summary="A poll with its results", responses={200: PollDetailSerializer, **READ_ERRORS}
    )
    def get(self, request, id: str):
        return self._response(_poll_or_404(id))


@extend_schema(tags=["discussions"], parameters=[ID_PARAM, RETRY_AFTER])
class PollVoteView(PollDetailView):
    permission_classes = [IsAuthenticated]
    http_method_names = ["post", "options"]  # not the poll's GET it inherits: /polls/<id>/ has it

    @extend_schema(
        summary="Vote for an option (changeable while the poll is open)",
        request=PollVoteSerializer,
        responses={200: PollDetailSerializer, **WRITE_ERRORS, **FORBIDDEN},
    )
    def post(self, request, id: str):
        poll = _poll_or_404(id)
        data = validated(PollVoteSerializer(data=request.data))
        with discussion_errors():
            services.poll_vote(poll=poll, user=request.user, option_id=data["option"])
        return self._response(_poll_or_404(id))
