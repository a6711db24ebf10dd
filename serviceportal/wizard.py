"""The multi-step session logic of an online form: where the applicant is, what they entered.

A :class:`FormWizard` serves one :class:`~serviceportal.form_pages.ServiceFormPage`
to one applicant. Their progress (position, answers, drafts left by "Back",
uploads, identity) is kept server-side in the session under the page's id, never
in the browser; every position up to the first incomplete one is reachable, the
summary (and so sending) only when every visible step's answers pass validation
again. Sending hands the collected application to the page's
``process_form_submission`` (submission, case and process in one transaction).
"""

from __future__ import annotations

import copy
import uuid
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext, gettext_lazy

from . import process_inputs, resume, uploads
from .form_definition import ApplicantRole, FieldType, StepSpec
from .form_engine import build_step_form, display_value, initial_from_json, to_json
from .identification import EmployeeIdentificationForm, IdentificationMode, organisation_of
from .submission import Application

if TYPE_CHECKING:
    from .form_pages import ServiceFormPage

IDENTIFY = "identify"
SUMMARY = "summary"


class SaveForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("E-mail address for the link"),
        max_length=254,
        help_text=gettext_lazy("We send the link to continue to this address."),
    )


def login_url(next_url: str) -> str:
    return f"{reverse('serviceportal:login')}?{urlencode({'next': next_url})}"


class FormWizard:
    """One applicant's way through one form page (the page holds the form's definition)."""

    def __init__(self, page: ServiceFormPage) -> None:
        self.page = page

    @staticmethod
    def fresh_state() -> dict[str, Any]:
        return {
            "token": uuid.uuid4().hex,
            "position": "",
            "answers": {},
            "drafts": {},
            "uploads": {},
            "identity": {},
            "seen": [],  # the steps the applicant was shown and went on from
        }

    def load(self, request) -> dict[str, Any]:
        state = request.session.get(f"serviceform:{self.page.pk}")
        if not isinstance(state, dict) or "token" not in state:
            state = self.fresh_state()
            request.session[f"serviceform:{self.page.pk}"] = state
        return state

    def store(self, request, state) -> None:
        request.session[f"serviceform:{self.page.pk}"] = state
        request.session.modified = True

    def reset(self, request) -> None:
        request.session.pop(f"serviceform:{self.page.pk}", None)

    def visible_steps(self, answers: dict[str, Any]) -> list[StepSpec]:
        return [
            s for s in self.page.step_specs if s.condition is None or s.condition.holds(answers)
        ]

    def positions(self, state) -> list[str]:
        head = [IDENTIFY] if self.page.identification == IdentificationMode.EMPLOYEE else []
        return head + [s.key for s in self.visible_steps(state["answers"])] + [SUMMARY]

    def step(self, key: str) -> StepSpec | None:
        return next((s for s in self.page.step_specs if s.key == key), None)

    def is_identified(self, state) -> bool:
        return (state.get("identity") or {}).get("kind") == "employee"

    def position_is_complete(self, position: str, state) -> bool:
        """Whether the answers kept for ``position`` pass its validation (again)."""
        if position == IDENTIFY:
            return self.is_identified(state)
        step = self.step(position)
        if step is None or position not in (state.get("seen") or []):
            # a step counts as answered only once the applicant was shown it and went on:
            # a step of optional fields is never skipped for being valid when empty
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

    def next_position(self, state, position: str) -> str:
        positions = self.positions(state)
        if position not in positions:  # the step's own answer hid it
            return self.reachable_positions(state)[-1]
        return positions[min(positions.index(position) + 1, len(positions) - 1)]

    def previous_position(self, state, position: str) -> str:
        positions = self.positions(state)
        earlier = positions[: positions.index(position)] if position in positions else []
        if earlier[-1:] == [IDENTIFY] and self.is_identified(state):
            earlier.pop()  # an identified applicant is not asked again
        return earlier[-1] if earlier else position

    def visible_answers(self, state):
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
        for step, spec, value in self.visible_answers(state):
            values[spec.name] = value
            answers.append(
                {
                    "step": step.title,
                    "name": spec.name,
                    "label": spec.label,
                    "value": _kept(spec, value),
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
        for spec in self.page.all_fields():
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

    def serve(self, request):
        """A step (GET), the applicant's answer to it (POST), or where to go next."""
        if request.GET.get("neu"):
            self.reset(request)
            return HttpResponseRedirect(self.page.url)
        done = request.GET.get("eingang")
        if done:
            return self.page.serve_confirmation(request, done)
        if request.method == "POST" and request.POST.get("action") == "submit":
            sent = self.page.sent_submission(request.POST.get("token"))
            if sent is not None:  # a double click, a reload or a replayed POST
                return redirect(self.page.confirmation_url(sent.token.hex))
        state = self.load(request)
        if self.page.identification == IdentificationMode.ORGANISATION:
            identity = self.organisation_identity(request.user)
            if identity is None:
                return self.render_step(request, state, IDENTIFY, form=None, login_required=True)
            if state["identity"] != identity:
                state["identity"] = identity
                self.store(request, state)
        reachable = self.reachable_positions(state)
        if request.method == "POST":
            posted = request.POST.get("position", "")
            if posted not in reachable:
                # A step not open yet: a forged position, or answers that the form,
                # changed meanwhile, no longer accepts. Nothing is stored or sent.
                state["position"] = reachable[-1]
                self.store(request, state)
                messages.error(
                    request,
                    gettext("Some answers are missing or no longer valid. Please check them."),
                )
                return HttpResponseRedirect(self.page.url)
            return self.handle_post(request, state, posted)
        position = state["position"] if state["position"] in reachable else reachable[-1]
        if position == IDENTIFY and self.is_identified(state):
            position = reachable[1]
        return self.render_step(request, state, position, form=self.unbound_form(state, position))

    def step_form_class(self, step: StepSpec, state):
        """The step's form; an upload kept from an earlier visit need not be sent again
        (the form lists it with a button to remove it)."""
        form_class = self.page.get_step_form_class(step, answers=state["answers"])
        kept = {
            name: info
            for name, info in state["uploads"].items()
            if name in form_class.base_fields  # type: ignore[attr-defined]
        }
        if not kept:
            return form_class
        fields = {}
        for name, field in form_class.base_fields.items():  # type: ignore[attr-defined]
            if name in kept:
                field = copy.deepcopy(field)
                field.required = False
                field.kept_upload = {  # read by the field's template
                    "filename": kept[name]["filename"],
                    "size": kept[name]["size"],
                }
            fields[name] = field
        return type(form_class.__name__, (form_class,), fields)

    def unbound_form(self, state, position):
        if position == IDENTIFY:
            return EmployeeIdentificationForm()
        step = self.step(position)
        if step is None:
            return None
        form_class = self.step_form_class(step, state)
        initial = {
            spec.name: initial_from_json(spec, state["answers"][spec.name])
            for spec in step.visible_fields(state["answers"])
            if spec.name in state["answers"]
        }
        # Answers left by "Back" without validation are shown again as typed.
        initial.update(state["drafts"].get(position) or {})
        return form_class(initial=initial)

    def keep_draft(self, request, state, position) -> None:
        step = self.step(position)
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

    def keep_answers(self, step: StepSpec, form, state) -> None:
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

    def handle_post(self, request, state, position):
        action = request.POST.get("action", "next")
        if action == "back":
            self.keep_draft(request, state, position)
            state["position"] = self.previous_position(state, position)
            self.store(request, state)
            return HttpResponseRedirect(self.page.url)
        if action == "save":  # "Zwischenspeichern": the address to send the link to
            if position not in (IDENTIFY, SUMMARY):
                self.keep_draft(request, state, position)
            state["position"] = position
            self.store(request, state)
            return self.render_save(request, state, position)
        if action == "save_confirm":
            form = SaveForm(request.POST)
            if not form.is_valid():
                return self.render_save(request, state, position, form=form)
            saved = resume.save_application(
                page=self.page, state=state, email=form.cleaned_data["email"]
            )
            messages.success(
                request,
                gettext(
                    "Your answers are saved. We have sent the link to continue to %(email)s; "
                    "it is valid until %(until)s."
                )
                % {"email": saved.email, "until": resume.valid_until(saved)},
            )
            return HttpResponseRedirect(self.page.url)
        if action.startswith("remove:"):  # a kept upload: removed, the step shown again
            self.keep_draft(request, state, position)
            info = state["uploads"].pop(action.split(":", 1)[1], None)
            if info:
                uploads.delete_temporary(info)
                messages.success(
                    request,
                    gettext("The file “%(name)s” was removed.") % {"name": info["filename"]},
                )
            self.store(request, state)
            return HttpResponseRedirect(self.page.url)
        if action.startswith("edit:"):
            target = action.split(":", 1)[1]
            if target in self.reachable_positions(state):
                state["position"] = target
                self.store(request, state)
            return HttpResponseRedirect(self.page.url)
        if position == SUMMARY:
            if action != "submit":
                return HttpResponseRedirect(self.page.url)
            return self.submit(request, state)
        if position == IDENTIFY:
            form = EmployeeIdentificationForm(
                request.POST,
                request=request,
                scope=f"employee-form-{self.page.pk}",
                starter_roles=process_inputs.starter_roles(self.page.process_key),
            )
            if not form.is_valid():
                return self.render_step(request, state, position, form=form)
            state["identity"] = form.identity.as_session()
        else:
            step = self.step(position)
            form = self.step_form_class(step, state)(request.POST, request.FILES)
            if not form.is_valid():
                return self.render_step(request, state, position, form=form)
            self.keep_answers(step, form, state)
            seen = state.setdefault("seen", [])
            if position not in seen:
                seen.append(position)
        state["position"] = self.next_position(state, position)
        self.store(request, state)
        return HttpResponseRedirect(self.page.url)

    def submit(self, request, state):
        if request.POST.get("token") != state["token"]:
            messages.error(request, gettext("Please check your answers and send them again."))
            return HttpResponseRedirect(self.page.url)
        application = self.build_application(request, state)
        refused = self.incomplete(application) or process_inputs.refusals(
            self.page.process_key, self.page.all_fields(), application.values
        )
        if refused:  # e.g. already registered for the course: nothing is sent, nothing lost
            for reason in refused:
                messages.error(request, reason)
            return HttpResponseRedirect(self.page.url)
        submission = self.page.process_form_submission(application)
        resume.forget(state_token=state["token"])
        self.reset(request)
        request.session[f"serviceform-done:{self.page.pk}"] = submission.token.hex
        return redirect(self.page.confirmation_url(submission.token.hex))

    def incomplete(self, application: Application) -> list[str]:
        """What the form's identification and its process's required inputs need and the
        application lacks (the server's last word, whatever the steps let through)."""
        problems = []
        if (
            self.page.identification == IdentificationMode.ANYONE
            and not application.applicant_email
        ):
            problems.append(
                gettext("Please give your e-mail address: we send the confirmation there.")
            )
        fields, key = self.page.all_fields(), self.page.process_key
        provided = process_inputs.resolve(fields, application.values, key)
        providers = process_inputs.providers(fields, key)
        labels = {spec.name: spec.label for spec in fields}
        for process_input in process_inputs.declared_inputs(key):
            if process_input.required and process_input.name not in provided:
                names = providers.get(process_input.name) or []
                problems.append(
                    gettext("Please answer “%(field)s”: it is needed to handle your request.")
                    % {"field": labels[names[0]] if names else process_input.label}
                )
        return problems

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

    def get_step_context(self, request, state, position, *, form, login_required=False):
        positions = self.positions(state)
        current = positions.index(position) if position in positions else 0
        titles = {IDENTIFY: gettext("Identification"), SUMMARY: gettext("Check your answers")}
        context = self.page.get_context(request)
        context.update(
            {
                "form": form,
                "position": position,
                "step": self.step(position),
                "progress": [
                    {
                        "key": key,
                        "title": titles.get(key) or self.step(key).title,
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
                "summary": self.summary(state) if position == SUMMARY else [],
                "token": state["token"],
                "login_required": login_required,
                "login_url": login_url(self.page.url),
            }
        )
        return context

    def render_save(self, request, state, position, *, form=None):
        """The question for the address the resume link goes to (the applicant's, if known)."""
        context = self.get_step_context(request, state, position, form=None)
        _name, email = self.applicant(state)
        context.update(
            {
                "is_save": True,
                "save_form": form or SaveForm(initial={"email": email}),
                "resume_days": resume.days(),
            }
        )
        return TemplateResponse(request, self.page.get_template(request), context)

    def render_step(self, request, state, position, *, form, login_required=False):
        context = self.get_step_context(
            request, state, position, form=form, login_required=login_required
        )
        return TemplateResponse(request, self.page.get_template(request), context)

    def summary(self, state) -> list[dict[str, Any]]:
        groups: dict[str, dict[str, Any]] = {}
        for step, spec, value in self.visible_answers(state):
            group = groups.setdefault(step.key, {"key": step.key, "title": step.title, "rows": []})
            group["rows"].append({"label": spec.label, "value": display_value(spec, value)})
        return list(groups.values())


def _kept(spec, value) -> str:
    """An answer as the case keeps it: in the city's language (records, documents, exports),
    whichever language the applicant used."""
    with translation.override(settings.LANGUAGE_CODE):
        return display_value(spec, value)
