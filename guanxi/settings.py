"""Guanxi settings, driven by environment variables (see README "Configuration")."""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from guanxi.envconf import (
    email_settings,
    env_bool,
    env_list,
    env_networks,
    secret_key_from_file,
)
from guanxi.startup import ROUTINE_LOGGERS, routine_logs_quiet

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("GUANXI_DATA_DIR", PACKAGE_DIR.parent / "var")).resolve()
GUANXI_ENV = os.environ.get("GUANXI_ENV", "development").lower()
PRODUCTION = GUANXI_ENV == "production"
TESTING = "pytest" in sys.modules or os.environ.get("GUANXI_TESTING") == "1"

# Off unless asked for (DEBUG=1, or `python3 run.py --debug`): the default run is what a
# community serves, and Django's debug pages list every URL pattern to any visitor.
DEBUG = env_bool("DEBUG", default=False)

if os.environ.get("SECRET_KEY"):
    SECRET_KEY = os.environ["SECRET_KEY"]
elif PRODUCTION:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set when GUANXI_ENV=production. Generate one with: "
        "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )
else:
    SECRET_KEY = secret_key_from_file(DATA_DIR / "secret_key")

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must be set when GUANXI_ENV=production (e.g. ALLOWED_HOSTS=guanxi.example.org)."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Reverse proxies whose X-Forwarded-For names the client (core.ratelimit.client_ip).
GUANXI_TRUSTED_PROXIES = env_networks("GUANXI_TRUSTED_PROXIES")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "csp",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "guanxi.core",
    "guanxi.places",
    "guanxi.accounts",
    "guanxi.notifications",
    "guanxi.network",
    "guanxi.directory",
    "guanxi.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # django-csp's, with the header built once per process.
    "guanxi.core.middleware.CSPMiddleware",
    "guanxi.api.errors.ApiErrorShapeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "guanxi.notifications.middleware.LanguageMemoryMiddleware",
    # Answers the domain errors a page view lets through (after messages and htmx).
    "guanxi.core.outcomes.DomainErrorMiddleware",
    # Last, so its 413 answer still passes through the header, session and locale
    # middleware above; none of them reads the body.
    "guanxi.core.middleware.RequestSizeLimitMiddleware",
    # After the size limit: it reads (bounded) bodies to refuse what no field can hold.
    "guanxi.core.input_guard.RequestInputGuardMiddleware",
]

ROOT_URLCONF = "guanxi.urls"
WSGI_APPLICATION = None
ASGI_APPLICATION = "guanxi.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "guanxi.core.context_processors.site",
                "guanxi.notifications.context_processors.unread_notifications",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
SQLITE_OPTIONS = {
    # Immediate write transactions + a busy timeout: writers queue instead of
    # failing with "database is locked" when web and worker write at once.
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL;"
        "PRAGMA synchronous=NORMAL;"
        "PRAGMA foreign_keys=ON;"
        "PRAGMA temp_store=MEMORY;"
        "PRAGMA cache_size=-64000;"
        "PRAGMA mmap_size=268435456;"
    ),
}

DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'guanxi.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
    # A file, not :memory:, so tests exercise WAL and threads share the database.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(os.environ.get("GUANXI_TEST_DB_DIR", DATA_DIR)) / "test.sqlite3")
    }
# Keep each thread's connection between requests (the web server's threads live as long
# as their process): no reconnect, no pragmas again, SQLite's page cache kept. The health
# check finds a PostgreSQL connection that died (a restart) before a request uses it.
# Not in tests: pytest-django allows database access per test, and a kept connection
# would outlive the test that opened it (tests/platform/test_web_threads.py checks the
# served stack in a child process with the real value).
DATABASES["default"]["CONN_MAX_AGE"] = int(
    os.environ.get("CONN_MAX_AGE", "0" if TESTING else "600")
)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Falls back to local memory while Redis is unreachable (see core.cache.redis).
            "BACKEND": "guanxi.core.cache.redis.FallbackRedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that hangs must not hang requests: give up quickly and fall back.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "guanxi")
            # Parallel test workers share one Redis: keep their keys apart.
            + (
                f"-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{os.getpid()}"
                if TESTING
                else ""
            ),
        }
    }
else:
    # Shared by every process on this machine, so rate limits hold with several web
    # workers; a file of its own, off the main database's write lock (see core.cache.sqlite).
    CACHES = {
        "default": {
            "BACKEND": "guanxi.core.cache.sqlite.SQLiteCache",
            "LOCATION": str(
                Path(os.environ.get("GUANXI_TEST_DB_DIR", DATA_DIR))
                / f"cache-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}.sqlite3"
                if TESTING
                else DATA_DIR / "cache.sqlite3"
            ),
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }

# --- Background tasks -------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
if TESTING:
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# --- Auth -----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; tests hash thousands of passwords.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_USERNAME_MIN_LENGTH = 3
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_USERNAME_VALIDATORS = "guanxi.accounts.handles.HANDLE_VALIDATORS"
ACCOUNT_ADAPTER = "guanxi.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "guanxi.accounts.forms.login.LoginForm",
    "signup": "guanxi.accounts.forms.signup.SignupForm",
    "change_password": "guanxi.accounts.forms.password.ChangePasswordForm",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Guanxi] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Guanxi <noreply@guanxi.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
globals().update(email_settings(os.environ.get("EMAIL_URL")))
if TESTING and not os.environ.get("EMAIL_URL"):
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

SESSION_ENGINE = "guanxi.core.sessions"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "guanxi.core.views.csrf_failure"

# --- Internationalisation -----------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")

# --- Static files and uploads ---------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING or DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
# WhiteNoise streams files with a sync iterator, which Django's ASGI handler wraps with
# a warning; the files are small and cached, so the warning is noise.
warnings.filterwarnings(
    "ignore", message="StreamingHttpResponse must consume synchronous iterators"
)

# Bounded input: bodies, form fields and uploads (see core.middleware).
GUANXI_MAX_REQUEST_BYTES = int(os.environ.get("GUANXI_MAX_REQUEST_BYTES", 6 * 1024 * 1024))
GUANXI_MAX_PHOTO_BYTES = int(os.environ.get("GUANXI_MAX_PHOTO_BYTES", 5 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500
DATA_UPLOAD_MAX_NUMBER_FILES = 5
FILE_UPLOAD_MAX_MEMORY_SIZE = GUANXI_MAX_PHOTO_BYTES

# --- Security -----------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters of random text.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        # The worker's and scheduler's routine INFO lines stay out of the default run.
        "routine": {
            "()": "guanxi.core.logfilters.DropRoutine",
            "names": ROUTINE_LOGGERS,
            "enabled": routine_logs_quiet(),
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["routine"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Guanxi ---------------------------------------------------------------------
GUANXI_COMMUNITY_NAME = os.environ.get("GUANXI_COMMUNITY_NAME", "Guanxi")
GUANXI_DIRECTORY_PAGE_SIZE = 24
GUANXI_CONNECTION_REQUESTS_PER_DAY = int(
    os.environ.get("GUANXI_CONNECTION_REQUESTS_PER_DAY", "100")
)
GUANXI_INTRODUCTIONS_PER_WEEK = int(os.environ.get("GUANXI_INTRODUCTIONS_PER_WEEK", "3"))
GUANXI_INTRODUCTIONS_PER_DAY = int(os.environ.get("GUANXI_INTRODUCTIONS_PER_DAY", "10"))
GUANXI_INTRODUCTION_ASKS_PER_DAY = int(os.environ.get("GUANXI_INTRODUCTION_ASKS_PER_DAY", "10"))
# Place suggestions while typing a city (/places/suggest/): per member, or per address
# signed out. Typing asks at most four times a second; a minute of steady typing in
# several fields stays well under this.
GUANXI_PLACE_SUGGESTIONS_PER_MINUTE = int(
    os.environ.get("GUANXI_PLACE_SUGGESTIONS_PER_MINUTE", "120")
)
# Emails written outside a request (notifications, digests) link to this address.
GUANXI_SITE_URL = os.environ.get(
    "GUANXI_SITE_URL",
    f"https://{ALLOWED_HOSTS[0]}"
    if PRODUCTION
    else f"http://{os.environ.get('GUANXI_HOST', '127.0.0.1')}:{os.environ.get('GUANXI_PORT', '8000')}",
).rstrip("/")
# The daily digest goes out at this hour of TIME_ZONE.
GUANXI_DIGEST_HOUR = int(os.environ.get("GUANXI_DIGEST_HOUR", "8"))
