"""Models of the back-office processes: the training programme's courses and participations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Course(models.Model):
    """A course of the internal training programme, maintained by HR development."""

    code = models.CharField(_("code"), max_length=30, unique=True, help_text="A-2016-01")
    title = models.CharField(_("title"), max_length=255)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    place = models.CharField(_("place"), max_length=200)
    trainer = models.CharField(_("trainer"), max_length=200, blank=True)
    places = models.PositiveSmallIntegerField(_("number of places"))
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["starts_on", "code"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="flows_course_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def dates_label(self) -> str:
        if self.starts_on == self.ends_on:
            return self.starts_on.strftime("%d.%m.%Y")
        return f"{self.starts_on:%d.%m.}–{self.ends_on:%d.%m.%Y}"


class Participation(models.Model):
    """One employee's registration for a course, from the application to the certificate."""

    class Status(models.TextChoices):
        PENDING = "pending", _("in approval")
        CONFIRMED = "confirmed", _("place confirmed")
        WAITING = "waiting", _("on the waiting list")
        REJECTED = "rejected", _("rejected")
        CANCELLED = "cancelled", _("cancelled by the participant")

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="participations"
    )
    case = models.OneToOneField(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="participation",
    )
    employee = models.ForeignKey(
        "accounts.Employee",
        verbose_name=_("employee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participations",
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("e-mail"), blank=True)
    org_unit = models.CharField(_("org unit"), max_length=150, blank=True)
    # The statistics lists of the seed, as the applicant chose them.
    age_group = models.CharField(_("age group"), max_length=100, blank=True)
    job_group = models.CharField(_("job group"), max_length=150, blank=True)
    working_time = models.CharField(_("working time"), max_length=100, blank=True)
    function = models.CharField(_("function"), max_length=100, blank=True)
    repeat = models.BooleanField(_("repeat registration"), default=False)
    assistance = models.BooleanField(_("assistance needed because of a disability"), default=False)
    goals = models.TextField(_("personal learning goals"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    waiting_since = models.DateTimeField(_("on the waiting list since"), null=True, blank=True)
    certificate_sent_at = models.DateTimeField(_("certificate sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        ordering = ["course", "last_name", "first_name"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")

    def __str__(self) -> str:
        return f"{self.last_name}, {self.first_name} – {self.course.code}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


from .designer.models import ProcessDesign, ProcessDesignVersion  # noqa: E402, F401 - app models


class TaskNotice(models.Model):
    """A member of staff was told that a task arrived for them (their own or in a queue
    of theirs): by e-mail and/or as a notice in the administration, until they read it."""

    task = models.ForeignKey(
        "viewflow.Task", verbose_name=_("task"), on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="task_notices",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    mailed = models.BooleanField(_("mailed"), default=False)

    class Meta:
        verbose_name = _("task notice")
        verbose_name_plural = _("task notices")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["task", "user"], name="flows_tasknotice_once")
        ]
        indexes = [
            # a user's unread notices (the menu's count on every admin page)
            models.Index(
                fields=["user"],
                condition=models.Q(read_at__isnull=True),
                name="flows_tasknotice_unread",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.task_id}"


class TaskExclusion(models.Model):
    """A member of staff who may not decide an open task (segregation of duties).

    Kept for open tasks only, so that inboxes and queues leave out what the user may
    not decide with one indexed lookup; :mod:`flows.segregation` writes the rows when
    a task is created and whenever a task of the same case is decided, and checks the
    rules again, live, whenever someone claims, is given or completes a task.
    """

    class Reason(models.TextChoices):
        PARTY = "party", _("applied for the case or is its subject")
        EARLIER_STEP = "earlier_step", _("decided a step this one must be separate from")

    task = models.ForeignKey(
        "viewflow.Task", verbose_name=_("task"), on_delete=models.CASCADE, related_name="exclusions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("task exclusion")
        verbose_name_plural = _("task exclusions")
        ordering = ["task", "user"]
        constraints = [
            models.UniqueConstraint(fields=["task", "user"], name="flows_taskexclusion_once")
        ]
        indexes = [models.Index(fields=["user", "task"], name="flows_taskexclusion_user")]

    def __str__(self) -> str:
        return f"{self.user} ≠ {self.task_id}"
