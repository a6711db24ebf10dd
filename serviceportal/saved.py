"""The saved half-way application (its model; the logic is serviceportal/resume.py)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SavedApplication(models.Model):
    """An application saved half-way, to be resumed through a link sent by e-mail
    (serviceportal/resume.py). Deleted when sent or when the link expires."""

    token = models.UUIDField(_("link token"), unique=True, editable=False)
    state_token = models.CharField(_("application token"), max_length=64, unique=True)
    page = models.ForeignKey(
        "serviceportal.ServiceFormPage",
        verbose_name=_("form"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    state = models.JSONField(_("answers so far"))
    email = models.EmailField(_("e-mail"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("saved application")
        verbose_name_plural = _("saved applications")

    def __str__(self) -> str:
        return f"{self.page_id} {self.expires_at:%d.%m.%Y}"
