from __future__ import annotations

import pytest

from portal_site.core.demo import DEMO_PASSWORD
from portal_site.notifications.email_texts import (
    fill_placeholders,
    render_email_text,
)
from portal_site.notifications.models import EmailText

pytestmark = pytest.mark.django_db

VALUES = {
    "case_number": "26.0001",
    "case_title": "Anfrage",
    "due_date": "01.12.2026",
    "task": "Anliegen bearbeiten",
}


def test_unknown_placeholders_stay_as_written():
    assert fill_placeholders("{case_number} {gibtsnicht}", {"case_number": "26.0001"}) == (
        "26.0001 {gibtsnicht}"
    )


def test_the_german_default_is_used_until_an_editor_changes_the_text(staff):
    subject, body = render_email_text(key="task_reminder", values=VALUES)
    assert subject == "Frist überschritten: Vorgang 26.0001"
    assert "01.12.2026" in body
    text = EmailText.objects.get(key="task_reminder")
    text.subject = "Bitte erledigen: {case_number} ({task})"
    text.save()
    subject, _ = render_email_text(key="task_reminder", values=VALUES)
    assert subject == "Bitte erledigen: 26.0001 (Anliegen bearbeiten)"


def test_editors_change_email_texts_in_the_admin(demo, client):
    client.login(username="redaktion", password=DEMO_PASSWORD)
    text = EmailText.objects.get(key="task_escalation")
    listing = client.get("/admin/snippets/notifications/emailtext/")
    assert listing.status_code == 200 and "Eskalation an die Leitung" in listing.content.decode()
    response = client.post(
        f"/admin/snippets/notifications/emailtext/edit/{text.pk}/",
        {"name": text.name, "subject": "Überfällig: {case_number}", "body": text.body},
    )
    assert response.status_code == 302
    text.refresh_from_db()
    assert text.subject == "Überfällig: {case_number}"


def test_an_empty_placeholder_takes_its_space_along_before_punctuation():
    from portal_site.notifications.letters import fill_placeholders

    assert fill_placeholders("Guten Tag {name},", {"name": ""}) == "Guten Tag,"
    assert fill_placeholders("Guten Tag {name},", {"name": "Verena Muster"}) == (
        "Guten Tag Verena Muster,"
    )
    assert fill_placeholders("Nr. {number} vom {date}", {"number": ""}) == "Nr.  vom {date}"


def test_a_letter_text_splits_before_its_closing():
    from portal_site.notifications.letters import split_closing

    body, closing = split_closing(
        "Guten Tag,\n\nanbei die Urkunden.\n\nMit freundlichen Grüßen\nIhr Standesamt Kassel"
    )
    assert body == "Guten Tag,\n\nanbei die Urkunden."
    assert closing == "Mit freundlichen Grüßen\nIhr Standesamt Kassel"
    assert split_closing("Ohne Gruß.") == ("Ohne Gruß.", "")
