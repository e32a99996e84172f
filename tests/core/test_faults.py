"""Faults: Redis, the database, the mail server or the static manifest gone.

Each: the page (or JSON) people get, its status, and the log line operators see.
"""

from __future__ import annotations

import logging
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper

from accounts.models import User
from core import tasks
from markets import health

pytestmark = pytest.mark.django_db

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"
PASSWORD = "violet-otter-harbour-42"


@pytest.fixture(autouse=True)
def broker_ok():
    with mock.patch.object(health, "health_broker", return_value={"ok": True, "error": None}):
        yield


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache_backend.ResilientRedisCache",
            "LOCATION": UNREACHABLE_REDIS,
        }
    }


@pytest.fixture
def database_down():
    error = OperationalError("connection to server at 127.0.0.1 port 5432 failed")
    with mock.patch.object(BaseDatabaseWrapper, "cursor", side_effect=error):
        yield


@pytest.fixture
def signed_up():
    user = User.objects.create_user(username="zoe", email="zoe@example.org", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user


# --- Redis unreachable --------------------------------------------------------------------


def test_pages_the_api_and_sign_in_work_while_redis_is_unreachable(
    client, redis_down, signed_up, caplog
):
    caplog.set_level(logging.WARNING)

    assert client.get("/lists/").status_code == 200
    assert client.get("/api/v1/tokens/").status_code == 200
    response = client.post("/accounts/login/", {"login": "zoe@example.org", "password": PASSWORD})

    assert response.status_code == 302
    assert client.get("/watchlists/").status_code == 200
    assert "Cache unavailable, serving without it" in caplog.text


def test_healthz_reports_the_cache_while_redis_is_unreachable(client, redis_down, caplog):
    caplog.set_level(logging.WARNING)

    report = client.get("/healthz").json()

    assert report["cache"] == {"ok": False, "error": "unreachable"}
    assert "Cache unavailable" in caplog.text


def test_api_throttles_let_requests_through_while_redis_is_unreachable(api_client, redis_down):
    statuses = {api_client.get("/api/v1/lists/").status_code for _ in range(5)}

    assert statuses == {200}


def test_failed_sign_ins_do_not_500_while_redis_is_unreachable(client, redis_down, signed_up):
    for _ in range(3):
        response = client.post("/accounts/login/", {"login": "zoe@example.org", "password": "no"})
        assert response.status_code == 200


# --- Database unreachable ------------------------------------------------------------------


def test_a_page_is_a_translated_503_while_the_database_is_unreachable(client, caplog):
    client.raise_request_exception = False
    with mock.patch.object(
        BaseDatabaseWrapper, "cursor", side_effect=OperationalError("connection refused")
    ):
        response = client.get("/lists/", HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Service indisponible" in response.content.decode()
    assert "Database unavailable, answering 503: OperationalError" in caplog.text


def test_the_api_is_a_json_503_while_the_database_is_unreachable(api_client, caplog):
    with mock.patch.object(
        BaseDatabaseWrapper, "cursor", side_effect=OperationalError("connection refused")
    ):
        response = api_client.get("/api/v1/tokens/")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}
    assert "Database unavailable" in caplog.text


def test_healthz_is_503_while_the_database_is_unreachable(client, database_down):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] == {"ok": False, "error": "OperationalError"}


# --- Mail server unreachable --------------------------------------------------------------


@pytest.fixture
def mail_down(settings):
    settings.EMAIL_BACKEND = "core.mail.QueuedEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 1


@pytest.fixture
def queued():
    payloads = []
    with mock.patch.object(tasks.email_send, "delay", side_effect=payloads.append):
        yield payloads


def test_sign_up_succeeds_and_queues_its_email_while_the_mail_server_is_unreachable(
    client, mail_down, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/signup/",
            {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD},
        )

    assert response.status_code == 302
    user = User.objects.get(email="new@example.org")
    assert EmailAddress.objects.filter(user=user, email="new@example.org").exists()
    assert [payload["to"] for payload in queued] == [["new@example.org"]]


def test_password_reset_succeeds_while_the_mail_server_is_unreachable(
    client, mail_down, queued, signed_up, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": "zoe@example.org"})

    assert response.status_code == 302
    assert [payload["to"] for payload in queued] == [["zoe@example.org"]]


def test_the_email_task_retries_then_logs_the_failure(mail_down, caplog):
    payload = {
        "subject": "Hello",
        "body": "Body",
        "from_email": "noreply@example.org",
        "to": ["zoe@example.org"],
        "cc": [],
        "bcc": [],
        "reply_to": [],
        "headers": {},
        "alternatives": [],
    }

    result = tasks.email_send.apply(args=[payload])

    assert result.failed()
    assert "Email to zoe@example.org failed (attempt 1), retrying in 30s" in caplog.text
    assert f"failed after {tasks.EMAIL_MAX_RETRIES + 1} attempts, giving up" in caplog.text


def test_a_queued_email_is_delivered_by_the_task(settings, mailoutbox):
    from django.core.mail import EmailMultiAlternatives

    from core.mail import message_to_payload

    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    message = EmailMultiAlternatives("Hi", "Text", "a@example.org", ["b@example.org"])
    message.attach_alternative("<p>Text</p>", "text/html")

    tasks.email_send.apply(args=[message_to_payload(message)])

    assert [(m.subject, m.to, m.alternatives[0][1]) for m in mailoutbox] == [
        ("Hi", ["b@example.org"], "text/html")
    ]


# --- Static manifest missing --------------------------------------------------------------


@pytest.fixture
def manifest_missing(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }


def test_a_missing_static_manifest_gives_a_plain_500_page_and_a_log_line(
    client, manifest_missing, caplog
):
    client.raise_request_exception = False

    response = client.get("/lists/")

    assert response.status_code == 500
    assert "Server error" in response.content.decode()
    assert "Internal Server Error: /lists/" in caplog.text


def test_healthz_fails_when_the_static_manifest_is_missing(client, manifest_missing, caplog):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["static"] == {"ok": False, "error": "ValueError"}
    assert "Health check: static files unavailable" in caplog.text
