"""The form a clerk fills in for a designed task: the fields the designer listed, the
decision options, an internal comment (:class:`DesignedTaskForm`, :func:`clerk_field`)."""

from __future__ import annotations

from datetime import time
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from ..steps import StepForm
from .blocks import FieldKind
from .process import DesignedProcess
from .resources import Resource


class DesignedTaskForm(StepForm):
    """The designed task's fields (as the designer listed them), its decision, a comment."""

    decision = forms.ChoiceField(label=gettext_lazy("Decision"), widget=forms.RadioSelect)
    comment = forms.CharField(
        label=gettext_lazy("Comment (internal)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        process = DesignedProcess.objects.get(pk=self.task.process_id)
        step = process.task_step(self.task)
        decision = self.fields.pop("decision")
        comment = self.fields.pop("comment")
        assert isinstance(decision, forms.ChoiceField)
        known = process.values or {}
        for spec in step.get("fields") or []:
            field = clerk_field(spec)
            field.initial = known.get(spec["name"])
            self.fields[f"field_{spec['name']}"] = field
        decision.choices = [(d["value"], d["label"]) for d in step["decisions"]]
        decision.label = step["title"]
        decision.help_text = step.get("instructions") or ""
        self.fields["decision"] = decision
        self.fields["comment"] = comment

    def field_values(self) -> dict[str, Any]:
        """The filled-in fields as JSON values (dates as ISO text), by their names."""
        found = {}
        for key, value in self.cleaned_data.items():
            if key.startswith("field_"):
                if isinstance(value, time):
                    value = value.strftime("%H:%M")
                found[key[len("field_") :]] = (
                    value.isoformat() if hasattr(value, "isoformat") else value
                )
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["values"] = self.field_values()
        return data


def clerk_field(spec: dict) -> forms.Field:
    """The form field of a field the designer gave a task."""
    kind, required, label = spec["kind"], bool(spec.get("required")), spec["label"]
    common: dict[str, Any] = {"label": label, "required": required}
    if kind == FieldKind.LONG_TEXT:
        return forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 3}), **common)
    if kind == FieldKind.NUMBER:
        return forms.DecimalField(max_digits=12, decimal_places=2, **common)
    if kind == FieldKind.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == FieldKind.TIME:  # "10:30"; anything else is refused with Django's message
        return forms.TimeField(
            widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            input_formats=["%H:%M", "%H:%M:%S", "%H.%M"],
            **common,
        )
    if kind == FieldKind.YES_NO:
        return forms.BooleanField(**common)
    if kind in (FieldKind.CHOICE, FieldKind.RESOURCE):
        if kind == FieldKind.CHOICE:
            options = [c.strip() for c in (spec.get("choices") or "").splitlines() if c.strip()]
        else:
            options = [str(r) for r in Resource.objects.filter(active=True)]
        choices = [("", "---------")] if not required else []
        return forms.ChoiceField(choices=choices + [(o, o) for o in options], **common)
    return forms.CharField(max_length=500, **common)
