"""Data sets for the scale benchmark: a city's cases, invoices and archive images, in bulk.

``build(cases=N, images=M)`` runs on a database that holds the demo content.
It makes a handful of real cases through the services (a certificate order in
the registry office's queue, one claimed by the registrar, one approved up to
its fee invoice, a letter-box request), then copies their rows (case,
timeline, viewflow process and tasks, invoice and its lines) until there are
``N`` cases: 2 % stay open as their template left them, the rest are closed
(process and tasks done, invoices paid). Copies get their own numbers,
payment references and tokens and are spread over the offices and four
years. Images copy a demo holding (one small shared file and its preview
renditions) with generated titles, places, years, series and keywords, and
their search text, so that the archive search has realistic words to find.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import timedelta

BATCH = 2000
OPEN_SHARE = 0.02
# What the city's photographs show: landmarks, streets and kinds of buildings.
SUBJECTS = [
    "Königsplatz",
    "Rathaus",
    "Straßenbahn",
    "Herkules",
    "Orangerie",
    "Hauptbahnhof",
    "Friedrichsplatz",
    "Löwenburg",
    "Markthalle",
    "Fulda",
    "Drahtbrücke",
    "Wilhelmshöhe",
    "Treppenstraße",
    "Fridericianum",
    "Martinskirche",
    "Karlsaue",
    "Staatstheater",
    "Ständeplatz",
    "Opernplatz",
    "Kurhessentherme",
    "Auestadion",
    "Bergpark",
    "Wilhelmsstraße",
    "Königsstraße",
    "Holländischer Platz",
    "Messe",
    "Volkspark",
    "Stadthalle",
    "Kulturbahnhof",
    "Unterneustadt",
    "Bettenhausen",
    "Wehlheiden",
    "Harleshausen",
    "Rothenditmold",
    "Niederzwehren",
    "Brüder-Grimm-Platz",
    "Hessisches Landesmuseum",
    "Weinberg",
    "Henschel",
    "Wasserspiele",
    "Schule",
    "Kirche",
    "Brunnen",
    "Kaserne",
    "Krankenhaus",
    "Postamt",
    "Feuerwache",
    "Bibliothek",
    "Kaufhaus",
    "Kino",
    "Hafen",
    "Brauerei",
    "Schwimmbad",
    "Friedhof",
    "Siedlung",
    "Gartenschau",
    "Flughafen",
    "Autobahn",
    "Tankstelle",
    "Denkmal",
]
SCENES = [
    "im Winter",
    "mit Passanten",
    "bei Nacht",
    "nach dem Umbau",
    "mit Festzug",
    "von oben",
    "im Sommer",
    "mit Marktständen",
    "beim Hochwasser",
    "mit Baustelle",
]
PHOTOGRAPHERS = ["Carl Eberth", "Ilse Möller", "Günther Becker", "Walter Thieme", "unbekannt"]
SERIES = ["Stadtbildstelle", "Ansichtskarten", "documenta archiv", "Nachlass Eberth", "Presse"]
# Kassel's districts; keywords are themes of their own.
PLACES = [
    "Mitte",
    "Südstadt",
    "Vorderer Westen",
    "Wehlheiden",
    "Bad Wilhelmshöhe",
    "Brasselsberg",
    "Süsterfeld-Helleböhn",
    "Jungfernkopf",
    "Kirchditmold",
    "Rothenditmold",
    "Nord-Holland",
    "Philippinenhof-Warteberg",
    "Fasanenhof",
    "Wesertor",
    "Wolfsanger-Hasenhecke",
    "Bettenhausen",
    "Forstfeld",
    "Waldau",
    "Niederzwehren",
    "Oberzwehren",
    "Nordshausen",
    "Harleshausen",
    "Unterneustadt",
]
THEMES = [
    "Verkehr",
    "Architektur",
    "Wiederaufbau",
    "Zerstörung",
    "Handel",
    "Feste",
    "Sport",
    "Kunst",
    "Politik",
    "Industrie",
    "Bildung",
    "Religion",
    "Natur",
    "Wasser",
    "Freizeit",
    "Kinder",
    "Arbeit",
    "Wohnen",
    "Gastronomie",
    "Musik",
]
KEYWORD_COUNT = 300


@dataclass
class Built:
    cases: int
    open_cases: int
    invoices: int
    images: int
    sample_number: str
    sample_name: str


def _copy(instance, **changes):
    model = type(instance)
    values = {
        field.attname: getattr(instance, field.attname)
        for field in model._meta.concrete_fields
        if not field.primary_key and not getattr(field, "generated", False)
    }
    values.update(changes)
    return model(**values)


def _templates():
    """Real cases made through the services: the shapes every copy takes."""
    from django.db import transaction

    from flows import selectors, workspace
    from portal_site.accounts.models import User
    from serviceportal.form_pages import ServiceFormPage
    from serviceportal.submission import submit_application
    from tests.shop.helpers import approve_up_to_invoice, portal_application

    registrar = User.objects.get(username="standesamt")

    def submit(process_key: str, name: str):
        page = ServiceFormPage.objects.filter(
            process_key=process_key, live=True, locale__language_code="de"
        ).first()
        with transaction.atomic():
            return submit_application(page=page, application=portal_application(name))

    queued = submit("civil_status_certificate", "Queue")
    claimed = submit("civil_status_certificate", "Claimed")
    task = selectors.open_task_for_case(case=claimed)
    workspace.claim_task(task_id=task.pk, user=registrar)
    invoiced = submit("civil_status_certificate", "Invoiced")
    approve_up_to_invoice(invoiced)
    letter = submit("generic", "Letter")
    return [queued, claimed, invoiced, letter]


def _rows_of(case):
    from django.contrib.contenttypes.models import ContentType
    from viewflow.workflow.models import Process, Task

    from portal_site.cases.models import Case, TimelineEntry
    from shop.models import Invoice, InvoiceLine

    content_type = ContentType.objects.get_for_model(Case)
    processes = list(
        Process.objects.filter(artifact_content_type=content_type, artifact_object_id=case.pk)
    )
    tasks = list(Task.objects.filter(process__in=processes).order_by("pk"))
    invoices = list(Invoice.objects.filter(case=case))
    return {
        "case": case,
        "timeline": list(TimelineEntry.objects.filter(case=case).order_by("pk")),
        "processes": processes,
        "tasks": tasks,
        "invoices": invoices,
        "lines": list(InvoiceLine.objects.filter(invoice__in=invoices).order_by("pk")),
    }


def _grow_cases(count: int, rng: random.Random) -> Built:
    from django.db import transaction
    from django.utils import timezone
    from viewflow.workflow.models import Process, Task
    from viewflow.workflow.status import STATUS

    from portal_site.accounts.models import OrgUnit
    from portal_site.cases.models import Case, CaseNumberSequence, CaseStatus, TimelineEntry
    from portal_site.cases.numbering import format_case_number
    from shop import services
    from shop.models import BusinessPartner, Counter, Invoice, InvoiceLine

    templates = [_rows_of(case) for case in _templates()]
    tasks_of = {
        p.pk: [t for t in rows["tasks"] if t.process_id == p.pk]
        for rows in templates
        for p in rows["processes"]
    }
    lines_of = {
        i.pk: [li for li in rows["lines"] if li.invoice_id == i.pk]
        for rows in templates
        for i in rows["invoices"]
    }
    offices = list(OrgUnit.objects.values_list("pk", flat=True))
    office_of = {p.pk: rows["case"].office_id for rows in templates for p in rows["processes"]}
    now = timezone.now()
    year = timezone.localtime(now).year
    existing = Case.objects.count()
    to_make = max(0, count - existing)
    sequence = CaseNumberSequence.objects.get(year=year)
    reference_counter = Counter.objects.get_or_create(name=f"reference-{year}")[0]
    number, reference = sequence.last_value, reference_counter.last_value
    made = opened = invoiced = 0
    sample_number = sample_name = ""
    while made < to_make:
        size = min(BATCH, to_make - made)
        cases, plans = [], []
        for i in range(size):
            rows = templates[(made + i) % len(templates)]
            is_open = rng.random() < OPEN_SHARE
            number += 1
            received = now - timedelta(days=rng.randint(0, 4 * 365), minutes=rng.randint(0, 1440))
            name = f"{rng.choice(['Anna', 'Bernd', 'Clara', 'Dieter', 'Emine'])} Muster{number}"
            cases.append(
                _copy(
                    rows["case"],
                    number=format_case_number(year=year, value=number),
                    public_token=uuid.uuid4(),
                    received_at=received,
                    applicant_name=name,
                    applicant_email=f"muster{number}@example.org",
                    applicant_user_id=None,
                    office_id=rng.choice(offices),
                    status=rows["case"].status if is_open else CaseStatus.COMPLETED,
                    closed_at=None if is_open else received + timedelta(days=rng.randint(1, 30)),
                )
            )
            plans.append((rows, is_open))
            sample_number, sample_name = cases[-1].number, name
        with transaction.atomic():
            Case.objects.bulk_create(cases)
            timeline, processes, originals = [], [], []
            for case, (rows, is_open) in zip(cases, plans, strict=True):
                timeline += [
                    _copy(entry, case_id=case.pk, at=case.received_at) for entry in rows["timeline"]
                ]
                for process in rows["processes"]:
                    processes.append(
                        _copy(
                            process,
                            artifact_object_id=case.pk,
                            created=case.received_at,
                            status=process.status if is_open else STATUS.DONE,
                            finished=None if is_open else case.closed_at,
                            data={**process.data, "case_id": case.pk},
                        )
                    )
                    originals.append((process, is_open))
            TimelineEntry.objects.bulk_create(timeline, batch_size=BATCH)
            Process.objects.bulk_create(processes, batch_size=BATCH)
            offices_of = {case.pk: case.office_id for case in cases}
            tasks = [
                _task_copy(
                    task,
                    copy,
                    is_open,
                    same_office=offices_of[copy.artifact_object_id] == office_of[original.pk],
                )
                for copy, (original, is_open) in zip(processes, originals, strict=True)
                for task in tasks_of[original.pk]
            ]
            Task.objects.bulk_create(tasks, batch_size=BATCH)
            invoices, invoice_originals, partners = [], [], []
            for case, (rows, is_open) in zip(cases, plans, strict=True):
                for invoice in rows["invoices"]:
                    partners.append(
                        BusinessPartner(
                            number=f"B{case.pk:09d}",
                            first_name=case.applicant_name.split()[0],
                            last_name=case.applicant_name.split()[-1],
                            email=case.applicant_email,
                        )
                    )
                    reference += 1
                    body = f"{year % 100:02d}{reference:07d}"
                    invoices.append(
                        _copy(
                            invoice,
                            case_id=case.pk,
                            reference=body + services.luhn_digit(body),
                            pay_token=uuid.uuid4(),
                            document_id=None,
                            issued_on=case.received_at.date(),
                            due_on=case.received_at.date() + timedelta(days=14),
                            status=invoice.status if is_open else Invoice.Status.PAID,
                        )
                    )
                    invoice_originals.append(invoice)
            BusinessPartner.objects.bulk_create(partners, batch_size=BATCH)
            for invoice, partner in zip(invoices, partners, strict=True):
                invoice.partner_id = partner.pk
            Invoice.objects.bulk_create(invoices, batch_size=BATCH)
            InvoiceLine.objects.bulk_create(
                [
                    _copy(line, invoice_id=copy.pk)
                    for copy, original in zip(invoices, invoice_originals, strict=True)
                    for line in lines_of[original.pk]
                ],
                batch_size=BATCH,
            )
        made += size
        opened += sum(1 for _, is_open in plans if is_open)
        invoiced += len(invoices)
    sequence.last_value = number
    sequence.save(update_fields=["last_value"])
    reference_counter.last_value = reference
    reference_counter.save(update_fields=["last_value"])
    return Built(
        cases=existing + made,
        open_cases=opened,
        invoices=invoiced,
        images=0,
        sample_number=sample_number,
        sample_name=sample_name,
    )


def _task_copy(task, process, is_open: bool, *, same_office: bool):
    """A task of a copied process: done when the case is closed; a claimed task stays
    with its clerk only in the clerk's office, elsewhere it waits in that office's queue."""
    from viewflow.workflow.status import STATUS

    if not is_open:
        return _copy(
            task,
            process_id=process.pk,
            created=process.created,
            status=STATUS.DONE,
            finished=process.finished,
        )
    claimed_elsewhere = task.owner_id is not None and not same_office and task.status != STATUS.DONE
    return _copy(
        task,
        process_id=process.pk,
        created=process.created,
        status=STATUS.NEW if claimed_elsewhere else task.status,
        owner_id=None if claimed_elsewhere else task.owner_id,
        assigned=None if claimed_elsewhere else task.assigned,
    )


def _grow_images(count: int, rng: random.Random) -> int:
    from django.db import transaction
    from taggit.models import Tag

    from media_archive import indexing, selectors
    from media_archive.models import ArchiveImage, ArchiveImageTag, ArchiveRendition, Series

    model = ArchiveImage.objects.filter(in_archive=True, published=True).order_by("pk").first()
    renditions = [
        model.get_rendition(selectors.PUBLIC_FILTERS["thumb"]),
        model.get_rendition(selectors.PUBLIC_FILTERS["preview"]),
    ]
    series = [Series.objects.get_or_create(name=name)[0] for name in SERIES]
    keyword_names = THEMES + [
        f"{rng.choice(THEMES)} {n}" for n in range(KEYWORD_COUNT - len(THEMES))
    ]
    Tag.objects.bulk_create(
        [Tag(name=name, slug=f"bench-{n}") for n, name in enumerate(keyword_names)],
        ignore_conflicts=True,
    )
    tags = {tag.name: tag.pk for tag in Tag.objects.filter(name__in=keyword_names)}
    existing = ArchiveImage.objects.filter(in_archive=True).count()
    to_make = max(0, count - existing)
    made = 0
    while made < to_make:
        size = min(BATCH, to_make - made)
        images, image_tags = [], []
        for i in range(size):
            n = existing + made + i
            subject, scene = rng.choice(SUBJECTS), rng.choice(SCENES)
            year = rng.randint(1870, 2020)
            place = rng.choice(PLACES)
            in_series = rng.choice(series)
            names = sorted({rng.choice(THEMES), *rng.sample(keyword_names, 2)})
            image = _copy(
                model,
                title=f"{subject} {scene}",
                signature=f"B {n // 1000:03d} Nr. {n:06d}",
                description=f"{subject} {scene}, aufgenommen {year} in {place}.",
                date_label=str(year),
                year_from=year,
                year_to=year,
                photographer=rng.choice(PHOTOGRAPHERS),
                place=place,
                series_id=in_series.pk,
                published=rng.random() < 0.95,
            )
            image.search_text = indexing.text_of(image, series_name=in_series.name, tag_names=names)
            images.append(image)
            image_tags.append(names)
        with transaction.atomic():
            ArchiveImage.objects.bulk_create(images)
            ArchiveImageTag.objects.bulk_create(
                [
                    ArchiveImageTag(content_object_id=image.pk, tag_id=tags[name])
                    for image, names in zip(images, image_tags, strict=True)
                    for name in names
                ],
                batch_size=BATCH,
            )
            ArchiveRendition.objects.bulk_create(
                [
                    _copy(rendition, image_id=image.pk)
                    for image in images
                    for rendition in renditions
                ],
                batch_size=BATCH,
            )
        made += size
    return existing + made


def build(*, cases: int, images: int, seed: int = 1) -> Built:
    """Grow the demo database to ``cases`` cases and ``images`` archive holdings."""
    rng = random.Random(seed)  # noqa: S311 - benchmark data, not secrets
    built = _grow_cases(cases, rng)
    built.images = _grow_images(images, rng)
    return built
