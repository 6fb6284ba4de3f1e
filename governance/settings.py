"""Settings for the Social Media Governance Portal.

One module for every environment: production differs from a laptop only by environment
variables. Each variable is named in a comment with its default, and `.env.example` lists
them all. With no variables set, the portal runs on the embedded default: a SQLite file,
Celery tasks run in-process, email printed to the console.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp import constants as csp_constants

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A `.env` file beside manage.py is read if present; real environment variables win.
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

# DEBUG (default: false). Only a developer's machine turns it on; `make run` does.
DEBUG = env.bool("DEBUG", default=False)

# SECRET_KEY (a fixed development key when DEBUG is on; otherwise no default). Without it the
# web server refuses to start (governance/startup.py) and `check --deploy` warns; commands that
# sign nothing, such as `migrate` and `makemigrations`, still run.
SECRET_KEY = env(
    "SECRET_KEY",
    default="django-insecure-development-only-key-not-for-production" if DEBUG else "",
)

# ALLOWED_HOSTS (default: localhost names only), comma-separated.
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
# CSRF_TRUSTED_ORIGINS (default: none), comma-separated origins such as https://portal.example.
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# SITE_URL (default: http://127.0.0.1:8000): the address used for links in emails.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "rules",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "governance",
    "accounts",
    "requests",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "governance.auth.TrustedHeaderMiddleware",
    "governance.middleware.ClientAddressMiddleware",
    "governance.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages (they say why someone was signed out): the idle and absolute time limits,
    # then the second factor the powerful roles owe before any page.
    "governance.middleware.SessionTimeoutMiddleware",
    "governance.mfa.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # AxesMiddleware must be last: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "governance.urls"
WSGI_APPLICATION = "governance.wsgi.application"
ASGI_APPLICATION = "governance.asgi.application"

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
                "governance.context_processors.portal",
            ],
        },
    },
]

# DATABASE_URL (default: sqlite:///<project>/db.sqlite3, the embedded default).
# Production and the test suite use PostgreSQL: postgres://user:password@host:5432/name
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # DATABASE_CONN_MAX_AGE (default: 60 seconds): keep connections between requests.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # The portal's queries are short; PostgreSQL's JIT compiler would spend more time compiling
    # them than running them (hundreds of milliseconds on the team page at City scale).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
else:
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# REDIS_URL (default: unset). Unset: Celery runs tasks in-process and the cache is in memory.
# Set (redis://host:6379/0): Redis is Celery's broker and the cache behind sessions.
REDIS_URL = env("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "governance",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions live in the database and are read through the cache, so a page costs no
# session query; deactivating a user ends their sessions on the next request.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = 60 * 60 * 10  # a working day: the absolute limit, from sign-in
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# SESSION_IDLE_MINUTES (default: 30): a signed-in session unused this long is signed out
# (governance/sessions.py), besides the absolute limit of SESSION_COOKIE_AGE from sign-in.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)

AUTH_USER_MODEL = "governance.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out sign-in before a password is checked.
    "axes.backends.AxesStandaloneBackend",
    "governance.auth.PortalModelBackend",
    "governance.auth.TrustedHeaderBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# SSO_HEADER (default: unset, SSO off). When set, e.g. to X-Forwarded-User, a trusted
# reverse proxy that authenticates people names the signed-in user's username in this
# header. SSO_TRUSTED_PROXIES (default: none), comma-separated addresses or networks: the header
# is believed only on connections from these addresses (the proxy itself, not X-Forwarded-For);
# from anywhere else the request is refused and logged. It never signs in a superuser.
SSO_HEADER = env("SSO_HEADER", default="")
SSO_TRUSTED_PROXIES = env.list("SSO_TRUSTED_PROXIES", default=[])

# MFA_REQUIRED (default: on when DEBUG is off, off when it is on). On: the Director, CSC staff,
# auditors, HR and superusers who sign in with a password must also give a code from an
# authenticator app (TOTP, django-otp), enrolling on their first sign-in; recovery codes stand in
# for a lost phone. Off (the embedded default, `make run`): a password alone signs them in. Anyone
# may enrol either way, and once enrolled is always asked for a code. SSO sign-ins are the
# identity provider's to protect.
MFA_REQUIRED = env.bool("MFA_REQUIRED", default=not DEBUG)
# The name authenticator apps show for the portal's entry.
OTP_TOTP_ISSUER = "City of Calgary Social Media Governance"
# How many recovery codes enrolment gives (each works once).
MFA_RECOVERY_CODES = 10

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes: five failed sign-ins for a username from one address lock it for 30 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# The client address (lockouts, the audit trail) comes from governance/client_address.py, which
# believes only what the portal's own proxies appended to X-Forwarded-For, never the left-most
# entry a client can write. TRUSTED_PROXY_COUNT (default: 0, or the older AXES_IPWARE_PROXY_COUNT):
# the number of proxies in front of the portal; the client is the address the outermost one
# appended. TRUSTED_PROXY_ADDRESSES (default: none), comma-separated addresses or networks of the
# proxies (10.0.0.0/8, 192.0.2.7): when set, the client is the first address, from the right, that
# is not one of them — preferred when the path through the proxies can vary.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=env.int("AXES_IPWARE_PROXY_COUNT", default=0))
TRUSTED_PROXY_ADDRESSES = env.list("TRUSTED_PROXY_ADDRESSES", default=[])
AXES_CLIENT_IP_CALLABLE = "governance.client_address.client_address"

LANGUAGE_CODE = "en-ca"
# TIME_ZONE (default: America/Edmonton).
TIME_ZONE = env("TIME_ZONE", default="America/Edmonton")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# PRIVATE_MEDIA_ROOT (default: <project>/private-media): uploads no web server serves, such as HR
# rosters waiting to be imported (deleted once imported or discarded).
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private-media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None, "file_permissions_mode": 0o600},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
    # Screenshots of content reports, in the private media folder; the portal serves them only
    # through a view that checks who is asking (reports/views.py).
    "report_screenshots": {
        "BACKEND": "reports.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT / "report-screenshots")},
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email. EMAIL_URL (default: consolemail://, printed to the console). For SMTP:
# smtp+tls://user:password@mail.example:587 ; filemail:///path writes each message to a file.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# DEFAULT_FROM_EMAIL (default: Social Media Governance Portal <no-reply@calgary.ca>).
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Social Media Governance Portal <no-reply@calgary.ca>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# CSC_MAILBOX (default: socialmedia@calgary.ca): the social media team's shared mailbox, named
# by the Standards; it receives every new request and every new content report.
CSC_MAILBOX = env("CSC_MAILBOX", default="socialmedia@calgary.ca")

# Content reports (the Standards' "Be an Ambassador"; reports/).
# HR_MAILBOX (default: hr.socialmedia@calgary.ca) and SECURITY_MAILBOX (default:
# corporate.security@calgary.ca): where CSC refers a report to Human Resources or to
# Law-Corporate Security; the auditors are told of each referral too.
HR_MAILBOX = env("HR_MAILBOX", default="hr.socialmedia@calgary.ca")
SECURITY_MAILBOX = env("SECURITY_MAILBOX", default="corporate.security@calgary.ca")
# REPORT_DUE_BUSINESS_DAYS (default: impersonation=1,damaging=1,misinformation=2,other=3,positive=5):
# business days the communications team has to handle a report of each kind; a report is due
# at the end of that business day (Monday to Friday) and escalated to the Director when overdue.
REPORT_DUE_BUSINESS_DAYS = {
    "impersonation": 1,
    "damaging": 1,
    "misinformation": 2,
    "other": 3,
    "positive": 5,
    **env.dict("REPORT_DUE_BUSINESS_DAYS", cast={"value": int}, default={}),
}
# CITY_IDENTIFIERS (default: cityofcalgary,calgarycity,yyccity,calgary,yyc): names that tie an
# account to The City; an unknown account that uses one is scored as a possible impersonation
# (reports/matching.py). Letters and digits only; case and separators do not matter.
CITY_IDENTIFIERS = env.list("CITY_IDENTIFIERS", default=["cityofcalgary", "calgarycity", "yyccity", "calgary", "yyc"])
# IMPERSONATION_THRESHOLD (default: 0.75): the likely-impersonation score (0 to 1) from which an
# unknown account is flagged to the communications team as a likely impersonation.
IMPERSONATION_THRESHOLD = env.float("IMPERSONATION_THRESHOLD", default=0.75)
# REPORT_PUBLIC_LIMIT (default: 5) reports from one address per REPORT_PUBLIC_WINDOW_MINUTES
# (default: 60) through the public form; more get "429 Too Many Requests" and are not saved.
REPORT_PUBLIC_LIMIT = env.int("REPORT_PUBLIC_LIMIT", default=5)
REPORT_PUBLIC_WINDOW_MINUTES = env.int("REPORT_PUBLIC_WINDOW_MINUTES", default=60)
# A screenshot may be at most this many bytes (5 MB), PNG or JPEG only.
REPORT_SCREENSHOT_MAX_BYTES = 5 * 1024 * 1024

# The public directory is served to signed-out visitors from the cache for this many seconds;
# any change to the registry shows at once (a new cache generation).
DIRECTORY_CACHE_SECONDS = 60

# ACKNOWLEDGEMENT_LINK_DAYS (default: 14): how long the signed link emailed to an employee, with
# which they acknowledge the Standards without a portal sign-in, stays valid.
ACKNOWLEDGEMENT_LINK_DAYS = env.int("ACKNOWLEDGEMENT_LINK_DAYS", default=14)

# REVIEW_DUE_DAYS (default: 14): days a manager has to confirm or revoke access under review.
REVIEW_DUE_DAYS = env.int("REVIEW_DUE_DAYS", default=14)
# ROTATION_DUE_HOURS (default: 24): hours to change an account's password once a provider left.
ROTATION_DUE_HOURS = env.int("ROTATION_DUE_HOURS", default=24)
# ROSTER_UPLOAD_MAX_MB (default: 50): the largest HR roster accepted in the browser, in megabytes.
ROSTER_UPLOAD_MAX_MB = env.int("ROSTER_UPLOAD_MAX_MB", default=50)
# Training counts for this many days after its completion, per course:
# TRAINING_VALIDITY_DAYS_SOCIAL_MEDIA (default: 730), TRAINING_VALIDITY_DAYS_ACCESSIBLE_CONTENT
# (default: 1095), TRAINING_VALIDITY_DAYS_RECORDS (default: 1095).
TRAINING_VALIDITY_DAYS = {
    "social_media": env.int("TRAINING_VALIDITY_DAYS_SOCIAL_MEDIA", default=730),
    "accessible_content": env.int("TRAINING_VALIDITY_DAYS_ACCESSIBLE_CONTENT", default=1095),
    "records": env.int("TRAINING_VALIDITY_DAYS_RECORDS", default=1095),
}
# TRAINING_REMINDER_DAYS (default: 30): the employee and their manager are told once when
# training expires within this many days.
TRAINING_REMINDER_DAYS = env.int("TRAINING_REMINDER_DAYS", default=30)
# RECERTIFY_MONTHS (default: 12): a provider designation must be recertified this often.
RECERTIFY_MONTHS = env.int("RECERTIFY_MONTHS", default=12)
# ROSTER_MISSING_GRACE_HOURS (default: 0): hours after a full HR roster first leaves an employee
# out before their sign-in stops working (their grants are suspended at once, whatever this is).
ROSTER_MISSING_GRACE_HOURS = env.int("ROSTER_MISSING_GRACE_HOURS", default=0)

# Celery. The broker is Redis when REDIS_URL is set; otherwise tasks run in-process, eagerly.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
# A task is acknowledged only when it finished, and given back when its worker died; every
# task is idempotent, so a redelivery changes nothing. One task at a time per worker process.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The hard time limit stays well below the visibility timeout, so Redis never hands a task to
# a second worker while the first may still be running it.
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 300
CELERY_VISIBILITY_TIMEOUT = 3600
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# CELERY_QUEUE (default: governance): the queue the web app sends to and the worker reads.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="governance")
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = TIME_ZONE
# The beat schedule is static: exactly one beat process runs it (docker-compose.yml).
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "governance.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=15),
    },
    "sweep-stale-access": {
        "task": "accounts.tasks.sweep_stale_access",
        "schedule": crontab(hour=2, minute=30),
    },
    "escalate-overdue-reviews-and-rotations": {
        "task": "accounts.tasks.escalate_overdue",
        "schedule": crontab(minute=5),
    },
    "turn-off-sign-ins-missing-from-roster": {
        "task": "governance.tasks.turn_off_sign_ins_missing_from_roster",
        "schedule": crontab(minute=15),
    },
    "escalate-overdue-content-reports": {
        "task": "reports.tasks.escalate_overdue_reports",
        "schedule": crontab(minute=10),
    },
    "remind-expiring-training": {
        "task": "governance.tasks.remind_expiring_training",
        "schedule": crontab(hour=7, minute=0),
    },
    "ask-providers-to-acknowledge-the-standards": {
        "task": "accounts.tasks.ask_providers_to_acknowledge",
        "schedule": crontab(minute=20),
    },
}
# Tasks told (after commit, with the employee ids) when HR changes someone's job title, business
# unit, manager, status or roster presence — by the roster import or an edit in the admin.
EMPLOYEE_CHANGE_TASKS = ["accounts.tasks.review_employee_changes"]
# What those tasks did to access, read back from the audit trail (the roster upload's preview
# runs the import and the tasks in a transaction it rolls back, then asks this).
EMPLOYEE_CHANGE_IMPACT = "accounts.selectors.access_impact_since"
# Tasks told (after commit) when a version of the Standards is published: ask the providers.
STANDARDS_PUBLISHED_TASKS = ["accounts.tasks.ask_providers_to_acknowledge"]

# Security headers. Strict CSP: everything from this origin, no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp_constants.SELF],
        "script-src": [csp_constants.SELF],
        "style-src": [csp_constants.SELF],
        "img-src": [csp_constants.SELF, "data:"],
        "font-src": [csp_constants.SELF],
        "connect-src": [csp_constants.SELF],
        "form-action": [csp_constants.SELF],
        "frame-ancestors": [csp_constants.NONE],
        "base-uri": [csp_constants.SELF],
        "object-src": [csp_constants.NONE],
    }
}
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "camera": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Behind TLS in production. SECURE_SSL_REDIRECT (default: true when DEBUG is off),
# SECURE_HSTS_SECONDS (default: one year when DEBUG is off), SECURE_PROXY_SSL_HEADER_NAME
# (default: unset; e.g. HTTP_X_FORWARDED_PROTO behind a TLS-terminating proxy).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if env("SECURE_PROXY_SSL_HEADER_NAME", default=""):
    SECURE_PROXY_SSL_HEADER = (env("SECURE_PROXY_SSL_HEADER_NAME"), "https")

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# LOG_LEVEL (default: INFO).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # In-process tasks (no REDIS_URL) would log every run into the web server's console.
        "celery.app.trace": {"level": "INFO" if REDIS_URL else "WARNING"},
    },
}
