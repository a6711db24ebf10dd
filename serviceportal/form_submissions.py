"""The stored submission of an online form: Wagtail's, with a token and the case."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.forms.models import AbstractFormSubmission


class ServiceFormSubmission(AbstractFormSubmission):
    """A submission of an online form; its token makes sending idempotent."""

    token = models.UUIDField(_("submission token"), unique=True, default=uuid.uuid4)
    case = models.OneToOneField(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="form_submission",
    )

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")
        ordering = ["-submit_time"]

    def get_data(self):
        data = super().get_data()
        # Exports show the local time the applicant saw (Wagtail writes naive UTC).
        data["submit_time"] = timezone.make_naive(self.submit_time)
        data["case_number"] = self.case.number if self.case_id else ""
        data["applicant_name"] = self.case.applicant_name if self.case_id else ""
        data["personnel_number"] = (
            self.case.data.get("values", {}).get("personnel_number", "") if self.case_id else ""
        )
        return data
