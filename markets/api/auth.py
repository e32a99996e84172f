"""Credentials for POST /api/v1/auth/token/: a username, or the email people sign up with."""

from __future__ import annotations

from django.contrib.auth import get_user_model
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
        return super().validate(attrs)
