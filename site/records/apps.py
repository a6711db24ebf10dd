from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "portal_site.records"
    label = "records"
    verbose_name = _("E-file and archive")

    def ready(self) -> None:
        from portal_site.cases.erasure import register_eraser
        from portal_site.cases.retention import register_retention_hold
        from portal_site.cases.services import register_case_closed
        from portal_site.connectors import register_connector
        from portal_site.core.periodic import register_periodic

        from .answers import collect_answers
        from .connectors.demo import DemoConnector
        from .connectors.dropfolder import DropFolderConnector
        from .connectors.sharepoint import SharePointConnector
        from .connectors.webdav import WebDAVConnector
        from .erasure import erase_records
        from .filing import file_when_closed, send_due_filings

        register_connector(DemoConnector())
        register_connector(DropFolderConnector())
        register_connector(WebDAVConnector())
        register_connector(SharePointConnector())
        register_case_closed("records.file_when_closed", file_when_closed)
        register_periodic("records.collect_answers", collect_answers)
        register_periodic("records.send_due", send_due_filings)
        from .archive import hold_for_archive, offer_due_cases

        register_retention_hold("records.archive", hold_for_archive)
        register_periodic("records.offer_to_archive", offer_due_cases)
        register_eraser("records.filings", erase_records)
        from . import demo  # noqa: F401 - registers the demo step
