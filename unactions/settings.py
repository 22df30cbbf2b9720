"""Django settings for UN Actions Tracker.

Every setting a deployment may change is read from an environment variable; with none
set, the application runs locally on a SQLite file in the data folder.

DATABASE_URL          the database: sqlite:///path/to/file.sqlite3 or
                      postgresql://user:password@host:5432/name
                      (default: sqlite in UNACTIONS_DATA_DIR/unactions.sqlite3)
DATABASE_CONN_MAX_AGE seconds a worker keeps its database connection (default: 600 on
                      SQLite, which keeps its page cache with it; 0 on PostgreSQL)
UNACTIONS_DATA_DIR    folder for the default SQLite database and the generated secret
                      key (default: the working directory)
SECRET_KEY            Django's signing key (default: generated once and kept in
                      UNACTIONS_DATA_DIR/secret-key)
DEBUG                 "true" shows Django's debug pages; never in production (default: false)
ALLOWED_HOSTS         comma-separated host names the site answers to
                      (default: 127.0.0.1,localhost)
UNACTIONS_SITE_NAME   the name shown on every page (default: UN Actions Tracker)
UNACTIONS_REPLY_DAYS  days a government has to reply to a communication (default: 60)
STATIC_ROOT           folder `unactions collectstatic` fills for production serving
UNACTIONS_HTTPS       "true" when served over HTTPS: secure cookies, HSTS, redirect to https
UNACTIONS_BEHIND_PROXY "true" when a reverse proxy sets X-Forwarded-Proto (nginx, Caddy)
CSRF_TRUSTED_ORIGINS  comma-separated origins editors post forms from, e.g.
                      https://tracker.example.org
AXES_FAILURE_LIMIT    failed logins before a user name is locked out from an address (5)
AXES_COOLOFF_HOURS    how long such a lockout lasts, in hours (1)
UNACTIONS_TWO_FACTOR  "required" (default): every editor sets up two-step login (a code
                      from an authenticator app) at their first login and gives a code at
                      each login after; "optional": each editor chooses
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("UNACTIONS_DATA_DIR", ".")).resolve()


def envbool(name: str, default: str) -> bool:
    return os.environ.get(name, default).strip().lower() in ("1", "true", "yes", "on")


def _secret_key() -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = DATA_DIR / "secret-key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = envbool("DEBUG", "false")
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]
SITE_NAME = os.environ.get("UNACTIONS_SITE_NAME", "UN Actions Tracker")
# Days a government has to reply to a communication (OHCHR asks for 60).
UNACTIONS_REPLY_DAYS = int(os.environ.get("UNACTIONS_REPLY_DAYS", "60"))

INSTALLED_APPS = [
    "unactions.editors.admin_app.EditorsAdminConfig",  # django.contrib.admin
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "unactions.editors.login_protection.LoginProtectionConfig",  # django-axes
    "django_otp",  # two-step login (editors/two_factor.py)
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "unactions.records",
    "unactions.public",
    "unactions.editors",
    "unactions.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "unactions.editors.middleware.EditorsLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Tells whether this session's login gave a second factor (user.is_verified()).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "unactions.public.middleware.PrivacyHeadersMiddleware",
    # Last, as django-axes asks: it turns locked-out logins into a clear refusal.
    "axes.middleware.AxesMiddleware",
]

# Login is rate-limited against password guessing: after AXES_FAILURE_LIMIT failed
# attempts for one user name from one address, that pair is locked out for
# AXES_COOLOFF_HOURS hours (a successful login resets the count).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Two-step login for editors (unactions/editors/two_factor.py): codes from an
# authenticator app (TOTP), and recovery codes for a lost phone.
UNACTIONS_TWO_FACTOR = os.environ.get("UNACTIONS_TWO_FACTOR", "required").strip().lower()
if UNACTIONS_TWO_FACTOR not in ("required", "optional"):
    raise ImproperlyConfigured(
        f"UNACTIONS_TWO_FACTOR is {UNACTIONS_TWO_FACTOR!r}; expected required or optional"
    )
# The name an authenticator app shows beside the codes.
OTP_TOTP_ISSUER = SITE_NAME

ROOT_URLCONF = "unactions.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Before the apps' own: the admin's templates that the tracker changes.
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "unactions.public.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "unactions.wsgi.application"

try:
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'unactions.sqlite3'}",
            conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
        )
    }
except ValueError as error:
    raise ImproperlyConfigured(
        f"DATABASE_URL is not understood ({error}); expected sqlite:///path or "
        "postgresql://user@host:5432/name"
    ) from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # Wait for a writer instead of failing at once while an import runs.
            "timeout": 20,
            # Take the write lock when a transaction begins, so that two writers queue
            # up instead of one failing halfway.
            "transaction_mode": "IMMEDIATE",
            # A new database is laid out in pages of 16 KB (an existing one keeps its
            # own): a large import writes it in a quarter as many steps (at a million
            # actions 9,300 a second against 7,600 in pages of 4 KB; the queries as
            # fast). Readers never wait for a writer (write-ahead log; a first large
            # load alone with the database writes without it: `bulk.written_once`). A
            # page cache of 32 MB a connection: of 64 MB, the larger pages filled more
            # (the server's two workers took 90 MB more).
            "init_command": (
                "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA cache_size=-32768"
            ),
        }
    )
    # Keep each worker's connection, and so its page cache, between requests.
    if "DATABASE_CONN_MAX_AGE" not in os.environ:
        DATABASES["default"]["CONN_MAX_AGE"] = 600
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No just-in-time compilation: the facet counts of a search over 100,000 actions
    # spent 150-250 ms compiling a query that then ran in 400 ms. Options of the URL
    # (?options=...) come first; this adds to them.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = (options.get("options", "") + " -c jit=off").strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
TIME_ZONE = "UTC"
USE_I18N = True
FORMAT_MODULE_PATH = ["unactions.locale_formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "/static/"
# Where `collectstatic` gathers files for production, served compressed and with
# content-hashed names; until then they are served straight from the apps.
STATIC_ROOT = os.environ.get("STATIC_ROOT") or None
WHITENOISE_USE_FINDERS = STATIC_ROOT is None
if STATIC_ROOT:
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

# Production behind HTTPS.
if envbool("UNACTIONS_HTTPS", "false"):
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "true")
    # Consent to browsers' preload list; it takes effect only once the host is submitted.
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "true")
if envbool("UNACTIONS_BEHIND_PROXY", "false"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600  # an editor's session lasts a working day
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
