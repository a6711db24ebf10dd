"""One case of every registered process on an installation that never saw the demo.

Run by ``test_install_without_demo`` inside ``manage.py shell`` on a database that
``migrate`` and ``createsuperuser`` have just made. Everything the demo loader
would create is made here the way a city makes it: offices and staff by the
administrator, pages and forms by the editor, a course by HR development, an
image by the archive. Roles, permissions, e-mail and letter texts and the fee
schedule must already be there. Prints one line per process; any failed
expectation raises and ends the shell with an error.
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.test.utils import setup_test_environment
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, Site

from flows import generic, selectors, workspace
from flows.models import Course, Participation
from flows.training import catalogue as training_setup
from media_archive.demo import COLUMNS, drawn_photo
from media_archive.importing import import_archive
from media_archive.models import ArchiveImage
from portal_site.accounts import roles
from portal_site.accounts.models import Employee, OrgUnit, User
from portal_site.cases.models import Case, CaseStatus
from portal_site.notifications.models import EmailText
from portal_site.processes.registry import registered_processes
from serviceportal.demo_forms import certificate_steps, f, mailbox_steps, step
from serviceportal.form_pages import ServiceFormPage
from serviceportal.identification import IdentificationMode
from serviceportal.models import Catalogue, HomePage, ServiceIndexPage
from shop import services
from shop.models import Fee, ImageProduct, Invoice, Order
from tests.serviceportal.builders import Applicant
from tests.shop.helpers import SEED_VALUES

PASSWORD = "Ein-langes-Passwort-2026"  # noqa: S105


def _expect(condition: bool, what: str) -> None:
    if not condition:
        raise AssertionError(what)


def check_installation() -> None:
    for role in roles.ROLES.values():
        group = Group.objects.filter(name=role.group_name).first()
        _expect(group is not None, f"role group {role.group_name} missing")
        _expect(group.permissions.exists() or role.key == roles.ADMINISTRATOR, role.key)
    _expect(EmailText.objects.filter(key__startswith="shop.").exists(), "no e-mail texts")
    _expect(set(Fee.objects.values_list("booking_key", flat=True)) >= {"300", "301"}, "fees")
    _expect(ImageProduct.objects.exists(), "no archive price list")


def staff(username: str, role: str, unit: OrgUnit, number: str) -> User:
    user = User.objects.create_user(
        username,
        email=f"{username}@stadt.example",
        password=PASSWORD,
        is_staff=True,
        org_unit=unit,
        personnel_number=number,
        first_name=username.title(),
        last_name="Test",
    )
    user.groups.add(roles.group_for(role))
    Employee.objects.create(
        personnel_number=number,
        first_name=user.first_name,
        last_name=user.last_name,
        email=user.email,
        org_unit=unit,
        user=user,
    )
    return user


def offices_and_staff() -> dict[str, User]:
    unit = OrgUnit.objects.create
    personnel = unit(short_name="10", name="Personal", kind=OrgUnit.Kind.DEPARTMENT)
    team = unit(short_name="10.1", name="Organisation", kind=OrgUnit.Kind.TEAM, parent=personnel)
    hr = unit(short_name="10.3", name="Fortbildung", kind=OrgUnit.Kind.TEAM, parent=personnel)
    service = unit(short_name="BS", name="Bürgerservice", kind=OrgUnit.Kind.TEAM)
    registry = unit(short_name="34", name="Standesamt", kind=OrgUnit.Kind.DEPARTMENT)
    cash = unit(short_name="20.2", name="Stadtkasse", kind=OrgUnit.Kind.TEAM)
    archive = unit(short_name="41.2", name="Stadtarchiv", kind=OrgUnit.Kind.TEAM)
    people = {
        "clerk": staff("clerk", roles.CLERK, service, "9001"),
        "registrar": staff("registrar", roles.REGISTRY_OFFICE, registry, "9002"),
        "cashier": staff("cashier", roles.CASH_OFFICE, cash, "9003"),
        "archivist": staff("archivist", roles.ARCHIVE, archive, "9004"),
        "lead": staff("lead", roles.TEAM_LEAD, team, "9005"),
        "head": staff("head", roles.DEPARTMENT_HEAD, personnel, "9006"),
        "hr": staff("hr", roles.HR_DEVELOPMENT, hr, "9007"),
    }
    OrgUnit.objects.filter(pk=team.pk).update(lead=people["lead"])
    OrgUnit.objects.filter(pk=personnel.pk).update(lead=people["head"])
    Employee.objects.create(
        personnel_number="4711",
        first_name="Hanna",
        last_name="Beispiel",
        email="hanna.beispiel@stadt.example",
        org_unit=team,
        supervisor=Employee.objects.get(personnel_number="9005"),
    )
    return people


def portal(forms: list[tuple[str, str, str, list, IdentificationMode]]) -> dict[str, Page]:
    """The editor's first pages: a home page, the online services, one form per process."""
    root = Page.get_first_root_node()
    home = HomePage(title="Serviceportal", slug="portal")
    root.add_child(instance=home)
    home.save_revision().publish()
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()
    index = ServiceIndexPage(title="Online-Dienste", slug="online-dienste")
    home.add_child(instance=index)
    index.save_revision().publish()
    pages = {}
    for slug, process_key, office, steps, mode in forms:
        page = ServiceFormPage(
            title=slug,
            slug=slug,
            steps=steps,
            process_key=process_key,
            office=OrgUnit.objects.get(short_name=office),
            identification=mode,
        )
        index.add_child(instance=page)
        page.save_revision().publish()
        pages[process_key] = page
    return pages


def apply(page: ServiceFormPage, values: dict) -> Case:
    """Fill every step with ``values`` like a browser would and submit."""
    applicant = Applicant(Client(), page)
    posted = {key: ("on" if value is True else value) for key, value in values.items()}
    for _ in range(40):
        if applicant.position() == "summary":
            break
        response = applicant.next(posted)
        _expect(response.status_code in (200, 302), f"{page.slug}: {response.status_code}")
    else:
        raise AssertionError(f"{page.slug}: the form never reached its summary")
    applicant.submit()
    return Case.objects.filter(process_key=page.process_key).latest("pk")


def work(case: Case, user: User, **data) -> None:
    task = selectors.open_task_for_case(case=case)
    _expect(task is not None, f"{case.number}: no open task for {user}")
    if task.owner_id is None:
        workspace.claim_task(task_id=task.pk, user=user)
    workspace.complete_step(task_id=task.pk, user=user, data=data)


def pay(invoice: Invoice, cashier: User) -> None:
    services.confirm_payment_by_hand(
        invoice=invoice,
        amount=invoice.total,
        received_on=timezone.localdate(),
        note="Kasse",
        actor=cashier,
        token=str(uuid.uuid4()),
    )


def finished(case: Case) -> str:
    case.refresh_from_db()
    _expect(case.status == CaseStatus.COMPLETED, f"{case.process_key}: {case.status}")
    return f"{case.process_key}: {case.number} {case.status}"


def main() -> None:
    setup_test_environment()  # the test settings' mail backend keeps mails in mail.outbox
    _expect(User.objects.filter(is_superuser=True).count() == 1, "createsuperuser")
    _expect(not OrgUnit.objects.exists() and not Case.objects.exists(), "not an empty install")
    check_installation()
    people = offices_and_staff()
    course = Course.objects.create(
        code="K-01",
        title="Moderation",
        starts_on=timezone.localdate() + timedelta(days=30),
        ends_on=timezone.localdate() + timedelta(days=31),
        places=10,
    )
    training_setup.offer_course(course)  # as the course admin does on save
    training = [
        step(
            "Antrag",
            [
                f(
                    "Fortbildung",
                    "catalogue",
                    catalogue=Catalogue.objects.get(name__icontains="Fort"),
                )
            ],
        )
    ]
    pages = portal(
        [
            ("briefkasten", "generic", "BS", mailbox_steps(), IdentificationMode.ANYONE),
            ("urkunden", "civil_status_certificate", "34", certificate_steps(), "anyone"),
            ("fortbildung", "training_registration", "10.3", training, "employee"),
        ]
    )
    lines = []

    case = apply(
        pages["generic"],
        {
            "datenschutz": True,
            "name": "Frank Mustermann",
            "email": "frank@example.org",
            "betreff": "Sperrmüll",
            "nachricht": "Bitte abholen.",
        },
    )
    task = selectors.open_task_for_case(case=case)
    workspace.claim_task(task_id=task.pk, user=people["clerk"])
    generic.answer_and_close(
        task_id=task.pk, user=people["clerk"], subject="Ihre Anfrage", message="Erledigt."
    )
    lines.append(finished(case))

    case = apply(pages["civil_status_certificate"], SEED_VALUES)
    work(case, people["registrar"], decision="yes", missing="", comment="")
    work(case, people["registrar"], decision="yes", comment="")
    work(case, people["registrar"], certificate_number="G 1/1960")
    invoice = Invoice.objects.get(case=case)
    _expect(invoice.total == Decimal("25.00"), f"fee {invoice.total}")
    pay(invoice, people["cashier"])
    _expect(case.files.filter(filename__startswith="Begleitschreiben").exists(), "cover letter")
    lines.append(finished(case))

    case = apply(
        pages["training_registration"],
        {"personnel_number": "4711", "last_name": "Beispiel", "fortbildung": course.code},
    )
    work(case, people["lead"], decision="yes", comment="")
    work(case, people["head"], decision="yes", comment="")
    work(case, people["hr"], decision="yes", comment="")
    _expect(Participation.objects.get(case=case).status == Participation.Status.CONFIRMED, "place")
    lines.append(finished(case))

    # the archive imports a holding as under Archiv-Import (sheet and scans)
    row = [
        "k.jpg",
        "S 1 Nr. 1",
        "Königsplatz",
        "1955",
        1955,
        1955,
        "",
        "Kassel",
        "",
        "",
        "Stadtarchiv",
    ]
    sheet = io.StringIO()
    csv.writer(sheet, delimiter=";").writerows([COLUMNS, row])
    report = import_archive(
        sheet=sheet.getvalue().encode(),
        sheet_name="bestand.csv",
        files={"k.jpg": drawn_photo("Königsplatz", 1)}.get,
    )
    _expect(not report.rejected, f"archive import: {report.rejected}")
    image = ArchiveImage.objects.get(signature="S 1 Nr. 1")
    if not image.published:
        image.published = True
        image.save()
    shop_client = Client()
    product = ImageProduct.objects.filter(usage_type__requires_approval=False).first()
    shop_client.post(reverse("shop:basket_add"), {"image": image.pk, "product": product.pk})
    shop_client.post(
        reverse("shop:basket"),
        {
            "salutation": "Frau",
            "first_name": "Erika",
            "last_name": "Musterfrau",
            "street": "Allee 1",
            "postcode": "34117",
            "town": "Kassel",
            "email": "erika@example.org",
            "purpose": "Privat",
            "accept": "on",
        },
    )
    order = Order.objects.get()
    pay(order.invoice, people["cashier"])
    lines.append(finished(order.case))

    covered = {line.split(":")[0] for line in lines}
    missing = {process.key for process in registered_processes()} - covered
    _expect(not missing, f"processes without a case: {missing}")
    _expect(len(mail.outbox) > 0, "no e-mail went out")
    for line in lines:
        print(line)
