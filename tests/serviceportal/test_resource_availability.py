"""A form field naming a resource its process reserves offers only what is free for the
chosen time, and a taken one is refused with the reason (serviceportal.availability,
flows.designer.availability). On the demo's room booking (Raumplanung) form."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from flows.designer.models import Reservation, Resource
from serviceportal.form_pages import ServiceFormPage
from tests.factories import case_for

pytestmark = pytest.mark.django_db

ANSWERS = {
    "anlass": "Klausur",
    "datum": "2027-03-01",
    "beginn": "09:00",
    "ende": "11:00",
    "teilnehmende": "6",
}


@pytest.fixture
def booking_form(demo):
    page = ServiceFormPage.objects.get(locale__language_code="de", slug="raum-buchen")
    [time_step, room_step] = page.step_specs
    zone = timezone.get_current_timezone()
    Reservation.objects.create(  # 101 is taken from 10:00 to 12:00
        resource=Resource.objects.get(name="Besprechungsraum 101"),
        case=case_for("gestaltet-raumplanung", office=None, values={}, inputs={}),
        step="reservieren",
        starts_at=datetime.datetime(2027, 3, 1, 10, 0, tzinfo=zone),
        ends_at=datetime.datetime(2027, 3, 1, 12, 0, tzinfo=zone),
    )
    return page, time_step, room_step


def _offered(form) -> list[str]:
    return [value for value, _label in form.fields["raum"].choices if value]


def test_the_room_step_offers_only_rooms_free_for_the_chosen_time(booking_form):
    page, _time_step, room_step = booking_form
    form = page.get_step_form_class(room_step, answers=ANSWERS)()
    assert _offered(form) == ["Sitzungssaal", "Besprechungsraum 214"]
    assert form.fields["raum"].help_text == (
        "Zur gewählten Zeit bereits belegt: Besprechungsraum 101."
    )
    later = page.get_step_form_class(
        room_step, answers={**ANSWERS, "beginn": "12:00", "ende": "13:00"}
    )()
    assert "Besprechungsraum 101" in _offered(later)  # back to back is free
    crowd = page.get_step_form_class(room_step, answers={**ANSWERS, "teilnehmende": "10"})()
    assert "Besprechungsraum 214" not in _offered(crowd)  # it holds 8


def test_a_taken_room_is_refused_with_its_reason(booking_form):
    page, _time_step, room_step = booking_form
    form_class = page.get_step_form_class(room_step, answers=ANSWERS)
    form = form_class(data={"raum": "Besprechungsraum 101", "bewirtung": ""})
    assert not form.is_valid()
    assert form.errors["raum"] == [
        "Besprechungsraum 101 ist zu dieser Zeit bereits reserviert. "
        "Bitte wählen Sie einen anderen oder eine andere Zeit."
    ]
    assert form_class(data={"raum": "Sitzungssaal", "bewirtung": ""}).is_valid()


def test_without_a_time_yet_every_room_is_offered(booking_form):
    page, _time_step, room_step = booking_form
    form = page.get_step_form_class(room_step, answers={})()
    assert len(_offered(form)) == 3
