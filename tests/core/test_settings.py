"""Production settings: what `DJANGO_DEBUG=0` turns on, checked in a fresh interpreter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECRET = "a-real-secret-key-for-the-test-0123456789-abcdefghijklmnopqrstuvwxyz"
SITE_URL = "https://aicrash.test"  # a reserved name, but not the env example's
PROBE = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "proxy_header": s.SECURE_PROXY_SSL_HEADER,
    "preload": s.SECURE_HSTS_PRELOAD,
    "language_cookie": [s.LANGUAGE_COOKIE_SECURE, s.LANGUAGE_COOKIE_SAMESITE],
    "redirect_exempt": s.SECURE_REDIRECT_EXEMPT,
    "admin_url": s.ADMIN_URL,
    "site_url": s.SITE_URL,
    "notifications_poll": getattr(s, "NOTIFICATIONS_POLL_SECONDS", None),
    "cache": [s.CACHES["default"]["BACKEND"], s.CACHES["default"].get("LOCATION")],
    "celery": [s.CELERY_BROKER_URL, s.CELERY_RESULT_BACKEND],
}))
"""


# Production needs DATABASE_URL: the run's own database, else SQLite named on purpose.
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{ROOT / 'var' / 'aicrash.sqlite3'}"


def _env(**extra) -> dict:
    # Not the test run's own switches (the browser tests allow async-unsafe calls).
    skipped = ("SECURE_", "NUM_PROXIES", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if not k.startswith(skipped)}
    env = {
        **env,
        "DJANGO_DEBUG": "0",
        "SECRET_KEY": SECRET,
        "SITE_URL": SITE_URL,
        "DATABASE_URL": DATABASE_URL,
        **extra,
    }
    return {k: v for k, v in env.items() if v is not None}


def _settings(**extra) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**_env(**extra), "DJANGO_SETTINGS_MODULE": "aicrash_site.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def _check(**extra) -> subprocess.CompletedProcess:
    """``manage.py check`` in production mode with these environment variables."""
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=_env(**extra),
        capture_output=True,
        text=True,
    )


def _printed(expression: str, **extra) -> str:
    """What ``expression`` prints once Django is set up with these environment variables."""
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {expression}"],
        cwd=ROOT,
        env={**_env(**extra), "DJANGO_SETTINGS_MODULE": "aicrash_site.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def _check_deploy(**extra) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_env(**extra),
        capture_output=True,
        text=True,
    )


def test_check_deploy_passes_without_a_warning_in_production():
    result = _check_deploy(REDIS_CACHE_URL="redis://127.0.0.1:6379/0", ALLOWED_HOSTS="aicrash.test")

    assert result.returncode == 0, result.stderr


def test_check_deploy_warns_when_allowed_hosts_refuse_the_site_url_host():
    """Email links point at SITE_URL: a host ALLOWED_HOSTS does not name answers them 400."""
    result = _check_deploy(REDIS_CACHE_URL="redis://127.0.0.1:6379/0", ALLOWED_HOSTS=None)

    assert result.returncode != 0
    assert "core.W002" in result.stderr and "aicrash.test" in result.stderr


def test_check_deploy_warns_when_each_process_would_keep_its_own_cache():
    """Sign-in lockouts and API rate limits count in the cache: per gunicorn worker, an
    attacker gets as many tries as there are processes."""
    result = _check_deploy(CELERY_BROKER_URL="filesystem://localhost/", REDIS_CACHE_URL=None)

    assert result.returncode != 0
    assert "core.W001" in result.stderr and "REDIS_CACHE_URL" in result.stderr


def test_x_forwarded_proto_is_ignored_without_configured_proxies():
    assert _settings()["proxy_header"] is None


def test_x_forwarded_proto_is_trusted_behind_configured_proxies():
    assert _settings(NUM_PROXIES="1")["proxy_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]


@pytest.mark.parametrize(("value", "expected"), [(None, False), ("1", True)])
def test_hsts_preload_is_opt_in(value, expected):
    extra = {} if value is None else {"SECURE_HSTS_PRELOAD": value}

    assert _settings(**extra)["preload"] is expected


def test_the_language_cookie_is_secure_and_same_site_in_production():
    assert _settings()["language_cookie"] == [True, "Lax"]


def test_healthz_is_exempt_from_the_https_redirect():
    assert _settings()["redirect_exempt"] == ["^healthz$"]


def test_the_admin_url_comes_from_a_setting():
    assert _settings(ADMIN_URL="/back-office/")["admin_url"] == "back-office/"


@pytest.mark.django_db
def test_healthz_answers_over_plain_http_when_pages_redirect_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

    assert client.get("/lists/").status_code == 301
    assert client.get("/healthz").status_code in (200, 503)


def test_the_broker_check_is_remembered_for_a_few_seconds():
    from core.health import Memo

    calls = []

    def check():
        calls.append(1)
        return {"ok": True, "error": None}

    memo = Memo(60)
    memo(check)
    memo(check)

    assert len(calls) == 1


def test_production_refuses_to_start_without_site_url():
    result = _check(SITE_URL=None)

    assert result.returncode != 0 and "SITE_URL" in result.stderr


@pytest.mark.parametrize("key", ["", "   ", "change-me-50-random-characters"])
def test_production_refuses_to_start_with_an_empty_or_example_secret_key(key):
    result = _check(SECRET_KEY=key)

    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY" in result.stderr


def test_manage_py_shows_a_settings_error_as_its_message_without_a_traceback():
    result = _check(LOG_LEVEL="verbose")

    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "ImproperlyConfigured: LOG_LEVEL is 'verbose': use DEBUG, INFO, WARNING, ERROR, CRITICAL."
    ]


def test_manage_py_traceback_option_still_shows_where_a_settings_error_came_from():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--traceback"],
        cwd=ROOT, env=_env(LOG_LEVEL="verbose"), capture_output=True, text=True,
    )  # fmt: skip

    assert result.returncode != 0
    assert "Traceback" in result.stderr and "settings.py" in result.stderr


@pytest.mark.parametrize("value", [None, "", "  "])
def test_production_refuses_to_start_without_database_url_rather_than_using_sqlite(value):
    result = _check(DATABASE_URL=value)

    assert result.returncode != 0
    assert "ImproperlyConfigured: DATABASE_URL is not set" in result.stderr


def test_production_keeps_sqlite_when_database_url_names_it_on_purpose():
    result = _check(DATABASE_URL=f"sqlite:///{ROOT / 'var' / 'aicrash.sqlite3'}")

    assert result.returncode == 0, result.stderr


def test_a_blank_database_url_means_the_sqlite_default_in_development():
    probe = "from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'])"

    assert _printed(probe, DJANGO_DEBUG="1", DATABASE_URL="") == "django.db.backends.sqlite3"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ALLOWED_HOSTS", "aicrash.example.org"),
        ("ALLOWED_HOSTS", "aicrash.test,AICRASH.example.org."),
        ("SITE_URL", "https://aicrash.example.org"),
        ("CSRF_TRUSTED_ORIGINS", "https://aicrash.test,https://aicrash.example.org"),
        ("EMAIL_URL", "smtp+tls://user:password@smtp.example.org:587"),
        ("DEFAULT_FROM_EMAIL", "aicrash <noreply@aicrash.example.org>"),
    ],
)
def test_production_refuses_the_placeholder_hosts_of_the_env_example_naming_the_variable(
    name, value
):
    result = _check(**{name: value})

    assert result.returncode != 0
    assert f"ImproperlyConfigured: {name} " in result.stderr
    assert ", a placeholder of deploy/aicrash.env.example" in result.stderr


def test_production_takes_a_host_of_ones_own_under_an_example_domain():
    # Only the env example's own placeholders are refused, not every example.* name.
    result = _check(
        ALLOWED_HOSTS="aicrash.example.com",
        SITE_URL="https://aicrash.example.com",
        CSRF_TRUSTED_ORIGINS="https://aicrash.example.com",
        DEFAULT_FROM_EMAIL="aicrash <noreply@example.net>",
    )

    assert result.returncode == 0, result.stderr


def test_development_takes_example_hosts():
    probe = "from django.conf import settings as s; print(s.ALLOWED_HOSTS, s.SITE_URL)"
    printed = _printed(
        probe, DJANGO_DEBUG="1", ALLOWED_HOSTS="example.org", SITE_URL="https://example.org"
    )

    assert printed == "['example.org'] https://example.org"


@pytest.mark.parametrize("debug", ["0", "1"])
@pytest.mark.parametrize("key", [None, "", "  "])
def test_the_coingecko_pro_plan_without_an_api_key_is_refused_naming_both_variables(debug, key):
    result = _check(DJANGO_DEBUG=debug, COINGECKO_API_PLAN="pro", COINGECKO_API_KEY=key)

    assert result.returncode != 0
    assert "ImproperlyConfigured: COINGECKO_API_PLAN is 'pro'" in result.stderr
    assert "COINGECKO_API_KEY" in result.stderr.splitlines()[-1]


def test_the_coingecko_demo_plan_needs_no_api_key():
    assert _check(COINGECKO_API_PLAN="demo", COINGECKO_API_KEY=None).returncode == 0


def test_log_level_is_read_in_any_case():
    level = _printed("import logging; print(logging.getLogger().level)", LOG_LEVEL="debug")

    assert level == "10"


def test_an_unknown_log_level_is_refused_naming_the_variable():
    result = _check(LOG_LEVEL="verbose")

    assert result.returncode != 0
    assert "ImproperlyConfigured: LOG_LEVEL is 'verbose'" in result.stderr


@pytest.mark.parametrize(
    "name", ["API_THROTTLE_ANON", "API_THROTTLE_USER", "API_THROTTLE_AUTH_TOKEN"]
)
def test_a_malformed_api_rate_is_refused_at_startup_naming_the_variable(name):
    result = _check(**{name: "120 per minute"})

    assert result.returncode != 0
    assert f"ImproperlyConfigured: {name} is '120 per minute'" in result.stderr


def test_api_rates_take_drf_spellings_of_the_period():
    probe = "from django.conf import settings as s; "
    probe += "print(s.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']['anon'])"

    assert _printed(probe, API_THROTTLE_ANON="30/hour") == "30/hour"


@pytest.mark.parametrize(
    ("name", "value"),
    [("REFRESH_INTERVAL_SECONDS", "5m"), ("DB_CONN_MAX_AGE", "60s"), ("EMAIL_TIMEOUT", "ten")],
)
def test_a_number_setting_that_is_not_a_number_is_refused_naming_the_variable(name, value):
    result = _check(**{name: value})

    assert result.returncode != 0
    assert f"ImproperlyConfigured: {name} is {value!r}" in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [("SECURE_SSL_REDIRECT", "ture"), ("DJANGO_DEBUG", "maybe"), ("MARKET_CONTEXT_LIVE", "of")],
)
def test_a_switch_that_is_neither_on_nor_off_is_refused_naming_the_variable(name, value):
    result = _check(**{name: value})

    assert result.returncode != 0
    assert f"ImproperlyConfigured: {name} is {value!r}" in result.stderr


def test_switches_take_the_usual_spellings_of_on_and_off():
    probe = "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, s.DEBUG)"

    assert _printed(probe, SECURE_SSL_REDIRECT=" Off ") == "False False"
    assert _printed(probe, SECURE_SSL_REDIRECT="YES") == "True False"
    assert _printed(probe, SECURE_SSL_REDIRECT="0", DJANGO_DEBUG="false") == "False False"


@pytest.mark.parametrize(
    ("name", "value", "minimum"),
    [
        ("LIVE_POLL_SECONDS", "0", "1"),  # htmx "every 0s": each open page polls without pause
        ("NOTIFICATIONS_POLL_SECONDS", "-30", "1"),
        ("REFRESH_BATCH_SIZE", "0", "1"),  # every refresh failed cutting its batches
        ("REFRESH_LOCK_SECONDS", "0", "1"),
        ("STALE_AFTER_SECONDS", "0", "1"),
        ("EMAIL_TIMEOUT", "0", "1"),
        ("COINGECKO_TIMEOUT_SECONDS", "0", "1"),
        ("STOOQ_MAX_RETRIES", "-1", "0"),
        ("NUM_PROXIES", "-1", "0"),  # the API's client address read past X-Forwarded-For: a 500
    ],
)
def test_a_number_setting_below_what_works_is_refused_naming_the_variable(name, value, minimum):
    result = _check(**{name: value})

    assert result.returncode != 0
    assert f"ImproperlyConfigured: {name} is {value!r}: it must be at least {minimum}" in (
        result.stderr
    )


@pytest.mark.parametrize(
    "name",
    ["REFRESH_INTERVAL_SECONDS", "COMPACT_INTERVAL_SECONDS", "REPLAY_CONCURRENCY_PER_CLIENT"],
)
def test_processes_that_run_no_system_check_refuse_a_zero_interval_or_limit_too(name):
    """Celery beat and gunicorn load the settings without manage.py's checks: beat sent a task
    due every 0 s without pause."""
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT, env={**_env(**{name: "0"}), "DJANGO_SETTINGS_MODULE": "aicrash_site.settings"},
        capture_output=True, text=True,
    )  # fmt: skip

    assert result.returncode != 0
    assert f"ImproperlyConfigured: {name} is '0': it must be at least 1" in result.stderr


def test_email_verification_is_read_in_any_case_and_an_unknown_one_is_refused():
    probe = "from django.conf import settings as s; print(s.ACCOUNT_EMAIL_VERIFICATION)"
    assert _printed(probe, ACCOUNT_EMAIL_VERIFICATION="Mandatory") == "mandatory"

    result = _check(ACCOUNT_EMAIL_VERIFICATION="yes")
    assert result.returncode != 0
    assert "ImproperlyConfigured: ACCOUNT_EMAIL_VERIFICATION is 'yes'" in result.stderr


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("DATABASE_URL", "postgres://aicrash:pa#ss?w@127.0.0.1:5432/aicrash"),
        ("EMAIL_URL", "smtp+tls://user:pa#ss?w@smtp.example.org:587"),
    ],
)
def test_a_url_with_an_unencoded_password_is_refused_naming_the_variable_not_the_password(
    name, url
):
    result = _check(**{name: url})

    assert result.returncode != 0
    assert f"ImproperlyConfigured: {name} does not parse" in result.stderr
    assert "pa#ss" not in result.stderr and "pa%23ss" not in result.stderr


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("DATABASE_URL", "127.0.0.1:5432/aicrash"),
        ("DATABASE_URL", "postgress://aicrash:secret@127.0.0.1:5432/aicrash"),
        ("EMAIL_URL", "gmail://user:secret@gmail.com"),
        ("REDIS_CACHE_URL", "127.0.0.1:6379/1"),
        ("CELERY_BROKER_URL", "127.0.0.1:6379/0"),
        ("CELERY_RESULT_BACKEND", "127.0.0.1:6379/0"),
    ],
)
def test_a_url_with_a_scheme_settings_do_not_know_is_refused_naming_the_variable(name, url):
    result = _check(**{name: url})

    assert result.returncode != 0
    assert f"ImproperlyConfigured: {name} " in result.stderr
    assert "Traceback" not in result.stderr and "secret" not in result.stderr


def test_a_var_dir_that_cannot_be_made_is_refused_naming_the_variable(tmp_path):
    a_file = tmp_path / "not-a-directory"
    a_file.write_text("")

    result = _check(AICRASH_VAR_DIR=str(a_file / "var"))

    assert result.stderr.strip().splitlines() == [
        f"ImproperlyConfigured: AICRASH_VAR_DIR: cannot create {a_file / 'var'} "
        "(Not a directory): point it at a directory the user running aicrash may write."
    ]


@pytest.mark.parametrize("value", ["", "/"])
def test_an_empty_admin_url_is_refused_rather_than_hiding_the_admin(value):
    result = _check(ADMIN_URL=value)

    assert result.returncode != 0
    assert f"ImproperlyConfigured: ADMIN_URL is {value!r}" in result.stderr


def test_site_url_is_read_without_its_trailing_slash():
    assert _settings(SITE_URL=f"{SITE_URL}/")["site_url"] == SITE_URL


def test_site_url_defaults_to_the_development_server_in_development():
    assert _settings(DJANGO_DEBUG="1", SITE_URL=None)["site_url"] == "http://127.0.0.1:8000"


TLS = "rediss://redis.example.org:6380/0"


@pytest.mark.parametrize(
    ("broker", "used"),
    [
        ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0"),
        (TLS, f"{TLS}?ssl_cert_reqs=required"),
    ],
)
def test_the_cache_defaults_to_the_redis_broker_over_tls_too(broker, used):
    cache = _settings(CELERY_BROKER_URL=broker, REDIS_CACHE_URL=None)["cache"]

    assert cache == ["core.cache_backend.ResilientRedisCache", used]


def test_a_tls_broker_checks_the_certificate_unless_its_url_says_otherwise():
    assert _settings(CELERY_BROKER_URL=TLS)["celery"] == [f"{TLS}?ssl_cert_reqs=required"] * 2
    relaxed = f"{TLS}?ssl_cert_reqs=none"
    assert _settings(CELERY_BROKER_URL=relaxed)["celery"] == [relaxed, relaxed]
    backend = f"{TLS}?socket_timeout=5"
    assert _settings(CELERY_BROKER_URL=TLS, CELERY_RESULT_BACKEND=backend)["celery"][1] == (
        f"{backend}&ssl_cert_reqs=required"
    )


def test_celery_starts_on_a_tls_broker_named_without_its_certificate_rule():
    """Celery raises "A rediss:// URL must have parameter ssl_cert_reqs" without the default."""
    probe = "import django; django.setup(); from aicrash_site.celery import app as a"
    probe += "; print(type(a.backend).__name__)"
    env = {**_env(CELERY_BROKER_URL=TLS), "DJANGO_SETTINGS_MODULE": "aicrash_site.settings"}
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env,
        capture_output=True, text=True, check=False,
    )  # fmt: skip

    assert result.stdout.strip() == "RedisBackend", result.stderr[-500:]


def test_the_bell_poll_interval_named_in_the_readme_comes_from_the_environment():
    assert _settings()["notifications_poll"] == 30
    assert _settings(NOTIFICATIONS_POLL_SECONDS="120")["notifications_poll"] == 120


def _environment_variables_read_by_settings() -> set[str]:
    import re

    source = (ROOT / "aicrash_site" / "settings.py").read_text()
    return set(re.findall(r'(?:env|Env\(\))\.\w+\(\s*"([A-Z0-9_]+)"', source))


def _named_in(readme: str, name: str) -> bool:
    """Named whole, or as the README's table abbreviates: `COINGECKO_MAX_RETRIES` as `_MAX_RETRIES`
    on the row that names another `COINGECKO_...` variable."""
    if f"`{name}`" in readme:
        return True
    parts = name.split("_")
    for i in range(1, len(parts)):
        prefix, suffix = "_".join(parts[:i]), "_".join(parts[i:])
        if any(f"`_{suffix}`" in line and f"`{prefix}_" in line for line in readme.splitlines()):
            return True
    return False


def test_every_environment_variable_settings_read_is_named_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    names = _environment_variables_read_by_settings()

    assert len(names) > 40
    assert sorted(name for name in names if not _named_in(readme, name)) == []


def _server_start(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).parent / command[0]), *command[1:]],
        cwd=ROOT, env=_env(LOG_LEVEL="verbose"), capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_gunicorn_stops_on_a_settings_error_with_its_message_and_no_traceback():
    result = _server_start("gunicorn", "aicrash_site.wsgi", "-b", "127.0.0.1:0", "-w", "1")

    assert result.returncode != 0
    assert "ImproperlyConfigured: LOG_LEVEL is 'verbose'" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("program", [["worker", "--pool", "solo"], ["beat"]])
def test_celery_stops_on_a_settings_error_with_its_message_and_no_traceback(program):
    result = _server_start("celery", "-A", "aicrash_site", *program)

    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "ImproperlyConfigured: LOG_LEVEL is 'verbose': use DEBUG, INFO, WARNING, ERROR, CRITICAL."
    ]
