"""Settings for aicrash: every value comes from the environment with a safe dev default."""

import re
import warnings
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("AICRASH_VAR_DIR", default=str(BASE_DIR / "var")))


class _Env(environ.Env):
    """django-environ, with a value that does not parse named: ``REFRESH_INTERVAL_SECONDS=5m``
    said only "invalid literal for int() with base 10: '5m'"."""

    def get_value(self, var, cast=None, default=environ.Env.NOTSET, parse_default=False):
        try:
            return super().get_value(var, cast=cast, default=default, parse_default=parse_default)
        except ValueError as exc:
            raw = self.ENVIRON.get(f"{self.prefix}{var}")
            raise environ.ImproperlyConfigured(f"{var} is {raw!r}: {exc}") from None

    def int(self, var, default=environ.Env.NOTSET, *, minimum=None):
        return self._at_least(var, super().int(var, default=default), minimum)

    def float(self, var, default=environ.Env.NOTSET, *, minimum=None):
        return self._at_least(var, super().float(var, default=default), minimum)

    def _at_least(self, var, value, minimum):
        """A number that parses but cannot work (a poll every 0 s, a batch of 0 tokens, -1
        proxies) is refused like one that does not parse."""
        raw = self.ENVIRON.get(f"{self.prefix}{var}")
        if minimum is not None and raw is not None and value < minimum:
            raise environ.ImproperlyConfigured(f"{var} is {raw!r}: it must be at least {minimum}.")
        return value

    def bool(self, var, default=environ.Env.NOTSET):
        """Only a word for on or off: django-environ read anything else, a typo of "true"
        included, as off (``SECURE_SSL_REDIRECT=ture`` quietly served plain HTTP)."""
        raw = self.ENVIRON.get(f"{self.prefix}{var}")
        if raw is not None and raw.strip().lower() not in _SWITCH_WORDS:
            raise environ.ImproperlyConfigured(
                f"{var} is {raw!r}: write 1 or 0 (also true/false, yes/no, on/off)."
            )
        return super().bool(var, default=default)

    # A password holding # ? / @ breaks a URL: say which variable, without echoing it.
    def db_url(self, var="DATABASE_URL", default=environ.Env.NOTSET, engine=None):
        try:
            with warnings.catch_warnings():  # its "Engine not recognized" shows the password
                warnings.simplefilter("ignore")
                config = super().db_url(var, default=default, engine=engine)
        except ValueError:
            raise environ.ImproperlyConfigured(_URL_HINT.format(var=var)) from None
        # No scheme (Django said KeyError: 'ENGINE'), or a misspelt one.
        if engine is None and config.get("ENGINE") not in self.DB_SCHEMES.values():
            raise environ.ImproperlyConfigured(
                f"{var} does not start with a database scheme: write "
                "postgres://user:password@host:5432/name (or sqlite:///path)."
            )
        return config

    db = db_url

    def email_url(self, var="EMAIL_URL", default=environ.Env.NOTSET, backend=None):
        try:
            return super().email_url(var, default=default, backend=backend)
        except ValueError:
            raise environ.ImproperlyConfigured(_URL_HINT.format(var=var)) from None
        except environ.ImproperlyConfigured:  # "Invalid email schema gmail", variable unnamed
            raise environ.ImproperlyConfigured(
                f"{var} does not start with a mail scheme: write smtp://, smtp+tls:// or "
                "smtp+ssl://user:password@host:port (or consolemail://)."
            ) from None


_SWITCH_WORDS = {*environ.Env.BOOLEAN_TRUE_STRINGS, "false", "off", "no", "n", "0", ""}
_URL_HINT = (
    "{var} does not parse as a URL: percent-encode the characters @ : / % # ? of its user "
    "name and password (%40 %3A %2F %25 %23 %3F)."
)


env = _Env()


def _var_dir_make(path: Path) -> None:
    """A folder under AICRASH_VAR_DIR; one that cannot be made (a file in the way, another
    user's folder) is named rather than a traceback through the settings import."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise environ.ImproperlyConfigured(
            f"AICRASH_VAR_DIR: cannot create {path} ({exc.strerror}): point it at a directory "
            "the user running aicrash may write."
        ) from None


_var_dir_make(VAR_DIR)


def _env_choice(var: str, *, default: str, choices: tuple[str, ...]) -> str:
    """One of ``choices`` (written in the case they are listed in), read in any case; any
    other value is refused at startup, naming the variable."""
    raw = env.str(var, default=default)
    value = raw.strip().upper() if choices[0].isupper() else raw.strip().lower()
    if value not in choices:
        raise environ.ImproperlyConfigured(f"{var} is {raw!r}: use {', '.join(choices)}.")
    return value


DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str(
    "SECRET_KEY", default="django-insecure-dev-only-key-change-me" if DEBUG else environ.Env.NOTSET
)
if not DEBUG and (not SECRET_KEY.strip() or SECRET_KEY.startswith("change-me")):
    # Blank, Django would fail on the first request; deploy/aicrash.env.example's
    # placeholder is public, so anyone could sign sessions and password-reset links.
    raise environ.ImproperlyConfigured(
        "SECRET_KEY is empty or still the placeholder of deploy/aicrash.env.example: set a "
        "random one, e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(50))'."
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "core.errors.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "core",
    "accounts",  # before allauth: its templates override allauth's layout
    "allauth",
    "allauth.account",
    "markets",
    "notifications",
    "watchlists",
    "episodes",
    "discussions",
    "alerts",
    "curation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "core.middleware.CommonMiddleware",  # APPEND_SLASH with a 308 (keeps POST a POST)
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.PrivateWhenSignedInMiddleware",  # signed-in pages: Cache-Control private
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "core.errors.DatabaseUnavailableMiddleware",  # the database down: a 503, not a 500
    "core.errors.MethodNotAllowedPageMiddleware",  # a form-only address visited: a page
]

ROOT_URLCONF = "aicrash_site.urls"
WSGI_APPLICATION = "aicrash_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "aicrash_site" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "markets.context_processors.site",
            ],
        },
    },
]

if not env.str("DATABASE_URL", default="").strip():
    if not DEBUG:  # SQLite in var/ would quietly hold production's accounts and data
        raise environ.ImproperlyConfigured(
            "DATABASE_URL is not set: production (DJANGO_DEBUG=0) needs its database named, "
            "e.g. postgres://aicrash:password@127.0.0.1:5432/aicrash (a sqlite:/// URL keeps "
            "SQLite on purpose)."
        )
    DATABASES = {"default": env.db_url_config(f"sqlite:///{VAR_DIR / 'aicrash.sqlite3'}")}
else:
    DATABASES = {"default": env.db("DATABASE_URL")}
# Seconds a connection is kept for the next requests (0: one per request; production: e.g. 60).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=0, minimum=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # a kept connection that died is replaced
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the worker writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif "postgresql" in DATABASES["default"]["ENGINE"]:
    # No JIT: the metrics read is estimated costly enough to be compiled, which took 0.6 s
    # a refresh and saved nothing (its work is index scans, not expressions).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",  # the admin, and API tokens by username
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
# Adding, removing or making primary an email address asks for the password again unless it
# was given in the last 5 minutes: a stolen session cannot swap the email, then reset the
# password from it. (Password change and account deletion ask for the password anyway.)
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# A changed password or address, or an address added or removed, is mailed to the account
# (to the address it had): whoever took over a session cannot do it silently.
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_EMAIL_VERIFICATION = _env_choice(  # allauth knows the lower case
    "ACCOUNT_EMAIL_VERIFICATION",
    default="optional" if DEBUG else "mandatory",
    choices=("mandatory", "optional", "none"),
)
SITE_NAME = env.str("SITE_NAME", default="aicrash")  # how emails and pages name the site
# Where the site is reached, for links in mail sent outside a request (alert digests).
SITE_URL = env.str(
    "SITE_URL", default="http://127.0.0.1:8000" if DEBUG else environ.Env.NOTSET
).rstrip("/")
if not SITE_URL.startswith(("https://", "http://")):
    raise environ.ImproperlyConfigured(
        f"SITE_URL must be an absolute URL such as https://aicrash.example.org, not {SITE_URL!r}."
    )
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "signup": "accounts.forms.SignupForm",  # no timing tell (accounts/forms.py)
    "change_password": "accounts.forms.ChangePasswordForm",  # under the sign-in lockout
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_USER_DISPLAY = "accounts.models.user_display"
# allauth's defaults already rate-limit login failures, signups and password resets (cache);
# the API token endpoint shares the login-failure lockout, account deletion has its own.
ACCOUNT_RATE_LIMITS = {"delete_account": "5/m/user"}
EMAIL_CONFIG = env.email_url(
    "EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25"
)
vars().update(EMAIL_CONFIG)
# Mail leaves through a Celery task retried with backoff (core/mail.py): an unreachable mail
# server neither fails a sign-up or password reset nor leaves a half-made account.
EMAIL_DELIVERY_BACKEND = EMAIL_CONFIG["EMAIL_BACKEND"]
EMAIL_BACKEND = "core.mail.QueuedEmailBackend"
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10, minimum=1)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="aicrash <noreply@localhost>")


# deploy/aicrash.env.example's own hosts: production must not keep them (links and mail
# would go nowhere). Only those: a site of one's own under example.com stays one's choice.
ENV_EXAMPLE_HOSTS = frozenset(["aicrash.example.org", "smtp.example.org"])


def _example_host(host: str) -> bool:
    return host.strip().lower().rstrip(".") in ENV_EXAMPLE_HOSTS


if not DEBUG:
    for _var, _hosts in (
        ("ALLOWED_HOSTS", ALLOWED_HOSTS),
        ("SITE_URL", [urlsplit(SITE_URL).hostname or ""]),
        (
            "CSRF_TRUSTED_ORIGINS",
            [urlsplit(o.strip()).hostname or "" for o in CSRF_TRUSTED_ORIGINS],
        ),
        ("EMAIL_URL", [EMAIL_CONFIG.get("EMAIL_HOST") or ""]),
        ("DEFAULT_FROM_EMAIL", [parseaddr(DEFAULT_FROM_EMAIL)[1].rpartition("@")[2]]),
    ):
        if _found := next((h for h in _hosts if _example_host(h)), None):
            raise environ.ImproperlyConfigured(
                f"{_var} names {_found}, a placeholder of deploy/aicrash.env.example: "
                "write your own host."
            )

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]
FORMAT_MODULE_PATH = ["aicrash_site.formats"]  # French thousands: a narrow no-break space
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
_var_dir_make(STATIC_ROOT)
STATICFILES_DIRS = [
    BASE_DIR / "aicrash_site" / "static",
    # Front-end libraries installed from the npm registry by `make install` (no CDN).
    ("vendor/lightweight-charts", BASE_DIR / "node_modules" / "lightweight-charts" / "dist"),
    ("vendor/sortablejs", BASE_DIR / "node_modules" / "sortablejs"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Celery -------------------------------------------------------------------------------


def _rediss_verified(url: str) -> str:
    """A ``rediss://`` URL checks the server's certificate unless it says otherwise: Celery
    refuses one that does not say (``ssl_cert_reqs``), redis-py reads the same parameter."""
    if url.startswith("rediss://") and "ssl_cert_reqs=" not in url:
        return url + ("&" if "?" in url else "?") + "ssl_cert_reqs=required"
    return url


def _celery_url(var: str, url: str) -> str:
    """Kombu reads ``127.0.0.1:6379/0`` as an AMQP address it cannot reach: say so at
    startup (without echoing the URL, which may hold a password)."""
    if url and "://" not in url:
        raise environ.ImproperlyConfigured(
            f"{var} is not a URL: write redis://host:6379/0 (rediss:// over TLS)."
        )
    return _rediss_verified(url)


CELERY_BROKER_URL = _celery_url(
    "CELERY_BROKER_URL", env.str("CELERY_BROKER_URL", default="filesystem://localhost/")
)
CELERY_QUEUE_DIR = VAR_DIR / "celery" / "queue"
CELERY_PROCESSED_DIR = VAR_DIR / "celery" / "processed"
if CELERY_BROKER_URL.startswith("filesystem://"):
    _var_dir_make(CELERY_QUEUE_DIR)
    _var_dir_make(CELERY_PROCESSED_DIR)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_DIR),
        "data_folder_out": str(CELERY_QUEUE_DIR),
        "processed_folder": str(CELERY_PROCESSED_DIR),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
REFRESH_INTERVAL_SECONDS = env.int("REFRESH_INTERVAL_SECONDS", default=300, minimum=1)
CELERY_BEAT_SCHEDULE = {
    "refresh-prices": {
        "task": "markets.tasks.refresh_prices",
        "schedule": float(REFRESH_INTERVAL_SECONDS),
    },
    # Webhook deliveries whose task was lost (notifications.services) are queued again.
    "resume-webhook-deliveries": {
        "task": "notifications.tasks.resume_webhook_deliveries",
        "schedule": 600.0,
    },
}

# --- Cache (the refresh lock lives here) ----------------------------------------------------
REDIS_CACHE_URL = env.str("REDIS_CACHE_URL", default="")
if REDIS_CACHE_URL and not REDIS_CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    raise environ.ImproperlyConfigured(
        "REDIS_CACHE_URL is not a Redis URL: write redis://host:6379/1 (rediss:// over TLS)."
    )
if not REDIS_CACHE_URL and CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    REDIS_CACHE_URL = CELERY_BROKER_URL
CACHES = {
    "default": (
        # Degrades to "no cache" while Redis is unreachable (core/cache_backend.py).
        {"BACKEND": "core.cache_backend.ResilientRedisCache", "LOCATION": REDIS_CACHE_URL}
        if REDIS_CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- Market data --------------------------------------------------------------------------
PRICE_PROVIDER = env.str("PRICE_PROVIDER", default="demo")  # demo | coingecko
COINGECKO_API_KEY = env.str("COINGECKO_API_KEY", default="")
COINGECKO_API_PLAN = env.str("COINGECKO_API_PLAN", default="demo")  # demo | pro
if COINGECKO_API_PLAN == "pro" and not COINGECKO_API_KEY.strip():
    # pro-api.coingecko.com answers nothing without a key: every refresh would fail.
    raise environ.ImproperlyConfigured(
        "COINGECKO_API_PLAN is 'pro' but COINGECKO_API_KEY is empty: set your paid key, or "
        "COINGECKO_API_PLAN=demo for a free key or none."
    )
COINGECKO_TIMEOUT_SECONDS = env.float("COINGECKO_TIMEOUT_SECONDS", default=10.0, minimum=1)
COINGECKO_MAX_RETRIES = env.int("COINGECKO_MAX_RETRIES", default=4, minimum=0)
COINGECKO_BACKOFF_SECONDS = env.float("COINGECKO_BACKOFF_SECONDS", default=1.0, minimum=0)
# Context data (equity closes from Stooq, the Fear & Greed index from alternative.me): the
# periodic tasks fetch them only with a live price provider (the demo needs no network).
MARKET_CONTEXT_LIVE = env.bool("MARKET_CONTEXT_LIVE", default=PRICE_PROVIDER != "demo")
STOOQ_API_KEY = env.str("STOOQ_API_KEY", default="")  # Stooq asks for one since 2026
STOOQ_TIMEOUT_SECONDS = env.float("STOOQ_TIMEOUT_SECONDS", default=15.0, minimum=1)
STOOQ_MAX_RETRIES = env.int("STOOQ_MAX_RETRIES", default=2, minimum=0)
STOOQ_BACKOFF_SECONDS = env.float("STOOQ_BACKOFF_SECONDS", default=2.0, minimum=0)
FEAR_GREED_TIMEOUT_SECONDS = env.float("FEAR_GREED_TIMEOUT_SECONDS", default=10.0, minimum=1)
FEAR_GREED_MAX_RETRIES = env.int("FEAR_GREED_MAX_RETRIES", default=2, minimum=0)
CELERY_BEAT_SCHEDULE["refresh-equities"] = {  # after the New York close, weekdays
    "task": "markets.tasks.refresh_equities",
    "schedule": crontab(minute=30, hour="21,23", day_of_week="mon-fri"),
}
CELERY_BEAT_SCHEDULE["refresh-fear-greed"] = {  # alternative.me publishes at 00:00 UTC
    "task": "markets.tasks.refresh_fear_greed",
    "schedule": crontab(minute=15, hour="0,6"),
}
STALE_AFTER_SECONDS = env.int(
    "STALE_AFTER_SECONDS", default=3 * REFRESH_INTERVAL_SECONDS, minimum=1
)
REFRESH_LOCK_SECONDS = env.int("REFRESH_LOCK_SECONDS", default=15 * 60, minimum=1)

# --- Pages -----------------------------------------------------------------------------------
# htmx refresh of live partials
LIVE_POLL_SECONDS = env.int("LIVE_POLL_SECONDS", default=30, minimum=1)
# How often the navigation's bell asks for the unread count (htmx).
NOTIFICATIONS_POLL_SECONDS = env.int("NOTIFICATIONS_POLL_SECONDS", default=30, minimum=1)
# Anonymous pages and API payloads are cached until the market data change (core/cache.py)
# and at most this long (the bound that matters with a per-process local-memory cache); 0: off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=10, minimum=0)
# Replayed hours (?at=) one client may have computed at once (core/busy.py).
REPLAY_CONCURRENCY_PER_CLIENT = env.int("REPLAY_CONCURRENCY_PER_CLIENT", default=2, minimum=1)
# Market-wide parts of pages (dashboard cards, member rows, cap chart), shared by every
# visitor, signed-in ones included: cached the same way, separately from the page cache.
FRAGMENT_CACHE_SECONDS = env.int("FRAGMENT_CACHE_SECONDS", default=10, minimum=0)

# --- REST API -------------------------------------------------------------------------------


def _api_rate(var: str, default: str) -> str:
    """DRF reads ``<requests>/<period>`` (s, m, h or d, e.g. ``120/min``) on every request:
    a rate it cannot parse would make every API call a 500, so refuse it at startup."""
    value = env.str(var, default=default)
    if not re.fullmatch(r"\d+/[smhd][a-z]*", value.strip()):
        raise environ.ImproperlyConfigured(
            f"{var} is {value!r}: write requests/period, e.g. 120/min (s, min, hour or day)."
        )
    return value.strip()


# Proxies in front of the app that set X-Forwarded-For (0: trust no such header, so a
# client cannot forge its address to escape the rate limits).
NUM_PROXIES = env.int("NUM_PROXIES", default=0, minimum=0)
ALLAUTH_TRUSTED_PROXY_COUNT = NUM_PROXIES
REST_FRAMEWORK = {
    "NUM_PROXIES": NUM_PROXIES,
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.api.authentication.TokenAuthentication",
        "core.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PARSER_CLASSES": [  # DRF's, with a JSON parser that refuses deep nesting (a 400)
        "core.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": [
        "core.api.throttles.AnonCounterThrottle",
        "core.api.throttles.UserCounterThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": _api_rate("API_THROTTLE_ANON", "120/min"),
        "user": _api_rate("API_THROTTLE_USER", "600/min"),
        "auth_token": _api_rate("API_THROTTLE_AUTH_TOKEN", "20/min"),
    },
    "EXCEPTION_HANDLER": "core.api.errors.api_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "aicrash API",
    "DESCRIPTION": "Token prices, drawdowns and sector metrics of the AI-token correction. "
    "Ratios are fractions (-0.2341 = -23.41 %), times ISO 8601 UTC, amounts in US dollars.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "GET_LIB_DOC_EXCLUDES": "core.api.schema_hooks.lib_doc_excludes",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",  # the default, kept
        "core.api.schema_hooks.document_unsupported_media_type",
        "core.api.schema_hooks.document_request_too_large",
        "core.api.schema_hooks.document_not_acceptable",
        "core.api.schema_hooks.document_service_unavailable",
        "core.api.schema_hooks.exclude_empty_from_formatted_branches",
    ],
}

# --- Security in production ---------------------------------------------------------------
# The admin can live elsewhere than /admin/ (e.g. ADMIN_URL=manage-7f3a/).
_admin_url = env.str("ADMIN_URL", default="admin/")
if not _admin_url.strip("/ "):  # the admin would live at "//", which no request reaches
    raise environ.ImproperlyConfigured(
        f"ADMIN_URL is {_admin_url!r}: name a path, e.g. back-office-7f3a/ (default admin/)."
    )
ADMIN_URL = _admin_url.strip("/") + "/"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = LANGUAGE_COOKIE_SAMESITE = "Lax"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # The proxy or orchestrator checks health over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    # X-Forwarded-Proto is anybody's to send: trust it only behind configured proxies.
    if NUM_PROXIES > 0:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    # Preloading is hard to undo (browsers ship the list): the operator opts in.
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]  # not preloading is the choice made above

# Content-Security-Policy (django-csp): no inline scripts or styles anywhere. Charts set
# element styles through the CSSOM, which style-src does not govern; the favicon is data:.
# The one hash is the <style> lightweight-charts 5.2.1 injects for its attribution logo
# (tests/e2e/test_csp.py fails if an upgrade changes it).
CSP_CHART_LOGO_STYLE = "'sha256-3pRED1tOXas1FXFoPb9TGCjmYe9XQsmO9OV23khV2nY='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", CSP_CHART_LOGO_STYLE],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

LOG_LEVEL = _env_choice(  # logging knows only the upper-case names
    "LOG_LEVEL", default="INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}

# --- Market data at scale (issue 10) ---------------------------------------------------------
# How long an import or backfill waits for a running refresh to finish before giving up.
MARKET_DATA_LEASE_WAIT_SECONDS = env.float(
    "MARKET_DATA_LEASE_WAIT_SECONDS", default=120.0, minimum=0
)
# Raw snapshots older than this are compacted into hourly rows, hourly rows into daily ones.
RAW_RETENTION_DAYS = env.int("RAW_RETENTION_DAYS", default=100)
HOURLY_RETENTION_DAYS = env.int("HOURLY_RETENTION_DAYS", default=730)
# A refresh fans out one task per provider batch, then a chord runs the metrics task: chords
# need a result backend although every other task ignores its result.
CELERY_RESULT_BACKEND = _celery_url(
    "CELERY_RESULT_BACKEND", env.str("CELERY_RESULT_BACKEND", default="")
) or (
    CELERY_BROKER_URL
    if CELERY_BROKER_URL.startswith(("redis://", "rediss://"))
    else f"file://{VAR_DIR / 'celery' / 'results'}"
)
if CELERY_RESULT_BACKEND.startswith("file://"):
    Path(CELERY_RESULT_BACKEND.removeprefix("file://")).mkdir(parents=True, exist_ok=True)
CELERY_RESULT_EXPIRES = 3600
# Token ids per provider request (CoinGecko /coins/markets answers up to 250) and per task.
REFRESH_BATCH_SIZE = env.int("REFRESH_BATCH_SIZE", default=250, minimum=1)
REFRESH_BATCH_RETRY_SECONDS = env.float("REFRESH_BATCH_RETRY_SECONDS", default=30.0, minimum=0)
COMPACT_INTERVAL_SECONDS = env.int("COMPACT_INTERVAL_SECONDS", default=24 * 3600, minimum=1)
CELERY_BEAT_SCHEDULE["compact-snapshots"] = {
    "task": "markets.tasks.compact_snapshots",
    "schedule": float(COMPACT_INTERVAL_SECONDS),
}
