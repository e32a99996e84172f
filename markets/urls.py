from django.urls import path, register_converter

from markets import views
from markets.symbols import SYMBOL_URL_PATTERN


class SymbolConverter:
    """A token symbol as stored (any case in the URL); anything else is simply a 404.
    Token.symbol is constrained to this pattern, so every token has its URL."""

    regex = SYMBOL_URL_PATTERN

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
