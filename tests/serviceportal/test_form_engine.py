from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import ValidationError

from serviceportal.catalogues import Catalogue, CatalogueEntry
from serviceportal.form_definition import Condition, FieldSpec, FieldType, StepsBlock
from serviceportal.form_engine import UploadValidator, build_step_form, display_value, to_json
from tests.serviceportal.builders import PDF, png_bytes, upload


def test_condition_matches_text_lists_and_checkboxes():
    condition = Condition(field="art", values=("Geburtsurkunde", "Eheurkunde"))
    assert condition.holds({"art": "Eheurkunde"})
    assert not condition.holds({"art": "Sterbeurkunde"})
    assert not condition.holds({})
    assert condition.holds({"art": ["Sterbeurkunde", "Geburtsurkunde"]})
    assert Condition(field="hilfe", values=("ja",)).holds({"hilfe": True})
    assert not Condition(field="hilfe", values=("ja",)).holds({"hilfe": False})


def _stream(*fields, condition_field=""):
    block = StepsBlock()
    return block, block.to_python(
        [
            {
                "type": "step",
                "value": {
                    "title": "Eins",
                    "intro": "",
                    "condition": {"field": condition_field, "values": "x"},
                    "fields": [
                        {
                            "label": label,
                            "name": name,
                            "field_type": "singleline",
                            "required": False,
                            "condition": {"field": "", "values": ""},
                        }
                        for label, name in fields
                    ],
                },
            },
        ]
    )


# The check reads the processes' inputs, designed ones from the database.
@pytest.mark.django_db
def test_editor_gets_a_clear_error_for_duplicate_field_names():
    block, value = _stream(("Vorname", ""), ("Vorname", ""))
    with pytest.raises(ValidationError, match="zweimal|twice"):
        block.clean(value)


# The check reads the processes' inputs, designed ones from the database.
@pytest.mark.django_db
def test_editor_gets_a_clear_error_for_a_condition_on_an_unknown_field():
    block, value = _stream(("Vorname", ""), condition_field="gibtsnicht")
    with pytest.raises(ValidationError, match="gibtsnicht"):
        block.clean(value)


@pytest.mark.parametrize(
    ("field_type", "form_field"),
    [
        (FieldType.SINGLELINE, forms.CharField),
        (FieldType.MULTILINE, forms.CharField),
        (FieldType.EMAIL, forms.EmailField),
        (FieldType.NUMBER, forms.DecimalField),
        (FieldType.DATE, forms.DateField),
        (FieldType.DROPDOWN, forms.ChoiceField),
        (FieldType.RADIO, forms.ChoiceField),
        (FieldType.CHECKBOXES, forms.MultipleChoiceField),
        (FieldType.CHECKBOX, forms.BooleanField),
        (FieldType.FILE, forms.FileField),
    ],
)
def test_every_field_type_builds_its_form_field(field_type, form_field):
    spec = FieldSpec(
        name="feld",
        label="Feld",
        field_type=field_type,
        choices=("a", "b"),
        placeholder="Bitte eingeben",
        help_text="Hilfe",
    )
    field = build_step_form((spec,))().fields["feld"]
    assert isinstance(field, form_field)
    assert field.help_text == "Hilfe"


@pytest.mark.django_db
def test_catalogue_field_offers_the_active_entries():
    catalogue = Catalogue.objects.create(name="Kurse")
    CatalogueEntry.objects.create(
        catalogue=catalogue, code="A-2016-01", label="Überzeugend präsentieren", sort_order=0
    )
    CatalogueEntry.objects.create(
        catalogue=catalogue, code="A-2016-02", label="Alt", active=False, sort_order=1
    )
    spec = FieldSpec(
        name="kurs",
        label="Kurs",
        field_type=FieldType.CATALOGUE,
        catalogue_id=catalogue.pk,
        required=True,
    )
    form = build_step_form((spec,))({"kurs": "A-2016-01"})
    assert form.is_valid()
    assert [c[0] for c in form.fields["kurs"].choices] == ["", "A-2016-01"]
    assert display_value(spec, "A-2016-01") == "A-2016-01 Überzeugend präsentieren"
    assert not build_step_form((spec,))({"kurs": "A-2016-02"}).is_valid()


def test_date_accepts_german_and_iso_input_and_is_shown_german():
    spec = FieldSpec(name="d", label="Datum", field_type=FieldType.DATE, required=True)
    for raw in ("01.01.1960", "1960-01-01"):
        form = build_step_form((spec,))({"d": raw})
        assert form.is_valid()
        assert to_json(form.cleaned_data["d"]) == "1960-01-01"
    assert display_value(spec, "1960-01-01") == "01.01.1960"


def test_upload_validator_trusts_the_content_not_the_name():
    validator = UploadValidator(allowed=("pdf", "png"), max_bytes=1024 * 1024)
    validator(upload("scan.pdf", PDF))
    validator(upload("foto.pdf", png_bytes()))  # a PNG named .pdf is still a PNG
    with pytest.raises(forms.ValidationError) as exe:
        validator(upload("rechnung.pdf", b"MZ\x90\x00" + b"\x00" * 32))
    assert exe.value.code == "file_type"
    with pytest.raises(forms.ValidationError) as broken:
        validator(upload("kaputt.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32))
    assert broken.value.code == "broken"
    with pytest.raises(forms.ValidationError) as big:
        UploadValidator(allowed=("pdf",), max_bytes=10)(upload("gross.pdf", PDF))
    assert big.value.code == "too_large"
