"""The editor-built multi-step online form (ServiceFormPage) and its submissions."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.db import models
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractFormSubmission, FormMixin
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from portal_site.processes import process_choices

from . import uploads
from .form_definition import ApplicantRole, FieldType, StepsBlock, StepSpec, build_steps
from .form_engine import build_step_form, display_value, initial_from_json, to_json
from .identification import EmployeeIdentificationForm, IdentificationMode, organisation_of
from .submission import Application, submit_application

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


class ServiceFormPage(FormMixin, Page):
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

    # -- structure -----------------------------------------------------------

    @cached_property
    def step_specs(self) -> list[StepSpec]:
        return build_steps(self.steps)

    def all_fields(self):
        return [f for step in self.step_specs for f in step.fields]

    def get_form_fields(self):
        return self.all_fields()

    def get_data_fields(self):
        return [
            ("case_number", gettext("Case number")),
            ("submit_time", gettext("Submission date")),
            *[(f.name, f.label) for f in self.all_fields()],
        ]

    def get_submission_class(self):
        return ServiceFormSubmission

    # -- the applicant's session ----------------------------------------------

    def _form_state(self, request) -> dict[str, Any]:
        key = f"serviceform:{self.pk}"
        state = request.session.get(key)
        if not isinstance(state, dict) or "token" not in state:
            state = {
                "token": uuid.uuid4().hex,
                "position": "",
                "answers": {},
                "drafts": {},
                "uploads": {},
                "identity": {},
            }
            request.session[key] = state
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

    def collected(self, state) -> tuple[list[dict[str, str]], dict[str, Any]]:
        """Answers of the visible steps and fields only, in form order."""
        answers, values = [], {}
        for step in self.visible_steps(state["answers"]):
            for spec in step.visible_fields(state["answers"]):
                value = state["answers"].get(spec.name)
                if spec.field_type == FieldType.FILE:
                    value = state["uploads"].get(spec.name)
                    value = {"filename": value["filename"]} if value else None
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

    # -- serving ------------------------------------------------------------------

    def serve(self, request, *args, **kwargs):
        if request.GET.get("neu"):
            self._reset_form_state(request)
            return HttpResponseRedirect(self.url)
        done = request.GET.get("eingang")
        if done:
            return self._serve_confirmation(request, done)
        state = self._form_state(request)
        if self.identification == IdentificationMode.ORGANISATION:
            organisation = organisation_of(request.user)
            if organisation is None:
                return self._render(request, state, IDENTIFY, form=None, login_required=True)
            state["identity"] = {
                "kind": "organisation",
                "name": organisation.name,
                "email": request.user.email or organisation.email,
                "organisation_id": organisation.pk,
            }
            self._store_form_state(request, state)
        positions = self.positions(state)
        position = state.get("position") if state.get("position") in positions else positions[0]
        if request.method == "POST":
            posted = request.POST.get("position", "")
            if posted in positions:
                position = posted
            return self._handle_post(request, state, positions, position)
        if position == IDENTIFY and state.get("identity"):
            position = positions[1]
        return self._render(request, state, position, form=self._unbound_form(state, position))

    def _unbound_form(self, state, position):
        if position == IDENTIFY:
            return EmployeeIdentificationForm(request=None)
        step = self._step(position)
        if step is None:
            return None
        fields = step.visible_fields(state["answers"])
        form_class = build_step_form(fields)
        initial = {}
        for spec in fields:
            if spec.name in state["answers"]:
                initial[spec.name] = initial_from_json(spec, state["answers"][spec.name])
        # Answers left by "Back" without validation are shown again as typed.
        initial.update(state["drafts"].get(position) or {})
        return form_class(initial=initial)

    def _handle_post(self, request, state, positions, position):
        action = request.POST.get("action", "next")
        index = positions.index(position)
        if action == "back":
            if position not in (IDENTIFY, SUMMARY):
                step = self._step(position)
                names = {f.name for f in step.fields} if step else set()
                state["drafts"][position] = {
                    k: (
                        request.POST.getlist(k)
                        if len(request.POST.getlist(k)) > 1
                        else request.POST.get(k)
                    )
                    for k in names
                    if k in request.POST
                }
            state["position"] = positions[max(index - 1, 0)]
            self._store_form_state(request, state)
            return HttpResponseRedirect(self.url)
        if action.startswith("edit:"):
            target = action.split(":", 1)[1]
            if target in positions:
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
                return self._render(request, state, position, form=form, status=200)
            state["identity"] = form.identity.as_session()
        else:
            step = self._step(position)
            form_class = build_step_form(step.visible_fields(state["answers"]))
            form = form_class(request.POST, request.FILES)
            if not form.is_valid():
                return self._render(request, state, position, form=form, status=200)
            for spec in step.visible_fields(state["answers"]):
                value = form.cleaned_data.get(spec.name)
                if spec.field_type == FieldType.FILE:
                    if value:
                        old = state["uploads"].get(spec.name)
                        if old:
                            uploads.delete_temporary(old)
                        state["uploads"][spec.name] = uploads.store_temporary(value)
                    continue
                state["answers"][spec.name] = to_json(value)
            state["drafts"].pop(position, None)
        positions = self.positions(state)
        state["position"] = positions[min(positions.index(position) + 1, len(positions) - 1)]
        self._store_form_state(request, state)
        return HttpResponseRedirect(self.url)

    def _missing_required_upload(self, state) -> bool:
        for step in self.visible_steps(state["answers"]):
            for spec in step.visible_fields(state["answers"]):
                if (
                    spec.field_type == FieldType.FILE
                    and spec.required
                    and spec.name not in state["uploads"]
                ):
                    return True
        return False

    def _submit(self, request, state):
        if request.POST.get("token") != state["token"]:
            # A replayed or stale POST: if this token's application was sent, show it.
            existing = ServiceFormSubmission.objects.filter(
                page=self, token=_as_uuid(request.POST.get("token"))
            ).first()
            if existing and existing.case_id:
                return redirect(self._confirmation_url(existing.token.hex))
            messages.error(request, gettext("Please check your answers and send them again."))
            return HttpResponseRedirect(self.url)
        if self._missing_required_upload(state):
            messages.error(request, gettext("A required file is missing."))
            return HttpResponseRedirect(self.url)
        answers, values = self.collected(state)
        name, email = self.applicant(state)
        uploads_to_file = {
            spec_name: info
            for spec_name, info in state["uploads"].items()
            if values.get(spec_name) is not None
        }
        submit_application(
            page=self,
            application=Application(
                token=uuid.UUID(state["token"]),
                answers=answers,
                values=values,
                applicant_name=name,
                applicant_email=email,
                uploads=uploads_to_file,
                applicant_user=request.user if request.user.is_authenticated else None,
            ),
        )
        token = state["token"]
        self._reset_form_state(request)
        request.session[f"serviceform-done:{self.pk}"] = token
        return redirect(self._confirmation_url(token))

    def _confirmation_url(self, token) -> str:
        return f"{self.url}?{urlencode({'eingang': str(token)})}"

    def _serve_confirmation(self, request, token):
        # Only the browser that sent the application sees its confirmation.
        if request.session.get(f"serviceform-done:{self.pk}") != token:
            return HttpResponseRedirect(self.url)
        submission = (
            ServiceFormSubmission.objects.filter(page=self, token=_as_uuid(token))
            .select_related("case")
            .first()
        )
        if submission is None or submission.case is None:
            return HttpResponseRedirect(self.url)
        from .submission import status_path

        return TemplateResponse(
            request,
            "serviceportal/service_form_page_landing.html",
            {
                "page": self,
                "self": self,
                "case": submission.case,
                "status_url": status_path(submission.case),
            },
        )

    def _render(self, request, state, position, *, form, status=200, login_required=False):
        positions = self.positions(state)
        titles = []
        for key in positions:
            if key == IDENTIFY:
                titles.append((key, gettext("Identification")))
            elif key == SUMMARY:
                titles.append((key, gettext("Check your answers")))
            else:
                titles.append((key, self._step(key).title))
        current = positions.index(position) if position in positions else 0
        context = self.get_context(request)
        answers, _values = self.collected(state)
        context.update(
            {
                "form": form,
                "position": position,
                "step": self._step(position),
                "progress": [
                    {
                        "key": k,
                        "title": t,
                        "number": i + 1,
                        "current": i == current,
                        "done": i < current,
                    }
                    for i, (k, t) in enumerate(titles)
                ],
                "is_first": current == 0,
                "is_identify": position == IDENTIFY,
                "is_summary": position == SUMMARY,
                "summary": self._summary(state),
                "token": state["token"],
                "login_required": login_required,
                "login_url": f"{reverse('serviceportal:login')}?{urlencode({'next': self.url})}",
                "answers": answers,
            }
        )
        return TemplateResponse(
            request, "serviceportal/service_form_page.html", context, status=status
        )

    def _summary(self, state):
        groups = []
        for step in self.visible_steps(state["answers"]):
            rows = []
            for spec in step.visible_fields(state["answers"]):
                value = state["answers"].get(spec.name)
                if spec.field_type == FieldType.FILE:
                    value = state["uploads"].get(spec.name)
                rows.append({"label": spec.label, "value": display_value(spec, value)})
            groups.append({"key": step.key, "title": step.title, "rows": rows})
        return groups


def _as_uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


class ServiceFormSubmission(AbstractFormSubmission):
    """A submission of an online form; its token makes sending idempotent."""

    token = models.UUIDField(_("submission token"), unique=True, default=uuid.uuid4)
    case = models.OneToOneField(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="form_submission",
    )

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")
        ordering = ["-submit_time"]

    def get_data(self):
        data = super().get_data()
        data["case_number"] = self.case.number if self.case_id else ""
        return data
