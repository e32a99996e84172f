from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from markets import views as market_views

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("healthz", market_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("core.api.urls")),
    path("api/v1/", include("markets.api.urls")),
    path("api/v1/", include("watchlists.api.urls")),
    path("api/v1/", include("discussions.api.urls")),
    path("api/v1/", include("alerts.api.urls")),
    path("api/v1/", include("notifications.api.urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("watchlists/", include("watchlists.urls")),
    path("alerts/", include("alerts.urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("discussions.urls")),
    path("", include("markets.urls")),
]

# JSON on /api/, a page that needs neither database nor static manifest elsewhere (core/errors).
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"
