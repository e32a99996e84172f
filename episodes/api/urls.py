from django.urls import path

from episodes.api import views

app_name = "episodes-api"
urlpatterns = [
    path("episodes/", views.EpisodeListView.as_view(), name="episode-list"),
    path("episodes/<str:slug>/", views.EpisodeDetailView.as_view(), name="episode-detail"),
    path("events/", views.EventListView.as_view(), name="event-list"),
]
