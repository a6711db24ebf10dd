"""Staff accounts, the organisation chart and the employee directory."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskMail(models.TextChoices):
    """Which arriving tasks a member of staff is mailed about (their own setting)."""

    NONE = "none", _("none")
    MINE = "mine", _("tasks given to me")
    ALL = "all", _("tasks given to me and new tasks in my queues")


class User(AbstractUser):
    """A person who logs into the admin: staff, editors, administrators.

    Citizens do not need an account; organisations that apply regularly
    (e.g. funeral homes) get one.
    """

    org_unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("org unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    personnel_number = models.CharField(_("personnel number"), max_length=20, blank=True)
    task_mail = models.CharField(
        _("e-mail when a task arrives"),
        max_length=10,
        choices=TaskMail.choices,
        default=TaskMail.MINE,
        db_default=TaskMail.MINE,
    )
    task_notice = models.BooleanField(
        _("notice in the administration when a task arrives"),
        default=True,
        db_default=True,
        help_text=_("New tasks are marked in “My tasks” and on the dashboard."),
    )
    # The account's entry in the city's directory (set at directory login and by the sync).
    directory_dn = models.CharField(
        _("directory entry"), max_length=500, blank=True, default="", db_default=""
    )
    # Set when the directory sync deactivated the account (disabled or gone); the sync
    # re-activates only such accounts, never one an administrator deactivated by hand.
    directory_deactivated_at = models.DateTimeField(
        _("deactivated by the directory on"), null=True, blank=True
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "username"]


def unit_label(*, short_name: str, name: str) -> str:
    """How an org unit is named to people: "34 Standesamt", or the name alone."""
    return f"{short_name} {name}" if short_name and short_name != name else name


class OrgUnit(models.Model):
    """A department (Abteilung, Amt) or a team (Sachgebiet) of the city."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Department")
        TEAM = "team", _("Team")

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TEAM)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    lead = models.ForeignKey(
        User,
        verbose_name=_("lead"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_units",
    )
    # Stands in for the lead when the lead may not decide a task (segregation of duties).
    deputy = models.ForeignKey(
        User,
        verbose_name=_("deputy lead"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deputised_units",
        help_text=_(
            "Decides a task in the lead's place when nobody else in the unit may decide it "
            "(e.g. the lead applied themselves)."
        ),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    # Its letterhead: what documents it issues print instead of the city's (empty: the city's).
    letter_name = models.CharField(
        _("name on letters"),
        max_length=200,
        blank=True,
        help_text=_("Printed under the authority on the documents it issues; empty: its name."),
    )
    postal_address = models.TextField(
        _("postal address"),
        blank=True,
        help_text=_("On its letters and in the return-address line; empty: the city's."),
    )
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    opening_hours = models.TextField(_("opening hours"), blank=True)
    english_name = models.CharField(
        _("English name"),
        max_length=200,
        blank=True,
        help_text=_("Shown on the English pages of the portal; empty: the name on letters."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="unique_org_unit_name"),
        ]

    def __str__(self) -> str:
        return unit_label(short_name=self.short_name, name=self.name)

    @property
    def public_name(self) -> str:
        """Its name for citizens, in the language of the page being shown."""
        from django.utils.translation import get_language

        if self.english_name and (get_language() or "").startswith("en"):
            return self.english_name
        return self.letter_name or self.name


class Employee(models.Model):
    """One entry of the city's employee directory (from LDAP/AD or an XLSX import)."""

    personnel_number = models.CharField(_("personnel number"), max_length=20, unique=True)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("e-mail"), blank=True)
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("org unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="employees",
    )
    supervisor = models.ForeignKey(
        "self",
        verbose_name=_("supervisor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    user = models.OneToOneField(
        User,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="employee",
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Set for entries that come from the directory sync: they are deactivated when they
    # leave the directory (entries of an XLSX import are not).
    directory_dn = models.CharField(
        _("directory entry"), max_length=500, blank=True, default="", db_default=""
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return f"{self.last_name}, {self.first_name} ({self.personnel_number})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class SubstitutionQuerySet(models.QuerySet):
    def active(self, on=None):
        """Substitutions in force on ``on`` (today by default)."""
        from django.utils import timezone

        day = on or timezone.localdate()
        return self.filter(starts_on__lte=day, ends_on__gte=day)


class Substitution(models.Model):
    """A user's absence with the colleague who stands in (Vertretung): while it lasts,
    the deputy gets the absent user's tasks and works on their offices' queues."""

    absent = models.ForeignKey(
        User,
        verbose_name=_("absent"),
        on_delete=models.CASCADE,
        related_name="substitutions",
    )
    deputy = models.ForeignKey(
        User,
        verbose_name=_("deputy"),
        on_delete=models.CASCADE,
        related_name="deputising",
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = SubstitutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("substitution")
        verbose_name_plural = _("substitutions")
        ordering = ["starts_on"]
        indexes = [models.Index(fields=["deputy", "ends_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="accounts_substitution_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~models.Q(deputy=models.F("absent")),
                name="accounts_substitution_not_oneself",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.absent} → {self.deputy} ({self.starts_on:%d.%m.%Y}–{self.ends_on:%d.%m.%Y})"
