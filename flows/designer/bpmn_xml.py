"""The BPMN 2.0 vocabulary the export (:mod:`.bpmn`), the import (:mod:`.bpmn_import`) and
the step kinds (:mod:`.kinds`) share: namespaces, this portal's extension settings."""

from __future__ import annotations

import json
from xml.etree import ElementTree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SP = "https://stadtportal.example/bpmn/1"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
ElementTree.register_namespace("bpmn", BPMN)
ElementTree.register_namespace("bpmndi", BPMNDI)
ElementTree.register_namespace("dc", DC)
ElementTree.register_namespace("di", DI)
ElementTree.register_namespace("xsi", XSI)
ElementTree.register_namespace("sp", SP)

ASSIGNMENT = (("assignee", "assignee"), ("person", "person"), ("earlier_task", "earlierTask"))
# A task's settings BPMN has no attribute for: extension settings (JSON values).
TASK_SETTINGS = (
    "office",
    "role",
    "fields",
    "escalate_after_days",
    "not_by_applicant",
    "not_by_steps",
    "to_complete",
)
OTHER_EXITS = ("unpaid", "refused")  # a fee's exit after a Storno, a refused reservation
JOIN = "__join"


class BpmnError(ValueError):
    """The file is no BPMN this portal can take (the message is for people)."""


def _q(namespace: str, tag: str) -> str:
    return f"{{{namespace}}}{tag}"


def _settings(element, step: dict, fields) -> None:
    """Settings as ``sp:setting`` extension elements, each value as JSON."""
    extension = element.find(_q(BPMN, "extensionElements"))
    if extension is None:
        extension = ElementTree.SubElement(element, _q(BPMN, "extensionElements"))
    for field in fields:
        if step.get(field) not in (None, ""):
            ElementTree.SubElement(extension, _q(SP, "setting"), {"name": field}).text = json.dumps(
                step[field], ensure_ascii=False
            )


def _read_settings(element) -> dict:
    settings = {}
    for setting in element.iter(_q(SP, "setting")):
        text = setting.text or ""
        try:
            settings[setting.get("name")] = json.loads(text)
        except ValueError:  # an older export: the value as text
            settings[setting.get("name")] = text
    return settings


def _local(element) -> str:
    return element.tag.rsplit("}", 1)[-1]
