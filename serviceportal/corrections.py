"""A clerk corrects an applicant's answer on the case, so no case gets stuck on it.

The new value passes the same checks as in the form (its type and the editor's
rules); the case's answers, values and the process inputs they provide are
updated together, and the timeline keeps the old and the new value.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal_site.accounts.models import User
from portal_site.cases import events
from portal_site.cases.models import Case
from portal_site.cases.services import record

from . import process_inputs
from .form_definition import FieldSpec, FieldType
from .form_engine import build_step_form, display_value, to_json
from .form_pages import ServiceFormPage

NOT_CORRECTABLE = {FieldType.FILE}


def _page(case: Case) -> ServiceFormPage | None:
    page_id = ((case.data or {}).get("form") or {}).get("page_id")
    return ServiceFormPage.objects.filter(pk=page_id).first() if page_id else None


def correctable_fields(case: Case) -> list[FieldSpec]:
    """The fields of the case's form the applicant answered that a clerk may correct."""
    page = _page(case)
    if page is None or case.personal_data_deleted_at is not None:
        return []
    answered = set(((case.data or {}).get("values") or {}).keys())
    return [
        spec
        for spec in page.all_fields()
        if spec.name in answered and spec.field_type not in NOT_CORRECTABLE
    ]


@transaction.atomic
def correct_answer(*, case: Case, actor: User, name: str, raw_value: str) -> str:
    """Replace one answer (checked like in the form); returns the value as shown."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    specs = {spec.name: spec for spec in correctable_fields(case)}
    spec = specs.get(name)
    if spec is None:
        raise ValidationError(_("This answer cannot be corrected here."))
    form = build_step_form((spec,))({name: raw_value})
    if not form.is_valid():
        raise ValidationError(form.errors[name])
    value = to_json(form.cleaned_data[name])
    data = dict(case.data)
    values = dict(data.get("values") or {})
    old = values.get(name)
    values[name] = value
    data["values"] = values
    shown = display_value(spec, value)
    data["answers"] = [
        {**answer, "value": shown} if answer.get("name") == name else answer
        for answer in data.get("answers") or []
    ]
    page = _page(case)
    if page is not None:
        data["inputs"] = process_inputs.resolve(page.all_fields(), values, case.process_key)
    case.data = data
    case.save(update_fields=["data", "updated_at"])
    record(
        case=case,
        actor=actor,
        message=events.ANSWER_CORRECTED(label=spec.label, old=display_value(spec, old), new=shown),
        data={"correction": True, "field": name, "old": old, "new": value},
    )
    return shown
