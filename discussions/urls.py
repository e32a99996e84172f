from django.urls import path

import markets.urls  # noqa: F401  (registers the <symbol:> converter)
from discussions.views import comments, moderation, votes

app_name = "discussions"
urlpatterns = [
    path("tokens/<symbol:symbol>/comments/", comments.token_thread, name="token-thread"),
    path("lists/<slug:slug>/comments/", comments.list_thread, name="list-thread"),
    path("comments/<str:pk>/", comments.comment_detail, name="comment-detail"),
    path("comments/<str:pk>/reply/", comments.comment_reply, name="comment-reply"),
    path("comments/<str:pk>/edit/", comments.comment_edit, name="comment-edit"),
    path("comments/<str:pk>/delete/", comments.comment_delete, name="comment-delete"),
    path("comments/<str:pk>/report/", comments.comment_report, name="comment-report"),
    path("tokens/<symbol:symbol>/sentiment/", votes.sentiment_vote, name="sentiment-vote"),
    path("polls/<str:pk>/", votes.poll_detail, name="poll-detail"),
    path("polls/<str:pk>/vote/", votes.poll_vote, name="poll-vote"),
    path("moderation/", moderation.moderation_queue, name="moderation"),
    path("moderation/comments/<str:pk>/", moderation.moderation_act, name="moderation-act"),
    path("moderation/mute/", moderation.moderation_mute, name="moderation-mute"),
]
