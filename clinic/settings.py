"""
Settings for the clinic site: one module, driven by environment variables.

With nothing set, the site runs on SQLite in ./data, a local media folder, an in-process cache
and console e-mail. Production parts are switched on by variables (see README and .env.example).
Bad values fail loudly at start-up rather than half-working.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=""):
    return os.environ.get(name, default)


def envbool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def envint(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def envlist(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = envbool("DEBUG", False)
# The test suite's settings (clinic/settings_test.py, chosen by pytest's configuration) turn
# this on: a throwaway secret and fast settings. CLINIC_TESTING=0/1 overrides it for the servers
# and commands that tests start in other processes.
TESTING = envbool("CLINIC_TESTING", False)

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-never-used-in-production"  # noqa: S105
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

# Patient data (names, contact details, messages) is encrypted at rest with Fernet keys derived
# from SECRET_KEY (django-fernet-encrypted-fields: PBKDF2 of SECRET_KEY, then of each of
# SECRET_KEY_FALLBACKS, with each salt in PATIENT_DATA_KEYS). The first pair encrypts, every pair
# decrypts. Rotate: new SECRET_KEY, the old one in SECRET_KEY_FALLBACKS, then
# `manage.py rotate_patient_data_key`. Keep SECRET_KEY backed up apart from the database
# backups: without it they cannot be read (docs/patient-data.md).
SALT_KEY = envlist("PATIENT_DATA_KEYS", []) or ["clinic-patient-data"]
SECRET_KEY_FALLBACKS = envlist("SECRET_KEY_FALLBACKS", [])

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "clinic",
    "blog",
    "conditions",
    "clinic.patients",
    "clinic.migration",
    "clinic.bench",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "markdownx",
    "reversion",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks_db",
]

MIDDLEWARE = [
    # Outermost: the same security headers on every answer (clinic/ops/headers.py).
    "clinic.ops.headers.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # One JSON log line per page request (after WhiteNoise: static files are not logged).
    "clinic.ops.middleware.RequestLogMiddleware",
    "clinic.ops.middleware.DatabaseUnavailableMiddleware",
    # Addresses of the old Blogger or WordPress site: a permanent redirect where we have no page.
    "clinic.migration.redirects.RedirectFallbackMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    # Anonymous public pages, whole, from the shared cache (clinic/ops/cache.py). Anything that
    # makes the body differ per request (a CSP nonce) must sit below it, so that the headers
    # and the body it stores and replays belong together.
    "clinic.ops.cache.PageCacheMiddleware",
    # Below the page cache: a cached page keeps the policy (and nonce) it was rendered with.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Staff with a second factor (or required to have one) finish signing in first.
    "clinic.accounts.two_factor.TwoFactorMiddleware",
    "clinic.accounts.audit.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a lock-out into the page that explains it.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "clinic.urls"
WSGI_APPLICATION = "clinic.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clinic.site.context_processors.practice",
                "clinic.site.context_processors.site_urls",
            ],
        },
    },
]

# Database: SQLite in ./data unless DATABASE_URL points elsewhere (PostgreSQL in production).
DATA_DIR = Path(env("DATA_DIR", str(BASE_DIR / "data")))
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'clinic.sqlite3'}")
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
except ValueError as error:
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {error}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL;",
        # Writers take the write lock when their transaction begins (not half-way, when SQLite
        # could only refuse with "database is locked"), and wait up to 10 s for each other: two
        # saves at the same instant run one after the other (clinic/pages/admin.py).
        "transaction_mode": "IMMEDIATE",
        "timeout": 10,
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A PostgreSQL that hangs (accepts, never answers) costs a request at most this long to
    # connect, then the friendly 503; libpq's own default is to wait for ever (2 s is its least).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", envint("DATABASE_CONNECT_TIMEOUT", 3)
    )
    # The few hot queries compiled once per process (clinic/lib/prepared.py) are prepared
    # statements too: PostgreSQL plans them once per connection. Django's own queries bind on
    # the client and are never prepared, whatever this says. Off (None) behind a connection
    # pooler in transaction mode, which cannot keep a statement between transactions.
    DATABASES["default"]["OPTIONS"].setdefault(
        "prepare_threshold", 5 if envbool("DATABASE_PREPARED_STATEMENTS", True) else None
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: in-process unless REDIS_URL is set. With Redis, a Redis that is down or hangs costs a
# page no more than having no Redis: short timeouts, a circuit breaker and a per-process
# stand-in cache while it is away (clinic/ops/resilient_cache.py).
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    REDIS_TIMEOUT_SECONDS = envint("REDIS_TIMEOUT_MS", 50) / 1000
    CACHES = {
        "default": {
            "BACKEND": "clinic.ops.resilient_cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "clinic"),
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": REDIS_TIMEOUT_SECONDS,
                "SOCKET_TIMEOUT": REDIS_TIMEOUT_SECONDS,
                # After this many failures in a row, leave Redis alone for BREAKER_SECONDS,
                # then let one call probe it.
                "BREAKER_FAILURES": 3,
                "BREAKER_SECONDS": envint("REDIS_BREAKER_SECONDS", 5),
                # How long the per-process stand-in keeps anything while Redis is away.
                "FALLBACK_SECONDS": envint("REDIS_FALLBACK_SECONDS", 10),
            },
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    # Each process keeps its own copy of the pages it serves, up to this size, and serves them
    # without a round trip while Redis vouches for the generation (clinic/ops/near_cache.py).
    NEAR_CACHE_BYTES = envint("NEAR_CACHE_MB", 32) * 1024 * 1024
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# How long an anonymous public page may be served from the cache; publishing or editing
# anything invalidates it at once on every app server. 0 turns the page cache off.
# Rows no public page shows: saving them leaves cached pages alone (clinic/ops/cache.py).
PAGE_CACHE_IGNORED_MODELS = ("clinic.AuditEvent", "patients.AppointmentRequest")
PAGE_CACHE_SECONDS = envint("PAGE_CACHE_SECONDS", 0 if DEBUG or TESTING else 600)
# The query parameters public pages read (search, page numbers): the only ones that make a
# page a different entry in the cache. Anything else in a query string is ignored there.
PAGE_CACHE_QUERY_PARAMETERS = ("q", "page")
# Stored variants of one path (searches, page numbers, hosts) per content generation.
PAGE_CACHE_MAX_VARIANTS = envint("PAGE_CACHE_MAX_VARIANTS", 100)
# The same for costly parts of a page (related articles, the clinic's settings), for pages the
# page cache cannot serve: first visits and logged-in readers.
FRAGMENT_CACHE_SECONDS = envint("FRAGMENT_CACHE_SECONDS", 0 if DEBUG or TESTING else 600)

# --- Log-in ------------------------------------------------------------------------------
# After log-in, without a safe `next`, the admin's home (Django's default is /accounts/profile/).
LOGIN_REDIRECT_URL = "admin:index"
AUTHENTICATION_BACKENDS = [
    # Refuses log-ins for a locked-out user and address before the password is checked.
    "clinic.accounts.security.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# django-axes: lock a user name *from one address* after repeated failures, for a while. Never
# the address alone (one wrongly configured proxy would lock out the whole clinic) and never for
# good (its default).
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=envint("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The pause ends when the page said it would, even if someone tries again meanwhile.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "clinic.accounts.security.client_ip"
AXES_VERBOSE = False
# Its JSON lock-out answer (to scripts) would otherwise allow every origin to read it.
AXES_ALLOWED_CORS_ORIGINS = SITE_URL
# How many proxies in front of the site append to X-Forwarded-For. 0: the client's address is
# REMOTE_ADDR and X-Forwarded-For is ignored (anyone can write it).
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)
# Two-factor log-in (clinic/accounts/two_factor.py). With REQUIRE_2FA everyone who can publish
# must set it up before using the admin; without it, it is each person's choice.
REQUIRE_2FA = envbool("REQUIRE_2FA", False)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", "Clinic site")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

if TESTING:
    # Hashing test users' passwords properly would cost more time than all the rest.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# In development and tests WhiteNoise serves straight from the source folders.
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
MEDIA_URL = env("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))

# Media goes through Django's storage API: local by default, S3-compatible when a bucket is set.
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME")
if AWS_STORAGE_BUCKET_NAME:
    media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env("AWS_S3_REGION_NAME") or None,
            "custom_domain": env("AWS_S3_CUSTOM_DOMAIN") or None,
            "default_acl": None,
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }
else:
    media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": media_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            # Hashed names for far-future caching; gzip and Brotli copies made once at
            # collectstatic (STATIC_COMPRESS=false skips them, e.g. for throwaway test servers).
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if envbool("STATIC_COMPRESS", True)
            else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
        )
    },
}

# Background work (django.tasks): e-mail, re-formatting every reference after a change of
# citation style, imports. Run at once, inside the request, in development and tests; in
# production (TASKS_BACKEND=database) queued in the database and run by `manage.py db_worker`
# (django-tasks-db), so that no request waits for SMTP or a long job.
TASKS_BACKEND = env("TASKS_BACKEND", "immediate")
if TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
elif TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
else:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be immediate or database, not {TASKS_BACKEND!r}."
    )

# E-mail: printed to the console unless EMAIL_HOST is set (Django 6.1's MAILERS setting).
if env("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env("EMAIL_HOST"),
                "port": envint("EMAIL_PORT", 587),
                "username": env("EMAIL_HOST_USER"),
                "password": env("EMAIL_HOST_PASSWORD"),
                "use_tls": envbool("EMAIL_USE_TLS", True),
                "timeout": 10,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "clinic@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- HTTP security -------------------------------------------------------------------------
# HTTPS=true is the production switch: redirect to HTTPS, HSTS, cookies only over HTTPS.
# `manage.py check --deploy` is clean with it and EMAIL_HOST set (Django refuses the console
# mailer in production): tests/clinic/test_security_headers.py runs it.
HTTPS = envbool("HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = envint("HSTS_SECONDS", 31_536_000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# Preloading is a promise to browsers that every subdomain will always speak HTTPS.
SECURE_HSTS_PRELOAD = HTTPS and envbool("HSTS_PRELOAD", True)
# Behind a proxy that terminates TLS, trust its scheme header only when told to: a client could
# otherwise claim HTTPS itself. E.g. PROXY_SSL_HEADER=X-Forwarded-Proto.
if PROXY_SSL_HEADER := env("PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + PROXY_SSL_HEADER.upper().replace("-", "_"), "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Django has no settings for these two; clinic/ops/headers.py adds them to every response.
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)
# Staff are the only people with sessions; a forgotten log-in ends after this many hours.
SESSION_COOKIE_AGE = envint("STAFF_SESSION_HOURS", 8) * 3600
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

# Content-Security-Policy (Django 6's own middleware). Nothing is allowed unless listed; scripts
# and styles only from our own static files or inline with the per-response nonce (the admin
# uses it). Media from an S3 custom domain or endpoint is added to img-src.
_media_origins = [
    origin
    for origin in (
        f"https://{env('AWS_S3_CUSTOM_DOMAIN')}" if env("AWS_S3_CUSTOM_DOMAIN") else "",
        env("AWS_S3_ENDPOINT_URL").rstrip("/") if env("AWS_STORAGE_BUCKET_NAME") else "",
    )
    if origin
]
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, *_media_origins],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
    "upgrade-insecure-requests": HTTPS,
}

# Request and upload size limits, chosen rather than inherited. Images are refused above
# clinic.lib.images.MAX_UPLOAD_BYTES (10 MB) with a message; a request may carry a little more so
# that the message, not a bare 400, is what the editor shows. Form fields (Markdown included)
# fit in 2.5 MB.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
DATA_UPLOAD_MAX_NUMBER_FILES = 20

# The admin lives under a configurable path.
ADMIN_PATH = env("ADMIN_PATH", "admin").strip("/")
LOGIN_URL = "admin:login"

# Markdown editor: our own staff-only, sanitising views replace markdownx's stock endpoints.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "clinic.references.numbering.render_live_preview"
MARKDOWNX_URLS_PATH = "/editor/markdownify/"
MARKDOWNX_UPLOAD_URLS_PATH = "/editor/upload/"
MARKDOWNX_SERVER_CALL_LATENCY = 400
# Live previews per person per minute (clinic/pages/editor.py); shared across servers with Redis.
PREVIEW_RATE_PER_MINUTE = envint("PREVIEW_RATE_PER_MINUTE", 60)
# Image uploads from the editor per person per minute (each costs seconds of server work).
UPLOAD_RATE_PER_MINUTE = envint("UPLOAD_RATE_PER_MINUTE", 20)
RATELIMIT_USE_CACHE = "default"
# Patients' forms (clinic/patients): sends per address per period (django-ratelimit rate), the
# shortest time in seconds a person takes to fill one in, how many days after publication an
# article takes questions (0: always; e.g. 365 closes them a year on), and how many days after
# being booked or closed a request is deleted by `manage.py delete_old_requests`.
PATIENT_FORM_RATE = env("PATIENT_FORM_RATE", "5/h")
PATIENT_FORM_MIN_SECONDS = envint("PATIENT_FORM_MIN_SECONDS", 3)
PATIENT_QUESTIONS_DAYS = envint("PATIENT_QUESTIONS_DAYS", 0)
PATIENT_REQUEST_RETENTION_DAYS = envint("PATIENT_REQUEST_RETENTION_DAYS", 90)
# About 8,000 words; also keeps the worst-case Markdown input well under a second to render.
MARKDOWN_MAX_LENGTH = envint("MARKDOWN_MAX_LENGTH", 50_000)

# "Complete this reference" from PubMed and Crossref (clinic/references/completion.py). Off
# unless switched on: development and tests reach no outside service (tests point the addresses
# at 127.0.0.1).
REFERENCE_COMPLETION = envbool("REFERENCE_COMPLETION", False)
CROSSREF_API_URL = env("CROSSREF_API_URL", "https://api.crossref.org")
NCBI_EUTILS_URL = env("NCBI_EUTILS_URL", "https://eutils.ncbi.nlm.nih.gov/entrez/eutils")
NCBI_IDCONV_URL = env(
    "NCBI_IDCONV_URL", "https://pmc.ncbi.nlm.nih.gov/tools/idconv/api/v1/articles"
)
NCBI_API_KEY = env("NCBI_API_KEY")
# Crossref and NCBI ask callers for a contact address ("polite" use, and to warn before blocking).
REFERENCE_COMPLETION_EMAIL = env("REFERENCE_COMPLETION_EMAIL", env("DEFAULT_FROM_EMAIL"))
REFERENCE_COMPLETION_TIMEOUT = envint("REFERENCE_COMPLETION_TIMEOUT", 5)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(levelname)s %(name)s %(message)s"},
        # The request log's message is already one JSON object.
        "bare": {"format": "%(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "requests": {"class": "logging.StreamHandler", "formatter": "bare"},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "clinic.requests": {
            "handlers": ["requests"],
            "level": env("REQUEST_LOG_LEVEL", "WARNING" if TESTING else "INFO"),
            "propagate": False,
        },
    },
}
