"""The e-mail outbox: every message is stored before it is sent."""

from __future__ import annotations

import uuid

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import PreviewableMixin


class OutboxMessage(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        # An attached document is still being created; sent as soon as it exists.
        WAITING = "waiting", _("Waiting for documents")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        RETRYING = "retrying", _("Waiting for retry")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="emails",
    )
    to = models.JSONField(_("recipients"), default=list)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("text"))
    html_body = models.TextField(_("HTML text"), blank=True)
    # Attachments are stored files (documents) referred to by storage name.
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # The case's personal data were deleted while this message was still to be sent
    # (e.g. the Storno notice): it is sent once, then its address and text go too.
    erase_after_sending = models.BooleanField(_("delete after sending"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"

    @admin.display(description=_("recipients"))
    def recipients(self) -> str:
        """The addresses as people read them (not the stored list)."""
        return ", ".join(str(address) for address in self.to or [])


class EmailText(PreviewableMixin, models.Model):
    """An e-mail text editors can change; the code brings a German default per key.

    The editor's preview shows an e-mail as text and a letter text
    ("Brieftext") as the PDF it becomes, with the unsaved changes.
    """

    key = models.CharField(_("key"), max_length=100, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("text"))
    placeholders = models.CharField(_("placeholders"), max_length=500, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("e-mail text")
        verbose_name_plural = _("e-mail texts")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def serve_preview(self, request, mode_name):
        from django.http import HttpResponse

        from portal_site.core.responses import pdf_response

        from .letters import preview_of

        content, content_type = preview_of(self)
        if content_type == "application/pdf":
            return pdf_response(content, filename="vorschau.pdf")
        return HttpResponse(content, content_type=content_type)
