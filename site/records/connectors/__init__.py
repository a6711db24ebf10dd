"""Transports of records: connectors of kind ``records`` (:mod:`portal_site.connectors`).

A records connector carries a finished message container to the other side
(:meth:`RecordsConnector.deliver`) and brings the other side's answers back
(:meth:`RecordsConnector.answers`, :meth:`RecordsConnector.done`). What the messages say
is not its business (:mod:`portal_site.records.xdomea`).

- :mod:`.demo`: the drop folder under ``RECORDS_FOLDER`` (``var/records/outbox`` and
  ``var/records/inbox``) for the quick start: an administrator sees exactly what would
  be sent.
- :mod:`.dropfolder`: the import directory of a DMS (``RECORDS_DROP_OUTBOX``), answers
  from its reply directory (``RECORDS_DROP_INBOX``).
- :mod:`.webdav`: a WebDAV server (many DMS, SharePoint on premises): ``RECORDS_WEBDAV_*``.
- :mod:`.sharepoint`: a SharePoint Online document library through Microsoft Graph
  (Office365-REST-Python-Client): ``RECORDS_SHAREPOINT_*``.

Delivery is all or nothing on the other side: a container is written under a temporary
name and renamed (moved) when complete, so a receiver never picks up half a file, and
sending the same container again replaces it (same name: the message's ProzessID).
"""

from __future__ import annotations

from dataclasses import dataclass

from portal_site.connectors import Connector, connectors


@dataclass(frozen=True)
class Answer:
    name: str
    content: bytes


class RecordsConnector(Connector):
    kind = "records"

    def deliver(
        self, *, folder: str, name: str, content: bytes, metadata: dict[str, str] | None = None
    ) -> str:
        """Put the container ``name`` into ``folder`` on the other side; returns where.
        ``metadata`` (case number, process, Aktenzeichen) is for transports that keep
        columns beside a file (SharePoint); the others have it in the message."""
        raise NotImplementedError

    def answers(self) -> list[Answer]:
        """The answers waiting on the other side, oldest first."""
        raise NotImplementedError

    def done(self, name: str) -> None:
        """An answer was processed: take it away so it is not read twice."""
        raise NotImplementedError


def records_connectors() -> list[RecordsConnector]:
    return [c for c in connectors("records") if isinstance(c, RecordsConnector)]


def clean_name(value: str) -> str:
    """A folder path from the admin, with nothing that climbs out of its root."""
    parts = [p for p in value.replace("\\", "/").split("/") if p not in ("", ".", "..")]
    return "/".join(parts)
