"""Django forms for one step of an editor-built form, and how answers are kept.

Answers live in the session as JSON-safe values (dates as ISO strings, numbers
as strings); :func:`display_value` formats them for people.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from wagtail.contrib.forms.forms import BaseForm, FormBuilder

from portal_site.core.values import DATE, NUMBER, readable

from . import field_rules
from .catalogues import Catalogue
from .form_definition import FieldSpec, FieldType

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]

# Magic numbers of the file types editors may allow: the content decides, not the name.
SIGNATURES = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpeg": (b"\xff\xd8\xff",),
}
CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}
EXTENSIONS = {"pdf": "pdf", "png": "png", "jpeg": "jpg"}


def sniff_file_type(head: bytes) -> str | None:
    for kind, signatures in SIGNATURES.items():
        if any(head.startswith(sig) for sig in signatures):
            return kind
    return None


class UploadValidator:
    """Refuses files whose content is not an allowed type or that are too large."""

    def __init__(self, *, allowed: tuple[str, ...], max_bytes: int) -> None:
        self.allowed = allowed
        self.max_bytes = max_bytes

    def __call__(self, upload) -> None:
        if upload.size > self.max_bytes:
            raise forms.ValidationError(
                gettext("The file is too large (%(size)s); at most %(max)s are allowed.")
                % {"size": filesizeformat(upload.size), "max": filesizeformat(self.max_bytes)},
                code="too_large",
            )
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
        kind = sniff_file_type(head)
        if kind not in self.allowed:
            raise forms.ValidationError(
                gettext("This file type is not allowed. Allowed: %(types)s.")
                % {"types": ", ".join(t.upper() for t in self.allowed)},
                code="file_type",
            )
        if kind in ("png", "jpeg"):
            from PIL import Image

            try:
                Image.open(io.BytesIO(upload.read())).verify()
            except Exception as exc:  # noqa: BLE001 - any decoder error means "broken image"
                raise forms.ValidationError(
                    gettext("The image file is damaged and cannot be read."), code="broken"
                ) from exc
            finally:
                upload.seek(0)
        upload.detected_type = kind


class StepFormBuilder(FormBuilder):
    """Wagtail's form builder with placeholders, German dates, uploads and catalogues."""

    def create_date_field(self, field, options):
        options["input_formats"] = DATE_INPUT_FORMATS
        options["widget"] = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        return forms.DateField(**options)

    def create_number_field(self, field, options):
        options["widget"] = forms.NumberInput(attrs={"inputmode": "decimal"})
        options.setdefault("max_digits", 15)
        options.setdefault("decimal_places", 4)
        return forms.DecimalField(**options)

    def create_file_field(self, field, options):
        options.pop("initial", None)
        options["validators"] = [
            UploadValidator(allowed=field.file_types, max_bytes=field.max_size_mb * 1024 * 1024)
        ]
        if not options.get("help_text"):
            options["help_text"] = gettext("Allowed: %(types)s, at most %(size)s MB.") % {
                "types": ", ".join(t.upper() for t in field.file_types),
                "size": field.max_size_mb,
            }
        accept = ",".join(f".{EXTENSIONS[t]}" for t in field.file_types)
        options["widget"] = forms.ClearableFileInput(attrs={"accept": accept})
        return forms.FileField(**options)

    def create_catalogue_field(self, field, options):
        catalogue = Catalogue.objects.filter(pk=field.catalogue_id).first()
        choices = catalogue.choices() if catalogue else []
        options["choices"] = [("", gettext("Please choose"))] + choices
        return forms.ChoiceField(**options)

    def create_dropdown_field(self, field, options):
        options["choices"] = [("", gettext("Please choose"))] + self.get_formatted_field_choices(
            field
        )
        return forms.ChoiceField(**options)

    def get_formatted_field_choices(self, field):
        return field.choice_pairs()

    def get_formatted_field_initial(self, field):
        return [v.strip() for v in field.default_value.split(",") if v.strip()]

    @property
    def formfields(self):
        formfields = super().formfields
        for spec in self.fields:
            formfield = formfields[spec.name]
            field_rules.apply(formfield, spec.rules)
            if spec.placeholder and not isinstance(
                formfield.widget, forms.CheckboxInput | forms.RadioSelect | forms.Select
            ):
                formfield.widget.attrs["placeholder"] = spec.placeholder
        return formfields


class StepForm(BaseForm):
    """One step's form; like Wagtail's form pages' forms it accepts ``page`` and ``user``."""

    required_css_class = "required"


def build_step_form(fields: tuple[FieldSpec, ...]) -> type[forms.Form]:
    builder = StepFormBuilder(fields)
    return type("StepForm", (StepForm,), dict(builder.formfields))


def to_json(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    return value


def initial_from_json(spec: FieldSpec, value: Any) -> Any:
    if spec.field_type == FieldType.DATE and isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def display_value(spec: FieldSpec, value: Any) -> str:
    """The answer as the reader reads it (dates and numbers in their notation, Ja/Nein,
    labels of catalogue codes): portal_site.core.values.readable."""
    if value is None or value == "" or value == []:
        return ""
    if spec.field_type == FieldType.CHECKBOX:
        return gettext("Yes") if value else gettext("No")
    if spec.field_type == FieldType.DATE:  # 15.12.2026 / 15 December 2026
        return readable(value, DATE)
    if spec.field_type == FieldType.CATALOGUE:
        catalogue = Catalogue.objects.filter(pk=spec.catalogue_id).first()
        labels = dict(catalogue.choices()) if catalogue else {}
        return labels.get(value, str(value))
    if spec.field_type == FieldType.FILE:
        return value.get("filename", "") if isinstance(value, dict) else str(value)
    if isinstance(value, list):
        return ", ".join(spec.choice_label(str(v)) for v in value)
    if spec.choices:
        return spec.choice_label(str(value))
    if spec.field_type == FieldType.NUMBER:
        return readable(value, NUMBER)
    return str(value)
