"""The production settings plus one bare Django view, for the scale benchmark's HTTP figures."""

from portal_site.settings.production import *  # noqa: F403

ROOT_URLCONF = "benchmarks.http_urls"
