"""The structure of an editor-built form: steps of fields, with conditions.

Editors compose it in the page editor as a StreamField of steps (each a list of
fields). :func:`build_steps` turns the stored blocks into plain specs that the
form engine works with.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.contrib.forms.utils import get_field_clean_name
from wagtail.snippets.blocks import SnippetChooserBlock

from portal_site.processes import all_inputs

from . import field_rules


class FieldType:
    SINGLELINE = "singleline"
    MULTILINE = "multiline"
    EMAIL = "email"
    NUMBER = "number"
    DATE = "date"
    DROPDOWN = "dropdown"
    RADIO = "radio"
    CHECKBOXES = "checkboxes"
    CHECKBOX = "checkbox"
    FILE = "file"
    CATALOGUE = "catalogue"

    CHOICES = [
        (SINGLELINE, _("Single line text")),
        (MULTILINE, _("Multi-line text")),
        (EMAIL, _("E-mail")),
        (NUMBER, _("Number")),
        (DATE, _("Date")),
        (DROPDOWN, _("Drop-down list")),
        (RADIO, _("Radio buttons")),
        (CHECKBOXES, _("Checkboxes")),
        (CHECKBOX, _("Single checkbox")),
        (FILE, _("File upload")),
        (CATALOGUE, _("Choice from a catalogue")),
    ]
    WITH_CHOICES = {DROPDOWN, RADIO, CHECKBOXES}
    TEXT = {SINGLELINE, MULTILINE, EMAIL}


_ALL_BUT_FILE = {key for key, _label in FieldType.CHOICES} - {FieldType.FILE}

# Which of a field's options apply to which field types ("rules.x": a validation rule).
# The editor shows a field only its type's options (serviceportal/js/form-builder.js
# reads this), and saving clears the others, so nothing hidden takes effect.
FIELD_OPTIONS: dict[str, set[str]] = {
    "default_value": _ALL_BUT_FILE,
    "placeholder": FieldType.TEXT | {FieldType.NUMBER},
    "choices": FieldType.WITH_CHOICES,
    "catalogue": {FieldType.CATALOGUE},
    "file_types": {FieldType.FILE},
    "max_size_mb": {FieldType.FILE},
    "applicant_role": {FieldType.SINGLELINE, FieldType.EMAIL},
    "rules": FieldType.TEXT | {FieldType.NUMBER, FieldType.DATE},
    "rules.minimum": {FieldType.NUMBER},
    "rules.maximum": {FieldType.NUMBER},
    "rules.whole_number": {FieldType.NUMBER},
    "rules.pattern": FieldType.TEXT,
    "rules.custom_pattern": FieldType.TEXT,
    "rules.pattern_message": FieldType.TEXT,
    "rules.date_rule": {FieldType.DATE},
}


def _without_other_types_options(value, field_type: str) -> None:
    """Clear the options (and rules) that do not apply to ``field_type``, in place."""
    for option, types in FIELD_OPTIONS.items():
        if field_type in types or option == "rules":  # the rules group: rule by rule
            continue
        holder, name = value, option
        if "." in option:
            parent, name = option.split(".", 1)
            holder = value.get(parent) or {}
        if name not in holder:
            continue
        current = holder[name]
        if isinstance(current, bool):
            holder[name] = False
        elif isinstance(current, str):
            holder[name] = ""
        elif isinstance(current, list):
            holder[name] = []
        else:
            holder[name] = None


class ApplicantRole:
    NONE = ""
    EMAIL = "email"
    FIRST_NAME = "first_name"
    LAST_NAME = "last_name"
    FULL_NAME = "full_name"

    CHOICES = [
        (NONE, _("—")),
        (EMAIL, _("Applicant's e-mail")),
        (FIRST_NAME, _("Applicant's first name")),
        (LAST_NAME, _("Applicant's last name")),
        (FULL_NAME, _("Applicant's full name")),
    ]


FILE_TYPE_CHOICES = [("pdf", "PDF"), ("jpeg", "JPEG"), ("png", "PNG")]


class ConditionBlock(blocks.StructBlock):
    field = blocks.CharBlock(
        label=_("Show only when field"),
        required=False,
        help_text=_("A field of an earlier step."),
    )
    values = blocks.CharBlock(
        label=_("has one of the values"),
        required=False,
        help_text=_(
            "The answers for which this is shown (for a field without choices: values "
            "separated by commas)."
        ),
    )

    class Meta:
        label = _("Condition")
        form_classname = "condition-block"


def process_input_choices() -> list[tuple[str, str]]:
    """Every declared input of the registered processes, once per name."""
    choices: dict[str, str] = {}
    for process, process_input in all_inputs():
        label = f"{process_input.label} ({process_input.name}) – {process.label}"
        choices.setdefault(process_input.name, label)
    return [("", "—"), *sorted(choices.items(), key=lambda item: item[1])]


class RulesBlock(blocks.StructBlock):
    """Prüfregeln: what an answer must be (numbers, patterns, dates)."""

    minimum = blocks.DecimalBlock(label=_("Minimum"), required=False)
    maximum = blocks.DecimalBlock(label=_("Maximum"), required=False)
    whole_number = blocks.BooleanBlock(label=_("Whole numbers only"), required=False)
    pattern = blocks.ChoiceBlock(
        choices=field_rules.Pattern.CHOICES, label=_("Pattern"), required=False
    )
    custom_pattern = blocks.CharBlock(
        label=_("Own pattern (regular expression)"), required=False, max_length=200
    )
    pattern_message = blocks.CharBlock(
        label=_("Message when the pattern does not match"), required=False, max_length=200
    )
    date_rule = blocks.ChoiceBlock(
        choices=field_rules.DateRule.CHOICES, label=_("The date must be"), required=False
    )

    class Meta:
        label = _("Validation rules")
        collapsed = True


class FieldBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("Label"))
    name = blocks.CharBlock(
        label=_("Name"),
        required=False,
        help_text=_(
            "Technical name used in conditions and exports; derived from the label if empty."
        ),
    )
    field_type = blocks.ChoiceBlock(choices=FieldType.CHOICES, label=_("Field type"))
    required = blocks.BooleanBlock(label=_("Required"), required=False, default=True)
    help_text = blocks.CharBlock(label=_("Help text"), required=False)
    default_value = blocks.CharBlock(label=_("Default value"), required=False)
    placeholder = blocks.CharBlock(label=_("Placeholder"), required=False)
    choices = blocks.TextBlock(
        label=_("Choices"),
        required=False,
        help_text=_(
            "For drop-down lists, radio buttons and checkboxes: one choice per line. In a "
            "translated form write “stored value | shown text” (e.g. “Geburtsurkunde | Birth "
            "certificate”) so that answers, conditions and processes keep the same value."
        ),
    )
    catalogue = SnippetChooserBlock("serviceportal.Catalogue", label=_("Catalogue"), required=False)
    file_types = blocks.MultipleChoiceBlock(
        choices=FILE_TYPE_CHOICES, label=_("Allowed file types"), required=False
    )
    max_size_mb = blocks.IntegerBlock(
        label=_("Maximum file size (MB)"), required=False, min_value=1, max_value=50
    )
    applicant_role = blocks.ChoiceBlock(
        choices=ApplicantRole.CHOICES, label=_("Identifies the applicant as"), required=False
    )
    process_input = blocks.ChoiceBlock(
        choices=process_input_choices,
        label=_("Provides the process input"),
        required=False,
        help_text=_(
            "The value of the back-office process this field answers (e.g. the number of "
            "copies the fee is calculated from). Without a choice, a field whose name is the "
            "input's name provides it."
        ),
    )
    rules = RulesBlock()
    condition = ConditionBlock()

    class Meta:
        label = _("Field")
        icon = "form"

    def clean(self, value):
        value = super().clean(value)
        _without_other_types_options(value, value["field_type"])
        errors = {}
        if value["field_type"] in FieldType.WITH_CHOICES and not (value["choices"] or "").strip():
            errors["choices"] = ValidationError(_("Enter at least one choice."))
        if value["field_type"] == FieldType.CATALOGUE and not value["catalogue"]:
            errors["catalogue"] = ValidationError(_("Choose the catalogue to offer."))
        rule_errors = field_rules.problems_of(value.get("rules") or {}, value["field_type"])
        if rule_errors:
            errors["rules"] = blocks.StructBlockValidationError(
                block_errors={k: ValidationError(v) for k, v in rule_errors.items()}
            )
        if errors:
            raise blocks.StructBlockValidationError(block_errors=errors)
        return value


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Step title"))
    intro = blocks.TextBlock(label=_("Introduction"), required=False)
    condition = ConditionBlock()
    fields = blocks.ListBlock(FieldBlock(), label=_("Fields"))

    class Meta:
        label = _("Step")
        icon = "list-ol"


class StepsBlock(blocks.StreamBlock):
    step = StepBlock()

    def clean(self, value):
        value = super().clean(value)
        seen: set[str] = set()
        for step in value:
            for field_value in step.value["fields"]:
                name = field_name(field_value)
                if not name:
                    raise ValidationError(_("Every field needs a label or a name."))
                if name in seen:
                    raise ValidationError(
                        _("The field name “%(name)s” is used twice; names must be unique.")
                        % {"name": name}
                    )
                seen.add(name)
        for step in value:
            conditions = [step.value["condition"]] + [f["condition"] for f in step.value["fields"]]
            for condition in conditions:
                if condition["field"] and get_field_clean_name(condition["field"]) not in seen:
                    raise ValidationError(
                        _("A condition refers to the unknown field “%(name)s”.")
                        % {"name": condition["field"]}
                    )
        return value


def field_name(value: Any) -> str:
    return get_field_clean_name(value.get("name") or value.get("label") or "")


@dataclass(frozen=True)
class Condition:
    field: str
    values: tuple[str, ...]

    def holds(self, answers: dict[str, Any]) -> bool:
        answer = answers.get(self.field)
        if answer is None or answer == "" or answer == []:
            return False
        if isinstance(answer, bool):
            candidates = {"ja", "yes", "true", "1"} if answer else {"nein", "no", "false", "0"}
            return any(v.lower() in candidates for v in self.values)
        if isinstance(answer, list):
            return any(str(item) in self.values for item in answer)
        return str(answer) in self.values


def _condition(value: Any) -> Condition | None:
    if not value or not value.get("field"):
        return None
    values = tuple(v.strip() for v in (value.get("values") or "").split(",") if v.strip())
    return Condition(field=get_field_clean_name(value["field"]), values=values)


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    field_type: str
    required: bool = False
    help_text: str = ""
    default_value: str = ""
    placeholder: str = ""
    choices: tuple[str, ...] = ()  # the stored values
    choice_labels: tuple[str, ...] = ()  # what the applicant reads, one per value
    catalogue_id: int | None = None
    file_types: tuple[str, ...] = ("pdf", "jpeg", "png")
    max_size_mb: int = 10
    applicant_role: str = ""
    process_input: str = ""
    condition: Condition | None = None
    rules: field_rules.Rules = field_rules.Rules()

    @property
    def clean_name(self) -> str:  # what Wagtail's FormBuilder reads
        return self.name

    def choice_pairs(self) -> list[tuple[str, str]]:
        """(stored value, shown text) per choice; without texts each value shows itself."""
        return list(zip(self.choices, self.choice_labels or self.choices, strict=True))

    def choice_label(self, value: str) -> str:
        return dict(self.choice_pairs()).get(value, value)


CHOICE_SEPARATOR = "|"


def parse_choices(text: str) -> tuple[tuple[str, str], ...]:
    """Choice lines as (stored value, shown text); "value | text" or one text for both."""
    pairs = []
    for line in (text or "").splitlines():
        value, _sep, label = line.partition(CHOICE_SEPARATOR)
        value, label = value.strip(), label.strip()
        if value:
            pairs.append((value, label or value))
    return tuple(pairs)


@dataclass(frozen=True)
class StepSpec:
    key: str
    title: str
    intro: str = ""
    fields: tuple[FieldSpec, ...] = field(default_factory=tuple)
    condition: Condition | None = None

    def visible_fields(self, answers: dict[str, Any]) -> tuple[FieldSpec, ...]:
        return tuple(f for f in self.fields if f.condition is None or f.condition.holds(answers))


def _step_values(stream: Any) -> list[Any]:
    """The steps' values. A stored form is read from its JSON (``raw_data``): turning it into
    block values would ask every field's "process input" choice for the list of processes
    (a query per field and page view)."""
    raw = getattr(stream, "raw_data", None)
    if raw is None:
        return [child.value for child in stream]
    steps = []
    for item in raw:
        value = dict(item["value"])
        value["fields"] = [list_item_value(field) for field in value.get("fields") or []]
        steps.append(value)
    return steps


def list_item_value(item: Any) -> Any:
    """A list block's stored item: ``{"type": "item", "value": {...}, "id": ...}``, or the
    value itself in data stored before Wagtail kept item ids."""
    if isinstance(item, dict) and item.get("type") == "item" and "value" in item:
        return item["value"]
    return item


def _catalogue_id(catalogue: Any) -> int | None:
    if not catalogue:
        return None
    return catalogue.pk if hasattr(catalogue, "pk") else int(catalogue)


def build_steps(stream: Any) -> list[StepSpec]:
    steps = []
    for index, value in enumerate(_step_values(stream)):
        fields = []
        for fv in value["fields"]:
            choices = parse_choices(fv.get("choices"))
            fields.append(
                FieldSpec(
                    name=field_name(fv),
                    label=fv["label"],
                    field_type=fv["field_type"],
                    required=bool(fv.get("required")),
                    help_text=fv.get("help_text") or "",
                    default_value=fv.get("default_value") or "",
                    placeholder=fv.get("placeholder") or "",
                    choices=tuple(value for value, _label in choices),
                    choice_labels=tuple(label for _value, label in choices),
                    catalogue_id=_catalogue_id(fv.get("catalogue")),
                    file_types=tuple(fv.get("file_types") or ("pdf", "jpeg", "png")),
                    max_size_mb=fv.get("max_size_mb") or 10,
                    applicant_role=fv.get("applicant_role") or "",
                    process_input=fv.get("process_input") or "",
                    condition=_condition(fv.get("condition")),
                    rules=field_rules.Rules.from_value(fv.get("rules")),
                )
            )
        steps.append(
            StepSpec(
                key=f"s{index}",
                title=value["title"],
                intro=value.get("intro") or "",
                fields=tuple(fields),
                condition=_condition(value.get("condition")),
            )
        )
    return steps
