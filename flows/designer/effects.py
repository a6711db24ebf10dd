"""What the automatic steps of a designed process do: letters, e-mails, fees, reservations.

Each function acts for one step of one case and is written so that running the
step again (a retry after an error) does not do it twice where that matters: a
document or invoice already made for the step is reused, a reservation of the
step is replaced, not doubled.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import icalendar
from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_time
from django.utils.translation import gettext as _

from portal_site.accounts import roles
from portal_site.accounts.models import OrgUnit, User
from portal_site.cases import events
from portal_site.cases.messages import Keyed
from portal_site.cases.models import Case, CaseFile
from portal_site.cases.services import attach_file, record
from portal_site.core.values import readable
from portal_site.documents.services import file_pdf_document
from portal_site.notifications.letters import fill_placeholders
from portal_site.notifications.services import queue_email
from portal_site.processes import inputs_of
from shop.models import BusinessPartner, Invoice
from shop.services import (
    FeeItem,
    find_or_create_partner,
    issue_invoice,
    partner_data_from_inputs,
)

from .blocks import Recipient
from .resources import Reservation, Resource


class StepFailed(Exception):
    """The step cannot act with these values (a definition or data error, in German)."""


def values_of(process, case: Case) -> dict[str, Any]:
    """What placeholders, branches, fees and reservations read: the form's inputs, the
    clerks' fields (a field named like an input replaces it) and the case's own values."""
    values: dict[str, Any] = {**inputs_of(case), **(process.values or {})}
    values.update(
        {
            "case_number": case.number,
            "title": case.title,
            "applicant_name": case.applicant_name,
            "office": str(case.office or ""),
        }
    )
    if process.invoice_id:
        invoice = Invoice.objects.filter(pk=process.invoice_id).first()
        if invoice is not None:
            values["invoice_reference"] = invoice.reference
            values["invoice_total"] = invoice.total  # shown as an amount by fill()
    reservation = active_reservations(case).first()
    if reservation is not None:
        values["resource"] = reservation.resource.name
        values["reservation"] = _span(reservation)
    return values


def fill(text: str, values: dict[str, Any], process=None) -> str:
    """A step's text with its placeholders filled as people read them, in German (letters
    and e-mails): dates "15.12.2026", times "10:30 Uhr", amounts "25,00 €", "ja"/"nein";
    the value's kind comes from the definition's inputs and task fields."""
    kinds = value_kinds(process.definition()) if process is not None else {}
    with translation.override(settings.LANGUAGE_CODE):
        return fill_placeholders(
            text, {key: readable(value, kinds.get(key, "")) for key, value in values.items()}
        )


# The designer's kinds as portal_site.core.values reads them; others are shown as written.
_READ_AS = {"date": "date", "time": "time", "number": "number", "yes_no": "yes_no"}


def value_kinds(definition: dict) -> dict[str, str]:
    """How each named value of a definition is read: its input's or task field's kind."""
    kinds = {item["name"]: item.get("kind", "") for item in definition.get("inputs") or []}
    for step in definition.get("steps") or []:
        for field in step.get("fields") or []:
            kinds[field["name"]] = field.get("kind", "")
    return {name: _READ_AS.get(kind, "text") for name, kind in kinds.items()}


# -- Dokument


def file_document(step: dict, *, process, case: Case) -> CaseFile:
    """The step's letter as PDF/A, filed with the case (once per step)."""
    documents = dict(process.documents or {})
    existing = CaseFile.objects.filter(pk=documents.get(step["id"]) or 0, case=case).first()
    if existing is not None:
        return existing
    values = values_of(process, case)
    case_file = file_pdf_document(
        case=case,
        template_name="flows/designer/letter.html",
        title=step["title"],
        filename=f"{_slug(step['title'])}-{case.number}.pdf",
        context={
            "subject": fill(step["subject"], values, process),
            "letter": fill(step["body"], values, process),
            "recipient": [line for line in _address_lines(case) if line],
        },
    )
    documents[step["id"]] = case_file.pk
    process.documents = documents
    return case_file


def _slug(title: str) -> str:
    keep = "".join(c if c.isalnum() else "-" for c in title)
    return "-".join(part for part in keep.split("-") if part)[:60] or "Dokument"


def _address_lines(case: Case) -> list[str]:
    data = partner_data_from_inputs(
        inputs_of(case), name=case.applicant_name, email=case.applicant_email
    )
    return BusinessPartner(**vars(data)).address_lines


# -- E-Mail


def recipients(step: dict, case: Case) -> list[str]:
    to = step["to"]
    if to == Recipient.APPLICANT:
        found = [case.applicant_email]
    elif to == Recipient.OFFICE:
        found = [case.office.email if case.office else ""]
    elif to == Recipient.OTHER_OFFICE:
        office = OrgUnit.objects.filter(short_name=step.get("office") or "").first()
        found = [office.email if office else ""]
    elif to == Recipient.ROLE:
        group = roles.group_for(step.get("role") or "")
        found = list(
            User.objects.filter(groups=group, is_active=True)
            .exclude(email="")
            .order_by("email")
            .values_list("email", flat=True)
        )
    else:
        found = [step.get("address") or ""]
    return [address for address in found if address]


def send_email(step: dict, *, process, case: Case) -> None:
    values = values_of(process, case)
    subject = fill(step["subject"], values, process)
    body = fill(step["body"], values, process)
    to = recipients(step, case)
    attachments = []
    documents = process.documents or {}
    for document_step in _ids(step.get("attach_documents") or ""):
        case_file = CaseFile.objects.filter(pk=documents.get(document_step) or 0, case=case).first()
        if case_file is not None:
            attachments.append(case_file.as_attachment())
    if step.get("attach_calendar"):
        reservation = active_reservations(case).first()
        if reservation is not None:
            attachments.append(calendar_file(reservation, case=case).as_attachment())
    if to:
        queue_email(to=to, subject=subject, body=body, case=case, attachments=attachments)
        message = events.EMAIL_SENT(subject=subject, to=", ".join(to))
    else:
        message = events.EMAIL_NOT_SENT(subject=subject)
    record(case=case, message=message)


def _ids(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


# -- Gebühr


def quantity(line: dict, values: dict[str, Any]) -> int:
    source = (line.get("quantity_from") or "").strip()
    if not source:
        return 1
    try:
        number = Decimal(str(values.get(source, "")).replace(",", "."))
    except InvalidOperation:
        number = Decimal(-1)
    if number != number.to_integral_value() or not 0 < number <= 1000:
        raise StepFailed(
            _("The quantity “%(value)s” of “%(name)s” is not a whole number from 1 to 1000.")
            % {"value": values.get(source, ""), "name": source}
        )
    return int(number)


def issue_fee(step: dict, *, process, case: Case) -> Invoice:
    """The step's invoice (once per case process): lines from the fee schedule."""
    if process.invoice_id:
        existing = Invoice.objects.filter(pk=process.invoice_id).first()
        if existing is not None:
            return existing
    values = values_of(process, case)
    items = [
        FeeItem(booking_key=line["booking_key"], quantity=quantity(line, values))
        for line in step["lines"]
    ]
    partner = find_or_create_partner(
        partner_data_from_inputs(
            inputs_of(case), name=case.applicant_name, email=case.applicant_email
        )
    )
    invoice = issue_invoice(
        partner=partner, items=items, subject=fill(step["subject"], values, process), case=case
    )
    process.invoice_id = invoice.pk
    return invoice


# -- Reservierung


def active_reservations(case: Case):
    return Reservation.objects.filter(case=case, released_at__isnull=True).select_related(
        "resource"
    )


def _span(reservation: Reservation) -> str:
    start = timezone.localtime(reservation.starts_at)
    end = timezone.localtime(reservation.ends_at)
    return f"{start:%d.%m.%Y}, {start:%H:%M}–{end:%H:%M} Uhr"


def _when(values: dict[str, Any], step: dict) -> tuple[datetime.datetime, datetime.datetime]:
    day = parse_date(str(values.get(step["date_from"]) or ""))
    start = parse_time(str(values.get(step["start_from"]) or ""))
    end = parse_time(str(values.get(step["end_from"]) or ""))
    if day is None or start is None or end is None or end <= start:
        raise StepFailed(
            _("The reservation needs a date and a start before the end (given: %(value)s).")
            % {
                "value": " ".join(
                    str(values.get(step[k]) or "–") for k in ("date_from", "start_from", "end_from")
                )
            }
        )
    zone = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(day, start, tzinfo=zone),
        datetime.datetime.combine(day, end, tzinfo=zone),
    )


def refusal(
    resource: Resource, *, starts_at: datetime.datetime, ends_at: datetime.datetime, people: int
) -> str:
    """Why ``resource`` cannot be reserved for the span and the number of people ("" when
    it can): more people than it holds, or (a room, a vehicle) any active reservation
    overlapping, or (a pool of seats) the overlapping reservations and these people
    exceeding its capacity. Read by :func:`reserve` under the resource's row lock and by
    the portal's forms to offer only what is free (flows.designer.availability)."""
    if people > resource.capacity:
        return _("%(resource)s holds %(capacity)d people, not %(people)d.") % {
            "resource": resource.name,
            "capacity": resource.capacity,
            "people": people,
        }
    overlapping = Reservation.objects.filter(
        Q(starts_at__lt=ends_at) & Q(ends_at__gt=starts_at),
        resource=resource,
        released_at__isnull=True,
    )
    taken = overlapping.aggregate(people=Sum("people"))["people"] or 0
    if (resource.exclusive and overlapping.exists()) or taken + people > resource.capacity:
        return _("%(resource)s is already reserved at that time.") % {"resource": resource.name}
    return ""


def reserve(step: dict, *, process, case: Case) -> tuple[bool, Keyed]:
    """Reserve the resource for the span under a row lock on the resource; (done, why not).

    A room or vehicle is refused when any active reservation overlaps; a pool of
    seats when the overlapping reservations and this one exceed its capacity; any
    resource when more people come than it holds. The step's earlier reservation for
    this case (a retry, or another room offered) is released first.
    """
    values = values_of(process, case)
    name = str(values.get(step["resource_from"]) or "").strip()
    starts_at, ends_at = _when(values, step)
    people = 1
    if step.get("count_from"):
        people = quantity({"quantity_from": step["count_from"]}, values)
    with transaction.atomic():
        resource = (
            Resource.objects.select_for_update().filter(name__iexact=name, active=True).first()
        )
        if resource is None:
            return False, events.RESERVATION_REFUSED(
                reason=_("“%(name)s” cannot be booked.") % {"name": name or "–"}
            )
        Reservation.objects.filter(case=case, step=step["id"], released_at__isnull=True).update(
            released_at=timezone.now()
        )
        refused = refusal(resource, starts_at=starts_at, ends_at=ends_at, people=people)
        if refused:
            return False, events.RESERVATION_REFUSED(reason=refused)
        reservation = Reservation.objects.create(
            resource=resource,
            case=case,
            step=step["id"],
            starts_at=starts_at,
            ends_at=ends_at,
            people=people,
        )
    return True, events.RESERVED(resource=resource.name, span=_span(reservation))


def release_reservations(case: Case) -> int:
    """Free what the case holds (cancelled, rejected or erased)."""
    released = active_reservations(case).update(released_at=timezone.now())
    if released:
        record(
            case=case,
            message=events.RESERVATION_RELEASED(),
        )
    return released


def calendar_file(reservation: Reservation, *, case: Case) -> CaseFile:
    """The reservation as an iCalendar event (RFC 5545), filed with the case."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Stadtportal//Prozesse//DE")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = icalendar.Event()
    event.add("uid", f"reservation-{reservation.pk}@{case.number}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", reservation.starts_at)
    event.add("dtend", reservation.ends_at)
    event.add("summary", f"{case.title} – {reservation.resource.name}")
    if reservation.resource.location:
        event.add("location", reservation.resource.location)
    event.add("description", _("Case %(number)s") % {"number": case.number})
    calendar.add_component(event)
    return attach_file(
        case=case,
        content=calendar.to_ical(),
        filename=f"Termin-{case.number}.ics",
        content_type="text/calendar",
        kind=CaseFile.Kind.GENERATED,
        title=_("Calendar entry"),
        source="designer",
    )
