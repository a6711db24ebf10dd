"""A designed process: the draft staff edit, and the frozen versions cases run on."""

from __future__ import annotations

import json
from typing import cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField

from portal_site.accounts.models import OrgUnit

from .blocks import InputsBlock, role_choices
from .check import problems
from .kinds import StepsBlock

KEY_PREFIX = "gestaltet-"


class ProcessDesign(models.Model):
    """A process composed in the admin; its steps are a draft until published."""

    key = models.SlugField(
        _("key"),
        max_length=60,
        unique=True,
        help_text=_("Forms choose the process by it (“gestaltet-<key>”); never changes."),
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    office = models.ForeignKey(
        OrgUnit,
        verbose_name=_("responsible office"),
        on_delete=models.PROTECT,
        related_name="process_designs",
    )
    starter_role = models.CharField(
        _("only applicants with the role"),
        max_length=40,
        blank=True,
        choices=role_choices,
        help_text=_(
            "An internal process only employees with this role may start (the form must "
            "identify employees); empty: whoever the form admits."
        ),
    )
    inputs = StreamField(InputsBlock(), verbose_name=_("inputs"), blank=True)
    steps = StreamField(StepsBlock(), verbose_name=_("steps"), blank=True)
    layout = models.JSONField(
        _("diagram layout"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_("Where the canvas placed each step and arrow (element id → position)."),
    )
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("name"),
                FieldPanel("key"),
                FieldPanel("office"),
                FieldPanel("starter_role"),
                FieldPanel("description"),
            ],
            heading=_("Process"),
        ),
        FieldPanel("inputs"),
        FieldPanel("steps"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("process design")
        verbose_name_plural = _("process designs")

    def __str__(self) -> str:
        return self.name

    @property
    def process_key(self) -> str:
        return KEY_PREFIX + self.key

    def definition(self) -> dict:
        """The draft as data, the form a version freezes."""
        return {
            "name": self.name,
            "starter_roles": [self.starter_role] if self.starter_role else [],
            "inputs": [dict(block.value) for block in self.inputs],
            "steps": [
                {"kind": block.block_type, **_plain(block.block.get_prep_value(block.value))}
                for block in self.steps
            ],
        }

    def problems(self) -> list[str]:
        """What keeps the draft from being published (it saves with them)."""
        return self.field_problems() + problems(self.definition())

    def field_problems(self) -> list[str]:
        """Settings the panels would refuse (a required text left empty, a step without
        its arrow), one sentence per step: a draft saved from the canvas may hold them."""
        block = cast(StreamField, self._meta.get_field("steps")).stream_block
        try:
            block.clean(self.steps)
        except ValidationError as error:
            found = []
            for index, step_error in sorted((getattr(error, "block_errors", None) or {}).items()):
                child = self.steps[index]
                name = child.value.get("title") or child.value.get("subject") or child.block_type
                labels = [
                    str(child.block.child_blocks[f].label or f)
                    for f in getattr(step_error, "block_errors", None) or {}
                    if f in child.block.child_blocks
                ]
                found.append(
                    _("Step „%(step)s“: fill in %(fields)s.")
                    % {"step": name, "fields": ", ".join(labels) or _("its settings")}
                )
            return found or [" ".join(error.messages)]
        return []

    def latest_version(self) -> ProcessDesignVersion | None:
        return self.published_versions().order_by("-number").first()

    def published_versions(self):
        """The numbered versions (a test run's frozen draft is none)."""
        return self.versions.filter(is_test=False)


def stream(items: list[dict], kind_key: str | None) -> str:
    """Definition items as a StreamField's raw JSON (``kind_key`` names the block type)."""
    return json.dumps(
        [
            {
                "type": item[kind_key] if kind_key else "input",
                "value": {k: v for k, v in item.items() if k != kind_key},
            }
            for item in items
        ]
    )


def draft_from(design: ProcessDesign, definition: dict) -> None:
    """Put a definition's inputs and steps into the design's draft (not saved)."""
    design.inputs = stream(definition.get("inputs") or [], None)
    design.steps = stream(definition["steps"], "kind")


def _plain(value):
    """Block values as JSON data (a list block's items lose Wagtail's ids)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [
            _plain(v["value"] if isinstance(v, dict) and "value" in v and "type" in v else v)
            for v in value
        ]
    return value


class ProcessDesignVersion(models.Model):
    """A published, frozen definition: a case runs on the version it started on."""

    design = models.ForeignKey(ProcessDesign, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    definition = models.JSONField(_("definition"))
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    is_test = models.BooleanField(
        _("test run"), default=False, help_text=_("A draft frozen for a test run (number 0).")
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["design", "-number"]
        verbose_name = _("process version")
        verbose_name_plural = _("process versions")
        constraints = [
            models.UniqueConstraint(fields=["design", "number"], name="designer_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.design} v{self.number}"


# The catalogue a reservation step books from (its own module: the steps' effects read it).
from .resources import Reservation, Resource  # noqa: E402

__all__ = [
    "ProcessDesign",
    "ProcessDesignVersion",
    "Reservation",
    "Resource",
    "draft_from",
    "stream",
]
