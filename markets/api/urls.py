from django.urls import path

from markets.api import views

app_name = "api"
urlpatterns = [
    path("tokens/", views.TokenListView.as_view(), name="token-list"),
    path("tokens/<str:symbol>/", views.TokenDetailView.as_view(), name="token-detail"),
    path(
        "tokens/<str:symbol>/snapshots/",
        views.TokenSnapshotsView.as_view(),
        name="token-snapshots",
    ),
    path("lists/", views.CuratedListListView.as_view(), name="list-list"),
    path("lists/<str:slug>/", views.CuratedListDetailView.as_view(), name="list-detail"),
    path("fear-greed/", views.FearGreedListView.as_view(), name="fear-greed-list"),
]
