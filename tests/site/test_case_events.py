"""Timeline entries are named case events (portal_site.cases.events): each is shown in
the reader's language, plain text is refused, and entries kept as German text before
events existed are given their event."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone, translation

from portal_site.cases import events
from portal_site.cases.models import TimelineEntry
from portal_site.cases.services import notify_applicant, record
from portal_site.notifications.models import OutboxMessage
from tests.factories import case_for
from tests.flows.test_designer_steps import budget, do, library, open_tasks, start  # noqa: F401

pytestmark = pytest.mark.django_db


def _case(**fields):
    return case_for("generic", office=None, values={}, inputs={}, **fields)


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\((\w+)\)[sd]", text))


def test_every_event_has_a_german_text_with_the_same_parameters():
    for event in events.EVENTS.values():
        with translation.override("en"):
            english = str(event.text)
        with translation.override("de"):
            german = str(event.text)
        assert german != english, event.name
        assert _placeholders(german) == _placeholders(english), event.name


def test_every_event_is_filed_under_a_timeline_kind():
    kinds = set(TimelineEntry.Kind.values)
    assert {
        event.name: event.kind for event in events.EVENTS.values() if event.kind not in kinds
    } == {}


def test_an_event_name_is_defined_once():
    with pytest.raises(ValueError, match="defined twice"):
        events.define("task_taken", events.TASK, events.TASK_TAKEN.text)


def test_plain_text_is_refused_on_the_timeline(staff):
    case = _case()
    with pytest.raises(TypeError, match="case event"):
        record(case=case, kind="system", message="Etwas ist passiert.")


def test_an_entry_is_kept_by_its_event_and_shown_in_the_readers_language(staff):
    case = _case()
    entry = record(case=case, message=events.TASK_TAKEN(task="Antrag prüfen"))
    assert entry.kind == TimelineEntry.Kind.TASK
    assert entry.data["message"]["event"] == "task_taken"
    assert entry.message == "Aufgabe „Antrag prüfen“ übernommen."
    with translation.override("en"):
        assert entry.text == "Task “Antrag prüfen” taken."


def test_notify_applicant_mails_and_notes_or_says_it_could_not(staff):
    case = _case(applicant_email="erika@example.org")
    entry = notify_applicant(case=case, subject="Ihr Antrag", body="Guten Tag")
    assert OutboxMessage.objects.get(case=case).to == ["erika@example.org"]
    assert entry.data["message"]["event"] == "email_to_applicant"
    nobody = _case(applicant_email="")
    assert notify_applicant(case=nobody, subject="Ihr Antrag", body="…") is None
    noted = notify_applicant(case=nobody, subject="Ihr Antrag", body="…", note_unsent=True)
    with translation.override("en"):
        assert noted.text == "E-mail “Ihr Antrag” not sent: no address."
    assert not OutboxMessage.objects.filter(case=nobody).exists()


def _legacy(case, message, kind="task"):
    return TimelineEntry.objects.create(
        case=case, at=timezone.now(), kind=kind, actor_label="System", message=message
    )


def test_entries_kept_as_german_text_get_their_event(staff):
    case = _case()
    taken = _legacy(case, "Aufgabe „Antrag prüfen“ übernommen.")
    decided = _legacy(case, "Entscheidung: Genehmigt – Unterlagen vollständig", kind="decision")
    paid = _legacy(
        case,
        "Zahlung über 25,00 € eingegangen (Überweisung) zur Rechnung 2026.0001. "
        "Zu prüfen: Überzahlung.",
        kind="payment",
    )
    note = _legacy(case, "Rückruf vereinbart.", kind="note")
    counts = events.key_legacy_entries()
    assert counts == {"keyed": 3, "left": 1}
    for entry in (taken, decided, paid, note):
        entry.refresh_from_db()
    assert paid.data["message"]["event"] == "payment_received_flagged"
    with translation.override("en"):
        assert taken.text == "Task “Antrag prüfen” taken."
        assert decided.text == "Decision: Genehmigt – Unterlagen vollständig"
        assert paid.text.startswith("Payment of 25,00 € received (Überweisung) for invoice")
        assert note.text == "Rückruf vereinbart."  # a person's own words stay as written
    assert events.key_legacy_entries() == {"keyed": 0, "left": 1}  # nothing twice


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("library", "budget")
def test_an_english_walk_through_designed_cases_finds_no_german_entry():
    from portal_site.accounts.models import User

    registrar = User.objects.get(username="standesamt")
    case = start(
        "gestaltet-sterbefall", familienname="Beispiel", vorname="Berta", sterbedatum="2026-11-20"
    )
    do(registrar, open_tasks(case).get(), decision="nachreichen", fehlt="Todesbescheinigung")
    do(registrar, open_tasks(case).get(), decision="vollstaendig")
    do(
        registrar,
        open_tasks(case).get(),
        decision="vergeben",
        termin_datum="2026-11-25",
        termin_uhrzeit="10:30",
    )
    entries = list(case.timeline.all())
    assert len(entries) > 8
    german_words = re.compile(
        r"\b(Aufgabe|übernommen|erledigt|Status geändert|Datei abgelegt|"
        r"Vorgang eingegangen|E-Mail an|Entscheidung)\b"
    )
    with translation.override("en"):
        for entry in entries:
            assert entry.data["message"]["event"] in events.EVENTS
            assert not german_words.search(entry.text), entry.text
    # the registrar's case page in the English admin: English entries, no US dates
    from django.test import Client
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(registrar)
    profile.preferred_language = "en"
    profile.save()
    client = Client()
    client.force_login(registrar)
    page = client.get(f"/admin/vorgaenge/{case.number}/").content.decode()
    rows = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", page)
    assert len(rows) == len(entries)
    for at, _actor, text in rows:
        assert re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}", at), (
            at
        )  # 7 Dec 2026, 13:45
        assert not german_words.search(text), text
    assert not re.search(r"\b\d{1,2}/\d{1,2}/\d{4}\b|\b[ap]\.m\.", page)
