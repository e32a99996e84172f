from django.urls import path

from watchlists.api import views

app_name = "watchlists-api"
urlpatterns = [
    path("watchlists/", views.WatchlistListView.as_view(), name="watchlist-list"),
    path("watchlists/<str:id>/", views.WatchlistDetailView.as_view(), name="watchlist-detail"),
    path("watchlists/<str:id>/items/", views.ItemListView.as_view(), name="item-list"),
    path(
        "watchlists/<str:id>/items/<str:symbol>/",
        views.ItemDetailView.as_view(),
        name="item-detail",
    ),
]
