"""Demo content: each package contributes a step, run in layer order.

``manage.py load_demo`` runs every registered step. Steps must be idempotent:
running the command twice changes nothing and never duplicates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

DEMO_PASSWORD = "Kassel-Demo-2026"  # noqa: S105 - published demo logins, dev only


@dataclass(frozen=True)
class DemoStep:
    order: int
    name: str
    run: Callable[[], object]


_STEPS: dict[str, DemoStep] = {}


def register_demo_step(*, order: int, name: str, run: Callable[[], object]) -> None:
    _STEPS[name] = DemoStep(order=order, name=name, run=run)


def demo_steps() -> list[DemoStep]:
    return sorted(_STEPS.values(), key=lambda s: (s.order, s.name))
