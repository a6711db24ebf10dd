"""Settings for pytest: same apps and databases as production, fast hashing."""

import os

from .base import *  # noqa: F403
from .environment import BASE_DIR

SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests change pages without publishing them; the page cache has tests of its own.
PAGE_CACHE_SECONDS = 0
# Tasks run in-process so a test sees their effect right after commit.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Each parallel test worker (pytest-xdist) writes files of its own.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
MEDIA_ROOT = str(BASE_DIR / "var" / f"test-media{_WORKER}")
PRIVATE_MEDIA_ROOT = str(BASE_DIR / "var" / f"test-private{_WORKER}")
STORAGES["private"]["OPTIONS"]["location"] = PRIVATE_MEDIA_ROOT  # noqa: F405
RECORDS_FOLDER = str(BASE_DIR / "var" / f"test-records{_WORKER}")
# Closing a case renders its case sheet and builds its xdomea container: the records
# tests switch this on (tests/site/test_records_*.py); the others close cases by the
# hundred and test other things.
RECORDS_FILE_ON_CLOSE = False
WAGTAILADMIN_BASE_URL = "http://testserver"
ALLOWED_HOSTS = ["*"]
# Static files are served by the test server from the app folders, not collected.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Test databases on PostgreSQL need no durability: a test commits after every statement
# (transactional tests, the demo loader), and waiting for each fsync is most of the time.
if DATABASES["default"]["ENGINE"].endswith("postgresql"):  # noqa: F405
    options = DATABASES["default"].setdefault("OPTIONS", {})  # noqa: F405
    options["options"] = (options.get("options", "") + " -c synchronous_commit=off").strip()
