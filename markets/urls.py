from django.urls import path, register_converter

from markets import views


class SymbolConverter:
    """A token symbol as stored (any case in the URL); anything else is simply a 404."""

    regex = r"[A-Za-z0-9][A-Za-z0-9.\-]{0,19}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(SymbolConverter, "symbol")

app_name = "markets"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("lists/", views.list_index, name="list-index"),
    path("lists/<slug:slug>/", views.list_detail, name="list-detail"),
    path("tokens/<symbol:symbol>/", views.token_detail, name="token-detail"),
    path("tokens/<symbol:symbol>/chart.json", views.token_chart_json, name="token-chart"),
    path("i18n/switch/", views.language_switch, name="language-switch"),
]
