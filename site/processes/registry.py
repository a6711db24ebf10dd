from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise

from portal_site.registry import Registry

if TYPE_CHECKING:
    from portal_site.accounts.models import User
    from portal_site.cases.models import Case

Starter = Callable[..., Any]


class UnknownProcess(LookupError):
    def __init__(self, key: str) -> None:
        super().__init__(f"No process is registered under the key {key!r}.")
        self.key = key


class InputKind:
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    TIME = "time"
    CHOICE = "choice"
    YES_NO = "yes_no"
    EMAIL = "email"


@dataclass(frozen=True)
class ProcessInput:
    """A value a process reads from the application (``case.data["inputs"][name]``).

    A form that uses the process provides it from one of its fields: the field
    the editor maps to it or, when no field is mapped, the field of that name.
    """

    name: str
    label: str | Promise  # what it means, shown to editors
    kind: str = InputKind.TEXT
    required: bool = True


@dataclass(frozen=True)
class ProcessDefinition:
    key: str
    label: str | Promise
    start: Starter
    description: str | Promise = ""
    inputs: tuple[ProcessInput, ...] = ()
    # Roles one of which the applicant must hold (an internal process such as a
    # position's reappointment: only department heads); empty: whoever the form admits.
    starter_roles: tuple[str, ...] = ()
    # Why the process refuses an application before it becomes a case (German
    # sentences; empty: accepted), from the inputs and values the form gives.
    refusals: Callable[[dict[str, Any], dict[str, Any]], list[str]] | None = None


_REGISTRY: Registry[str, ProcessDefinition] = Registry("processes")


def register_process(
    *,
    key: str,
    label: str | Promise,
    start: Starter,
    description: str | Promise = "",
    inputs: tuple[ProcessInput, ...] = (),
    refusals: Callable[[dict[str, Any], dict[str, Any]], list[str]] | None = None,
) -> None:
    """Register (or replace, e.g. on reload) the process handling ``key``.

    ``start`` is called as ``start(case=..., actor=...)`` inside the
    transaction that created the case; ``inputs`` are the form values it reads.
    """
    _REGISTRY.register(
        key,
        ProcessDefinition(
            key=key,
            label=label,
            start=start,
            description=description,
            inputs=inputs,
            refusals=refusals,
        ),
    )


# Processes defined at run time (the workflow designer's published definitions): a
# source lists them from the database, so every app server sees the same ones.
ProcessSource = Callable[[], list[ProcessDefinition]]
_SOURCES: Registry[str, ProcessSource] = Registry("process sources")


def register_process_source(name: str, source: ProcessSource) -> None:
    _SOURCES.register(name, source)


def _from_sources() -> dict[str, ProcessDefinition]:
    return {p.key: p for source in _SOURCES.values() for p in source()}


def get_process(key: str) -> ProcessDefinition:
    found = _REGISTRY.get(key) or _from_sources().get(key)
    if found is None:
        raise UnknownProcess(key)
    return found


def registered_processes() -> list[ProcessDefinition]:
    found = {**_from_sources(), **dict(_REGISTRY.items())}
    return sorted(found.values(), key=lambda p: str(p.label))


def process_choices() -> list[tuple[str, str]]:
    return [(p.key, str(p.label)) for p in registered_processes()]


def all_inputs() -> list[tuple[ProcessDefinition, ProcessInput]]:
    """Every declared input of every process, for the editors' choice of a field's input."""
    return [(p, i) for p in registered_processes() for i in p.inputs]


def inputs_of(case: Case) -> dict[str, Any]:
    """The values the case's process reads, as the form's mapping provided them."""
    return dict(case.data.get("inputs", {}))


def start_process(*, key: str, case: Case, actor: User | None = None) -> Any:
    """Start the process registered under ``key`` for ``case``."""
    return get_process(key).start(case=case, actor=actor)


# The money module's call when an invoice of a case is settled (paid in full, or
# cancelled for non-payment); ``flows`` registers the process side (continue the wait).
InvoiceListener = Callable[..., Any]
_INVOICE_LISTENERS: Registry[str, InvoiceListener] = Registry("invoice listeners")


def register_invoice_listener(listener: InvoiceListener) -> None:
    _INVOICE_LISTENERS.register(f"{listener.__module__}.{listener.__qualname__}", listener)


def invoice_settled(*, case_id: int, invoice_id: int) -> None:
    """Tell the case's process that its invoice is paid or cancelled: a process waiting for
    it takes its next step (what follows is in the process's chart, not here)."""
    for listener in _INVOICE_LISTENERS.values():
        listener(case_id=case_id, invoice_id=invoice_id)
