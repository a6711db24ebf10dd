"""The editor-built multi-step online form (ServiceFormPage) and its submissions."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
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

from . import process_inputs, uploads
from .form_definition import (
    ApplicantRole,
    FieldSpec,
    FieldType,
    StepsBlock,
    StepSpec,
    build_steps,
)
from .form_engine import StepForm, build_step_form, display_value, initial_from_json, to_json
from .form_submissions import ServiceFormSubmission
from .identification import EmployeeIdentificationForm, IdentificationMode, organisation_of
from .submission import Application, status_path, submit_application

IDENTIFY = "identify"
SUMMARY = "summary"

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


class ServiceFormPage(AbstractForm):
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
        """The form of ``step`` with the fields its conditions show for ``answers``."""
        return build_step_form(step.visible_fields(answers))

    # -- the applicant's progress, kept server-side in the session ---------------

    @staticmethod
    def _fresh_state() -> dict[str, Any]:
        return {
            "token": uuid.uuid4().hex,
            "position": "",
            "answers": {},
            "drafts": {},
            "uploads": {},
            "identity": {},
        }

    def _form_state(self, request) -> dict[str, Any]:
        state = request.session.get(f"serviceform:{self.pk}")
        if not isinstance(state, dict) or "token" not in state:
            state = self._fresh_state()
            request.session[f"serviceform:{self.pk}"] = state
        return state

    def _store_form_state(self, request, state) -> None:
        request.session[f"serviceform:{self.pk}"] = state
        request.session.modified = True

    def _reset_form_state(self, request) -> None:
        request.session.pop(f"serviceform:{self.pk}", None)

    def visible_steps(self, answers: dict[str, Any]) -> list[StepSpec]:
        return [s for s in self.step_specs if s.condition is None or s.condition.holds(answers)]

    def positions(self, state) -> list[str]:
        head = [IDENTIFY] if self.identification == IdentificationMode.EMPLOYEE else []
        return head + [s.key for s in self.visible_steps(state["answers"])] + [SUMMARY]

    def _step(self, key: str) -> StepSpec | None:
        return next((s for s in self.step_specs if s.key == key), None)

    def is_identified(self, state) -> bool:
        return (state.get("identity") or {}).get("kind") == "employee"

    def position_is_complete(self, position: str, state) -> bool:
        """Whether the answers kept for ``position`` pass its validation (again)."""
        if position == IDENTIFY:
            return self.is_identified(state)
        step = self._step(position)
        if step is None:
            return False
        fields = step.visible_fields(state["answers"])
        kept = {
            spec.name: state["answers"][spec.name]
            for spec in fields
            if spec.field_type != FieldType.FILE and spec.name in state["answers"]
        }
        form_class = build_step_form(tuple(s for s in fields if s.field_type != FieldType.FILE))
        if not form_class(data=kept).is_valid():
            return False
        return all(
            spec.name in state["uploads"]
            for spec in fields
            if spec.field_type == FieldType.FILE and spec.required
        )

    def first_incomplete_position(self, state) -> str | None:
        """The first identification or step still missing valid answers, if any."""
        for position in self.positions(state)[:-1]:
            if not self.position_is_complete(position, state):
                return position
        return None

    def reachable_positions(self, state) -> list[str]:
        """Where the applicant may go: every position up to the first incomplete one.

        The summary (and so sending) is reachable only when the identification and
        every visible step's kept answers pass validation again: a step cannot be
        skipped by posting another position, and a form changed meanwhile asks again.
        """
        positions = self.positions(state)
        stop = self.first_incomplete_position(state)
        return positions if stop is None else positions[: positions.index(stop) + 1]

    def _next_position(self, state, position: str) -> str:
        positions = self.positions(state)
        if position not in positions:  # the step's own answer hid it
            return self.reachable_positions(state)[-1]
        return positions[min(positions.index(position) + 1, len(positions) - 1)]

    def _previous_position(self, state, position: str) -> str:
        positions = self.positions(state)
        earlier = positions[: positions.index(position)] if position in positions else []
        if earlier[-1:] == [IDENTIFY] and self.is_identified(state):
            earlier.pop()  # an identified applicant is not asked again
        return earlier[-1] if earlier else position

    def _visible_answers(self, state):
        """(step, field, kept value) of every step and field the conditions show."""
        for step in self.visible_steps(state["answers"]):
            for spec in step.visible_fields(state["answers"]):
                if spec.field_type == FieldType.FILE:
                    value = state["uploads"].get(spec.name)
                    yield step, spec, {"filename": value["filename"]} if value else None
                else:
                    yield step, spec, state["answers"].get(spec.name)

    def collected(self, state) -> tuple[list[dict[str, str]], dict[str, Any]]:
        """Answers of the visible steps and fields only, in form order."""
        answers, values = [], {}
        for step, spec, value in self._visible_answers(state):
            values[spec.name] = value
            answers.append(
                {
                    "step": step.title,
                    "name": spec.name,
                    "label": spec.label,
                    "value": display_value(spec, value),
                }
            )
        identity = state.get("identity") or {}
        if identity.get("personnel_number"):
            values["personnel_number"] = identity["personnel_number"]
        return answers, values

    def applicant(self, state) -> tuple[str, str]:
        identity = state.get("identity") or {}
        if identity.get("kind") == "employee":
            return f"{identity['first_name']} {identity['last_name']}", identity.get("email", "")
        if identity.get("kind") == "organisation":
            return identity["name"], identity.get("email", "")
        roles: dict[str, str] = {}
        for spec in self.all_fields():
            if spec.applicant_role and state["answers"].get(spec.name):
                roles[spec.applicant_role] = str(state["answers"][spec.name])
        name = roles.get(ApplicantRole.FULL_NAME) or " ".join(
            v
            for v in (roles.get(ApplicantRole.FIRST_NAME), roles.get(ApplicantRole.LAST_NAME))
            if v
        )
        return name, roles.get(ApplicantRole.EMAIL, "")

    def organisation_identity(self, user) -> dict[str, Any] | None:
        organisation = organisation_of(user)
        if organisation is None:
            return None
        return {
            "kind": "organisation",
            "name": organisation.name,
            "email": user.email or organisation.email,
            "organisation_id": organisation.pk,
        }

    # -- serving ------------------------------------------------------------------

    def serve(self, request, *args, **kwargs):
        if request.GET.get("neu"):
            self._reset_form_state(request)
            return HttpResponseRedirect(self.url)
        done = request.GET.get("eingang")
        if done:
            return self.serve_confirmation(request, done)
        if request.method == "POST" and request.POST.get("action") == "submit":
            sent = self._sent_submission(request.POST.get("token"))
            if sent is not None:  # a double click, a reload or a replayed POST
                return redirect(self._confirmation_url(sent.token.hex))
        state = self._form_state(request)
        if self.identification == IdentificationMode.ORGANISATION:
            identity = self.organisation_identity(request.user)
            if identity is None:
                return self.render_step(request, state, IDENTIFY, form=None, login_required=True)
            if state["identity"] != identity:
                state["identity"] = identity
                self._store_form_state(request, state)
        reachable = self.reachable_positions(state)
        if request.method == "POST":
            posted = request.POST.get("position", "")
            if posted not in reachable:
                # A step not open yet: a forged position, or answers that the form,
                # changed meanwhile, no longer accepts. Nothing is stored or sent.
                state["position"] = reachable[-1]
                self._store_form_state(request, state)
                messages.error(
                    request,
                    gettext("Some answers are missing or no longer valid. Please check them."),
                )
                return HttpResponseRedirect(self.url)
            return self._handle_post(request, state, posted)
        position = state["position"] if state["position"] in reachable else reachable[-1]
        if position == IDENTIFY and self.is_identified(state):
            position = reachable[1]
        return self.render_step(request, state, position, form=self._unbound_form(state, position))

    def _unbound_form(self, state, position):
        if position == IDENTIFY:
            return EmployeeIdentificationForm()
        step = self._step(position)
        if step is None:
            return None
        form_class = self.get_step_form_class(step, answers=state["answers"])
        initial = {
            spec.name: initial_from_json(spec, state["answers"][spec.name])
            for spec in step.visible_fields(state["answers"])
            if spec.name in state["answers"]
        }
        # Answers left by "Back" without validation are shown again as typed.
        initial.update(state["drafts"].get(position) or {})
        return form_class(initial=initial)

    def _keep_draft(self, request, state, position) -> None:
        step = self._step(position)
        if step is None:
            return
        state["drafts"][position] = {
            spec.name: (
                request.POST.getlist(spec.name)
                if spec.field_type == FieldType.CHECKBOXES
                else request.POST.get(spec.name)
            )
            for spec in step.fields
            if spec.name in request.POST
        }

    def _keep_answers(self, step: StepSpec, form, state) -> None:
        for spec in step.visible_fields(state["answers"]):
            value = form.cleaned_data.get(spec.name)
            if spec.field_type != FieldType.FILE:
                state["answers"][spec.name] = to_json(value)
            elif value:
                old = state["uploads"].get(spec.name)
                if old:
                    uploads.delete_temporary(old)
                state["uploads"][spec.name] = uploads.store_temporary(value)
        state["drafts"].pop(step.key, None)

    def _handle_post(self, request, state, position):
        action = request.POST.get("action", "next")
        if action == "back":
            self._keep_draft(request, state, position)
            state["position"] = self._previous_position(state, position)
            self._store_form_state(request, state)
            return HttpResponseRedirect(self.url)
        if action.startswith("edit:"):
            target = action.split(":", 1)[1]
            if target in self.reachable_positions(state):
                state["position"] = target
                self._store_form_state(request, state)
            return HttpResponseRedirect(self.url)
        if position == SUMMARY:
            if action != "submit":
                return HttpResponseRedirect(self.url)
            return self._submit(request, state)
        if position == IDENTIFY:
            form = EmployeeIdentificationForm(
                request.POST, request=request, scope=f"employee-form-{self.pk}"
            )
            if not form.is_valid():
                return self.render_step(request, state, position, form=form)
            state["identity"] = form.identity.as_session()
        else:
            step = self._step(position)
            form_class = self.get_step_form_class(step, answers=state["answers"])
            form = form_class(request.POST, request.FILES)
            if not form.is_valid():
                return self.render_step(request, state, position, form=form)
            self._keep_answers(step, form, state)
        state["position"] = self._next_position(state, position)
        self._store_form_state(request, state)
        return HttpResponseRedirect(self.url)

    def _submit(self, request, state):
        if request.POST.get("token") != state["token"]:
            messages.error(request, gettext("Please check your answers and send them again."))
            return HttpResponseRedirect(self.url)
        submission = self.process_form_submission(self.build_application(request, state))
        self._reset_form_state(request)
        request.session[f"serviceform-done:{self.pk}"] = submission.token.hex
        return redirect(self._confirmation_url(submission.token.hex))

    def build_application(self, request, state) -> Application:
        """Everything the applicant entered and who they are, ready to be sent."""
        answers, values = self.collected(state)
        name, email = self.applicant(state)
        return Application(
            token=uuid.UUID(state["token"]),
            answers=answers,
            values=values,
            applicant_name=name,
            applicant_email=email,
            uploads={
                field: info
                for field, info in state["uploads"].items()
                if values.get(field) is not None
            },
            applicant_user=request.user if request.user.is_authenticated else None,
        )

    def process_form_submission(self, application: Application) -> ServiceFormSubmission:
        """Send the application: submission, case, files, process and e-mail in one go.

        Wagtail's hook, called with the whole multi-step application instead of one
        form; override it to add to the submission.
        """
        case = submit_application(page=self, application=application)
        return ServiceFormSubmission.objects.get(case=case)

    def _sent_submission(self, token) -> ServiceFormSubmission | None:
        token = _as_uuid(token)
        if token is None:
            return None
        return ServiceFormSubmission.objects.filter(
            page=self, token=token, case__isnull=False
        ).first()

    def _confirmation_url(self, token) -> str:
        return f"{self.url}?{urlencode({'eingang': str(token)})}"

    def serve_confirmation(self, request, token):
        # Only the browser that sent the application sees its confirmation.
        if request.session.get(f"serviceform-done:{self.pk}") != token:
            return HttpResponseRedirect(self.url)
        submission = self._sent_submission(token)
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

    def get_preview_context(self, request, mode_name):
        state = self._fresh_state()
        position = self.positions(state)[0]
        return self.get_step_context(
            request, state, position, form=self._unbound_form(state, position)
        )

    def get_step_context(self, request, state, position, *, form, login_required=False):
        positions = self.positions(state)
        current = positions.index(position) if position in positions else 0
        titles = {IDENTIFY: gettext("Identification"), SUMMARY: gettext("Check your answers")}
        context = self.get_context(request)
        context.update(
            {
                "form": form,
                "position": position,
                "step": self._step(position),
                "progress": [
                    {
                        "key": key,
                        "title": titles.get(key) or self._step(key).title,
                        "number": number,
                        "current": number - 1 == current,
                        "done": number - 1 < current,
                    }
                    for number, key in enumerate(positions, start=1)
                ],
                "is_first": current == 0
                or (positions[current - 1] == IDENTIFY and self.is_identified(state)),
                "is_identify": position == IDENTIFY,
                "is_summary": position == SUMMARY,
                "summary": self._summary(state) if position == SUMMARY else [],
                "token": state["token"],
                "login_required": login_required,
                "login_url": f"{reverse('serviceportal:login')}?{urlencode({'next': self.url})}",
            }
        )
        return context

    def render_step(self, request, state, position, *, form, login_required=False):
        context = self.get_step_context(
            request, state, position, form=form, login_required=login_required
        )
        return TemplateResponse(request, self.get_template(request), context)

    def _summary(self, state) -> list[dict[str, Any]]:
        groups: dict[str, dict[str, Any]] = {}
        for step, spec, value in self._visible_answers(state):
            group = groups.setdefault(step.key, {"key": step.key, "title": step.title, "rows": []})
            group["rows"].append({"label": spec.label, "value": display_value(spec, value)})
        return list(groups.values())


def _as_uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None
