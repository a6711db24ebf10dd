"""The kernel's install step (roles) and demo content (org units, employees, one login per role)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.models import Collection, Locale, Page

from portal_site.accounts import roles
from portal_site.accounts.models import Employee, OrgUnit, User

from .demo import DEMO_PASSWORD, register_demo_step

# (username, first name, last name, role, org unit short name, personnel number)
DEMO_USERS = [
    ("redaktion", "Erika", "Redlich", roles.EDITOR, "PuO", "1001"),
    ("sachbearbeitung", "Sven", "Sachs", roles.CLERK, "Bürgerservice", "1002"),
    ("sachgebietsleitung", "Greta", "Leitner", roles.TEAM_LEAD, "10.1", "1111"),
    ("abteilungsleitung", "Albert", "Hauptmann", roles.DEPARTMENT_HEAD, "10", "1124"),
    ("personalentwicklung", "Petra", "Entwich", roles.HR_DEVELOPMENT, "10.3", "1003"),
    ("standesamt", "Stefan", "Standke", roles.REGISTRY_OFFICE, "34", "1004"),
    ("stadtkasse", "Karla", "Kassner", roles.CASH_OFFICE, "20.2", "1005"),
    ("stadtarchiv", "Arne", "Archivar", roles.ARCHIVE, "41.2", "1006"),
    ("kaemmerei", "Konrad", "Kämmerer", roles.CLERK, "20", "1007"),
    ("prozessgestaltung", "Paula", "Planer", roles.PROCESS_DESIGNER, "Bürgerservice", "1008"),
    ("administration", "Ada", "Admin", roles.ADMINISTRATOR, "10", "1000"),
]

# (short name, name, kind, parent short name, e-mail)
DEMO_ORG_UNITS = [
    ("10", "Personal und Organisation", OrgUnit.Kind.DEPARTMENT, None, "personal@kassel.de"),
    ("10.1", "Sachgebiet Organisation", OrgUnit.Kind.TEAM, "10", ""),
    ("10.3", "Personalentwicklung", OrgUnit.Kind.TEAM, "10", "fortbildung@kassel.de"),
    ("PuO", "Sachgebiet Internet und Redaktion", OrgUnit.Kind.TEAM, "10", ""),
    ("20", "Kämmerei", OrgUnit.Kind.DEPARTMENT, None, "kaemmerei@kassel.de"),
    ("20.2", "Stadtkasse", OrgUnit.Kind.TEAM, "20", "stadtkasse@kassel.de"),
    ("33", "Bürgeramt", OrgUnit.Kind.DEPARTMENT, None, "buergeramt@kassel.de"),
    ("Bürgerservice", "Bürgerservice", OrgUnit.Kind.TEAM, "33", "buergerservice@kassel.de"),
    ("34", "Standesamt", OrgUnit.Kind.DEPARTMENT, None, "standesamt@kassel.de"),
    ("41", "Kulturamt", OrgUnit.Kind.DEPARTMENT, None, ""),
    ("41.2", "Stadtarchiv", OrgUnit.Kind.TEAM, "41", "stadtarchiv@kassel.de"),
]

# The letterheads of the offices that issue documents (Organisation → Org units).
DEMO_LETTERHEADS = {
    "41.2": {
        "letter_name": "Stadtarchiv Kassel",
        "english_name": "Kassel City Archive",
        "postal_address": "Wildemannsgasse 1\n34117 Kassel",
        "phone": "0561 787-4032",
        "opening_hours": "Di–Do 9:00–16:00 Uhr\nFr 9:00–13:00 Uhr",
    },
    "34": {
        "letter_name": "Standesamt Kassel",
        "english_name": "Kassel Registry Office",
        "postal_address": "Obere Königsstraße 8\n34117 Kassel",
        "phone": "0561 787-3401",
        "opening_hours": "Mo–Fr 8:00–12:00 Uhr\nDo 14:00–17:00 Uhr",
    },
    "20.2": {
        "letter_name": "Stadtkasse Kassel",
        "english_name": "Kassel Cash Office",
        "phone": "0561 787-2020",
    },
}

# Employees of the directory who are not staff users (applicants in the demo).
DEMO_EMPLOYEES = [
    ("2001", "Hans", "Mustermann", "hans.mustermann@kassel.de", "10.1"),
    ("2002", "Silvia", "Beispiel", "silvia.beispiel@kassel.de", "10.1"),
    ("2003", "Gerlinde", "Musterfrau", "gerlinde.musterfrau@kassel.de", "20.2"),
    ("2004", "Wiebke", "Müller", "wiebke.mueller@kassel.de", "33"),
    ("2005", "Dana", "Meier", "dana.meier@kassel.de", "Bürgerservice"),
    ("2006", "Melanie", "Schulze", "melanie.schulze@kassel.de", "41.2"),
]


def ensure_wagtail_roots() -> Page:
    """Wagtail's migrations create these; a flushed database (tests) lacks them."""
    for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
        Locale.objects.get_or_create(language_code=code)
    if Collection.get_first_root_node() is None:
        Collection.add_root(instance=Collection(name="Root"))
    # Wagtail creates its admin-access permission in a data migration, not post_migrate.
    admin_type, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    Permission.objects.get_or_create(
        content_type=admin_type,
        codename="access_admin",
        defaults={"name": "Can access Wagtail admin"},
    )
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=Locale.get_default()))
    return root


def setup_kernel() -> dict[str, int]:
    """Install step (every installation): the page and collection roots, the role groups."""
    ensure_wagtail_roots()
    return {"roles": len(roles.sync_roles())}


@transaction.atomic
def load_kernel_demo() -> dict[str, int]:
    groups = {key: roles.group_for(key) for key in roles.ROLES}
    units: dict[str, OrgUnit] = {}
    for short, name, kind, parent, email in DEMO_ORG_UNITS:
        unit, _ = OrgUnit.objects.update_or_create(
            short_name=short,
            defaults={
                "name": name,
                "kind": kind,
                "parent": units.get(parent),
                "email": email,
                **DEMO_LETTERHEADS.get(short, {}),
            },
        )
        units[short] = unit
    for username, first, last, role, unit_short, number in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username)
            user.set_password(DEMO_PASSWORD)
        user.first_name, user.last_name = first, last
        user.email = f"{username}@kassel.de"
        user.org_unit = units[unit_short]
        user.personnel_number = number
        user.is_staff = True
        user.is_superuser = role == roles.ADMINISTRATOR
        user.save()
        user.groups.add(groups[role])
        Employee.objects.update_or_create(
            personnel_number=number,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": user.email,
                "org_unit": units[unit_short],
                "user": user,
            },
        )
    # Leads: the team lead leads 10.1, the department head leads 10.
    lead_of = {"10.1": "sachgebietsleitung", "10": "abteilungsleitung"}
    for short, username in lead_of.items():
        OrgUnit.objects.filter(pk=units[short].pk).update(lead=User.objects.get(username=username))
    # The team lead is the department's deputy lead: she decides what the department head
    # may not (his own request, four-eyes principle).
    OrgUnit.objects.filter(pk=units["10"].pk).update(
        deputy=User.objects.get(username="sachgebietsleitung")
    )
    team_lead = Employee.objects.get(personnel_number="1111")
    for number, first, last, email, unit_short in DEMO_EMPLOYEES:
        Employee.objects.update_or_create(
            personnel_number=number,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": email,
                "org_unit": units[unit_short],
                "supervisor": team_lead if unit_short == "10.1" else None,
            },
        )
    return {"users": len(DEMO_USERS), "org_units": len(units)}


register_demo_step(order=0, name="kernel", run=load_kernel_demo)
