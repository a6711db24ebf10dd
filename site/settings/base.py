"""Settings shared by every environment; see dev.py, test.py and production.py."""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from .environment import (
    BASE_DIR,
    PROJECT_DIR,
    database_config,
    env_bool,
    env_int,
    env_list,
    env_str,
)

SECRET_KEY = env_str("SECRET_KEY", "insecure-development-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Kernel (site/ = portal_site)
    "portal_site.core",
    "portal_site.accounts",
    "portal_site.cases",
    "portal_site.notifications",
    "portal_site.documents",
    "portal_site.records",
    # Domain packages, lowest layer first
    "media_archive",
    "shop",
    "serviceportal",
    "flows",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    # Security: login throttling, Content-Security-Policy
    "axes",
    "csp",
    # Workflows and background work
    "viewflow",
    "viewflow.workflow",
    "django_tasks",
    "django_tasks_db",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # django.contrib.staticfiles without viewflow's front end (portal_site.core.static_files)
    "portal_site.core.static_files.PortalStaticFilesConfig",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Anonymous visitors' Wagtail pages from the shared cache (needs the language).
    "portal_site.core.page_cache.PageCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal_site.core.request_guards.OutOfRangeIdMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "portal_site.core.content_security.PortalCSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Last: turns a locked-out login into the lockout page (django-axes).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal_site.urls"
WSGI_APPLICATION = "portal_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "serviceportal.context_processors.navigation",
                "portal_site.core.page_cache.template_context",
            ],
        },
    },
]

DATABASES = {"default": database_config(BASE_DIR / "var" / "db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "wagtailadmin_login"

# Language and time: German first, English available.
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
# The overrides fix strings of Wagtail and Django for German editors; they come first.
LOCALE_PATHS = [PROJECT_DIR / "locale" / "overrides", PROJECT_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
# Day month year and a 24-hour clock in both languages (portal_site/core/formats/).
FORMAT_MODULE_PATH = ["portal_site.core.formats"]
USE_TZ = True
# Pages exist once per language (Wagtail's locales): editors copy a page or a whole
# tree into English with "Übersetzen" (wagtail.contrib.simple_translation) and edit it.
WAGTAIL_I18N_ENABLED = True
# Slugs in ASCII with German transliteration (ü → ue), in the browser and on the server
# (serviceportal.slugs).
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES

# Files: static files are public; everything uploaded is private unless it is a
# rendition made for the public (see media_archive).
STATIC_URL = "/static/"
STATIC_ROOT = env_str("STATIC_ROOT", str(BASE_DIR / "var" / "static"))
STATICFILES_DIRS = [PROJECT_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media"))
PRIVATE_MEDIA_ROOT = env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    # Archive originals and renditions: private, served through signed links (media_archive).
    "archive": {"BACKEND": "media_archive.storage.ProtectedStorage"},
}
WAGTAILIMAGES_RENDITION_STORAGE = "archive"
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Wagtail
WAGTAIL_SITE_NAME = env_str("PORTAL_SITE_NAME", "Serviceportal Stadt Kassel")
WAGTAILADMIN_BASE_URL = env_str("PORTAL_BASE_URL", "http://127.0.0.1:8000")
WAGTAILIMAGES_IMAGE_MODEL = "media_archive.ArchiveImage"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "rtf", "txt", "xlsx", "zip"]
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No calls to outside services from staff browsers (and no broken avatars offline).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_PASSWORD_RESET_ENABLED = True
# The staff login: translated labels (Wagtail leaves the password field unlabelled).
WAGTAILADMIN_USER_LOGIN_FORM = "portal_site.accounts.forms.StaffLoginForm"

# Background work: Django's task API with the database queue by default (one machine,
# `manage.py db_worker`), RQ on Redis when TASKS_BACKEND=rq (several machines,
# `manage.py rqworker`; install the `rq` extra). See docs/operations.md.
REDIS_URL = env_str("REDIS_URL")
TASKS_BACKEND = env_str("TASKS_BACKEND", "database")
if TASKS_BACKEND == "rq":
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0"}}
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A task still RUNNING this long after it started lost its worker and is queued again.
TASKS_STALE_MINUTES = env_int("TASKS_STALE_MINUTES", 30)
# Longest a periodic job may hold its lock (a runner that died releases it after this).
PERIODIC_LOCK_SECONDS = env_int("PERIODIC_LOCK_SECONDS", 600)

# Cache, locks of the periodic jobs and login-throttling counters: Redis when REDIS_URL
# is set (shared by every app server and worker; required in production), local memory
# for a single development process otherwise.
if REDIS_URL:
    CACHES = {
        "default": {
            # an outage is a cache miss, not an error (core/resilient_cache.py)
            "BACKEND": "portal_site.core.resilient_cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "portal"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Anonymous visitors' portal pages are served from the cache for at most this long
# (purged at once on every publish; 0 switches the page cache off): core/page_cache.py.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)

# E-mail goes through the outbox (portal_site.notifications); this is the transport.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str(
    "DEFAULT_FROM_EMAIL", "Serviceportal Stadt Kassel <serviceportal@kassel.de>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Domain of the Message-ID of outgoing mail; empty: the domain of DEFAULT_FROM_EMAIL.
PORTAL_MAIL_DOMAIN = env_str("PORTAL_MAIL_DOMAIN")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"  # Wagtail sets SAMEORIGIN on its own preview views
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
    },
}

# Directory login (LDAP / Active Directory), off unless LDAP_SERVER_URI is set.
from .directory import *  # noqa: E402, F403

# Throttling (django-axes, see portal_site.accounts.throttling and docs/security.md):
# failures per identity and per client in the shared database, never reset by a success.
AUTHENTICATION_BACKENDS = [
    "portal_site.accounts.throttling_backend.ThrottlingBackend",
    *AUTHENTICATION_BACKENDS,  # noqa: F405
]
# Counters in Redis when it is there (they expire by themselves), else in the database.
AXES_HANDLER = env_str(
    "AXES_HANDLER",
    "axes.handlers.cache.AxesCacheHandler"
    if REDIS_URL
    else "axes.handlers.database.AxesDatabaseHandler",
)
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = False
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "portal_site.accounts.throttling.client_ip"
AXES_LOCKOUT_CALLABLE = "portal_site.accounts.throttling.lockout_response"
AXES_VERBOSE = False
# The reverse proxies whose X-Forwarded-For is believed (addresses or networks such as
# 10.0.0.0/24); none: REMOTE_ADDR is the client.
PORTAL_TRUSTED_PROXIES = env_list("PORTAL_TRUSTED_PROXIES")

# Mein Konto (serviceportal/account.py): the sign-in link's lifetime, how long the
# session keeps the verified address, and how many links an address or a client may
# ask for per hour. A saved application's resume link lives PORTAL_RESUME_DAYS.
PORTAL_ACCOUNT_LINK_MINUTES = env_int("PORTAL_ACCOUNT_LINK_MINUTES", 30)
PORTAL_ACCOUNT_SESSION_HOURS = env_int("PORTAL_ACCOUNT_SESSION_HOURS", 4)
PORTAL_ACCOUNT_LINKS_PER_HOUR = env_int("PORTAL_ACCOUNT_LINKS_PER_HOUR", 5)
PORTAL_RESUME_DAYS = env_int("PORTAL_RESUME_DAYS", 14)

# Content-Security-Policy (django-csp): no inline script, nothing from outside hosts.
# The Wagtail admin's own widgets still carry a few inline scripts and styles, so
# /admin/ gets the same policy with inline code allowed there only (see docs/security.md).
_CSP_BASE = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'self'"],
    "form-action": ["'self'", *env_list("CSP_FORM_ACTION_EXTRA", "https://checkout.stripe.com")],
}
CONTENT_SECURITY_POLICY = {"DIRECTIVES": _CSP_BASE}
CSP_ADMIN_DIRECTIVES = {
    **_CSP_BASE,
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "frame-src": ["'self'"],
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

# Retention: closed cases keep their personal data this long unless their process has
# its own period (admin: Settings → Retention periods); see docs/security.md.
CASE_RETENTION_DAYS = env_int("CASE_RETENTION_DAYS", 730)

# Records: the e-file and the archive (portal_site.records, docs/records.md).
# File a case in its office's e-file when it closes (off: only on a clerk's demand).
RECORDS_FILE_ON_CLOSE = env_bool("RECORDS_FILE_ON_CLOSE", True)
# The demo connection's folder: outbox/ (what would be sent) and inbox/ (answers).
RECORDS_FOLDER = env_str("RECORDS_FOLDER", str(BASE_DIR / "var" / "records"))
# The drop folder of a DMS: where containers go, where its answers come back.
RECORDS_DROP_OUTBOX = env_str("RECORDS_DROP_OUTBOX", "")
RECORDS_DROP_INBOX = env_str("RECORDS_DROP_INBOX", "")
# A WebDAV e-file (many DMS, SharePoint on premises).
RECORDS_WEBDAV_URL = env_str("RECORDS_WEBDAV_URL", "")
RECORDS_WEBDAV_USER = env_str("RECORDS_WEBDAV_USER", "")
RECORDS_WEBDAV_PASSWORD = env_str("RECORDS_WEBDAV_PASSWORD", "")
RECORDS_WEBDAV_OUTBOX = env_str("RECORDS_WEBDAV_OUTBOX", "eingang")
RECORDS_WEBDAV_REPLIES = env_str("RECORDS_WEBDAV_REPLIES", "antworten")
RECORDS_WEBDAV_TIMEOUT = env_int("RECORDS_WEBDAV_TIMEOUT", 60)
# A SharePoint Online document library as the e-file (Microsoft Graph).
RECORDS_SHAREPOINT_TENANT = env_str("RECORDS_SHAREPOINT_TENANT", "")
RECORDS_SHAREPOINT_CLIENT_ID = env_str("RECORDS_SHAREPOINT_CLIENT_ID", "")
RECORDS_SHAREPOINT_CLIENT_SECRET = env_str("RECORDS_SHAREPOINT_CLIENT_SECRET", "")
RECORDS_SHAREPOINT_DRIVE_ID = env_str("RECORDS_SHAREPOINT_DRIVE_ID", "")
RECORDS_SHAREPOINT_OUTBOX = env_str("RECORDS_SHAREPOINT_OUTBOX", "Eingang")
RECORDS_SHAREPOINT_REPLIES = env_str("RECORDS_SHAREPOINT_REPLIES", "Antworten")
# The media archive's holdings from a WebDAV folder (media_archive.sync).
ARCHIVE_SYNC_WEBDAV_URL = env_str("ARCHIVE_SYNC_WEBDAV_URL", "")
ARCHIVE_SYNC_WEBDAV_USER = env_str("ARCHIVE_SYNC_WEBDAV_USER", "")
ARCHIVE_SYNC_WEBDAV_PASSWORD = env_str("ARCHIVE_SYNC_WEBDAV_PASSWORD", "")
ARCHIVE_SYNC_WEBDAV_FOLDER = env_str("ARCHIVE_SYNC_WEBDAV_FOLDER", "")
# ... or from a SharePoint Online document library (Graph delta; columns as metadata).
ARCHIVE_SYNC_SHAREPOINT_TENANT = env_str("ARCHIVE_SYNC_SHAREPOINT_TENANT", "")
ARCHIVE_SYNC_SHAREPOINT_CLIENT_ID = env_str("ARCHIVE_SYNC_SHAREPOINT_CLIENT_ID", "")
ARCHIVE_SYNC_SHAREPOINT_CLIENT_SECRET = env_str("ARCHIVE_SYNC_SHAREPOINT_CLIENT_SECRET", "")
ARCHIVE_SYNC_SHAREPOINT_DRIVE_ID = env_str("ARCHIVE_SYNC_SHAREPOINT_DRIVE_ID", "")
ARCHIVE_SYNC_SHAREPOINT_COLUMNS = env_str("ARCHIVE_SYNC_SHAREPOINT_COLUMNS", "")
# Another copy of the official xdomea schemas (folder holding 3.0.0/xdomea.xsd);
# empty: the copy shipped in portal_site/records/schemas.
XDOMEA_SCHEMA_DIR = env_str("XDOMEA_SCHEMA_DIR", "")

# Money (shop/): payment deadlines, the cash office's account, online payment providers.
SHOP_PAYMENT_DAYS = env_int("SHOP_PAYMENT_DAYS", 14)
SHOP_REMINDER_DAYS = env_int("SHOP_REMINDER_DAYS", 7)
SHOP_CASH_OFFICE_NAME = env_str("SHOP_CASH_OFFICE_NAME", "Stadtkasse Kassel")
SHOP_CASH_OFFICE_IBAN = env_str("SHOP_CASH_OFFICE_IBAN", "DE12 5205 0353 0001 2345 67")
SHOP_PAYMENT_KEY = env_str("SHOP_PAYMENT_KEY", "ZE")  # booking key of payments received
SHOP_BANK_ACCOUNT = env_str("SHOP_BANK_ACCOUNT", "18010000")  # ledger account of the bank
# The demo provider moves no money: on by default for trying the portal out.
SHOP_DEMO_PAYMENTS = env_bool("SHOP_DEMO_PAYMENTS", True)
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET")
STRIPE_API_BASE = env_str("STRIPE_API_BASE", "https://api.stripe.com")
# The Stripe API version the integration is tested against (shop/providers.py).
STRIPE_API_VERSION = env_str("STRIPE_API_VERSION", "2026-10-28.endive")
SHOP_CHECKOUT_MINUTES = env_int("SHOP_CHECKOUT_MINUTES", 30)
SHOP_DOWNLOAD_DAYS = env_int("SHOP_DOWNLOAD_DAYS", 30)
SHOP_DOWNLOAD_LIMIT = env_int("SHOP_DOWNLOAD_LIMIT", 5)
SHOP_ARCHIVE_OFFICE = env_str("SHOP_ARCHIVE_OFFICE", "41.2")
ARCHIVE_WATERMARK_TEXT = env_str("ARCHIVE_WATERMARK_TEXT", "Stadtarchiv Kassel")
