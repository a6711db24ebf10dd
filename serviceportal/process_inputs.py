"""Which field of an online form provides which input of the page's process.

A process declares the values it reads (:class:`portal_site.processes.ProcessInput`).
The editor maps a form field to an input ("Liefert die Prozess-Eingabe"); a field
whose name is the input's name provides it when no field is mapped. Several
fields may provide one input (e.g. the number of copies asked in each kind of
certificate's own step): the first one the applicant answered counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from portal_site.processes import ProcessInput, UnknownProcess, get_process

from .form_definition import FieldSpec


def declared_inputs(process_key: str) -> tuple[ProcessInput, ...]:
    if not process_key:
        return ()
    try:
        return get_process(process_key).inputs
    except UnknownProcess:
        return ()


def starter_roles(process_key: str) -> tuple[str, ...]:
    """The roles one of which an applicant of the process must hold (empty: anyone)."""
    if not process_key:
        return ()
    try:
        return get_process(process_key).starter_roles
    except UnknownProcess:
        return ()


def refusals(process_key: str, fields: Iterable[FieldSpec], values: dict[str, Any]) -> list[str]:
    """Why the page's process refuses these answers before a case is made (empty: none)."""
    if not process_key:
        return []
    try:
        check = get_process(process_key).refusals
    except UnknownProcess:
        return []
    return list(check(resolve(fields, values, process_key), values)) if check else []


def providers(fields: Iterable[FieldSpec], process_key: str) -> dict[str, list[str]]:
    """For each declared input the form provides: the names of the fields providing it."""
    fields = list(fields)
    mapped: dict[str, list[str]] = {}
    for spec in fields:
        if spec.process_input:
            mapped.setdefault(spec.process_input, []).append(spec.name)
    names = {spec.name for spec in fields}
    found = {}
    for process_input in declared_inputs(process_key):
        if process_input.name in mapped:
            found[process_input.name] = mapped[process_input.name]
        elif process_input.name in names:
            found[process_input.name] = [process_input.name]
    return found


def missing_inputs(fields: Iterable[FieldSpec], process_key: str) -> list[ProcessInput]:
    """The required inputs of the process no field of the form provides."""
    provided = providers(fields, process_key)
    return [i for i in declared_inputs(process_key) if i.required and i.name not in provided]


def resolve(fields: Iterable[FieldSpec], values: dict[str, Any], process_key: str) -> dict:
    """The inputs' values from the applicant's answers (only the inputs answered)."""
    inputs = {}
    for name, field_names in providers(fields, process_key).items():
        for field_name in field_names:
            value = values.get(field_name)
            if value not in (None, "", []):
                inputs[name] = value
                break
    return inputs
