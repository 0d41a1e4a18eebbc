"""Settings for development and tests, all from environment variables.

Secrets may be given as ``NAME_FILE`` pointing at a file (django-environ reads it).
Production overrides live in ``config.production``.
"""

from datetime import timedelta
from pathlib import Path

import environ

from config import services
from config.object_storage import storages_setting
from config.proxies import parse_trusted_proxies

BASE_DIR = Path(__file__).resolve().parents[2]
env = environ.FileAwareEnv()
env.smart_cast = False

# Off unless asked for: `make run` (manage.py runall) turns it on for its development server.
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me")
BASE_DOMAIN = env.str("BASE_DOMAIN", default="localhost")
PORT = env.int("PORT", default=8000)
# Hosts that serve the platform site (public schema); every other host is a program's site.
PLATFORM_HOSTS = env.list(
    "PLATFORM_HOSTS", default=[BASE_DOMAIN, "127.0.0.1", "testserver", "www." + BASE_DOMAIN]
)
ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=[BASE_DOMAIN, "." + BASE_DOMAIN, "127.0.0.1", "testserver"]
)
SITE_SCHEME = env.str("SITE_SCHEME", default="http")
# Load balancers and proxies in front of the site (addresses or networks, comma-separated).
# X-Forwarded-For is read only on requests that come from one of them (config.proxies).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
parse_trusted_proxies(TRUSTED_PROXIES)  # a wrong entry stops the start, saying which
# The port appended to program addresses in links and emails (empty behind a proxy on 80/443;
# config.production empties it).
PUBLIC_PORT = env.str("PUBLIC_PORT", default=str(PORT))

SHARED_APPS = [
    "django_tenants",
    "organizations",
    "accounts",
    "workflow.outbox",  # the reminder outbox (public schema); the rest of workflow is per program
    "notifications",
    "summaries",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "accounts.apps.OperatorsAdminConfig",  # django.contrib.admin, with its site for staff only
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
]
TENANT_APPS = [
    "tenants",
    "workflow",
]
INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "organizations.Program"
TENANT_DOMAIN_MODEL = "organizations.Domain"
# New programs are cloned from this migrated schema instead of running every migration.
TENANT_BASE_SCHEMA = "program_template"
TENANT_CREATION_FAKES_MIGRATIONS = True
# Role and search_path are set once per schema switch, not before every query. Safe because
# django-tenants 4 forgets the setting on (savepoint) rollback, which undoes a SET in PostgreSQL
# (tests/security_data/test_roles.py).
TENANT_LIMIT_SET_CALLS = True
PUBLIC_SCHEMA_URLCONF = "config.urls_platform"
ROOT_URLCONF = "config.urls_program"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost but one: it marks whatever answer the others give (redirects, lockouts too).
    "config.no_store.NoStoreMiddleware",
    # Outside the host router, so the pages it answers itself (unknown host, program not ready)
    # carry the CSP and frame headers too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "organizations.middleware.ProgramHostMiddleware",
    # After the host router: pages of a program show its own time zone.
    "tenants.middleware.ProgramTimeZoneMiddleware",
    "summaries.auth.RefuseApiTokensOnProgramSites",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # A session signed in on another site (program or platform) is anonymous here.
    "accounts.site_sessions.SiteSessionMiddleware",
    # The browser's language (the switcher's cookie, then Accept-Language); no language prefix
    # in addresses, so after the host router and before CommonMiddleware as Django asks.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.session_timeout.SessionTimeoutMiddleware",
    # A signed-in person's own language; a language the program turned off falls back.
    "organizations.languages.PersonLanguageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # A member's API token stands for a sign-in on the program's API, before access is checked.
    "tenants.api_tokens.ProgramTokenMiddleware",
    "organizations.middleware.ProgramAccessMiddleware",
    "accounts.two_factor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Last, so it sees every sign-in attempt the views make.
    "axes.middleware.AxesMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "platform" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "organizations.context_processors.current_program",
            ],
            "builtins": ["organizations.templatetags.choice_labels"],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# Two roles (README, "Database roles"): "default" is the app role, which owns nothing and runs
# each query as the active program's role; "owner" owns the tables and runs migrations,
# provisioning, retirement and retention purges.
DATABASE_URL, DATABASE_OWNER_URL = services.ensure_database_urls()


# A client host that dies without closing its connections (power cut, network cut) leaves its
# sessions open on the server until TCP gives up, two hours by default, and with them the row
# locks of any transaction it was in: a worker host killed mid-delivery kept 100 reminders
# locked (bench/run.py cluster). So the server probes a quiet connection after 5 s, every 2 s,
# and drops it after 3 unanswered probes or 15 s of unacknowledged data; a live client's kernel
# answers, however busy the process. Ignored on a Unix socket. Behind a pooler that refuses
# startup options (PgBouncer without `ignore_startup_parameters = options`), set
# DB_DEAD_PEER_OPTIONS to "" and the same settings in postgresql.conf.
DEAD_PEER_OPTIONS = env.str(
    "DB_DEAD_PEER_OPTIONS",
    default="-c tcp_keepalives_idle=5 -c tcp_keepalives_interval=2 -c tcp_keepalives_count=3 "
    "-c tcp_user_timeout=15000",
)


def _database(url, engine):
    cfg = services.database_config(url)
    cfg["ENGINE"] = engine
    cfg["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=0)
    cfg["CONN_HEALTH_CHECKS"] = True
    cfg["OPTIONS"] = {"connect_timeout": env.int("DB_CONNECT_TIMEOUT", default=5)}
    if DEAD_PEER_OPTIONS:
        cfg["OPTIONS"]["options"] = DEAD_PEER_OPTIONS
    return cfg


DATABASES = {
    "default": _database(DATABASE_URL, "config.dbroles"),
    "owner": _database(DATABASE_OWNER_URL, "django_tenants.postgresql_backend"),
}
if DATABASES["owner"]["NAME"] != DATABASES["default"]["NAME"]:
    raise RuntimeError("DATABASE_URL and DATABASE_OWNER_URL must name the same database.")
_test_name = f"test_{DATABASES['default']['NAME']}_{services.checkout_suffix()}"
for _cfg in DATABASES.values():
    _cfg["TEST"] = {"NAME": _test_name}
# Ours decides (owner alias only); django-tenants insists its own router is listed.
DATABASE_ROUTERS = [
    "config.dbroles.router.OwnerMigrationRouter",
    "django_tenants.routers.TenantSyncRouter",
]

REDIS_URL = services.ensure_redis_url()
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        # Keys carry the schema, so two programs never share a cache entry.
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="harmrepair"),
    },
    # Counters that hold across every site (sign-in flood control): keys without the schema.
    "platform": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="harmrepair") + "-platform",
    },
}

DRAMATIQ_NAMESPACE = env.str("DRAMATIQ_NAMESPACE", default="harmrepair")
# How long an idle worker may take to notice a new message (Dramatiq's default is a second).
# Shorter costs CPU while idle: a worker of 2 processes x 8 threads used 0.8 % of a core at
# 1,000 ms, 3 % at 250 ms and 5.4 % at 100 ms.
DRAMATIQ_IDLE_POLL_MS = env.int("DRAMATIQ_IDLE_POLL_MS", default=250)
# The largest evidence file staff may attach (photos, recordings and short phone videos).
EVIDENCE_MAX_MB = env.int("EVIDENCE_MAX_MB", default=25)

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Brute-force protection (README, "Sign-in protection"): repeated failures lock a user name
# from one address (the pair), so nobody elsewhere can lock an account's owner out. A flood of
# failures on one user name from many addresses slows that name down (accounts.lockout).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "config.proxies.client_address"
# Failures on one user name, from any addresses, within AXES_COOLOFF_TIME, after which it is
# allowed one attempt per SIGN_IN_FLOOD_INTERVAL seconds, except from addresses it signed in
# from before (for SIGN_IN_KNOWN_ADDRESS_DAYS).
SIGN_IN_FLOOD_FAILURES = env.int("SIGN_IN_FLOOD_FAILURES", default=20)
SIGN_IN_FLOOD_INTERVAL = env.int("SIGN_IN_FLOOD_INTERVAL", default=10)
SIGN_IN_KNOWN_ADDRESS_DAYS = env.int("SIGN_IN_KNOWN_ADDRESS_DAYS", default=30)
# The sign-in form's field is "username" (holding the email); count failures per address typed.
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.lockout.sign_in_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=7)
# TA summaries: counts from 1 to this minus one are withheld; rollups need this many programs.
SUMMARIES_SUPPRESSION_THRESHOLD = env.int("SUMMARIES_SUPPRESSION_THRESHOLD", default=11)
SUMMARIES_MIN_PROGRAMS = env.int("SUMMARIES_MIN_PROGRAMS", default=5)
SUMMARIES_MONTHS = env.int("SUMMARIES_MONTHS", default=24)
# A month's figures are published (and then never change) this many days after it ends.
SUMMARIES_SETTLE_DAYS = env.int("SUMMARIES_SETTLE_DAYS", default=14)

# A session ends after this long without a request, and this long after sign-in however active
# (accounts.session_timeout).
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=8 * 3600)
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 3600)
SESSION_COOKIE_HTTPONLY = True
# Host-only cookies: a program's session is never sent to another program or the platform
# (accounts.site_sessions refuses one that is). Never set SESSION_COOKIE_DOMAIN.
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
# Nothing inline and nothing from elsewhere: scripts and styles come from our own static files.
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
SECURE_CONTENT_TYPE_NOSNIFF = True
# Error reports (debug page, error emails) hide passwords inside URLs too (DATABASE_OWNER_URL).
DEFAULT_EXCEPTION_REPORTER_FILTER = "config.error_reports.SecretUrlsReporterFilter"
SECURE_REFERRER_POLICY = "same-origin"

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(services.DATA_DIR / "mail"))
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="no-reply@harmrepair.localhost")

LANGUAGE_CODE = "en"
# Adding a language: its catalog under locale/ and a line here (README "Adding a language").
LANGUAGES = [("en", "English"), ("es", "Español")]
# Translations of the whole project (`manage.py makemessages -l es` writes here).
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Where `manage.py collectstatic` gathers the CSS and JavaScript that production serves.
STATIC_ROOT = env.str("STATIC_ROOT", default=str(BASE_DIR / ".data" / "static"))
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(services.DATA_DIR / "media"))
# Archives of retired programs (organizations.retirement). Keep it backed up.
ARCHIVE_ROOT = env.str("ARCHIVE_ROOT", default=str(services.DATA_DIR / "archives"))
# Evidence and archives in S3-compatible object storage instead of MEDIA_ROOT and ARCHIVE_ROOT,
# for more than one host (config.object_storage). Empty: the local folders.
OBJECT_STORAGE_URL = env.str("OBJECT_STORAGE_URL", default="")
STORAGES = storages_setting(object_storage_url=OBJECT_STORAGE_URL, archive_root=ARCHIVE_ROOT)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "TITLE": "Harm Repair API",
    "DESCRIPTION": "Restorative case workflow for harm reduction programs.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The API description is for signed-in users (program members, TA staff), not the world.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # One name per choice set, so clients get stable enum names (and `spectacular --fail-on-warn`
    # passes: tests/security/test_api_schema.py).
    "ENUM_NAME_OVERRIDES": {
        f"{name}Enum": f"workflow.models.{name}"
        for name in (
            "ActionKind",
            "ActionStatus",
            "AppealOutcome",
            "CaseKind",
            "Category",
            "ContributingFactor",
            "DeliveryMethod",
            "DueStatus",
            "FollowUpKind",
            "FollowUpStatus",
            "NotHeardReason",
            "NoticeKind",
            "OtherBans",
            "PartyRole",
            "PlanOrigin",
            "SupplyAccessPlan",
            "SupplyMethod",
        )
    }
    | {"SeverityEnum": "tenants.models.Severity"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
STATICFILES_DIRS = [BASE_DIR / "platform" / "static"]
