"""The editor-built multi-step online form (ServiceFormPage) and its submissions."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractForm
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from portal_site.cases.models import Case
from portal_site.processes import process_choices

from . import availability, process_inputs
from .form_definition import (
    ApplicantRole,
    FieldSpec,
    StepsBlock,
    StepSpec,
    build_steps,
)
from .form_engine import StepForm, build_step_form
from .form_submissions import ServiceFormSubmission
from .identification import IdentificationMode
from .slugs import GermanSlugMixin
from .submission import Application, status_path, submit_application
from .wizard import FormWizard

DEFAULT_EMAIL_SUBJECT = "Eingangsbestätigung {case_number}: {form_title}"
DEFAULT_EMAIL_BODY = (
    "Guten Tag {applicant_name},\n\n"
    "vielen Dank für Ihren Antrag „{form_title}“. Er ist am {received_at} unter der "
    "Vorgangsnummer {case_number} bei uns eingegangen.\n\n"
    "Den Stand der Bearbeitung sehen Sie jederzeit hier:\n{status_url}\n\n"
    "Ihre Angaben:\n{summary}\n\n"
    "Mit freundlichen Grüßen\nIhre Stadtverwaltung Kassel"
)


class ProcessKeyField(models.CharField):
    """A process key; the editor chooses from the processes registered at start-up."""

    def formfield(self, **kwargs):
        from django import forms

        kwargs["form_class"] = forms.TypedChoiceField
        kwargs["choices"] = lambda: [("", "—"), *process_choices()]
        kwargs.pop("max_length", None)
        return models.Field.formfield(self, **kwargs)


class ServiceFormPage(GermanSlugMixin, AbstractForm):
    """An online form of named steps that opens a case when it is sent.

    Built on Wagtail's form page: the submission class, data fields, submissions
    listing and export, ``process_form_submission`` and ``render_landing_page``
    are Wagtail's hooks; the steps, conditions and identification are added here.
    """

    intro = RichTextField(_("introduction"), blank=True)
    steps = StreamField(StepsBlock(), verbose_name=_("steps"), blank=True)
    process_key = ProcessKeyField(
        _("process"),
        max_length=100,
        blank=True,
        help_text=_("Which back-office process handles the applications."),
    )
    office = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("responsible office"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    case_title = models.CharField(
        _("case type name"),
        max_length=255,
        blank=True,
        help_text=_("Shown to staff as the case's title; the page title if empty."),
    )
    identification = models.CharField(
        _("identification"),
        max_length=20,
        choices=IdentificationMode.choices,
        default=IdentificationMode.ANYONE,
    )
    confirmation_text = RichTextField(
        _("confirmation page text"),
        blank=True,
        default="<p>Vielen Dank! Ihr Antrag ist eingegangen.</p>",
    )
    confirmation_email_subject = models.CharField(
        _("confirmation e-mail subject"), max_length=255, default=DEFAULT_EMAIL_SUBJECT
    )
    confirmation_email_body = models.TextField(
        _("confirmation e-mail text"),
        default=DEFAULT_EMAIL_BODY,
        help_text=_(
            "Placeholders: {case_number}, {form_title}, {applicant_name}, {received_at}, "
            "{status_url}, {summary}."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("steps"),
    ]
    settings_panels = [
        MultiFieldPanel(
            [
                FieldPanel("process_key"),
                FieldPanel("office"),
                FieldPanel("case_title"),
                FieldPanel("identification"),
            ],
            heading=_("Processing"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("confirmation_text"),
                FieldPanel("confirmation_email_subject"),
                FieldPanel("confirmation_email_body"),
            ],
            heading=_("Confirmation"),
        ),
        *Page.settings_panels,
    ]
    parent_page_types = [
        "serviceportal.ServiceIndexPage",
        "serviceportal.HomePage",
        "serviceportal.ContentPage",
    ]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("online form")
        verbose_name_plural = _("online forms")

    preview_modes = [("form", _("Form")), ("landing", _("Confirmation page"))]

    # -- structure -----------------------------------------------------------

    @cached_property
    def step_specs(self) -> list[StepSpec]:
        return build_steps(self.steps)

    def all_fields(self) -> list[FieldSpec]:
        return [f for step in self.step_specs for f in step.fields]

    def clean(self) -> None:
        """A form must provide every value its process reads (say which one is missing)."""
        super().clean()
        if (
            process_inputs.starter_roles(self.process_key)
            and self.identification != IdentificationMode.EMPLOYEE
        ):
            raise ValidationError(
                {
                    "identification": _(
                        "Only employees with a certain role may start this process: the "
                        "form must identify employees."
                    )
                }
            )
        fields = [f for step in build_steps(self.steps) for f in step.fields]
        missing = process_inputs.missing_inputs(fields, self.process_key)
        if missing:
            raise ValidationError(
                {
                    "steps": [
                        ValidationError(
                            _(
                                "The process needs the input “%(label)s” (%(name)s), but no "
                                "field provides it. Choose it under “Provides the process "
                                "input” of the field that asks for it, or name a field "
                                "“%(name)s”."
                            ),
                            params={"label": process_input.label, "name": process_input.name},
                        )
                        for process_input in missing
                    ]
                }
            )
        problems = [*_optional_providers(fields, self.process_key)]
        if self.identification == IdentificationMode.ANYONE:
            problems += _email_problems(fields)
        if problems:
            raise ValidationError({"steps": problems})

    def get_form_fields(self):
        return self.all_fields()

    def get_data_fields(self):
        fields = [
            ("case_number", gettext("Case number")),
            ("submit_time", gettext("Submission date")),
            ("applicant_name", gettext("Applicant")),
        ]
        if self.identification == IdentificationMode.EMPLOYEE:
            fields.append(("personnel_number", gettext("Personnel number")))
        return fields + [(f.name, f.label) for f in self.all_fields()]

    def get_submission_class(self):
        return ServiceFormSubmission

    def get_submissions_list_view_class(self):
        from .submission_export import SafeSubmissionsListView

        return SafeSubmissionsListView

    def get_submissions(self):
        return super().get_submissions().select_related("case")

    def get_form_class(self):
        """Wagtail's one-form hook: the form of the first step."""
        if not self.step_specs:
            return StepForm
        return self.get_step_form_class(self.step_specs[0], answers={})

    def get_step_form_class(self, step: StepSpec, *, answers: dict[str, Any]) -> type[StepForm]:
        """The form of ``step`` with the fields its conditions show for ``answers``; a field
        naming a resource the process reserves offers only what is free (availability.py)."""
        form_class = build_step_form(step.visible_fields(answers))
        return availability.limit_to_free(form_class, page=self, answers=answers)

    # -- the applicant's progress, kept server-side in the session ---------------

    # -- serving ------------------------------------------------------------------

    def process_form_submission(self, application: Application) -> ServiceFormSubmission:
        """Send the application: submission, case, files, process and e-mail in one go.

        Wagtail's hook, called with the whole multi-step application instead of one
        form; override it to add to the submission.
        """
        case = submit_application(page=self, application=application)
        return ServiceFormSubmission.objects.get(case=case)

    def sent_submission(self, token) -> ServiceFormSubmission | None:
        token = _as_uuid(token)
        if token is None:
            return None
        return ServiceFormSubmission.objects.filter(
            page=self, token=token, case__isnull=False
        ).first()

    def confirmation_url(self, token) -> str:
        return f"{self.url}?{urlencode({'eingang': str(token)})}"

    def serve_confirmation(self, request, token):
        # Only the browser that sent the application sees its confirmation.
        if request.session.get(f"serviceform-done:{self.pk}") != token:
            return HttpResponseRedirect(self.url)
        submission = self.sent_submission(token)
        if submission is None:
            return HttpResponseRedirect(self.url)
        return self.render_landing_page(request, submission)

    def render_landing_page(self, request, form_submission=None, *args, **kwargs):
        """The confirmation page with the case number (an example in the editor's preview)."""
        if form_submission is not None:
            case, status = form_submission.case, status_path(form_submission.case)
        else:
            now = timezone.now()
            case, status = Case(number=f"{timezone.localdate(now):%y}.0001", received_at=now), ""
        context = self.get_context(request)
        context.update({"form_submission": form_submission, "case": case, "status_url": status})
        return TemplateResponse(request, self.get_landing_page_template(request), context)

    def serve(self, request, *args, **kwargs):
        """The form's steps, its summary and its confirmation (:mod:`serviceportal.wizard`)."""
        return FormWizard(self).serve(request)

    def get_preview_context(self, request, mode_name):
        wizard = FormWizard(self)
        state = wizard.fresh_state()
        position = wizard.positions(state)[0]
        return wizard.get_step_context(
            request, state, position, form=wizard.unbound_form(state, position)
        )


def _as_uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def _optional_providers(fields, process_key: str) -> list[ValidationError]:
    """A required process input whose every providing field is optional: an applicant
    could leave it empty (the submit check would then refuse them)."""
    by_name = {spec.name: spec for spec in fields}
    providers = process_inputs.providers(fields, process_key)
    problems = []
    for process_input in process_inputs.declared_inputs(process_key):
        names = providers.get(process_input.name) or []
        if process_input.required and names and not any(by_name[n].required for n in names):
            problems.append(
                ValidationError(
                    _(
                        "The process needs the input “%(label)s”, but the field “%(field)s” "
                        "that provides it is optional. Tick “Required” for it."
                    ),
                    params={"label": process_input.label, "field": by_name[names[0]].label},
                )
            )
    return problems


def _email_problems(fields) -> list[ValidationError]:
    """ "Anyone, with an e-mail address" needs a required field that is the applicant's
    e-mail (its "applicant's" setting)."""
    emails = [spec for spec in fields if spec.applicant_role == ApplicantRole.EMAIL]
    if not emails:
        return [
            ValidationError(
                _(
                    "The identification “anyone, with an e-mail address” needs a field for "
                    "the applicant's e-mail: add an e-mail field and choose “Applicant's "
                    "e-mail” under “Identifies the applicant as”."
                )
            )
        ]
    if not any(spec.required for spec in emails):
        return [
            ValidationError(
                _(
                    "The identification “anyone, with an e-mail address” needs the e-mail, "
                    "but the field “%(field)s” is optional. Tick “Required” for it."
                ),
                params={"field": emails[0].label},
            )
        ]
    return []
