"""The drop folder: the import directory many DMS installations watch.

Containers go to ``RECORDS_DROP_OUTBOX`` (a sub-folder per office when the office's
records say so), written as ``.name.part`` and renamed when complete; answers are read
from ``RECORDS_DROP_INBOX`` and moved to its ``processed/`` folder once handled.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import Answer, RecordsConnector, clean_name

MAX_ANSWER_BYTES = 50 * 1024 * 1024


class DropFolderConnector(RecordsConnector):
    key = "dropfolder"
    label = gettext_lazy("Drop folder of a DMS")

    def outbox(self) -> Path | None:
        value = getattr(settings, "RECORDS_DROP_OUTBOX", "")
        return Path(value) if value else None

    def inbox(self) -> Path | None:
        value = getattr(settings, "RECORDS_DROP_INBOX", "")
        return Path(value) if value else None

    def is_enabled(self) -> bool:
        return self.outbox() is not None and self.inbox() is not None

    def check_config(self) -> list[str]:
        problems = []
        for setting, folder in (
            ("RECORDS_DROP_OUTBOX", self.outbox()),
            ("RECORDS_DROP_INBOX", self.inbox()),
        ):
            if folder is None:
                problems.append(_("%(setting)s is not set.") % {"setting": setting})
            elif not folder.is_dir():
                problems.append(
                    _("The folder %(folder)s (%(setting)s) does not exist.")
                    % {"folder": folder, "setting": setting}
                )
            elif not os.access(folder, os.W_OK):
                problems.append(
                    _("The portal may not write to %(folder)s (%(setting)s).")
                    % {"folder": folder, "setting": setting}
                )
        return problems

    def _required(self, folder: Path | None, setting: str) -> Path:
        if folder is None:
            raise OSError(f"{setting} is not set")
        return folder

    def deliver(
        self, *, folder: str, name: str, content: bytes, metadata: dict[str, str] | None = None
    ) -> str:
        target_folder = self._required(self.outbox(), "RECORDS_DROP_OUTBOX") / clean_name(folder)
        target_folder.mkdir(parents=True, exist_ok=True)
        target = target_folder / clean_name(name)
        partial = target_folder / f".{target.name}.part"
        with open(partial, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, target)  # atomic: the DMS sees the whole container or none
        return str(target)

    def answers(self) -> list[Answer]:
        inbox = self._required(self.inbox(), "RECORDS_DROP_INBOX")
        if not inbox.is_dir():
            return []
        found = [
            path
            for path in inbox.iterdir()
            if path.is_file()
            and not path.name.startswith(".")
            and path.suffix.lower() in (".xml", ".zip")
        ]
        found.sort(key=lambda path: (path.stat().st_mtime, path.name))
        answers = []
        for path in found:
            if path.stat().st_size > MAX_ANSWER_BYTES:
                continue
            answers.append(Answer(path.name, path.read_bytes()))
        return answers

    def done(self, name: str) -> None:
        inbox = self._required(self.inbox(), "RECORDS_DROP_INBOX")
        processed = inbox / "processed"
        processed.mkdir(exist_ok=True)
        source = inbox / clean_name(name)
        if source.exists():
            os.replace(source, processed / source.name)
