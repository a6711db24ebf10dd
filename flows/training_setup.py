"""Wiring of the training programme: admin pages, the course catalogue, demo courses."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models.signals import post_save
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from portal_site.core.demo import register_demo_step
from serviceportal.catalogues import Catalogue, CatalogueEntry

from . import training_admin
from .models import Course

CATALOGUE = "Fortbildungsprogramm"


def sync_catalogue_entry(sender, instance: Course, **kwargs) -> None:
    """A course maintained by HR development is offered in the portal's course list."""
    catalogue, _created = Catalogue.objects.get_or_create(name=CATALOGUE)
    entry = catalogue.entries.filter(code=instance.code).first()
    if entry is None:
        CatalogueEntry.objects.create(
            catalogue=catalogue,
            code=instance.code,
            label=instance.title,
            sort_order=catalogue.entries.count(),
        )
    elif entry.label != instance.title:
        entry.label = instance.title
        entry.save(update_fields=["label"])


def connect() -> None:
    post_save.connect(sync_catalogue_entry, sender=Course, dispatch_uid="course_catalogue")


def admin_urls():
    return [
        path(
            "fortbildung/kurse/<int:pk>/teilnehmende/",
            training_admin.course_participants,
            name="flows_course_participants",
        ),
        path(
            "fortbildung/kurse/<int:pk>/<str:kind>.pdf",
            training_admin.course_document,
            name="flows_course_document",
        ),
        path(
            "fortbildung/teilnahmen/<int:pk>/abmelden/",
            training_admin.withdraw,
            name="flows_participation_withdraw",
        ),
        path(
            "fortbildung/statistik/",
            training_admin.training_statistics,
            name="flows_training_stats",
        ),
    ]


class ParticipantsColumn(Column):
    def get_value(self, instance):
        return reverse("flows_course_participants", args=[instance.pk])

    cell_template_name = "flows/training/participants_cell.html"


class CourseViewSet(ModelViewSet):
    model = Course
    icon = "date"
    menu_label = _("Courses")
    url_prefix = "fortbildung/kurse"
    list_display = [
        "code",
        "title",
        "starts_on",
        "place",
        "places",
        ParticipantsColumn("participants", label=_("Participants")),
    ]
    list_filter = ["starts_on"]
    search_fields = ["code", "title", "trainer"]
    search_backend_name = None
    form_fields = [
        "code",
        "title",
        "starts_on",
        "ends_on",
        "place",
        "trainer",
        "places",
        "description",
    ]


class StatisticsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("flows.view_participation")


class TrainingGroup(ViewSetGroup):
    menu_label = _("Training")
    menu_icon = "user"
    menu_order = 65
    items = (CourseViewSet,)


def statistics_menu_item():
    return StatisticsMenuItem(
        _("Training statistics"), reverse("flows_training_stats"), icon_name="table", order=66
    )


# -- demo ----------------------------------------------------------------------

TRAINERS = ["Dr. Anna Roth", "Michael Brandt", "Sabine Keller", "Thomas Weber"]
PLACES = ["Rathaus, Raum 101", "Fortbildungszentrum, Raum 2", "Bürgerhaus Wehlheiden"]


def load_training_demo() -> None:
    from serviceportal.demo_forms import COURSES

    first = date(2027, 2, 1)
    for index, (code, title) in enumerate(COURSES):
        starts = first + timedelta(weeks=index)
        Course.objects.get_or_create(
            code=code,
            defaults={
                "title": title,
                "starts_on": starts,
                "ends_on": starts + timedelta(days=1),
                "place": PLACES[index % len(PLACES)],
                "trainer": TRAINERS[index % len(TRAINERS)],
                "places": 12,
            },
        )


register_demo_step(order=40, name="training", run=load_training_demo)
