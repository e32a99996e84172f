"""Credentials for POST /api/v1/auth/token/: a username, or the email people sign up with."""

from __future__ import annotations

from allauth.account import app_settings as allauth_settings
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer


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
