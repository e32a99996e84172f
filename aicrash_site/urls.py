from django.contrib import admin
from django.urls import path

from markets import views as market_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", market_views.healthz, name="healthz"),
]
