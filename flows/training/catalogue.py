"""Wiring of the training programme: admin pages, the course catalogue, demo courses."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import CreateView, EditView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from portal_site.core.demo import register_demo_step

from ..models import Course
from . import admin_views
from .services import offer_course


class CourseCreateView(CreateView):
    def save_instance(self):
        with transaction.atomic():
            course = super().save_instance()
            offer_course(course)
            return course


class CourseEditView(EditView):
    def save_instance(self):
        with transaction.atomic():
            course = super().save_instance()
            offer_course(course)
            return course


def admin_urls():
    return [
        path(
            "fortbildung/kurse/<int:pk>/teilnehmende/",
            admin_views.course_participants,
            name="flows_course_participants",
        ),
        path(
            "fortbildung/kurse/<int:pk>/<str:kind>.pdf",
            admin_views.course_document,
            name="flows_course_document",
        ),
        path(
            "fortbildung/teilnahmen/<int:pk>/abmelden/",
            admin_views.withdraw,
            name="flows_participation_withdraw",
        ),
        path(
            "fortbildung/statistik/",
            admin_views.training_statistics,
            name="flows_training_stats",
        ),
    ]


class ParticipantsColumn(Column):
    def get_value(self, instance):
        return reverse("flows_course_participants", args=[instance.pk])

    cell_template_name = "flows/training/participants_cell.html"


class CourseViewSet(ModelViewSet):
    model = Course
    add_view_class = CourseCreateView
    edit_view_class = CourseEditView
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
        course, _created = Course.objects.get_or_create(
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
        offer_course(course)


register_demo_step(order=40, name="training", run=load_training_demo)
