"""Records: the file plan, which e-file each office files to, and what left the portal.

- :class:`FilePlanUnit`: the city's file plan (*Aktenplan*), one row per unit, entered in
  the admin or imported from an xdomea 0301 message.
- :class:`ProcessRecords`: per process, its file-plan unit (the Aktenzeichen on the
  case and its letters) and whether its closed cases are offered to the archive.
- :class:`OfficeRecords`: per office, the connector of its e-file and the folder in it.
- :class:`CaseRecord`: a case's record in the e-file (our id of the *Vorgang*, the
  e-file's id once confirmed, the Aktenzeichen).
- :class:`Filing`: one message to the e-file, in order per case, with its container,
  attempts and the receiver's answer.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal_site.accounts.models import OrgUnit
from portal_site.cases.models import Case, private_storage


class FilePlanUnit(models.Model):
    class Disposal(models.TextChoices):
        # xdomea code list Aussonderungsart
        ARCHIVE = "A", _("Archive (worth archiving)")
        APPRAISE = "B", _("Let the archive appraise")
        DESTROY = "V", _("Destroy")

    code = models.CharField(
        _("file plan number"),
        max_length=64,
        unique=True,
        help_text=_("The unit's number in the file plan (Aktenplankennzeichen), e.g. 32.10."),
    )
    title = models.CharField(_("title"), max_length=255)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    disposal = models.CharField(
        _("after retention"),
        max_length=1,
        choices=Disposal.choices,
        default=Disposal.APPRAISE,
        help_text=_("What the file plan says becomes of its records (Aussonderungsart)."),
    )
    retention_years = models.PositiveSmallIntegerField(
        _("retention in years"), null=True, blank=True, help_text=_("Empty: without limit.")
    )
    retired = models.BooleanField(_("retired"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("file plan unit")
        verbose_name_plural = _("file plan units")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class ProcessRecords(models.Model):
    process_key = models.CharField(_("case type"), max_length=100, unique=True)
    file_plan_unit = models.ForeignKey(
        FilePlanUnit,
        verbose_name=_("file plan unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Gives the Aktenzeichen of its cases: file plan number and case number."),
    )
    offer_to_archive = models.BooleanField(
        _("offer to the archive"),
        default=True,
        help_text=_(
            "When the retention period ends, closed cases are first offered to the archive; "
            "without this they are erased directly."
        ),
    )

    class Meta:
        verbose_name = _("records of a case type")
        verbose_name_plural = _("records of the case types")

    def __str__(self) -> str:
        return self.process_key


class OfficeRecords(models.Model):
    office = models.OneToOneField(
        OrgUnit, verbose_name=_("office"), on_delete=models.CASCADE, related_name="records"
    )
    efile_connector = models.CharField(
        _("e-file connection"),
        max_length=50,
        help_text=_("How the office's records reach its e-file (see Settings → Connections)."),
    )
    efile_folder = models.CharField(
        _("folder in the e-file"),
        max_length=255,
        blank=True,
        help_text=_("Where in the e-file the office's records go, e.g. Standesamt/Urkunden."),
    )
    efile_name = models.CharField(
        _("name of the e-file"),
        max_length=200,
        default="E-Akte",
        help_text=_("Named as the receiver in every message."),
    )
    file_on_close = models.BooleanField(
        _("file when a case closes"),
        default=True,
        help_text=_("Clerks can also file a running case from its page."),
    )
    archive_connector = models.CharField(
        _("archive connection"),
        max_length=50,
        blank=True,
        help_text=_(
            "How closed cases are offered and handed to the archive when their retention "
            "ends; empty: they are erased without an offer."
        ),
    )
    archive_folder = models.CharField(_("folder of the archive"), max_length=255, blank=True)
    archive_name = models.CharField(
        _("name of the archive"), max_length=200, default="Stadtarchiv", blank=True
    )

    class Meta:
        verbose_name = _("records of an office")
        verbose_name_plural = _("records of the offices")

    def __str__(self) -> str:
        return str(self.office)


class CaseRecord(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Being filed")
        FILED = "filed", _("Filed")
        FAILED = "failed", _("Filing failed")

    case = models.OneToOneField(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="record"
    )
    record_id = models.UUIDField(_("record id"), default=uuid.uuid4, unique=True)
    reference = models.CharField(_("Aktenzeichen"), max_length=100, blank=True)
    efile_id = models.CharField(_("id in the e-file"), max_length=255, blank=True)
    efile_location = models.CharField(_("place in the e-file"), max_length=500, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    filed_at = models.DateTimeField(_("filed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("record in the e-file")
        verbose_name_plural = _("records in the e-file")

    def __str__(self) -> str:
        return self.reference or str(self.record_id)


def container_path(instance: Filing, filename: str) -> str:
    return f"records/{instance.process_id}/{filename}"


class Filing(models.Model):
    class Message(models.TextChoices):
        CREATE = "0604", _("Create the record (0604)")
        FILE = "0605", _("File documents (0605)")
        UPDATE = "0610", _("Update metadata (0610)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent, no answer yet")
        RECEIVED = "received", _("Received by the e-file")
        CONFIRMED = "confirmed", _("Filed")
        REFUSED = "refused", _("Refused by the e-file")
        FAILED = "failed", _("Could not be sent")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="filings"
    )
    sequence = models.PositiveIntegerField(_("order"))
    message = models.CharField(_("message"), max_length=4, choices=Message.choices)
    process_id = models.UUIDField(_("message id"), default=uuid.uuid4, unique=True)
    connector = models.CharField(_("connection"), max_length=50)
    folder = models.CharField(_("folder"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    # The CaseFile ids this message carries, with the document ids the e-file knows them by.
    documents = models.JSONField(_("documents"), default=list, blank=True)
    container = models.FileField(
        _("container"),
        upload_to=container_path,
        storage=private_storage,
        max_length=500,
        blank=True,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    answer = models.TextField(_("answer of the e-file"), blank=True)
    requested_by = models.CharField(_("requested by"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["case", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["case", "sequence"], name="records_filing_order")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        verbose_name = _("filing in the e-file")
        verbose_name_plural = _("filings in the e-file")

    def __str__(self) -> str:
        return f"{self.case.number} {self.message}"

    @property
    def open(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.FAILED)


def transfer_path(instance: ArchiveTransfer, filename: str) -> str:
    return f"archive/{instance.process_id}/{filename}"


class ArchiveTransfer(models.Model):
    """One hand-over process with the archive (one ProzessID for 0501 to 0507)."""

    class State(models.TextChoices):
        OFFERED = "offered", _("Offered, waiting for the appraisal")
        HANDED_OVER = "handed_over", _("Handed over, waiting for the import")
        DONE = "done", _("Done")
        FAILED = "failed", _("Could not be sent")

    process_id = models.UUIDField(_("message id"), default=uuid.uuid4, unique=True)
    connector = models.CharField(_("connection"), max_length=50)
    folder = models.CharField(_("folder"), max_length=255, blank=True)
    archive_name = models.CharField(_("archive"), max_length=200, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.OFFERED, db_index=True
    )
    offer = models.FileField(
        _("offer list (0501)"), upload_to=transfer_path, storage=private_storage, blank=True
    )
    delivery = models.FileField(
        _("hand-over (0503)"), upload_to=transfer_path, storage=private_storage, blank=True
    )
    last_error = models.TextField(_("last error"), blank=True)
    received = models.TextField(_("receipts of the archive"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    appraised_at = models.DateTimeField(_("appraised at"), null=True, blank=True)
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("hand-over to the archive")
        verbose_name_plural = _("hand-overs to the archive")

    def __str__(self) -> str:
        return str(self.process_id)


class ArchiveCase(models.Model):
    """A closed case on its way to the archive (or to erasure)."""

    class State(models.TextChoices):
        OFFERED = "offered", _("Offered to the archive")
        TO_ARCHIVE = "to_archive", _("Chosen by the archive")
        DECLINED = "declined", _("Declined by the archive, erased")
        HANDED_OVER = "handed_over", _("Handed over")
        ARCHIVED = "archived", _("In the archive, erased here")
        FAILED = "failed", _("Not imported by the archive")

    case = models.OneToOneField(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="archive_state"
    )
    transfer = models.ForeignKey(
        ArchiveTransfer, verbose_name=_("hand-over"), on_delete=models.PROTECT, related_name="cases"
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices)
    archive_reference = models.CharField(_("reference in the archive"), max_length=255, blank=True)
    note = models.TextField(_("note"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("case offered to the archive")
        verbose_name_plural = _("cases offered to the archive")

    def __str__(self) -> str:
        return f"{self.case.number}: {self.get_state_display()}"
