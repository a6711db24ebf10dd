"""The demo connector: a drop folder under ``RECORDS_FOLDER`` (default ``var/records``).

Each message's ZIP container lands in ``outbox/`` (a sub-folder per office's folder),
answers are read from ``inbox/``. Nothing leaves the machine: an administrator sees
exactly what would be sent, and ``manage.py demo_efile`` answers like an e-file would
(:mod:`portal_site.records.demo_efile`).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..dropfolder import DropFolderConnector


def records_folder() -> Path:
    value = getattr(settings, "RECORDS_FOLDER", "") or Path(settings.BASE_DIR) / "var" / "records"
    return Path(value)


class DemoConnector(DropFolderConnector):
    key = "demo"
    label = gettext_lazy("Demo: a folder on this server")

    def outbox(self) -> Path:
        return records_folder() / "outbox"

    def inbox(self) -> Path:
        path = records_folder() / "inbox"
        path.mkdir(parents=True, exist_ok=True)
        return path

    def is_enabled(self) -> bool:
        return True

    def check_config(self) -> list[str]:
        problems = super().check_config() if self.outbox().is_dir() else []
        if not settings.DEBUG:
            problems.append(
                _(
                    "The demo connection keeps records in %(folder)s on this server: no "
                    "e-file receives them. Choose the office's e-file connection instead."
                )
                % {"folder": records_folder()}
            )
        return problems
