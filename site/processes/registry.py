from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise

if TYPE_CHECKING:
    from portal_site.accounts.models import User
    from portal_site.cases.models import Case

Starter = Callable[..., Any]


class UnknownProcess(LookupError):
    def __init__(self, key: str) -> None:
        super().__init__(f"No process is registered under the key {key!r}.")
        self.key = key


@dataclass(frozen=True)
class ProcessDefinition:
    key: str
    label: str | Promise
    start: Starter
    description: str | Promise = ""


_REGISTRY: dict[str, ProcessDefinition] = {}


def register_process(
    *, key: str, label: str | Promise, start: Starter, description: str | Promise = ""
) -> None:
    """Register (or replace, e.g. on reload) the process handling ``key``.

    ``start`` is called as ``start(case=..., actor=...)`` inside the
    transaction that created the case.
    """
    _REGISTRY[key] = ProcessDefinition(key=key, label=label, start=start, description=description)


def get_process(key: str) -> ProcessDefinition:
    try:
        return _REGISTRY[key]
    except KeyError:
        raise UnknownProcess(key) from None


def registered_processes() -> list[ProcessDefinition]:
    return sorted(_REGISTRY.values(), key=lambda p: str(p.label))


def process_choices() -> list[tuple[str, str]]:
    return [(p.key, str(p.label)) for p in registered_processes()]


def start_process(*, key: str, case: Case, actor: User | None = None) -> Any:
    """Start the process registered under ``key`` for ``case``."""
    return get_process(key).start(case=case, actor=actor)
