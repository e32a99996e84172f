"""POST /api/v1/auth/token/: a username, or the email people sign up with, for an API token."""

from __future__ import annotations

from allauth.account import app_settings as allauth_settings
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import Throttled
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.settings import api_settings

from core.api.errors import RETRY_AFTER, ApiErrorsMixin, error_responses
from core.api.parsers import JSONParser
from core.api.serializers import StrictFieldsMixin
from core.api.throttles import AuthTokenThrottle
from core.login_lockout import account_login, lockout_key, login_failure_record, login_locked

LOCKOUT_SECONDS = 300  # allauth's ACCOUNT_LOGIN_ATTEMPTS_TIMEOUT default


class EmailOrUsernameAuthTokenSerializer(StrictFieldsMixin, AuthTokenSerializer):
    """People sign up with an email address and never see their generated username.

    A failure counts towards allauth's per-account lockout (``login_failed``) shared with
    the sign-in page; while an account is locked this endpoint answers 429, right password
    or not. A success does not count.
    """

    def validate(self, attrs):
        request = self.context["request"]
        request = getattr(request, "_request", request)
        username, email = account_login(attrs["username"])
        key = lockout_key(request, login=attrs["username"], email=email)
        if login_locked(request, key=key):
            raise Throttled(
                wait=LOCKOUT_SECONDS,
                detail=gettext("Too many failed sign-in attempts. Try again later."),
            )
        user = authenticate(request, username=username, password=attrs["password"])
        if user is None:
            login_failure_record(request, key=key)
            raise serializers.ValidationError(
                _("Unable to log in with provided credentials."), code="authorization"
            )
        attrs = {**attrs, "user": user}
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
# The answer is the key itself: never stored by a browser or a proxy (RFC 6749's no-store).
@method_decorator(never_cache, name="dispatch")
class AuthTokenView(ApiErrorsMixin, ObtainAuthToken):
    """Returns the user's API token (created on first call). Wrong credentials are a 400."""

    serializer_class = EmailOrUsernameAuthTokenSerializer
    # ObtainAuthToken names its own parsers: the same ones, with the JSON parser refusing deep
    # nesting (a 400, not a 500).
    parser_classes = (FormParser, MultiPartParser, JSONParser)
    # Credentials come in the body; a stale Authorization header must not get in the way.
    authentication_classes: list = []
    # DRF leaves this view unthrottled; password guessing should not be.
    throttle_classes = [AuthTokenThrottle, *api_settings.DEFAULT_THROTTLE_CLASSES]
