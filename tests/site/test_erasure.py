"""Erasure leaves nothing: after the Storno no table, mail, timeline or file names the applicant."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.db import models

from flows import selectors
from portal_site.cases.models import Case, CaseFile, CaseStatus
from portal_site.cases.services import add_note, attach_file, message_applicant
from portal_site.notifications.models import OutboxMessage
from serviceportal.form_pages import ServiceFormPage
from serviceportal.submission import Application, submit_application
from shop import bank_import, dunning
from shop.models import Invoice
from tests.shop import camt_builder
from tests.shop.helpers import SEED_VALUES, registrar, work

pytestmark = pytest.mark.django_db(transaction=True)

MARK = "Xqmarkerzz"
TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField, models.FileField)


def _submit_with_markers() -> Case:
    page = ServiceFormPage.objects.get(
        locale__language_code="de", process_key="civil_status_certificate"
    )
    values = {
        **SEED_VALUES,
        "name": MARK,
        "vorname": f"{MARK}vor",
        "email": f"{MARK.lower()}@example.org",
        "strasse": f"{MARK}weg 1",
        "geburt_geburtsname": f"{MARK}geb",
        "geburt_ort": f"{MARK}stadt",
    }
    case = submit_application(
        page=page,
        application=Application(
            token=uuid.uuid4(),
            answers=[{"name": k, "label": k, "value": str(v)} for k, v in values.items()],
            values=values,
            applicant_name=f"{values['vorname']} {MARK}",
            applicant_email=values["email"],
        ),
    )
    attach_file(
        case=case,
        content=f"%PDF-1.4 Ausweis {MARK}".encode(),
        filename=f"ausweis-{MARK}.pdf",
        content_type="application/pdf",
        kind=CaseFile.Kind.UPLOAD,
        source="nachweis",
        actor_label=case.applicant_name,
    )
    return case


def _rows_with(marker: str) -> list[str]:
    """Every text column of every table, searched for the marker."""
    found = []
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, TEXT_FIELDS) and not f.primary_key
        ]
        if not fields:
            continue
        for row in model._base_manager.values_list("pk", *fields):
            for name, value in zip(fields, row[1:], strict=True):
                if value is not None and marker.lower() in str(value).lower():
                    found.append(f"{model._meta.label}.{name} (pk {row[0]})")
    return found


def test_after_the_storno_no_table_mail_timeline_or_file_keeps_the_applicant(demo):
    # given an application with markers everywhere, worked on by the registry office
    case = _submit_with_markers()
    user = registrar()
    work(case, user, decision="yes", missing="", comment=f"Rückruf bei {MARK} erledigt")
    message_applicant(case=case, actor=user, subject="Rückfrage", text=f"Guten Tag {MARK}")
    add_note(case=case, actor=user, text=f"Telefonat mit Frau {MARK}")
    work(case, user, decision="yes", comment="")
    work(case, user, certificate_number="G 1/1960")
    invoice = Invoice.objects.get(case=case)
    files_on_disk = [
        Path(settings.PRIVATE_MEDIA_ROOT) / name
        for name in CaseFile.objects.filter(case=case).values_list("file", flat=True)
    ]
    assert len(files_on_disk) >= 2 and all(path.exists() for path in files_on_disk)
    assert _rows_with(MARK)  # the markers are really there before

    # when the invoice stays unpaid past its final date (reminder, then Storno),
    # as the bank statements up to that date show
    dunning.run_dunning(today=invoice.due_on + timedelta(days=1))
    invoice.refresh_from_db()
    bank_import.import_bank_file(
        content=camt_builder.statement(covers=invoice.final_due_on), filename="auszug.xml"
    )
    result = dunning.run_dunning(today=invoice.final_due_on + timedelta(days=1))
    assert result.cancelled == 1

    # then the Storno notice reached the applicant ...
    assert any(
        "storniert" in m.subject and m.to == [f"{MARK.lower()}@example.org"] for m in mail.outbox
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.CANCELLED and case.personal_data_deleted_at is not None
    # ... and afterwards nothing anywhere names the applicant
    assert _rows_with(MARK) == []
    assert not any(path.exists() for path in files_on_disk)
    storno = OutboxMessage.objects.filter(case=case, status=OutboxMessage.Status.SENT)
    assert storno.exists() and all(m.to == [] and m.body == "" for m in storno)
    # the history still says who did what when
    assert case.timeline.count() > 5
    assert selectors.open_task_for_case(case=case) is None


def test_a_rolled_back_erasure_keeps_the_files(demo):
    from django.db import transaction

    from portal_site.cases.erasure import erase_personal_data

    case = _submit_with_markers()
    path = Path(settings.PRIVATE_MEDIA_ROOT) / case.files.get().file.name
    with pytest.raises(RuntimeError), transaction.atomic():
        erase_personal_data(case=case)
        raise RuntimeError("the surrounding work failed")
    assert path.exists()
    assert Case.objects.get(pk=case.pk).applicant_name
