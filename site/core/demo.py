"""Demo content: each package contributes a step, run in layer order.

``manage.py load_demo`` runs every registered step. Steps must be idempotent:
running the command twice changes nothing and never duplicates.
"""

from __future__ import annotations

from .setup import OrderedSteps

DEMO_PASSWORD = "Kassel-Demo-2026"  # noqa: S105 - published demo logins, dev only

_DEMO = OrderedSteps("demo steps")
register_demo_step = _DEMO.register
demo_steps = _DEMO.steps
