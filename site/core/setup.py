"""What every installation needs, demo or not: run by ``migrate`` (and ``setup_portal``).

Each package registers idempotent steps at start-up (roles and their permissions,
default e-mail and letter texts, the fee schedule skeleton). They run after every
``migrate`` (Django's ``post_migrate``, once all apps have their tables and
permissions) and again before the demo loader, so an installation without demo
content is complete and running them twice changes nothing. Texts and fees are
only created when missing, so what the city edited is kept; the role groups get
exactly the permissions their role defines in code (other groups are untouched).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, transaction

from portal_site.registry import Registry

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Step:
    order: int
    name: str
    run: Callable[[], object]


class OrderedSteps:
    """Steps that packages register at start-up, run by order (then name)."""

    def __init__(self, name: str) -> None:
        self._steps: Registry[str, Step] = Registry(name)

    def register(self, *, order: int, name: str, run: Callable[[], object]) -> None:
        self._steps.register(name, Step(order=order, name=name, run=run))

    def steps(self) -> list[Step]:
        return self._steps.sorted_values(key=lambda s: (s.order, s.name))


_SETUP = OrderedSteps("setup steps")
register_setup_step = _SETUP.register
setup_steps = _SETUP.steps


def run_setup(*, using: str = DEFAULT_DB_ALIAS) -> dict[str, object]:
    """Create every app's permissions, then run each registered step in one transaction."""
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    results: dict[str, object] = {}
    with transaction.atomic(using=using):
        for app_config in apps.get_app_configs():
            create_contenttypes(app_config, verbosity=0, using=using)
            create_permissions(app_config, verbosity=0, using=using)
        for step in setup_steps():
            results[step.name] = step.run()
    return results


def run_setup_after_migrate(sender, using=DEFAULT_DB_ALIAS, plan=None, **kwargs) -> None:
    """``post_migrate`` is sent once per app with models; the setup runs after the last."""
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if sender is not with_models[-1]:
        return
    run_setup(using=using)
