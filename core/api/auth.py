"""POST /api/v1/auth/token/: a username, or the email people sign up with, for an API token."""

from __future__ import annotations

from allauth.account import app_settings as allauth_settings
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.settings import api_settings

from core.api.errors import RETRY_AFTER, ApiErrorsMixin, error_responses


class EmailOrUsernameAuthTokenSerializer(AuthTokenSerializer):
    """People sign up with an email address and never see their generated username."""

    def validate(self, attrs):
        login = attrs.get("username", "")
        if "@" in login:
            username = (
                get_user_model()
                .objects.filter(email__iexact=login)
                .values_list("username", flat=True)
                .first()
            )
            attrs = {**attrs, "username": username or login}
        attrs = super().validate(attrs)
        if (
            _verification_mandatory()
            and not EmailAddress.objects.filter(user=attrs["user"], verified=True).exists()
        ):
            raise serializers.ValidationError(
                _("Confirm your email address first (see the link we sent you)."),
                code="authorization",
            )
        return attrs


def _verification_mandatory() -> bool:
    mode = allauth_settings.EMAIL_VERIFICATION
    return mode == allauth_settings.EmailVerificationMethod.MANDATORY


class TokenKeySerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")


@extend_schema(
    tags=["auth"],
    summary="Exchange a username and password for an API token",
    request=EmailOrUsernameAuthTokenSerializer,
    parameters=[RETRY_AFTER],
    responses={200: TokenKeySerializer, **error_responses(400, 429)},
)
class AuthTokenView(ApiErrorsMixin, ObtainAuthToken):
    """Returns the user's API token (created on first call). Wrong credentials are a 400."""

    serializer_class = EmailOrUsernameAuthTokenSerializer
    # Credentials come in the body; a stale Authorization header must not get in the way.
    authentication_classes: list = []
    # DRF leaves this view unthrottled; password guessing should not be.
    throttle_classes = api_settings.DEFAULT_THROTTLE_CLASSES
