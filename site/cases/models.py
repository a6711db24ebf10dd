"""The case (Vorgang): one application and everything that happens to it."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from .messages import render_keyed


def private_storage():
    """Files of cases are never under MEDIA_URL; see STORAGES["private"]."""
    return storages["private"]


class Channel(models.TextChoices):
    PORTAL = "portal", _("Portal")
    COUNTER = "counter", _("Counter")
    POST = "post", _("Post")
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")


class CaseStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_PROGRESS = "in_progress", _("In progress")
    PAUSED = "paused", _("Paused")
    WAITING_FOR_PAYMENT = "waiting_for_payment", _("Waiting for payment")
    COMPLETED = "completed", _("Completed")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (
    CaseStatus.RECEIVED,
    CaseStatus.IN_PROGRESS,
    CaseStatus.PAUSED,
    CaseStatus.WAITING_FOR_PAYMENT,
)


class CaseNumberSequence(models.Model):
    """The last case number handed out per year; locked row by row (gap-free)."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last_value = models.PositiveIntegerField(_("last value"), default=0)

    class Meta:
        verbose_name = _("case number sequence")
        verbose_name_plural = _("case number sequences")
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}: {self.last_value}"


class Case(models.Model):
    number = models.CharField(_("case number"), max_length=20, unique=True, editable=False)
    process_key = models.CharField(_("case type"), max_length=100, db_index=True)
    title = models.CharField(_("title"), max_length=255)
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.PORTAL
    )
    received_at = models.DateTimeField(_("received at"), db_index=True)
    status = models.CharField(
        _("status"),
        max_length=30,
        choices=CaseStatus.choices,
        default=CaseStatus.RECEIVED,
        db_index=True,
    )
    office = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("responsible office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    applicant_name = models.CharField(_("applicant"), max_length=255, blank=True)
    applicant_email = models.EmailField(_("applicant e-mail"), blank=True)
    applicant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applied_cases",
    )
    data = models.JSONField(_("answers"), default=dict, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("main case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sub_cases",
    )
    # Where an open case stands in its process ("In review by the department head"): the
    # source text of the step's stage, shown translated into the reader's language.
    stage = models.CharField(_("stage"), max_length=200, blank=True, db_default="")
    due_date = models.DateField(_("due date"), null=True, blank=True)
    paused_until = models.DateField(_("paused until"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    personal_data_deleted_at = models.DateTimeField(
        _("personal data deleted at"), null=True, blank=True
    )
    # The citizen's status page is reached with this, never with the number.
    public_token = models.UUIDField(_("public token"), default=uuid.uuid4, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-received_at", "-number"]
        indexes = [
            # An office's open cases (the queue starts from them), however many are closed.
            models.Index(fields=["office", "status"], name="cases_case_office_status"),
            # Mein Konto finds an applicant's cases by their address, in any case.
            models.Index(Lower("applicant_email"), name="cases_case_email_lower"),
        ]
        permissions = [
            ("view_all_cases", _("Can see the cases of every office and process")),
            ("view_case_money", _("Can see the fees and payments of every office's cases")),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def status_label(self) -> str:
        """The status as people read it, with the process's stage while the case is open:
        "In Bearbeitung – Prüfung durch die Amtsleitung"."""
        from django.utils.translation import gettext

        status = str(self.get_status_display())  # type: ignore[attr-defined]
        if self.stage and self.is_open and self.status != CaseStatus.PAUSED:
            return f"{status} – {gettext(self.stage)}"
        return status


class TimelineEntry(models.Model):
    """One line of the case history (Verlauf). Append-only."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Received")
        STATUS = "status", _("Status changed")
        TASK = "task", _("Task")
        DECISION = "decision", _("Decision")
        MESSAGE = "message", _("Message to the applicant")
        NOTE = "note", _("Internal note")
        DOCUMENT = "document", _("Document")
        EMAIL = "email", _("E-mail")
        PAYMENT = "payment", _("Payment")
        LINK = "link", _("Linked case")
        SYSTEM = "system", _("System")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="timeline"
    )
    at = models.DateTimeField(_("time"), db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept even when the user account is removed later.
    actor_label = models.CharField(_("by"), max_length=255)
    message = models.TextField(_("message"))
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case.number} {self.at:%d.%m.%Y %H:%M} {self.message}"

    def save(self, *args, **kwargs):
        # Integrity guard, not business logic: history is never rewritten.
        if self.pk is not None and not self._state.adding:
            raise TimelineIsAppendOnly(self.pk)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TimelineIsAppendOnly(self.pk)

    @property
    def text(self) -> str:
        """The entry in the reader's language where it was kept as a message key
        (:func:`portal_site.cases.messages.keyed`), else as written."""
        stored = self.data.get("message") if isinstance(self.data, dict) else None
        if isinstance(stored, dict):
            return render_keyed(stored) or self.message
        return self.message


class TimelineIsAppendOnly(Exception):
    def __init__(self, pk: object) -> None:
        super().__init__(f"Timeline entry {pk} cannot be changed or deleted.")


def case_file_path(instance: CaseFile, filename: str) -> str:
    return f"cases/{instance.case.public_token}/{uuid.uuid4().hex}/{filename}"


class CaseFile(models.Model):
    """A file filed with a case: an applicant's upload or a generated document.

    Stored in the private storage (never under a public URL); staff download it
    through a permission-checked view. The checksum proves it was not changed.
    """

    class Kind(models.TextChoices):
        UPLOAD = "upload", _("Upload by the applicant")
        GENERATED = "generated", _("Generated document")
        STAFF = "staff", _("Added by staff")

    class Status(models.TextChoices):
        READY = "ready", _("Ready")
        # A generated document whose rendering task has not (yet) succeeded.
        PENDING = "pending", _("Being created")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="files"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=255)
    file = models.FileField(
        _("file"), upload_to=case_file_path, storage=private_storage, max_length=500, blank=True
    )
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.READY, db_index=True
    )
    # What a pending document is rendered from (template and context, models by key);
    # emptied once the file exists.
    render_spec = models.JSONField(_("rendering data"), null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(_("rendering attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # For uploads: the form field it answered; for documents: the template used.
    source = models.CharField(_("source"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("case file")
        verbose_name_plural = _("case files")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case.number}: {self.title}"

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def is_missing(self) -> bool:
        """Rendering was tried and failed; it is retried until the file exists."""
        return not self.is_ready and self.attempts > 0

    def as_attachment(self) -> dict[str, str]:
        """This file as an attachment of an outbox e-mail (read when the mail is sent).

        A document still being created is referred to by its id: the mail waits
        until the file exists.
        """
        return {
            "storage": "private",
            "case_file": self.pk,
            "name": self.file.name or "",
            "filename": self.filename,
            "mimetype": self.content_type,
        }


class RetentionPeriod(models.Model):
    """How long a closed case of one process keeps its personal data (editable by admins)."""

    process_key = models.CharField(_("case type"), max_length=100, unique=True)
    days = models.PositiveIntegerField(
        _("retention period (days)"),
        help_text=_("After closing, the personal data are kept this many days, then deleted."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("retention period")
        verbose_name_plural = _("retention periods")
        ordering = ["process_key"]

    def __str__(self) -> str:
        return f"{self.process_key}: {self.days}"
