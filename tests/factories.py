"""Factories (factory-boy) for unit and service tests: only the rows a test needs.

The demo content stays for the quick start, the view and browser tests; a test of a
service builds its own office, people, course or invoice here, so it reads what it
depends on and does not pay for loading pages, images and forms it never touches.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.db import transaction
from django.utils import timezone

from flows.models import Course
from portal_site.accounts import roles
from portal_site.accounts.models import Employee, OrgUnit, User
from portal_site.cases.models import Case
from portal_site.cases.services import open_case
from shop import services
from shop.models import BusinessPartner, Invoice


def _counted(next_number):
    """A number from a locked counter row: inside a transaction of its own (PostgreSQL
    refuses ``select_for_update`` outside one, as in a transactional test)."""

    def number():
        with transaction.atomic():
            return next_number()

    return number


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit

    name = factory.Sequence(lambda n: f"Sachgebiet {n}")
    short_name = factory.Sequence(lambda n: f"T{n}")
    kind = OrgUnit.Kind.TEAM
    email = factory.LazyAttribute(lambda unit: f"{unit.short_name.lower()}@stadt.example")


class UserFactory(factory.django.DjangoModelFactory):
    """A staff member; ``role`` puts them into that role's group (as the directory does)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"mitarbeiter{n}")
    first_name = factory.Faker("first_name", locale="de_DE")
    last_name = factory.Faker("last_name", locale="de_DE")
    email = factory.LazyAttribute(lambda user: f"{user.username}@stadt.example")
    is_staff = True

    @factory.post_generation
    def role(self, create, role_key, **kwargs):
        if create and role_key:
            self.groups.add(roles.group_for(role_key))


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee

    personnel_number = factory.Sequence(lambda n: f"{9000 + n}")
    first_name = factory.Faker("first_name", locale="de_DE")
    last_name = factory.Faker("last_name", locale="de_DE")
    email = factory.LazyAttribute(
        lambda e: f"{e.first_name}.{e.last_name}@stadt.example".lower().replace(" ", "")
    )
    org_unit = factory.SubFactory(OrgUnitFactory)


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    code = factory.Sequence(lambda n: f"T-2026-{n:02d}")
    title = factory.Sequence(lambda n: f"Fortbildung {n}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    ends_on = factory.LazyAttribute(lambda course: course.starts_on)
    place = "Rathaus, Raum 101"
    places = 10


class BusinessPartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessPartner

    number = factory.LazyFunction(_counted(services.next_partner_number))
    last_name = factory.Faker("last_name", locale="de_DE")
    email = "zahler@example.org"


class InvoiceFactory(factory.django.DjangoModelFactory):
    """An open invoice with a valid Kassenzeichen (no lines: for payment matching)."""

    class Meta:
        model = Invoice

    reference = factory.LazyFunction(
        _counted(lambda: services.next_reference(on=timezone.localdate()))
    )
    partner = factory.SubFactory(BusinessPartnerFactory)
    subject = "Testgebühr"
    issued_on = factory.LazyFunction(timezone.localdate)
    due_on = factory.LazyFunction(timezone.localdate)
    total = Decimal("10.00")


def case_for(process_key: str, *, office: OrgUnit, values: dict, inputs: dict, **fields) -> Case:
    """A case as the portal opens it (number, timeline), with the process's inputs."""
    return open_case(
        process_key=process_key,
        title=fields.pop("title", "Antrag"),
        data={"answers": [], "values": values, "inputs": inputs},
        office=office,
        **fields,
    )


# The logins the service tests act as: (username, role, office short name, office name).
# The same names as the demo's, so a test reads the same with either; only these rows.
STAFF = [
    ("standesamt", roles.REGISTRY_OFFICE, "34", "Standesamt"),
    ("stadtkasse", roles.CASH_OFFICE, "20.2", "Stadtkasse"),
    ("sachbearbeitung", roles.CLERK, "Bürgerservice", "Bürgerservice"),
    ("stadtarchiv", roles.ARCHIVE, "41.2", "Stadtarchiv"),
    ("administration", roles.ADMINISTRATOR, "10", "Personal und Organisation"),
    ("abteilungsleitung", roles.DEPARTMENT_HEAD, "10", "Personal und Organisation"),
    ("personalentwicklung", roles.HR_DEVELOPMENT, "10.3", "Personalentwicklung"),
    ("sachgebietsleitung", roles.TEAM_LEAD, "10.1", "Sachgebiet Organisation"),
    ("kaemmerei", roles.CLERK, "20", "Kämmerei"),
]


def city_staff() -> dict[str, User]:
    """One login per office a service test needs, each in its office, by username."""
    users = {}
    for username, role, short_name, name in STAFF:
        office = OrgUnit.objects.filter(short_name=short_name).first() or OrgUnitFactory(
            short_name=short_name, name=name
        )
        users[username] = UserFactory(
            username=username,
            role=role,
            org_unit=office,
            is_superuser=role == roles.ADMINISTRATOR,
        )
    return users


def archive_images(*signatures: str) -> None:
    """The demo holdings with these signatures, imported as the archive imports them
    (the usage types and prices are installed with every portal)."""
    from media_archive.demo import HOLDINGS, import_holdings

    rows = [row for row in HOLDINGS if row[1] in signatures]
    assert len(rows) == len(signatures), "unknown signature"
    import_holdings(rows)
