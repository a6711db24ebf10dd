from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaArchiveConfig(AppConfig):
    name = "media_archive"
    verbose_name = _("Media archive")

    def ready(self) -> None:
        from portal_site.accounts import roles

        from . import (
            demo,  # noqa: F401 - registers the demo holdings
            search_index,
        )

        search_index.connect()

        from portal_site.connectors import register_connector
        from portal_site.core.periodic import register_periodic

        from .sync import synchronise_all
        from .sync_sources.sharepoint import SharePointSource
        from .sync_sources.webdav import WebDAVSource

        register_connector(SharePointSource())
        register_connector(WebDAVSource())
        register_periodic("media_archive.sync", synchronise_all)

        roles.register_role_permissions(
            roles.ARCHIVE,
            "wagtailimages.add_image",
            "wagtailimages.change_image",
            "wagtailimages.choose_image",
            "media_archive.add_series",
            "media_archive.change_series",
            "media_archive.view_series",
            "media_archive.view_syncrun",
        )
