from django.urls import path

from discussions.api import views

app_name = "discussions-api"
urlpatterns = [
    path("tokens/<str:symbol>/comments/", views.TokenThreadView.as_view(), name="token-comments"),
    path("lists/<str:slug>/comments/", views.ListThreadView.as_view(), name="list-comments"),
    path("comments/<str:id>/", views.CommentDetailView.as_view(), name="comment-detail"),
    path("comments/<str:id>/report/", views.CommentReportView.as_view(), name="comment-report"),
    path("comments/<str:id>/hide/", views.CommentHideView.as_view(), name="comment-hide"),
    path("comments/<str:id>/restore/", views.CommentRestoreView.as_view(), name="comment-restore"),
    path("tokens/<str:symbol>/sentiment/", views.SentimentView.as_view(), name="sentiment"),
    path("polls/", views.PollListView.as_view(), name="poll-list"),
    path("polls/<str:id>/", views.PollDetailView.as_view(), name="poll-detail"),
    path("polls/<str:id>/vote/", views.PollVoteView.as_view(), name="poll-vote"),
]
