"""Watchlist pages, under /watchlists/ (owner only, except the public share links)."""

from django.urls import path

from watchlists import views

app_name = "watchlists"
ITEM = "<int:pk>/items/<str:symbol>/"
urlpatterns = [
    path("", views.index, name="index"),
    path("add/", views.add, name="add"),
    path("shared/<str:share_token>/", views.shared, name="shared"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/rename/", views.rename, name="rename"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/move/", views.move, name="move"),
    path("<int:pk>/share/", views.share, name="share"),
    path("<int:pk>/search/", views.search, name="search"),
    path("<int:pk>/export.csv", views.export_csv, name="export"),
    path("<int:pk>/import/", views.import_csv, name="import"),
    path("<int:pk>/items/", views.item_add, name="item-add"),
    path(ITEM, views.item_detail, name="item-detail"),
    path(ITEM + "remove/", views.item_remove, name="item-remove"),
    path(ITEM + "move/", views.item_move, name="item-move"),
    path(ITEM + "note/", views.item_note, name="item-note"),
    path(ITEM + "lots/", views.lot_add, name="lot-add"),
    path(ITEM + "lots/<int:lot_id>/remove/", views.lot_remove, name="lot-remove"),
]
