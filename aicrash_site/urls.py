from django.conf import settings
from django.contrib import admin
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularSwaggerSplitView

from accounts.forms import AdminLoginForm
from core.api.views import SchemaView
from markets import views as market_views


def favicon(_request) -> HttpResponsePermanentRedirect:
    # Resolved per request: with the production manifest, static() needs collected files.
    return HttpResponsePermanentRedirect(static("favicon.svg"))


admin.site.site_header = _("aicrash administration")
admin.site.site_title = _("aicrash admin")
admin.site.index_title = _("Data, users and runs")
# The sign-in page's lockout after failed attempts applies to the admin's form too.
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    # Browsers ask for /favicon.ico whatever the page says.
    path("favicon.ico", favicon),
    path("healthz", market_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("core.api.urls")),
    path("api/v1/", include("markets.api.urls")),
    path("api/v1/", include("watchlists.api.urls")),
    path("api/v1/", include("episodes.api.urls")),
    path("api/v1/", include("discussions.api.urls")),
    path("api/v1/", include("alerts.api.urls")),
    path("api/v1/", include("notifications.api.urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("watchlists/", include("watchlists.urls")),
    path("alerts/", include("alerts.urls")),
    path("notifications/", include("notifications.urls")),
    path("curate/", include("curation.urls")),
    path("episodes/", include("episodes.urls")),
    path("", include("discussions.urls")),
    path("", include("markets.urls")),
]

# JSON on /api/, a page that needs neither database nor static manifest elsewhere (core/errors).
handler400 = "core.errors.bad_request"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"
