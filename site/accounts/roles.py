"""Staff roles: one Django group each, with the permissions the role needs.

Roles are defined here in code and written to the database by
:func:`sync_roles`, which is idempotent (called by migrations' data step, the
demo loader and ``manage.py sync_roles``). Packages higher up add the
permissions of their own models through :func:`register_role_permissions`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from portal_site.registry import Registry


@dataclass(frozen=True)
class Role:
    key: str
    group_name: str
    description: str
    permissions: list[str] = field(default_factory=list)


# Staff who work on cases may see cases and the files filed with them.
CASE_WORK = ["cases.view_case", "cases.view_casefile"]

EDITOR = "editor"
CLERK = "clerk"
TEAM_LEAD = "team_lead"
DEPARTMENT_HEAD = "department_head"
HR_DEVELOPMENT = "hr_development"
REGISTRY_OFFICE = "registry_office"
CASH_OFFICE = "cash_office"
ARCHIVE = "archive"
PROCESS_DESIGNER = "process_designer"
ADMINISTRATOR = "administrator"

# Group names are German: they are what administrators see and what LDAP group
# mapping refers to. Descriptions are translated.
ROLES: dict[str, Role] = {
    role.key: role
    for role in [
        Role(EDITOR, "Redaktion", _("Maintains portal pages and online forms.")),
        Role(CLERK, "Sachbearbeitung", _("Works on cases and tasks of their office."), CASE_WORK),
        Role(
            TEAM_LEAD, "Sachgebietsleitung", _("Recommends and approves for their team."), CASE_WORK
        ),
        Role(DEPARTMENT_HEAD, "Abteilungsleitung", _("Decides for their department."), CASE_WORK),
        Role(HR_DEVELOPMENT, "Personalentwicklung", _("Runs the training programme."), CASE_WORK),
        Role(REGISTRY_OFFICE, "Standesamt", _("Issues civil-status certificates."), CASE_WORK),
        Role(CASH_OFFICE, "Stadtkasse", _("Checks payments and bookings."), CASE_WORK),
        Role(ARCHIVE, "Stadtarchiv", _("Maintains the media archive and its orders."), CASE_WORK),
        Role(
            PROCESS_DESIGNER,
            "Prozessgestaltung",
            _("Composes and publishes the processes of their office in the designer."),
        ),
        Role(ADMINISTRATOR, "Administration", _("Runs the installation.")),
    ]
}

# Every staff role may open the Wagtail admin (the one staff workspace).
_COMMON = ["wagtailadmin.access_admin"]
# (role key, permission) -> True: what packages grant a role for their own models.
_EXTRA: Registry[tuple[str, str], bool] = Registry("role permissions")


def register_role_permissions(role_key: str, *permissions: str) -> None:
    """Let a package grant ``app_label.codename`` permissions to a role."""
    ROLES[role_key]  # KeyError for a role that does not exist
    for permission in permissions:
        _EXTRA.register((role_key, permission), True)


def permissions_for(role_key: str) -> list[str]:
    return sorted(
        {*_COMMON, *ROLES[role_key].permissions, *(p for (role, p) in _EXTRA if role == role_key)}
    )


def _resolve(permission: str) -> Permission | None:
    app_label, codename = permission.split(".", 1)
    return Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()


# Editors work on the whole page tree and on the root image/document collection.
EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
EDITOR_COLLECTION_PERMISSIONS = [
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
]


def _grant_editor_tree(group: Group) -> None:
    from wagtail.models import GroupPagePermission, Page

    root_page = Page.get_first_root_node()
    if root_page is not None:
        for codename in EDITOR_PAGE_PERMISSIONS:
            permission = _resolve(f"wagtailcore.{codename}")
            if permission is not None:
                GroupPagePermission.objects.get_or_create(
                    group=group, page=root_page, permission=permission
                )
    _grant_collection(group, EDITOR_COLLECTION_PERMISSIONS)


# Wagtail checks image and document rights per collection, never by the group's model
# permissions alone: the archive's staff edit the archive's images through these.
ARCHIVE_COLLECTION_PERMISSIONS = [
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
]


def _grant_collection(group: Group, names: list[str]) -> None:
    from wagtail.models import Collection, GroupCollectionPermission

    root_collection = Collection.get_first_root_node()
    if root_collection is None:
        return
    for name in names:
        permission = _resolve(name)
        if permission is not None:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root_collection, permission=permission
            )


@transaction.atomic
def sync_roles() -> dict[str, Group]:
    """Create or update one group per role with exactly its permissions."""
    groups: dict[str, Group] = {}
    for key, role in ROLES.items():
        group, _created = Group.objects.get_or_create(name=role.group_name)
        perms = [p for p in (_resolve(name) for name in permissions_for(key)) if p]
        group.permissions.set(perms)
        groups[key] = group
    _grant_editor_tree(groups[EDITOR])
    _grant_collection(groups[ARCHIVE], ARCHIVE_COLLECTION_PERMISSIONS)
    return groups


def group_for(role_key: str) -> Group:
    return Group.objects.get(name=ROLES[role_key].group_name)


def role_keys_of(user) -> list[str]:
    """The roles whose groups the user is in."""
    if user is None or not user.is_authenticated:
        return []
    names = set(user.groups.values_list("name", flat=True))
    return [key for key, role in ROLES.items() if role.group_name in names]
