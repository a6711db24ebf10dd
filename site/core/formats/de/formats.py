"""German dates as the city writes them: 15.12.2026, 10:30 (settings.FORMAT_MODULE_PATH)."""

from django.conf.locale.de.formats import *  # noqa: F403 - Django's German formats, then ours

SHORT_DATETIME_FORMAT = "d.m.Y, H:i"
TIME_FORMAT = "H:i"
