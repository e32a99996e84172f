from django.urls import path

from core.api.auth import AuthTokenView

app_name = "core-api"
urlpatterns = [
    path("auth/token/", AuthTokenView.as_view(), name="auth-token"),
]
