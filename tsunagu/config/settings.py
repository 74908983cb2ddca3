"""Tsunagu settings, read from environment variables (see docs/architecture.md, "Settings").

``TSUNAGU_ENV`` selects the profile: ``development`` (default; DEBUG on, strict scoping),
``test`` (set by the test runner) or ``production`` (secure cookies, HSTS, no demo logins).
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from tsunagu.config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PACKAGE_DIR = BASE_DIR / "tsunagu"

TSUNAGU_ENV = env_str("TSUNAGU_ENV", "development")
if TSUNAGU_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(f"TSUNAGU_ENV={TSUNAGU_ENV!r} must be development, test or production")
PRODUCTION = TSUNAGU_ENV == "production"

DEBUG = env_bool("TSUNAGU_DEBUG", not PRODUCTION and TSUNAGU_ENV != "test")

_DEV_SECRET = "insecure-development-key-never-use-in-production-0123456789abcdef"
SECRET_KEY = env_str("TSUNAGU_SECRET_KEY", "" if PRODUCTION else _DEV_SECRET)
if PRODUCTION and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "TSUNAGU_SECRET_KEY must be set to at least 50 random characters in production"
    )

# Keys of the application-level encryption of class-I free text (tsunagu.core.crypto): entries
# "id:base64url-32-byte-key", the first encrypts. `manage.py field_keys generate` prints a new one.
# Without them a key derived from SECRET_KEY is used, which production refuses: keys belong outside
# the database *and* apart from the application's other secrets.
TSUNAGU_FIELD_KEYS = env_list("TSUNAGU_FIELD_KEYS", [])
if PRODUCTION and not TSUNAGU_FIELD_KEYS:
    raise ImproperlyConfigured(
        "TSUNAGU_FIELD_KEYS must be set in production (python -m tsunagu.core.crypto generate makes a key)"
    )

# The issuer of our pupils' xAPI accounts: actor.account.homePage (STANDARDS.md §3, decision 0019).
# The example default is refused in production: the issuer is part of every pupil's xAPI identity and
# cannot be changed once learning apps have sent statements, so it must be the ward's own from the start.
_EXAMPLE_XAPI_ISSUER = "https://tsunagu.example.jp"
TSUNAGU_XAPI_ISSUER = env_str("TSUNAGU_XAPI_ISSUER", _EXAMPLE_XAPI_ISSUER)
if PRODUCTION and TSUNAGU_XAPI_ISSUER.strip() in {"", _EXAMPLE_XAPI_ISSUER}:
    raise ImproperlyConfigured(
        "TSUNAGU_XAPI_ISSUER must be set to the ward's own https URL in production, not the example "
        f"{_EXAMPLE_XAPI_ISSUER} (it becomes part of every pupil's xAPI account and cannot change later)"
    )

ALLOWED_HOSTS = env_list(
    "TSUNAGU_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "TSUNAGU_ALLOWED_HOSTS must name the host names served in production (comma-separated); "
        "with none, every request is answered 400"
    )
CSRF_TRUSTED_ORIGINS = env_list("TSUNAGU_CSRF_TRUSTED_ORIGINS", [])

# Reverse proxies in front of Django (tsunagu.core.proxy): with N > 0 the client's address is the Nth
# X-Forwarded-For entry from the right; with 0 the header is ignored, since a client can send it.
TSUNAGU_TRUSTED_PROXIES = env_int("TSUNAGU_TRUSTED_PROXIES", 0)
if TSUNAGU_TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured("TSUNAGU_TRUSTED_PROXIES must be 0 or the number of proxies in front")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Before allauth, so that our templates for its pages (Japanese login, MFA) take precedence.
    "tsunagu.accounts",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "tsunagu.core",
    "tsunagu.org",
    "tsunagu.students",
    "tsunagu.health",
    "tsunagu.attendance",
    "tsunagu.checkups",
    "tsunagu.infection",
    "tsunagu.care",
    "tsunagu.observations",
    "tsunagu.grades",
    "tsunagu.learning",
    "tsunagu.roster_sync",
    "tsunagu.karte",
    "tsunagu.report_cards",
    "tsunagu.records",
    "tsunagu.learning_summaries",
    "tsunagu.demo",
    "tsunagu.bench",
]

MIDDLEWARE = [
    # First, so that every later reader of REMOTE_ADDR (axes, allauth, the audit log) gets the client's.
    "tsunagu.core.proxy.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "tsunagu.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Messages before our two, which tell the user why they were logged out or sent to MFA setup.
    "django.contrib.messages.middleware.MessageMiddleware",
    "tsunagu.accounts.middleware.SessionLifetimeMiddleware",
    "tsunagu.accounts.middleware.MfaRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "tsunagu.core.middleware.NoStoreMiddleware",
    # AxesMiddleware must be last: it turns a locked-out login into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tsunagu.config.urls"
WSGI_APPLICATION = "tsunagu.config.wsgi.application"
ASGI_APPLICATION = "tsunagu.config.asgi.application"

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
                "tsunagu.core.context_processors.shell",
            ],
        },
    }
]

# --- database -------------------------------------------------------------------------------
# DATABASE_URL selects the database; without it Tsunagu runs on a SQLite file inside the project.
_default_sqlite = f"sqlite:///{BASE_DIR / 'var' / 'tsunagu.sqlite3'}"
# Background jobs (whole-school report cards, rebuilds): Django's task framework (the django-tasks
# backport) with its database backend, so no broker is needed; `manage.py db_worker` runs them
# (`make demo` starts one beside the server). Tests run tasks at once (see conftest).
TASKS = {"default": {"BACKEND": env_str("TSUNAGU_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

DATABASES = {"default": dj_database_url.parse(env_str("DATABASE_URL", _default_sqlite), conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    (BASE_DIR / "var").mkdir(exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"].setdefault("TEST", {})["NAME"] = env_str("TSUNAGU_TEST_SQLITE", "") or None
# SQLite serialises every write and has neither the audit tables' role separation nor the server's
# backups; production refuses it unless a single-school trial on one machine says so explicitly.
TSUNAGU_ALLOW_SQLITE = env_bool("TSUNAGU_ALLOW_SQLITE", False)
if PRODUCTION and DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and not TSUNAGU_ALLOW_SQLITE:
    raise ImproperlyConfigured(
        "DATABASE_URL must point to PostgreSQL in production (postgres://user:password@host:5432/dbname); "
        "SQLite is for development. For a single-school trial only, TSUNAGU_ALLOW_SQLITE=true accepts it"
    )

# allauth's rate limits (logins, wrong MFA codes) count in the cache. A per-process local-memory cache
# lets each server process count alone, so production shares one table in the database (created by
# core's migration 0002, whatever the profile it ran under): no extra service to run.
# MAX_ENTRIES is raised from 300 so that a busy morning's counters are not culled early.
TSUNAGU_CACHE = env_str("TSUNAGU_CACHE", "database" if PRODUCTION else "local")
if TSUNAGU_CACHE == "database":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "tsunagu_cache",
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        }
    }
elif TSUNAGU_CACHE == "local":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tsunagu"}}
else:
    raise ImproperlyConfigured(f"TSUNAGU_CACHE={TSUNAGU_CACHE!r} must be database or local")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- accounts and authentication --------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first, so that every authenticate() call (allauth, admin, API) is counted and locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

AUTH_PASSWORD_VALIDATORS = [
    # ASVS 5.0 §6.2: length >= 8 (15 recommended), common-password check, no composition rules, 64+ allowed.
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "tsunagu.accounts.passwords.MaximumLengthValidator", "OPTIONS": {"max_length": 128}},
]

ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*"]
ACCOUNT_ADAPTER = "tsunagu.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"login": "tsunagu.accounts.forms.LoginForm"}
ACCOUNT_EMAIL_VERIFICATION = "none"
# Accounts have no e-mail of their own; never mail an address typed into the password-reset form.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
# Password guessing is limited by django-axes per (username, IP) (see AccountAdapter.pre_authenticate).
# allauth's per-IP login limit (30/min by default) would refuse a class of 35 pupils logging in
# together behind the school's one address, so it is raised to a flood guard only. "login_failed"
# now only limits wrong MFA codes, per user.
ACCOUNT_RATE_LIMITS = {"login": "600/m/ip", "login_failed": "5/5m/key"}
MFA_ADAPTER = "tsunagu.accounts.adapter.MFAAdapter"
MFA_FORMS = {
    "authenticate": "tsunagu.accounts.forms.AuthenticateForm",
    "reauthenticate": "tsunagu.accounts.forms.ReauthenticateForm",
    "activate_totp": "tsunagu.accounts.forms.ActivateTOTPForm",
}
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "Tsunagu"
# Accept the code of the previous and next 30-second step too: school iPads' clocks drift.
MFA_TOTP_TOLERANCE = 1
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not PRODUCTION

# django-axes: lock a (username, IP) pair, never a whole staff room behind one NAT address.
AXES_FAILURE_LIMIT = env_int("TSUNAGU_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = env_int("TSUNAGU_LOCKOUT_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Attempts during a lockout do not restart the cool-off, so the page can say when it ends.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# authenticate() receives the name as ``username`` from allauth and the admin form alike; the
# callable also reads allauth's ``login`` field and folds case and width (see accounts/lockout.py).
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "tsunagu.accounts.lockout.axes_username"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
# REMOTE_ADDR already is the client's address (TrustedProxyMiddleware): allauth must not apply the
# proxies to X-Forwarded-For a second time.
ALLAUTH_TRUSTED_PROXY_COUNT = 0

# --- sessions and cookies ---------------------------------------------------------------------
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_IDLE_TIMEOUT = env_int("TSUNAGU_SESSION_IDLE_SECONDS", 30 * 60)
SESSION_ABSOLUTE_TIMEOUT = env_int("TSUNAGU_SESSION_ABSOLUTE_SECONDS", 10 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
if PRODUCTION:
    # __Host- cookies are only accepted over HTTPS, with Path=/ and no Domain.
    SESSION_COOKIE_NAME = "__Host-tsunagu-session"
    CSRF_COOKIE_NAME = "__Host-tsunagu-csrf"
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("TSUNAGU_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("TSUNAGU_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

# --- static files ------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]

# --- Tsunagu -----------------------------------------------------------------------------------
# An unscoped query of a scoped model raises UnscopedQueryError. This is never switched off; the
# setting exists so that a deployment can see it in `diffsettings`.
TSUNAGU_STRICT_SCOPE = True
TSUNAGU_DEMO_ENABLED = env_bool("TSUNAGU_DEMO_ENABLED", not PRODUCTION)
# Minutes within which a pupil's 話したい request must be acknowledged before it escalates (decision 0008).
TSUNAGU_HEALTH_TALK_RESPONSE_MINUTES = env_int("TSUNAGU_HEALTH_TALK_RESPONSE_MINUTES", 60)
if TSUNAGU_HEALTH_TALK_RESPONSE_MINUTES < 1:
    raise ImproperlyConfigured("TSUNAGU_HEALTH_TALK_RESPONSE_MINUTES must be a positive number of minutes")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "tsunagu": {"handlers": ["console"], "level": env_str("TSUNAGU_LOG_LEVEL", "INFO")},
        "axes": {"handlers": ["console"], "level": "WARNING"},
        # A server error's traceback: Django logs it here at ERROR and by default hands it only to
        # mail_admins, and Tsunagu sends no mail. Not propagated, so that DEBUG's console does not print
        # it twice; 4xx answers (WARNING) are left to the proxy's access log.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}
