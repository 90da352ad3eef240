"""Settings for the improvement plan tracker.

One file, driven by environment variables read through the small typed helpers below, which
fail loudly on a value they cannot read. With nothing set, a checkout runs as it is: SQLite,
DEBUG on, a development key. Production sets DEBUG=false, SECRET_KEY, ALLOWED_HOSTS and
DATABASE_URL (see README.md).
"""

import datetime
import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from identity.configuration import allauth_apps, read_providers

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_date(name: str) -> datetime.date | None:
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a date like 2012-12-12, not {value!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
# Under DEBUG, whether a missing page shows Django's technical 404 page (the default) or the
# project's own (config.middleware.NotFoundPageMiddleware): `make run`, the demo that
# newcomers see, sets it to false.
DEBUG_ERROR_PAGES = env_bool("DEBUG_ERROR_PAGES", DEBUG)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    # Development only: a fixed, obviously unsafe key so sessions survive restarts.
    SECRET_KEY = "django-insecure-development-key-do-not-use-in-production"  # noqa: S105

# Show every date rule (overdue, late, deadlines) as at this date instead of today: for a demo of
# old plans only (improvement/clock.py). A real site must never run on a pretend date.
SITE_AS_AT = env_date("SITE_AS_AT")
if SITE_AS_AT and not DEBUG and not env_bool("THIS_IS_A_DEMO_SITE", False):
    raise ImproperlyConfigured(
        "SITE_AS_AT is set but DEBUG is off, so this looks like a real site: its dates would be wrong. "
        "Unset SITE_AS_AT, or set THIS_IS_A_DEMO_SITE=true if it really is a demo.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "improvement.apps.AdministratorsAdminConfig",  # the admin, for administrators only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_tables2",
    "django_filters",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "simple_history",
    "rest_framework",
    "drf_spectacular",
    "improvement",
    "boards",
    "reports",
    "allauth",
    "allauth.account",  # needed by socialaccount; its own pages are not routed (identity/adapters.py)
    "allauth.socialaccount",
    "identity",  # single sign-on with OpenID Connect providers (docs/sso.md)
    "notifications",
    "api",
    "mfa",
    "publication",  # the public progress page from approved summaries (docs/publication.md)
]

MIDDLEWARE = [
    "config.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",  # the language cookie, else the browser's Accept-Language
    "django.middleware.common.CommonMiddleware",
    "config.middleware.NotFoundPageMiddleware",  # the project's 404 page under `make run`
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.UserLanguageMiddleware",  # a signed-in person's chosen language, on any browser
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): signed in with a second factor
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "mfa.middleware.TwoFactorRequiredMiddleware",  # those MFA_REQUIRED_FOR names set it up before any page
    "config.middleware.SessionLimitsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",  # records who made each change
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "improvement.context_processors.service",
            ],
        },
    },
]
FORM_RENDERER = "improvement.forms_rendering.GovukFormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiler spends hundreds of milliseconds compiling the large queries of
    # exports and dashboards and saves nothing on queries of this size (measured: 460 of the
    # 790 ms of a 100,000-row export). PG_OPTIONS adds or overrides server settings.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = os.environ.get("PG_OPTIONS", "-c jit=off")
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool("DB_POOL", False):
    # Django's built-in psycopg pool: each process keeps up to DB_POOL_MAX connections open.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env_int("DB_POOL_MIN", 2), "max_size": env_int("DB_POOL_MAX", 10), "timeout": 10}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a competing writer instead of failing at once, and take the write lock at the
    # start of each transaction so two leads saving together queue rather than deadlock.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Tests use a file, not shared-cache memory, so that concurrent saves meet real locks.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test-db.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "improvement.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "improvement:plan_list"  # unused: SignInView lands people by improvement/landing.py
LOGOUT_REDIRECT_URL = "login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",  # reads older hashes, upgraded at next sign-in
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses sign-in while an account or address is locked out
    "django.contrib.auth.backends.ModelBackend",
]

# Single sign-on (docs/sso.md): OpenID Connect providers from OIDC_PROVIDERS (JSON) or the file that
# OIDC_PROVIDERS_FILE names, each with its client secret from an environment variable or a file, and
# used through django-allauth's socialaccount (identity/provider.py). Its own account pages are not
# routed: local accounts sign in on SignInView, and nobody signs up.
_providers_file = os.environ.get("OIDC_PROVIDERS_FILE", "")
try:
    _providers_text = Path(_providers_file).read_text() if _providers_file else os.environ.get("OIDC_PROVIDERS", "")
except OSError as _error:
    raise ImproperlyConfigured(f"OIDC_PROVIDERS_FILE {_providers_file} cannot be read ({_error.strerror})") from None
OIDC_PROVIDERS = read_providers(_providers_text)
SOCIALACCOUNT_PROVIDERS = {"oidc": {"APPS": allauth_apps(OIDC_PROVIDERS)}}
ACCOUNT_ADAPTER = "identity.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "identity.adapters.SocialAccountAdapter"
ACCOUNT_EMAIL_VERIFICATION = "none"  # a provider's email is taken only when verified (identity/provider.py)
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_AUTO_SIGNUP = True  # a first sign-in makes the account; never allauth's sign-up form
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # linking by verified email is identity.adapters' own, with its checks
SOCIALACCOUNT_LOGIN_ON_GET = True  # "Sign in with" is a link (identity/views.py says why)
SOCIALACCOUNT_STORE_TOKENS = False  # the site calls no provider API after sign-in
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10

# Sign-in attempts: after 5 failures for an account, or from an address, wait 15 minutes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# The address that sign-in limits count against (django-ipware, through axes). Each of the
# PROXY_COUNT proxies in front appends the address it was reached from to X-Forwarded-For, so the
# client is the PROXY_COUNT-th entry from the right; anything further left came from the client
# and may be forged. With no proxy (0) only REMOTE_ADDR is read and the header is ignored.
PROXY_COUNT = env_int("PROXY_COUNT", 0)
if PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"PROXY_COUNT must be 0 or more, not {PROXY_COUNT}")
# Behind a proxy only the header is read: ipware would otherwise prefer a public REMOTE_ADDR (a
# proxy's) to a private client address (a council network's), and count everyone as the proxy.
AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR",) if PROXY_COUNT else ("REMOTE_ADDR",)
# ipware counts the proxies named in the header, which leaves out the nearest (it is REMOTE_ADDR).
AXES_IPWARE_PROXY_COUNT = PROXY_COUNT - 1 if PROXY_COUNT else None
AXES_IPWARE_PROXY_ORDER = "left-most"
# Not strict: a client that adds entries of its own to the header must not make ipware skip the
# whole header (and count that client against the proxy's address, locking everyone out).
IPWARE_STRICT = False
AXES_VERBOSE = False

# Two-factor authentication for local accounts (mfa/, docs/two-factor.md). MFA_REQUIRED_FOR names
# who must set up an authenticator app before they can use any page: administrators (superusers),
# managers (plan managers), leads (people holding a post, who record updates), or everyone.
MFA_REQUIREMENTS = {"administrators", "managers", "leads", "everyone"}
MFA_REQUIRED_FOR = frozenset(env_list("MFA_REQUIRED_FOR", []))
if MFA_REQUIRED_FOR - MFA_REQUIREMENTS:
    raise ImproperlyConfigured(
        f"MFA_REQUIRED_FOR must list some of {', '.join(sorted(MFA_REQUIREMENTS))}, "
        f"not {', '.join(sorted(MFA_REQUIRED_FOR - MFA_REQUIREMENTS))}")
OTP_TOTP_ISSUER = "Improvement plans"  # the name authenticator apps show beside the code
# A password reset link works once, for this long (Django's token: it dies when the password changes).
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_MINUTES", 60) * 60
# Reset requests from one address, or for one email address, within an hour (mfa.models.ResetRequest).
PASSWORD_RESET_LIMIT_PER_HOUR = env_int("PASSWORD_RESET_LIMIT_PER_HOUR", 5)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
# The interface in English and Welsh (Welsh Language Standards). The catalogue is locale/cy; see
# docs/welsh-glossary.md for the term choices and docs/decisions/0027-welsh-interface.md.
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = DEBUG  # development serves straight from static/; production from collectstatic

# Evidence files are kept outside the static and media web roots and are only ever served
# through the evidence view, which checks access first.
EVIDENCE_ROOT = Path(os.environ.get("EVIDENCE_ROOT") or BASE_DIR / "var" / "evidence")
EXPORTS_ROOT = Path(os.environ.get("EXPORTS_ROOT") or BASE_DIR / "var" / "exports")
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
# The most an evidence pack's ZIP may hold of evidence files; a larger pack is refused and the
# index alone (every item and checksum, no files) offered instead (reports/evidencepacks.py).
EVIDENCE_PACK_MAX_BYTES = env_int("EVIDENCE_PACK_MAX_BYTES", 500 * 1024 * 1024)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "evidence": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": EVIDENCE_ROOT, "base_url": None},
    },
    # Large exports made in the background, kept for a day; served only through a view that checks access.
    "exports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": EXPORTS_ROOT, "base_url": None},
    },
    # Production serves compressed files with hashed names (whitenoise, after collectstatic).
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage" if DEBUG
                    else "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Shared storage for several machines: evidence and exports in an S3-compatible bucket (AWS S3,
# MinIO, Ceph...) through django-storages (`pip install -e ".[s3]"`), private objects under
# evidence/ and exports/, credentials from the usual AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
S3_BUCKET = os.environ.get("S3_BUCKET", "")
if S3_BUCKET:
    try:
        import storages.backends.s3  # noqa: F401
    except ImportError as error:
        raise ImproperlyConfigured('S3_BUCKET is set but django-storages is not installed: pip install -e ".[s3]"') \
            from error
    for _name in ("evidence", "exports"):
        STORAGES[_name] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
            "bucket_name": S3_BUCKET, "location": _name, "default_acl": "private", "file_overwrite": False,
            "querystring_auth": True, "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None}}
# Plan imports (improvement/importing/readers.py): what one uploaded file may hold, so that a small
# file cannot cost out of proportion to its size. A plan has hundreds of actions and a few dozen
# columns; these are generous. An XLSX or DOCX is a zip package: each part, and all of them together,
# is checked against its declared size and read with a hard cap.
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 5000)  # rows in one sheet or CSV (all tables of a DOCX)
IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 200)  # cells in one row
IMPORT_MAX_CELLS = env_int("IMPORT_MAX_CELLS", 200_000)  # cells in the whole file
IMPORT_MAX_SHEETS = env_int("IMPORT_MAX_SHEETS", 100)  # sheets of an XLSX, tables of a DOCX
IMPORT_MAX_PART_BYTES = env_int("IMPORT_MAX_PART_BYTES", 20 * 1024 * 1024)  # one part, unpacked
IMPORT_MAX_UNPACKED_BYTES = env_int("IMPORT_MAX_UNPACKED_BYTES", 50 * 1024 * 1024)  # all parts, unpacked
# Inspection reports (improvement/importing/report.py): pages of a PDF read; an inspection report has tens.
IMPORT_MAX_PDF_PAGES = env_int("IMPORT_MAX_PDF_PAGES", 200)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Sessions end after 30 minutes without a request (the cookie is renewed on each one) and 12
# hours after sign-in whatever happens (SessionLimitsMiddleware). Django gives a new session key
# at sign-in.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ENGINE = "config.sessions"  # Django's database sessions; a renewal does not wait for the disk
SESSION_MAX_HOURS = env_int("SESSION_MAX_HOURS", 12)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# A strict Content-Security-Policy: scripts, styles, fonts and images only from this site; no
# inline scripts or styles anywhere (the templates have none).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Email goes through Django's mailers: SMTP (EMAIL_HOST, default localhost) in production; the
# console in development unless EMAIL_HOST is set.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "improvement-plans@localhost")
# How many working days ahead of each date on a plan's statutory clock its managers are emailed
# (send_clock_reminders), and from when the plan page shows the date as due soon.
CLOCK_REMINDER_WORKING_DAYS = env_int("CLOCK_REMINDER_WORKING_DAYS", 10)
if CLOCK_REMINDER_WORKING_DAYS < 1:
    raise ImproperlyConfigured("CLOCK_REMINDER_WORKING_DAYS must be 1 or more working days")
# Who people write to about an accessibility problem and about their personal data: shown on the
# accessibility statement and the privacy notice. Both default to the security contact in SECURITY.md,
# which a council replaces with its own when it deploys.
ACCESSIBILITY_CONTACT = os.environ.get("ACCESSIBILITY_CONTACT") or "security@improvement-plans.example"
PRIVACY_CONTACT = os.environ.get("PRIVACY_CONTACT") or ACCESSIBILITY_CONTACT
if os.environ.get("EMAIL_HOST") or not DEBUG:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": env_int("EMAIL_PORT", 587),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": 30,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# Background work (board packs) through Django's tasks framework: the database backend, run by
# `manage.py db_worker` (started by `make run`). TASKS_BACKEND=immediate runs tasks in-process.
TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend"
        if os.environ.get("TASKS_BACKEND") == "immediate" else "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# Webhook notifications (notifications/destinations.py): never to a private, loopback or link-local
# address unless allowed here, by networks (CIDR, e.g. 10.20.0.0/16) or, for a test or a closed
# network, altogether; WEBHOOK_CA_FILE adds the certificate authorities an internal endpoint's
# certificate is checked against (a PEM file), in place of the system's.
WEBHOOK_ALLOW_PRIVATE_DESTINATIONS = env_bool("WEBHOOK_ALLOW_PRIVATE_DESTINATIONS", False)
WEBHOOK_ALLOWED_NETWORKS = env_list("WEBHOOK_ALLOWED_NETWORKS", [])
WEBHOOK_CA_FILE = os.environ.get("WEBHOOK_CA_FILE", "")
for _network in WEBHOOK_ALLOWED_NETWORKS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"WEBHOOK_ALLOWED_NETWORKS: {_network!r} is not a network like 10.20.0.0/16") from None
if WEBHOOK_CA_FILE and not os.path.isfile(WEBHOOK_CA_FILE):
    raise ImproperlyConfigured(f"WEBHOOK_CA_FILE: no file at {WEBHOOK_CA_FILE}")

# A long board pack's PDF is rendered in parts (reports/pdfparts.py). 1 renders them one after another
# in the task worker; more renders them in that many worker processes at once, each holding one part.
# The default is as many as the cores this process may use, within PACK_RENDER_MEMORY_MB at
# PACK_RENDER_MB_PER_PROCESS each (a rendering process's peak in benchmarks/RESULTS.md, rounded up).
PACK_RENDER_MB_PER_PROCESS = 400
PACK_RENDER_MEMORY_MB = env_int("PACK_RENDER_MEMORY_MB", 1024)
PACK_RENDER_PROCESSES = env_int("PACK_RENDER_PROCESSES", max(1, min(
    len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1,
    PACK_RENDER_MEMORY_MB // PACK_RENDER_MB_PER_PROCESS)))

DJANGO_TABLES2_TEMPLATE = "improvement/includes/table.html"

# The read API (api/, docs/api.md): personal tokens in the Authorization header only, never a
# session; JSON only (the CSV feeds are views of their own); read only; its OpenAPI 3 schema at
# /api/v1/schema/ from drf-spectacular.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_METADATA_CLASS": None,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Improvement plans read API",
    "DESCRIPTION": "Read-only JSON (and CSV feeds) of what a personal API token may read: plans, themes, actions, "
                   "the RAG history, the period view's counts, board meetings and their attention lists, scrutiny "
                   "conclusions, measures and their values. Send the token as `Authorization: Bearer <token>`.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "APPEND_COMPONENTS": {"securitySchemes": {"token": {"type": "http", "scheme": "bearer"}}},
    "SECURITY": [{"token": []}],
    "AUTHENTICATION_WHITELIST": [],
}


LOG_FORMAT = os.environ.get("LOG_FORMAT") or ("text" if DEBUG else "json")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "config.observability.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "config.observability.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools narrate every layout step at INFO. runserver (DEBUG) prints its
    # own line per request, so the app's access lines are for production.
    "loggers": {name: {"level": "WARNING"} for name in ("weasyprint", "fontTools", "pikepdf", "axes")}
    | ({"improvement.access": {"level": "WARNING"}} if DEBUG else {}),
}
