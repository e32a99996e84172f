from django.urls import path

from markets import views

app_name = "markets"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("lists/", views.list_index, name="list-index"),
    path("lists/<slug:slug>/", views.list_detail, name="list-detail"),
    path("tokens/<str:symbol>/", views.token_detail, name="token-detail"),
    path("tokens/<str:symbol>/chart.json", views.token_chart_json, name="token-chart"),
    path("i18n/switch/", views.language_switch, name="language-switch"),
]
