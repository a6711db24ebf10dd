"""The static-files app of the portal (listed in INSTALLED_APPS by this path)."""

from django.contrib.staticfiles.apps import StaticFilesConfig


class PortalStaticFilesConfig(StaticFilesConfig):
    """Static files without viewflow's front end, which the portal never serves.

    The workspace is Wagtail's admin; viewflow's Material UI (146 MB once collected)
    is not used, and its Roboto stylesheet names fonts the wheel does not ship, so
    the manifest storage of production would refuse the whole ``collectstatic``.
    Leaving the folder out keeps working whatever a viewflow upgrade adds to it.
    """

    ignore_patterns = [*StaticFilesConfig.ignore_patterns, "viewflow/*"]
