"""The bookable resources a designed process reserves (rooms, vehicles, pools of seats)
and their reservations; the reservation step's effects are in :mod:`.effects`."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

from portal_site.accounts.models import OrgUnit


class Resource(models.Model):
    """Something a designed process can reserve: a room, a vehicle, a pool of seats."""

    class Kind(models.TextChoices):
        ROOM = "room", _("Room")
        VEHICLE = "vehicle", _("Vehicle")
        SEATS = "seats", _("Seats (shared up to the capacity)")

    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ROOM)
    capacity = models.PositiveIntegerField(
        _("capacity"), default=1, help_text=_("People a room holds; seats of a pool.")
    )
    equipment = models.TextField(_("equipment"), blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    office = models.ForeignKey(
        OrgUnit,
        verbose_name=_("managed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resources",
    )
    active = models.BooleanField(_("bookable"), default=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("capacity"),
        FieldPanel("equipment"),
        FieldPanel("location"),
        FieldPanel("office"),
        FieldPanel("active"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("bookable resource")
        verbose_name_plural = _("bookable resources")

    def __str__(self) -> str:
        return self.name

    @property
    def exclusive(self) -> bool:
        """A room or vehicle is booked as a whole; seats are shared up to the capacity."""
        return self.kind != self.Kind.SEATS


class Reservation(models.Model):
    """A resource held for a case's time span until it is released (cancel, reject)."""

    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), on_delete=models.PROTECT, related_name="reservations"
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="+"
    )
    step = models.CharField(_("step"), max_length=40)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    people = models.PositiveIntegerField(_("people"), default=1)
    created_at = models.DateTimeField(_("reserved at"), auto_now_add=True)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        indexes = [models.Index(fields=["resource", "starts_at"], name="designer_resv_span")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="designer_reservation_span",
            )
        ]

    def __str__(self) -> str:
        return f"{self.resource} {self.starts_at:%d.%m.%Y %H:%M}–{self.ends_at:%H:%M}"
