"""Values as people read them (portal_site.core.values) in both languages, and the
designer's letters and e-mails filled with them (flows.designer.effects.fill)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

from flows.designer.effects import fill, value_kinds
from portal_site.core.values import readable


@pytest.mark.parametrize(
    ("value", "kind", "german", "english"),
    [
        ("2026-12-15", "", "15.12.2026", "15 December 2026"),
        (dt.date(2026, 12, 15), "", "15.12.2026", "15 December 2026"),
        ("10:30", "time", "10:30 Uhr", "10:30"),
        ("10:30:00", "", "10:30 Uhr", "10:30"),
        (Decimal("1234.5"), "", "1.234,50 €", "€1,234.50"),
        ("25", "amount", "25,00 €", "€25.00"),
        (True, "", "ja", "yes"),
        ("", "yes_no", "nein", "no"),
        ("2,5", "number", "2,5", "2.5"),
        (
            ["2026-12-15", "2026-12-16"],
            "date",
            "15.12.2026, 16.12.2026",
            "15 December 2026, 16 December 2026",
        ),
        ("2026-12-15", "text", "2026-12-15", "2026-12-15"),  # a text stays as written
        ("Testeintrag", "time", "Testeintrag", "Testeintrag"),
    ],
)
def test_values_read_as_each_language_writes_them(value, kind, german, english):
    with translation.override("de"):
        assert readable(value, kind) == german
    with translation.override("en"):
        assert readable(value, kind) == english


def test_english_dates_are_day_month_year_and_never_us_style():
    moment = dt.datetime(2026, 12, 7, 13, 45, tzinfo=ZoneInfo("Europe/Berlin"))
    with translation.override("en"):
        shown = Template('{{ at|date:"SHORT_DATETIME_FORMAT" }} {{ at|date }}').render(
            Context({"at": moment})
        )
    assert shown == "7 Dec 2026, 13:45 7 December 2026"
    with translation.override("de"):
        assert (
            Template('{{ at|date:"SHORT_DATETIME_FORMAT" }}').render(Context({"at": moment}))
            == "07.12.2026, 13:45"
        )


def test_a_designed_letter_is_filled_in_german_by_the_values_kinds():
    definition = {
        "inputs": [{"name": "termin", "kind": "date"}, {"name": "kennung", "kind": "text"}],
        "steps": [{"kind": "task", "fields": [{"name": "uhrzeit", "kind": "time"}]}],
    }

    class Process:
        def definition(self):
            return definition

    assert value_kinds(definition) == {"termin": "date", "kennung": "text", "uhrzeit": "time"}
    text = "Termin: {termin} um {uhrzeit}, Kennung {kennung}, Summe {summe}"
    values = {
        "termin": "2026-12-15",
        "uhrzeit": "10:30",
        "kennung": "2026-01-01",
        "summe": Decimal("25"),
    }
    with translation.override("en"):  # an English clerk's decision still writes German letters
        assert fill(text, values, Process()) == (
            "Termin: 15.12.2026 um 10:30 Uhr, Kennung 2026-01-01, Summe 25,00 €"
        )


def test_the_designer_s_time_field_takes_a_time_of_day_and_refuses_anything_else():
    from django import forms

    from flows.designer.task_forms import clerk_field

    field = clerk_field({"kind": "time", "label": "Uhrzeit", "required": True})
    assert field.clean("10:30") == dt.time(10, 30)
    assert field.clean("9.15") == dt.time(9, 15)
    with translation.override("de"), pytest.raises(forms.ValidationError) as refused:
        field.clean("Testeintrag")
    assert "gültige Uhrzeit" in str(refused.value)
